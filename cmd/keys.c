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
#include "ops/keys.h"

enum cmd { ADD, LIST, REVOKE };

static int
add(struct journal *j, const char *name, const char *tenant,
    const char *scopes, long rate)
{
	char key[APIKEY_LEN + 1];
	int added;

	if (ops_keys_add(j, name, tenant, scopes, rate, clock_ms(), key,
	    &added) != 0)
		return setup_journal_failed(j);
	if (!added) {
		log_error(NULL, "a key called '%s' exists already", name);
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

	if (ops_keys_revoke(j, name, clock_ms(), &done) != 0)
		return setup_journal_failed(j);
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
	const char *scopes = OPS_KEYS_SCOPES, *name;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	long rate = OPS_KEYS_RATE;
	enum cmd cmd;
	int c, i, rc;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
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
	else if (ops_keys_list(journal, list_one, NULL) != 0)
		rc = setup_journal_failed(journal);
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
