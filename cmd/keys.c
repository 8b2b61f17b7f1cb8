/*
 * integra-keys: the API keys of the receiver: add, list, revoke.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "httpd/apikey.h"
#include "base/clock.h"
#include "conf/config.h"
#include "json/event.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/keys.h"
#include "base/log.h"
#include "cli/options.h"
#include "cli/setup.h"

#define DEFAULT_SCOPES	"events:write events:read"
#define DEFAULT_RATE	60	/* requests a minute */

enum cmd { ADD, LIST, REVOKE };

static int
add(struct journal *j, const char *name, const char *tenant,
    const char *scopes, long rate)
{
	struct journal_key k = { .name = name, .tenant = tenant,
	    .scopes = scopes, .rate_limit = rate };
	unsigned char hash[JOURNAL_KEY_HASH_LEN];
	char key[APIKEY_LEN + 1], shown[APIKEY_SHOWN + 1];
	int added;

	apikey_new(key);
	apikey_hash(key, hash);
	memcpy(shown, key, APIKEY_SHOWN);
	shown[APIKEY_SHOWN] = '\0';
	k.prefix = shown;
	k.created_at = clock_ms();
	if (journal_key_add(j, &k, hash, &added) != 0) {
		log_error(NULL, "%s", journal_error(j));
		return EX_SOFTWARE;
	}
	if (!added) {
		log_error(NULL, "a key called '%s' exists already", name);
		explicit_bzero(key, sizeof(key));
		return EX_DATAERR;
	}
	/* The one time the key is shown: only its hash is kept. */
	printf("%s\n", key);
	explicit_bzero(key, sizeof(key));
	log_info(NULL, "key '%s' added for tenant '%s' (%s, %ld requests a"
	    " minute): it is shown once, store it now", name, tenant, scopes,
	    rate);
	return EX_OK;
}

static int
list_one(void *ctx, const struct journal_key *k)
{
	char created[RFC3339_LEN + 1], revoked[RFC3339_LEN + 1];

	(void)ctx;
	clock_rfc3339(k->created_at, created);
	if (k->revoked_at != 0)
		clock_rfc3339(k->revoked_at, revoked);
	printf("%-20s %-12s %-26s %6ld/min  %s...  %s%s%s\n", k->name,
	    k->tenant, k->scopes, k->rate_limit, k->prefix, created,
	    k->revoked_at != 0 ? "  revoked " : "", k->revoked_at != 0 ?
	    revoked : "");
	return 0;
}

static int
revoke(struct journal *j, const char *name)
{
	int done;

	if (journal_key_revoke(j, name, clock_ms(), &done) != 0) {
		log_error(NULL, "%s", journal_error(j));
		return EX_SOFTWARE;
	}
	if (!done) {
		log_error(NULL, "no key called '%s' in force", name);
		return EX_DATAERR;
	}
	log_info(NULL, "key '%s' revoked", name);
	return EX_OK;
}

int
main(int argc, char *argv[])
{
	const char *cfgpath = NULL, *jpath = NULL, *tenant = NULL;
	const char *scopes = DEFAULT_SCOPES, *name;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	long rate = DEFAULT_RATE;
	enum cmd cmd;
	int c, i, rc;
	const struct options_spec opts[] = {
		OPTIONS_CONFIG(&cfgpath),
		OPTIONS_JOURNAL(&jpath),
		OPTIONS_END
	}, add_opts[] = {
		OPTIONS_STRING('T', "tenant", "tenant", &tenant),
		OPTIONS_STRING('S', "scopes", "scopes", &scopes),
		OPTIONS_NUMBER('R', "rate", "rate", &rate, 0, 1000000000,
		    "-R: requests a minute, 0 for no limit"),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[ADD] = { "add", add_opts, "name" },
		[LIST] = { "list", NULL, NULL },
		[REVOKE] = { "revoke", NULL, "name" },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-keys",
	    .opts = opts, .commands = cmds };

	log_init("integra-keys");
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	cmd = (enum cmd)c;
	if (argc - i != (cmd == LIST ? 0 : 1))
		return options_usage(&prog);
	name = cmd == LIST ? NULL : argv[i];
	if ((name != NULL && !event_name_valid(name)) ||
	    (tenant != NULL && !event_name_valid(tenant)) ||
	    !apikey_scopes_valid(scopes)) {
		log_error(NULL, "a name or tenant is letters, digits and"
		    " ._:-/; scopes are events:write, events:read, admin");
		return options_usage(&prog);
	}

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, cmd == ADD, &journal)) != EX_OK)
		goto out;
	if (cmd == ADD)
		rc = add(journal, name, tenant != NULL ? tenant : cfg->tenant,
		    scopes, rate);
	else if (cmd == REVOKE)
		rc = revoke(journal, name);
	else if (journal_key_list(journal, list_one, NULL) != 0) {
		log_error(NULL, "%s", journal_error(journal));
		rc = EX_SOFTWARE;
	}
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
