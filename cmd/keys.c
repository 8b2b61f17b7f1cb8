/*
 * integra-keys: the API keys of the receiver: add, list, revoke.
 */
#include <getopt.h>
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

static const char usage_text[] =
"usage: integra-keys [-h] [-c config] [-j journal] add [-T tenant]\n"
"                    [-S scopes] [-R rate] name\n"
"       integra-keys [-h] [-c config] [-j journal] list\n"
"       integra-keys [-h] [-c config] [-j journal] revoke name\n";

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
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "journal", required_argument, NULL, 'j' },
		{ "tenant", required_argument, NULL, 'T' },
		{ "scopes", required_argument, NULL, 'S' },
		{ "rate", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cfgpath = NULL, *jpath = NULL, *tenant = NULL;
	const char *scopes = NULL, *cmd, *name = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	long rate = -1;
	int ch, rc;

	log_init("integra-keys");
	/* Options may come before or after the command, as in git. */
	while ((ch = getopt_long(argc, argv, "c:j:T:S:R:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'j':
			jpath = optarg;
			break;
		case 'T':
			tenant = optarg;
			break;
		case 'S':
			scopes = optarg;
			break;
		case 'R':
			if ((rate = options_number(optarg, 0, 1000000000)) ==
			    -1) {
				log_error(NULL, "-R: requests a minute, 0 for no"
				    " limit");
				return options_usage(usage_text);
			}
			break;
		case 'h':
			return options_help(usage_text);
		case 'V':
			return options_version("integra-keys");
		default:
			return options_usage(usage_text);
		}
	}
	if (optind >= argc)
		return options_usage(usage_text);
	cmd = argv[optind++];
	if (optind < argc)
		name = argv[optind++];
	if (optind != argc ||
	    (strcmp(cmd, "list") == 0 ? name != NULL : name == NULL) ||
	    (strcmp(cmd, "add") != 0 && strcmp(cmd, "list") != 0 &&
	    strcmp(cmd, "revoke") != 0) ||
	    (strcmp(cmd, "add") != 0 && (tenant != NULL || scopes != NULL ||
	    rate != -1)))
		return options_usage(usage_text);
	if (scopes == NULL)
		scopes = DEFAULT_SCOPES;
	if (rate == -1)
		rate = DEFAULT_RATE;
	if ((name != NULL && !event_name_valid(name)) ||
	    (tenant != NULL && !event_name_valid(tenant)) ||
	    !apikey_scopes_valid(scopes)) {
		log_error(NULL, "a name or tenant is letters, digits and"
		    " ._:-/; scopes are events:write, events:read, admin");
		return options_usage(usage_text);
	}

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, strcmp(cmd, "add") == 0,
	    &journal)) != EX_OK)
		goto out;
	if (strcmp(cmd, "add") == 0)
		rc = add(journal, name, tenant != NULL ? tenant : cfg->tenant,
		    scopes, rate);
	else if (strcmp(cmd, "revoke") == 0)
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
