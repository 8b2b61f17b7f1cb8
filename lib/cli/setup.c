/*
 * setup: configuration and journal, with the exit codes of sysexits(3).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/buf.h"
#include "conf/config.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/seal.h"
#include "base/log.h"
#include "cli/setup.h"

int
setup_config(const char *path, struct cfg **out)
{
	char err[1024];

	/*
	 * Every program writes to pipes: a reader that goes away makes a
	 * write fail (EPIPE, said, exit 74) rather than a silent death by
	 * SIGPIPE.  The work is committed before it is written.
	 */
	signal(SIGPIPE, SIG_IGN);
	if ((*out = cfg_open(path, err, sizeof(err))) == NULL) {
		log_error(NULL, "config: %s", err);
		return EX_CONFIG;
	}
	return EX_OK;
}

void
setup_wait_input(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, -1) == -1 && errno == EINTR)
		continue;
}

/*
 * The keys of cfg's encryption: section, each read and decoded (base64
 * of SEAL_KEY_LEN bytes): a seal, or NULL with the reason logged.
 */
static struct seal *
keys(const struct cfg *cfg)
{
	const struct cfg_encryption *e = &cfg->encryption;
	unsigned char key[SEAL_KEY_LEN + 3];
	struct buf owner = BUF_INIT;
	struct seal *seal;
	char err[256], *text;
	size_t i, n;
	int len;

	if ((seal = seal_new()) == NULL) {
		log_error(NULL, "encryption: cannot set up a cipher");
		return NULL;
	}
	for (i = 0; i < e->nkeys; i++) {
		buf_reset(&owner);
		buf_addf(&owner, "encryption key '%s'", e->keys[i].id);
		if ((text = cfg_secret_read(owner.data, e->keys[i].env,
		    e->keys[i].file, err, sizeof(err))) == NULL) {
			log_error(NULL, "%s", err);
			goto bad;
		}
		n = strlen(text);
		/* 44 characters, one '=': EVP_DecodeBlock counts it in. */
		len = n == 44 ? EVP_DecodeBlock(key, (unsigned char *)text,
		    (int)n) : -1;
		OPENSSL_cleanse(text, n);
		free(text);
		if (len != SEAL_KEY_LEN + 1 || seal_add(seal, e->keys[i].id, key,
		    e->current != NULL && strcmp(e->keys[i].id,
		    e->current) == 0) != 0) {
			log_error(NULL, "%s is not the base64 of %d bytes",
			    owner.data, SEAL_KEY_LEN);
			goto bad;
		}
		OPENSSL_cleanse(key, sizeof(key));
	}
	buf_release(&owner);
	return seal;
bad:
	OPENSSL_cleanse(key, sizeof(key));
	buf_release(&owner);
	seal_free(seal);
	return NULL;
}

int
setup_journal(const struct cfg *cfg, const char *path, int create,
    struct journal **out)
{
	struct seal *seal = NULL;
	int rc;

	path = cfg_journal(cfg, path);
	if (cfg->encryption.on && (seal = keys(cfg)) == NULL)
		return EX_CONFIG;
	if ((rc = setup_journal_at(path, create, out)) != EX_OK) {
		seal_free(seal);
		return rc;
	}
	journal_set_seal(*out, seal);
	return EX_OK;
}

int
setup_journal_at(const char *path, int create, struct journal **out)
{
	char err[1024];
	int failure = EX_SOFTWARE;

	if (!create && journal_is_file(path) && access(path, F_OK) != 0) {
		log_error(NULL, "journal '%s': %s (integra-ingest creates it)",
		    path, strerror(errno));
		return EX_NOINPUT;
	}
	if ((*out = journal_open(path, err, sizeof(err), &failure)) == NULL) {
		log_error(NULL, "%s", err);
		/*
		 * Locked, or its server away: try again later; its URL
		 * wrong: the config; else it could not be made or read.
		 */
		if (failure == EX_TEMPFAIL || failure == EX_CONFIG)
			return failure;
		return create ? EX_CANTCREAT : EX_IOERR;
	}
	return EX_OK;
}

int
setup_journal_failed(struct journal *j)
{
	log_error(NULL, "%s", journal_error(j));
	return journal_abort(j);
}

int
setup_finish(int rc)
{
	int earlier = ferror(stdout), err = 0;

	if (fflush(stdout) != 0)
		err = errno;
	if (fclose(stdout) != 0 && err == 0)
		err = errno;
	if (err == 0 && !earlier)
		return rc;
	/* A run that ended with EX_IOERR has said why already. */
	if (rc != EX_IOERR)
		log_error(NULL, "write: %s", err != 0 ? strerror(err) :
		    "standard output failed");
	if (rc == EX_OK || rc == EX_DATAERR)
		rc = EX_IOERR;
	return rc;
}
