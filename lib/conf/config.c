/*
 * config: reads integra.yaml with libyaml's document API, which keeps the
 * line of every loader_node, so each complaint can say where it is.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "conf/loader.h"
#include "conf/sections.h"
#include "json/jsonscan.h"
#include "rules/contact.h"
#include "stage/outcome.h"
#include "stage/priority.h"
#include "rules/template.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif
#ifndef PKGDATADIR
#define PKGDATADIR	"/usr/share/integra"
#endif

#define DEFAULT_CONFIG	SYSCONFDIR "/integra/integra.yaml"
#define DEFAULT_JOURNAL	LOCALSTATEDIR "/lib/integra/journal.db"
#define SECRET_MAX	4096








/* A request timeout: a duration from 1 ms to an hour. */
static int
get_timeout(struct loader *ld, const yaml_node_t *n, const char *what,
    long *out)
{
	int64_t ms;

	if (loader_duration(ld, n, what, &ms) != 0)
		return -1;
	if (ms < 1 || ms > 3600000)
		return loader_bad(ld, n, "%s must be from 1ms to 1h", what);
	*out = (long)ms;
	return 0;
}

static int
get_concurrency(struct loader *ld, const yaml_node_t *n, int *out)
{
	long v;

	if (loader_long(ld, n, "concurrency", 1, 1024, &v) != 0)
		return -1;
	*out = (int)v;
	return 0;
}


/* A rate: "N/s", "N/m" or "N/h", or a plain N a second; in requests a
 * second. */
static int
get_rate(struct loader *ld, const yaml_node_t *n, double *out)
{
	const char *s;
	char *end;
	long v;

	if ((s = loader_scalar(ld, n, "rate_limit")) == NULL)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end != s && errno == 0 && v >= 1 && v <= 100000) {
		if (*end == '\0' || strcmp(end, "/s") == 0) {
			*out = (double)v;
			return 0;
		}
		if (strcmp(end, "/m") == 0) {
			*out = (double)v / 60;
			return 0;
		}
		if (strcmp(end, "/h") == 0) {
			*out = (double)v / 3600;
			return 0;
		}
	}
	return loader_bad(ld, n,
	    "rate_limit must be requests a second, minute or"
	    " hour, from 1 to 100000, like 20/s or 600/m, not '%s'", s);
}

/* A target's ordering: "subject" (in order by subject) or "none". */
static int
get_ordering(struct loader *ld, const yaml_node_t *n, struct cfg_target *t)
{
	const char *s;

	if ((s = loader_scalar(ld, n, "ordering")) == NULL)
		return -1;
	if (strcmp(s, "subject") != 0 && strcmp(s, "none") != 0)
		return loader_bad(ld, n, "target '%s': ordering is subject or"
		    " none, not '%s'", t->name, s);
	t->ordered = strcmp(s, "subject") == 0;
	return 0;
}

static int
get_factor(struct loader *ld, const yaml_node_t *n, double *out)
{
	const char *s;
	char *end;
	double v;

	if ((s = loader_scalar(ld, n, "factor")) == NULL)
		return -1;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v >= 1.0 && v <= 100.0))
		return loader_bad(ld, n,
		    "factor must be a number from 1 to 100,"
		    " not '%s'", s);
	*out = v;
	return 0;
}


/* An HTTP header name is a token (RFC 9110); a value has no CR, LF, NUL. */
static int
valid_header(const char *name, const char *value)
{
	const char *p;

	if (*name == '\0')
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) &&
		    strchr("!#$%&'*+-.^_`|~", *p) == NULL)
			return 0;
	return value == NULL || strpbrk(value, "\r\n") == NULL;
}

/* Headers whose values are credentials belong in auth, not in the file. */
static int
secret_header(const char *name)
{
	static const char *const words[] = {
		"authorization", "cookie", "token", "secret", "password",
		"api-key", "apikey", "api_key", NULL
	};
	char lower[128];
	size_t i;

	for (i = 0; name[i] != '\0' && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[i] = '\0';
	for (i = 0; words[i] != NULL; i++)
		if (strstr(lower, words[i]) != NULL)
			return 1;
	return 0;
}

static int
get_headers(struct loader *ld, const yaml_node_t *n,
    struct cfg_header **out, size_t *nout)
{
	const yaml_node_pair_t *p;
	const char *k, *v;

	if (n->type != YAML_MAPPING_NODE)
		return loader_bad(ld, n,
		    "headers must be a mapping of name: value");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		if ((k = loader_scalar(ld, loader_node(ld, p->key),
		    "a header name")) ==
		    NULL || (v = loader_scalar(ld, loader_node(ld, p->value),
		    "a header value")) == NULL)
			return -1;
		if (!valid_header(k, v))
			return loader_bad(ld, loader_node(ld, p->key),
			    "header '%s' is not a"
			    " valid header name and value", k);
		if (secret_header(k))
			return loader_bad(ld, loader_node(ld, p->key),
			    "header '%s' carries a"
			    " secret, which never sits in the config file: use"
			    " auth with secret_env or secret_file", k);
		*out = xrealloc(*out, (*nout + 1) * sizeof(**out));
		(*out)[*nout].name = xstrdup(k);
		(*out)[*nout].value = xstrdup(v);
		(*nout)++;
	}
	return 0;
}



/* The Standard Webhooks schedule: after the first try, these waits. */
static const int64_t standard_webhooks_delays[] = {
	5000, 300000, 1800000, 7200000, 18000000, 36000000, 50400000,
	72000000, 86400000,
};

/* A retry mapping being read: which of the two kinds of schedule it set. */
struct retry_load {
	struct cfg_retry	*r;
	int			 exponential;	/* max_attempts, base, ... */
	int			 schedule;	/* delays or preset */
};

static void
set_schedule(struct cfg_retry *r, const int64_t *delays, size_t n)
{
	memcpy(r->delays, delays, n * sizeof(*delays));
	r->ndelays = n;
	r->max_attempts = (int)n + 1;
}

static int
get_delays(struct loader *ld, const yaml_node_t *n, struct cfg_retry *r)
{
	int64_t delays[CFG_RETRY_DELAYS_MAX];
	yaml_node_item_t *it;
	size_t nd = 0;

	if (n->type != YAML_SEQUENCE_NODE ||
	    n->data.sequence.items.top == n->data.sequence.items.start)
		return loader_bad(ld, n, "delays must be a list of durations");
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		if (nd == CFG_RETRY_DELAYS_MAX)
			return loader_bad(ld, n, "delays: at most %d",
			    CFG_RETRY_DELAYS_MAX);
		if (loader_duration(ld, loader_node(ld, *it), "a delay",
		    &delays[nd]) != 0)
			return -1;
		if (delays[nd] > 7 * 86400000LL)
			return loader_bad(ld, loader_node(ld, *it),
			    "a delay is at most a"
			    " week (168h)");
		nd++;
	}
	set_schedule(r, delays, nd);
	return 0;
}

static int
get_retry_on(struct loader *ld, const yaml_node_t *n, struct cfg_retry *r)
{
	yaml_node_item_t *it;
	long status;

	if (n->type != YAML_SEQUENCE_NODE)
		return loader_bad(ld, n,
		    "retry_on must be a list of HTTP statuses");
	r->nretry_on = 0;
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		if (r->nretry_on == CFG_RETRY_ON_MAX)
			return loader_bad(ld, n,
			    "retry_on: at most %d statuses",
			    CFG_RETRY_ON_MAX);
		if (loader_long(ld, loader_node(ld, *it),
		    "a status in retry_on", 400,
		    499, &status) != 0)
			return -1;
		r->retry_on[r->nretry_on++] = (int)status;
	}
	return 0;
}

static int
retry_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct retry_load *rl = ctx;
	struct cfg_retry *r = rl->r;
	const char *s;
	long n;

	if (strcmp(k, "retry_on") == 0)
		return get_retry_on(ld, v, r);
	if (strcmp(k, "delays") == 0 || strcmp(k, "preset") == 0) {
		if (rl->exponential || rl->schedule)
			return loader_bad(ld, v,
			    "retry: give one of delays, preset,"
			    " or max_attempts/base/factor/cap");
		rl->schedule = 1;
		if (strcmp(k, "delays") == 0)
			return get_delays(ld, v, r);
		if ((s = loader_scalar(ld, v, "preset")) == NULL)
			return -1;
		if (strcmp(s, "standard-webhooks") != 0)
			return loader_bad(ld, v,
			    "unknown retry preset '%s' (there"
			    " is standard-webhooks)", s);
		set_schedule(r, standard_webhooks_delays,
		    sizeof(standard_webhooks_delays) /
		    sizeof(standard_webhooks_delays[0]));
		return 0;
	}
	if (rl->schedule)
		return loader_bad(ld, v, "retry: give one of delays, preset, or"
		    " max_attempts/base/factor/cap");
	if (!rl->exponential) {
		rl->exponential = 1;
		r->ndelays = 0;	/* inherited a schedule: replaced */
	}
	if (strcmp(k, "max_attempts") == 0) {
		if (loader_long(ld, v, "max_attempts", 1, 100, &n) != 0)
			return -1;
		r->max_attempts = (int)n;
		return 0;
	}
	if (strcmp(k, "base") == 0)
		return loader_duration(ld, v, "base", &r->base_ms);
	if (strcmp(k, "cap") == 0)
		return loader_duration(ld, v, "cap", &r->cap_ms);
	if (strcmp(k, "factor") == 0)
		return get_factor(ld, v, &r->factor);
	return loader_unknown(ld, v, k, "retry");
}

static int
load_retry(struct loader *ld, const yaml_node_t *v, struct cfg_retry *r)
{
	struct retry_load rl = { .r = r };

	return loader_each(ld, v, "retry", retry_pair, &rl);
}

/* The outcomes that become events: a list of their names. */
static int
get_outcomes(struct loader *ld, const yaml_node_t *n, unsigned *out)
{
	yaml_node_item_t *it;
	const char *s;
	unsigned bit;

	if (n->type != YAML_SEQUENCE_NODE)
		return loader_bad(ld, n, "outcomes must be a list");
	*out = 0;
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		if ((s = loader_scalar(ld, loader_node(ld, *it),
		    "an outcome")) == NULL)
			return -1;
		if (outcome_parse(s, &bit) != 0)
			return loader_bad(ld, loader_node(ld, *it),
			    "an outcome is succeeded,"
			    " failed, dead or disabled, not '%s'", s);
		*out |= bit;
	}
	return 0;
}

static int
circuit_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	struct cfg_circuit *c = ctx;
	const char *s;
	int64_t *ms;
	char *end;
	long n;

	if (strcmp(k, "failures") == 0) {
		if (loader_long(ld, v, "failures", 0, 1000, &n) != 0)
			return -1;
		c->failures = (int)n;
		return 0;
	}
	if (strcmp(k, "cooldown") == 0 || strcmp(k, "window") == 0) {
		ms = k[0] == 'c' ? &c->cooldown_ms : &c->window_ms;
		if (loader_duration(ld, v, k, ms) != 0)
			return -1;
		if (*ms < 1000 || *ms > 86400000)
			return loader_bad(ld, v, "%s must be from 1s to 24h",
			    k);
		return 0;
	}
	if (strcmp(k, "error_rate") == 0) {
		if ((s = loader_scalar(ld, v, "error_rate")) == NULL)
			return -1;
		errno = 0;
		n = strtol(s, &end, 10);
		if (!isdigit((unsigned char)*s) || errno != 0 || n < 1 ||
		    n > 100 ||
		    (*end != '\0' && strcmp(end, "%") != 0))
			return loader_bad(ld, v,
			    "error_rate must be a percentage"
			    " from 1%% to 100%%, not '%s'", s);
		c->error_rate = (int)n;
		return 0;
	}
	return loader_unknown(ld, v, k, "circuit");
}

static int
defaults_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	struct cfg *cfg = ctx;

	if (strcmp(k, "tenant") == 0) {
		if (loader_string(ld, v, "tenant", &cfg->tenant) != 0)
			return -1;
		if (!loader_valid_name(cfg->tenant))
			return loader_bad(ld, v,
			    "tenant '%s' is not a valid name",
			    cfg->tenant);
		return 0;
	}
	if (strcmp(k, "country") == 0) {
		if (loader_string(ld, v, "country", &cfg->country) != 0)
			return -1;
		if (contact_calling_code(cfg->country) == NULL)
			return loader_bad(ld, v,
			    "country '%s' is not an ISO 3166"
			    " code integra knows", cfg->country);
		return 0;
	}
	if (strcmp(k, "datadir") == 0)
		return loader_string(ld, v, "datadir", &cfg->datadir);
	if (strcmp(k, "timeout") == 0)
		return get_timeout(ld, v, k, &cfg->timeout_ms);
	if (strcmp(k, "connect_timeout") == 0)
		return get_timeout(ld, v, k, &cfg->connect_timeout_ms);
	if (strcmp(k, "concurrency") == 0)
		return get_concurrency(ld, v, &cfg->concurrency);
	if (strcmp(k, "retry") == 0)
		return load_retry(ld, v, &cfg->retry);
	if (strcmp(k, "circuit") == 0)
		return loader_each(ld, v, "circuit", circuit_pair,
		    &cfg->circuit);
	if (strcmp(k, "outcomes") == 0)
		return get_outcomes(ld, v, &cfg->outcomes);
	return loader_unknown(ld, v, k, "defaults");
}

/*
 * A signature scheme being read: a source's auth (checked), or a target's
 * signing (made), whose kind and name the errors give.
 */
struct auth_load {
	struct cfg_webhook_auth	*a;
	const char		*kind;		/* "source" or "target" */
	const char		*name;
	int			 signing;
};

static int
webhook_auth_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	struct auth_load *al = ctx;
	struct cfg_webhook_auth *a = al->a;
	const char *s;

	if (strcmp(k, "scheme") == 0) {
		if ((s = loader_scalar(ld, v, "scheme")) == NULL)
			return -1;
		if (strcmp(s, "hmac-sha256") == 0)
			a->scheme = CFG_AUTH_HMAC;
		else if (strcmp(s, "standard-webhooks") == 0)
			a->scheme = CFG_AUTH_STANDARD_WEBHOOKS;
		else if (strcmp(s, "token") == 0 && !al->signing)
			a->scheme = CFG_AUTH_TOKEN;
		else if (strcmp(s, "google-rbm") == 0 && !al->signing)
			a->scheme = CFG_AUTH_GOOGLE_RBM;
		else
			return loader_bad(ld, v,
			    "%s '%s': scheme is hmac-sha256%s"
			    " standard-webhooks%s, not '%s'", al->kind,
			    al->name, al->signing ? " or" : ",",
			    al->signing ? "" : ", token or google-rbm", s);
		return 0;
	}
	if (strcmp(k, "header") == 0) {
		if (loader_string(ld, v, "header", &a->header) != 0)
			return -1;
		if (!valid_header(a->header, NULL))
			return loader_bad(ld, v, "%s '%s': header '%s' is not a"
			    " valid header name", al->kind, al->name,
			    a->header);
		return 0;
	}
	if (strcmp(k, "encoding") == 0) {
		if ((s = loader_scalar(ld, v, "encoding")) == NULL)
			return -1;
		if (strcmp(s, "hex") != 0 && strcmp(s, "base64") != 0)
			return loader_bad(ld, v, "%s '%s': encoding is hex or"
			    " base64", al->kind, al->name);
		a->base64 = strcmp(s, "base64") == 0;
		return 0;
	}
	if (strcmp(k, "prefix") == 0) {
		if (loader_string(ld, v, "prefix", &a->prefix) != 0)
			return -1;
		if (strpbrk(a->prefix, "\r\n") != NULL)
			return loader_bad(ld, v,
			    "%s '%s': prefix has a line break",
			    al->kind, al->name);
		return 0;
	}
	if (strcmp(k, "secret_env") == 0)
		return loader_string(ld, v, k, &a->secret_env);
	if (strcmp(k, "secret_file") == 0)
		return loader_string(ld, v, k, &a->secret_file);
	if (strcmp(k, "previous_secret_env") == 0)
		return loader_string(ld, v, k, &a->previous_env);
	if (strcmp(k, "previous_secret_file") == 0)
		return loader_string(ld, v, k, &a->previous_file);
	if (strcmp(k, "tolerance") == 0 && !al->signing)
		return loader_duration(ld, v, "tolerance", &a->tolerance_ms);
	if (strcmp(k, "secret") == 0 || strcmp(k, "token") == 0)
		return loader_bad(ld, v, "%s '%s': a secret never sits in the"
		    " config file: use secret_env or secret_file", al->kind,
		    al->name);
	return loader_unknown(ld, v, k, al->signing ? "signing" : "auth");
}

/* What each scheme needs, checked once the mapping is read. */
static int
webhook_auth_check(struct loader *ld, const yaml_node_t *v,
    struct auth_load *al)
{
	struct cfg_webhook_auth *a = al->a;
	const char *what = al->signing ? "signing" : "auth";

	if (a->scheme == CFG_AUTH_NONE)
		return loader_bad(ld, v, "%s '%s': %s needs a scheme", al->kind,
		    al->name, what);
	if ((a->secret_env == NULL) == (a->secret_file == NULL))
		return loader_bad(ld, v, "%s '%s': %s needs exactly one of"
		    " secret_env and secret_file", al->kind, al->name, what);
	if (a->previous_env != NULL && a->previous_file != NULL)
		return loader_bad(ld, v, "%s '%s': at most one of"
		    " previous_secret_env and previous_secret_file",
		    al->kind, al->name);
	if (a->scheme == CFG_AUTH_HMAC && a->header == NULL)
		return loader_bad(ld, v, "%s '%s': hmac-sha256 needs the header"
		    " that carries the signature", al->kind, al->name);
	if (al->signing && a->scheme == CFG_AUTH_HMAC &&
	    (a->previous_env != NULL || a->previous_file != NULL))
		return loader_bad(ld, v, "%s '%s': hmac-sha256 signs with one"
		    " secret: no previous_secret", al->kind, al->name);
	if (a->scheme == CFG_AUTH_TOKEN && a->header == NULL)
		a->header = xstrdup("Client-Token");
	if (a->scheme == CFG_AUTH_GOOGLE_RBM && a->header == NULL)
		a->header = xstrdup("X-Goog-Signature");
	if (a->scheme == CFG_AUTH_STANDARD_WEBHOOKS && a->header != NULL)
		return loader_bad(ld, v,
		    "%s '%s': standard-webhooks has its own"
		    " headers", al->kind, al->name);
	if (a->tolerance_ms == 0)
		a->tolerance_ms = 5 * 60 * 1000;
	return 0;
}

static int
load_webhook_auth(struct loader *ld, const yaml_node_t *v,
    struct cfg_webhook_auth *a, const char *kind, const char *name,
    int signing)
{
	struct auth_load al = { .a = a, .kind = kind, .name = name,
	    .signing = signing };

	return loader_each(ld, v, signing ? "signing" : "auth",
	    webhook_auth_pair, &al) != 0 ? -1 :
	    webhook_auth_check(ld, v, &al);
}

static int
auth_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_target *t = ctx;

	if (strcmp(k, "header") == 0)
		return loader_string(ld, v, "header", &t->auth_header);
	if (strcmp(k, "scheme") == 0)
		return loader_string(ld, v, "scheme", &t->auth_scheme);
	if (strcmp(k, "secret_env") == 0)
		return loader_string(ld, v, "secret_env", &t->secret_env);
	if (strcmp(k, "secret_file") == 0)
		return loader_string(ld, v, "secret_file", &t->secret_file);
	if (strcmp(k, "username") == 0)
		return loader_string(ld, v, "username", &t->username);
	if (strcmp(k, "secret") == 0 || strcmp(k, "token") == 0 ||
	    strcmp(k, "password") == 0)
		return loader_bad(ld, v,
		    "target '%s': a secret never sits in the"
		    " config file: use secret_env or secret_file", t->name);
	return loader_unknown(ld, v, k, "auth");
}

static int
zapi_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_target *t = ctx;

	if (strcmp(k, "instance") == 0) {
		if (loader_string(ld, v, "instance", &t->zapi_instance) != 0)
			return -1;
		if (t->zapi_instance[0] == '\0' || strspn(t->zapi_instance,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_-") != strlen(t->zapi_instance))
			return loader_bad(ld, v,
			    "target '%s': the zapi instance is"
			    " letters, digits, _ and -", t->name);
		return 0;
	}
	if (strcmp(k, "token_env") == 0)
		return loader_string(ld, v, "token_env", &t->zapi_token_env);
	if (strcmp(k, "token_file") == 0)
		return loader_string(ld, v, "token_file", &t->zapi_token_file);
	if (strcmp(k, "token") == 0)
		return loader_bad(ld, v,
		    "target '%s': a secret never sits in the"
		    " config file: use token_env or token_file", t->name);
	return loader_unknown(ld, v, k, "zapi");
}

/* An http:// or https:// URL without blanks. */
static int
valid_http_url(const char *s)
{
	return (strncmp(s, "http://", 7) == 0 ||
	    strncmp(s, "https://", 8) == 0) && strpbrk(s, " \t\r\n") == NULL;
}

/*
 * The grant's extra members: a plain scalar that is a JSON number goes
 * as a number in a JSON grant (Marketing Cloud's account_id), any other
 * as a string.
 */
static int
get_params(struct loader *ld, const yaml_node_t *n, struct cfg_token *tk)
{
	const yaml_node_pair_t *p;
	const yaml_node_t *vn;
	const char *k, *v;

	if (n->type != YAML_MAPPING_NODE)
		return loader_bad(ld, n,
		    "params must be a mapping of name: value");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		vn = loader_node(ld, p->value);
		if ((k = loader_scalar(ld, loader_node(ld, p->key),
		    "a param name")) ==
		    NULL || (v = loader_scalar(ld, vn, "a param value")) ==
		    NULL)
			return -1;
		if (*k == '\0' || strcmp(k, "grant_type") == 0 ||
		    strncmp(k, "client_", 7) == 0 || strcmp(k, "scope") == 0)
			return loader_bad(ld, loader_node(ld, p->key),
			    "param '%s': the grant"
			    " sets grant_type, client_id, client_secret and"
			    " scope itself", k);
		tk->params = xrealloc(tk->params, (tk->nparams + 1) *
		    sizeof(*tk->params));
		tk->params[tk->nparams].name = xstrdup(k);
		tk->params[tk->nparams].value = xstrdup(v);
		tk->params[tk->nparams].number =
		    vn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    json_validate(v, strlen(v), NULL, NULL) == JSON_NUMBER;
		tk->nparams++;
	}
	return 0;
}

/* A token source's margin: from 0 to a day. */
static int
get_margin(struct loader *ld, const yaml_node_t *v, struct cfg_token *tk)
{
	if (loader_duration(ld, v, "margin", &tk->margin_ms) != 0)
		return -1;
	if (tk->margin_ms < 0 || tk->margin_ms > 86400000)
		return loader_bad(ld, v, "margin must be from 0s to 24h");
	return 0;
}

static int
oauth2_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_target *t = ctx;
	struct cfg_token *tk = &t->token;
	const char *s;

	if (strcmp(k, "token_url") == 0) {
		if (loader_string(ld, v, k, &tk->token_url) != 0)
			return -1;
		if (!valid_http_url(tk->token_url))
			return loader_bad(ld, v,
			    "target '%s': token_url must be an"
			    " http:// or https:// URL", t->name);
		return 0;
	}
	if (strcmp(k, "client_id") == 0)
		return loader_string(ld, v, k, &tk->client_id);
	if (strcmp(k, "client_id_env") == 0)
		return loader_string(ld, v, k, &tk->client_id_env);
	if (strcmp(k, "client_id_file") == 0)
		return loader_string(ld, v, k, &tk->client_id_file);
	if (strcmp(k, "client_secret_env") == 0)
		return loader_string(ld, v, k, &tk->client_secret_env);
	if (strcmp(k, "client_secret_file") == 0)
		return loader_string(ld, v, k, &tk->client_secret_file);
	if (strcmp(k, "client_secret") == 0)
		return loader_bad(ld, v,
		    "target '%s': a secret never sits in the"
		    " config file: use client_secret_env or client_secret_file",
		    t->name);
	if (strcmp(k, "scope") == 0)
		return loader_string(ld, v, k, &tk->scope);
	if (strcmp(k, "encoding") == 0 || strcmp(k, "auth") == 0) {
		if ((s = loader_scalar(ld, v, k)) == NULL)
			return -1;
		if (k[0] == 'e' && (strcmp(s, "form") == 0 ||
		    strcmp(s, "json") == 0))
			tk->json = s[0] == 'j';
		else if (k[0] == 'a' && (strcmp(s, "body") == 0 ||
		    strcmp(s, "basic") == 0))
			tk->basic = s[1] == 'a';
		else
			return loader_bad(ld, v,
			    "target '%s': %s is %s, not '%s'",
			    t->name, k, k[0] == 'e' ? "form or json" :
			    "body or basic", s);
		return 0;
	}
	if (strcmp(k, "params") == 0)
		return get_params(ld, v, tk);
	if (strcmp(k, "base_url") == 0)
		return loader_string(ld, v, k, &tk->base_url);
	if (strcmp(k, "margin") == 0)
		return get_margin(ld, v, tk);
	return loader_unknown(ld, v, k, "oauth2");
}

static int
token_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_target *t = ctx;
	struct cfg_token *tk = &t->token;

	if (strcmp(k, "from") == 0)
		return loader_string(ld, v, k, &tk->from);
	if (strcmp(k, "method") == 0) {
		if (loader_string(ld, v, k, &tk->method) != 0)
			return -1;
		if (strcmp(tk->method, "GET") != 0 &&
		    strcmp(tk->method, "POST") != 0)
			return loader_bad(ld, v,
			    "target '%s': a token's method is GET"
			    " or POST, not '%s'", t->name, tk->method);
		return 0;
	}
	if (strcmp(k, "path") == 0) {
		if (loader_string(ld, v, k, &tk->path) != 0)
			return -1;
		if (tk->path[0] != '/' || strpbrk(tk->path, " \t\r\n") != NULL)
			return loader_bad(ld, v,
			    "path must start with / and have no"
			    " blanks");
		return 0;
	}
	if (strcmp(k, "body") == 0) {
		tk->body_line = loader_line(v);
		return loader_string(ld, v, k, &tk->body);
	}
	if (strcmp(k, "pick") == 0) {
		tk->pick_line = loader_line(v);
		return loader_string(ld, v, k, &tk->pick);
	}
	if (strcmp(k, "expires_in") == 0) {
		tk->expires_line = loader_line(v);
		return loader_string(ld, v, k, &tk->expires_in);
	}
	if (strcmp(k, "margin") == 0)
		return get_margin(ld, v, tk);
	return loader_unknown(ld, v, k, "token");
}

/* A token source: one of oauth2 and token, each with what it needs. */
static int
load_token(struct loader *ld, const char *k, const yaml_node_t *v,
    struct cfg_target *t)
{
	struct cfg_token *tk = &t->token;

	if (tk->kind != CFG_TOKEN_NONE)
		return loader_bad(ld, v,
		    "target '%s': give one of oauth2 and token",
		    t->name);
	tk->line = loader_line(v);
	tk->margin_ms = 60000;
	if (strcmp(k, "token") == 0) {
		tk->kind = CFG_TOKEN_REQUEST;
		if (loader_each(ld, v, "token", token_pair, t) != 0)
			return -1;
		if (tk->from == NULL || tk->path == NULL || tk->pick == NULL)
			return loader_bad(ld, v,
			    "target '%s': token needs from, path"
			    " and pick", t->name);
		if (tk->method == NULL)
			tk->method = xstrdup("GET");
		if (tk->body != NULL && strcmp(tk->method, "POST") != 0)
			return loader_bad(ld, v,
			    "target '%s': a token's body is for"
			    " method POST", t->name);
		return 0;
	}
	tk->kind = CFG_TOKEN_OAUTH2;
	if (loader_each(ld, v, "oauth2", oauth2_pair, t) != 0)
		return -1;
	if (tk->token_url == NULL)
		return loader_bad(ld, v, "target '%s': oauth2 needs token_url",
		    t->name);
	if ((tk->client_id != NULL) + (tk->client_id_env != NULL) +
	    (tk->client_id_file != NULL) != 1)
		return loader_bad(ld, v,
		    "target '%s': oauth2 needs exactly one of"
		    " client_id, client_id_env and client_id_file", t->name);
	if ((tk->client_secret_env == NULL) == (tk->client_secret_file == NULL))
		return loader_bad(ld, v,
		    "target '%s': oauth2 needs exactly one of"
		    " client_secret_env and client_secret_file", t->name);
	if (tk->basic && tk->json)
		return loader_bad(ld, v,
		    "target '%s': oauth2's auth basic is for the"
		    " form encoding", t->name);
	return 0;
}

static int
target_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_target *t = ctx;

	if (strcmp(k, "url") == 0) {
		if (loader_string(ld, v, "url", &t->url) != 0)
			return -1;
		t->smtp = strncmp(t->url, "smtp://", 7) == 0 ||
		    strncmp(t->url, "smtps://", 8) == 0;
		if ((strncmp(t->url, "http://", 7) != 0 &&
		    strncmp(t->url, "https://", 8) != 0 && !t->smtp) ||
		    strpbrk(t->url, " \t\r\n") != NULL)
			return loader_bad(ld, v,
			    "target '%s': url must be an http://,"
			    " https://, smtp:// or smtps:// URL", t->name);
		return 0;
	}
	if (strcmp(k, "auth") == 0)
		return loader_each(ld, v, "auth", auth_pair, t);
	if (strcmp(k, "sync") == 0)
		return loader_string(ld, v, "sync", &t->sync);
	if (strcmp(k, "from") == 0) {
		if (loader_string(ld, v, "from", &t->from) != 0)
			return -1;
		if (strpbrk(t->from, "\r\n") != NULL ||
		    strchr(t->from, '@') == NULL)
			return loader_bad(ld, v,
			    "target '%s': from must be an e-mail"
			    " address, as Name <address> or address", t->name);
		return 0;
	}
	if (strcmp(k, "starttls") == 0)
		return loader_bool(ld, v, "starttls", &t->starttls);
	if (strcmp(k, "reply_to") == 0) {
		if (loader_string(ld, v, "reply_to", &t->reply_to) != 0)
			return -1;
		if (strpbrk(t->reply_to, " <>\r\n") != NULL ||
		    strchr(t->reply_to, '@') == NULL)
			return loader_bad(ld, v,
			    "target '%s': reply_to must be an"
			    " e-mail address", t->name);
		return 0;
	}
	if (strcmp(k, "ca_file") == 0)
		return loader_string(ld, v, "ca_file", &t->ca_file);
	if (strcmp(k, "zapi") == 0) {
		if (loader_each(ld, v, "zapi", zapi_pair, t) != 0)
			return -1;
		if (t->zapi_instance == NULL || (t->zapi_token_env == NULL) ==
		    (t->zapi_token_file == NULL))
			return loader_bad(ld, v,
			    "target '%s': zapi needs instance and"
			    " exactly one of token_env and token_file",
			    t->name);
		return 0;
	}
	if (strcmp(k, "headers") == 0)
		return get_headers(ld, v, &t->headers, &t->nheaders);
	if (strcmp(k, "timeout") == 0)
		return get_timeout(ld, v, k, &t->timeout_ms);
	if (strcmp(k, "connect_timeout") == 0)
		return get_timeout(ld, v, k, &t->connect_timeout_ms);
	if (strcmp(k, "concurrency") == 0)
		return get_concurrency(ld, v, &t->concurrency);
	if (strcmp(k, "rate_limit") == 0)
		return get_rate(ld, v, &t->rate);
	if (strcmp(k, "exclusive") == 0)
		return loader_bool(ld, v, "exclusive", &t->exclusive);
	if (strcmp(k, "ordering") == 0)
		return get_ordering(ld, v, t);
	if (strcmp(k, "retry") == 0)
		return load_retry(ld, v, &t->retry);
	if (strcmp(k, "circuit") == 0)
		return loader_each(ld, v, "circuit", circuit_pair, &t->circuit);
	if (strcmp(k, "signing") == 0)
		return load_webhook_auth(ld, v, &t->signing, "target",
		    t->name, 1);
	if (strcmp(k, "outcomes") == 0)
		return get_outcomes(ld, v, &t->outcomes);
	if (strcmp(k, "oauth2") == 0 || strcmp(k, "token") == 0)
		return load_token(ld, k, v, t);
	return loader_unknown(ld, v, k, "a target");
}

/*
 * A target's auth, once its url says what it is: a header with a secret
 * for HTTP, a username with a secret (the password) for SMTP.
 */
static int
check_auth(struct loader *ld, const yaml_node_t *v, struct cfg_target *t)
{
	int has = t->auth_header != NULL || t->username != NULL ||
	    t->secret_env != NULL || t->secret_file != NULL;

	if (t->token.kind != CFG_TOKEN_NONE) {
		if (t->smtp || t->zapi_instance != NULL)
			return loader_bad(ld, v,
			    "target '%s': a token source is for"
			    " an http(s) target, not %s", t->name, t->smtp ?
			    "an e-mail server" : "Z-API");
		if (t->secret_env != NULL || t->secret_file != NULL ||
		    t->username != NULL)
			return loader_bad(ld, v,
			    "target '%s': its auth is the token"
			    " its %s gives: no secret_env, secret_file or"
			    " username", t->name, t->token.kind ==
			    CFG_TOKEN_OAUTH2 ? "oauth2" : "token");
		if (t->auth_header == NULL)
			t->auth_header = xstrdup("Authorization");
		/* Bearer unless the auth says otherwise; "" for none. */
		if (t->auth_scheme == NULL)
			t->auth_scheme = xstrdup("Bearer");
		if (!valid_header(t->auth_header, t->auth_scheme))
			return loader_bad(ld, v,
			    "target '%s': auth header '%s' is not"
			    " a valid header name", t->name, t->auth_header);
		return 0;
	}
	if (!has)
		return 0;
	if (t->smtp && (t->username == NULL || t->auth_header != NULL))
		return loader_bad(ld, v,
		    "target '%s': an SMTP server's auth is a"
		    " username and a secret, no header", t->name);
	if (!t->smtp && t->username != NULL)
		return loader_bad(ld, v, "target '%s': username is for an SMTP"
		    " server's auth", t->name);
	if (!t->smtp && t->auth_header == NULL)
		return loader_bad(ld, v, "target '%s': auth needs a header",
		    t->name);
	if (!t->smtp && !valid_header(t->auth_header, t->auth_scheme))
		return loader_bad(ld, v,
		    "target '%s': auth header '%s' is not a"
		    " valid header name", t->name, t->auth_header);
	if ((t->secret_env == NULL) == (t->secret_file == NULL))
		return loader_bad(ld, v,
		    "target '%s': auth needs exactly one of"
		    " secret_env and secret_file", t->name);
	return 0;
}

static int
targets_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	struct cfg *cfg = ctx;
	struct cfg_target *t;
	size_t i;

	if (!loader_valid_name(k))
		return loader_bad(ld, v,
		    "target name '%s' is not valid (letters,"
		    " digits and ._:-/ only)", k);
	for (i = 0; i < cfg->ntargets; i++)
		if (strcmp(cfg->targets[i].name, k) == 0)
			return loader_bad(ld, v, "target '%s' is defined twice",
			    k);
	cfg->targets = xrealloc(cfg->targets,
	    (cfg->ntargets + 1) * sizeof(*cfg->targets));
	t = &cfg->targets[cfg->ntargets++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(k);
	t->line = loader_line(v);
	t->timeout_ms = cfg->timeout_ms;
	t->connect_timeout_ms = cfg->connect_timeout_ms;
	t->concurrency = cfg->concurrency;
	t->retry = cfg->retry;
	t->circuit = cfg->circuit;
	t->outcomes = cfg->outcomes;
	t->starttls = -1;
	if (loader_each(ld, v, "a target", target_pair, t) != 0)
		return -1;
	if (t->sync != NULL) {
		if (t->url != NULL || t->auth_header != NULL ||
		    t->zapi_instance != NULL || t->signing.scheme !=
		    CFG_AUTH_NONE || t->token.kind != CFG_TOKEN_NONE)
			return loader_bad(ld, v, "target '%s': a sync's target"
			    " has no url, auth, zapi, signing or token: it"
			    " starts a run here", k);
		t->url = xstrdup("");
		return 0;
	}
	if (t->url == NULL)
		return loader_bad(ld, v, "target '%s' has no url", k);
	if (t->starttls < 0)	/* smtp:// asks for TLS unless told not to */
		t->starttls = t->smtp && strncmp(t->url, "smtp://", 7) == 0;
	else if (!t->smtp)
		return loader_bad(ld, v,
		    "target '%s': starttls is for an smtp:// url",
		    k);
	if ((t->from != NULL || t->reply_to != NULL) && !t->smtp)
		return loader_bad(ld, v, "target '%s': %s is for an smtp:// or"
		    " smtps:// url", k, t->from != NULL ? "from" : "reply_to");
	if (t->zapi_instance != NULL && t->smtp)
		return loader_bad(ld, v,
		    "target '%s': zapi is for an http(s) url", k);
	return check_auth(ld, v, t);
}

/*
 * A step being read: which of the route's, and what it is.  Steps are
 * appended to the route as they are met (a fallback inside a "then" item
 * comes before the next item), so they are held by index, not pointer.
 */
enum step_kind { STEP_FIRST, STEP_THEN, STEP_FALLBACK, STEP_FLOW };

struct step_load {
	struct cfg_route	*r;
	size_t			 i;
	enum step_kind		 kind;
};

static size_t
add_step(struct cfg_route *r, const yaml_node_t *n)
{
	struct cfg_step *s;

	r->steps = xrealloc(r->steps, (r->nsteps + 1) * sizeof(*r->steps));
	s = &r->steps[r->nsteps];
	memset(s, 0, sizeof(*s));
	s->line = loader_line(n);
	s->priority = -1;	/* the route's, once it is known */
	return r->nsteps++;
}

static int	step_pair(struct loader *, void *, const char *,
		    const yaml_node_t *);

static int
load_step(struct loader *ld, struct cfg_route *r, const yaml_node_t *n,
    enum step_kind kind, size_t *index)
{
	struct step_load sl = { .r = r, .kind = kind };

	sl.i = *index = add_step(r, n);
	return loader_each(ld, n, kind == STEP_FALLBACK ? "a fallback" :
	    "a step", step_pair, &sl);
}

/* The route's "then": steps made one after the other. */
static int
load_then(struct loader *ld, struct cfg_route *r, const yaml_node_t *n)
{
	yaml_node_item_t *it;
	size_t prev = 0, i;

	if (n->type != YAML_SEQUENCE_NODE)
		return loader_bad(ld, n, "then must be a list of steps");
	if (r->steps[0].next != 0)
		return loader_bad(ld, n, "then is given twice");
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		if (load_step(ld, r, loader_node(ld, *it), STEP_THEN, &i) != 0)
			return -1;
		r->steps[prev].next = (int)i;
		prev = i;
	}
	return 0;
}

static int
emit_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_step *st = ctx;

	if (strcmp(k, "type") == 0)
		return loader_string(ld, v, "type", &st->emit_type);
	if (strcmp(k, "data") == 0)
		return loader_string(ld, v, "data", &st->emit_data);
	return loader_unknown(ld, v, k, "emit");
}

/* emit: TYPE, or {type, data}. */
static int
load_emit(struct loader *ld, struct cfg_step *st, const yaml_node_t *v)
{
	st->emit_line = loader_line(v);
	if (st->emit_type != NULL)
		return loader_bad(ld, v, "emit is given twice");
	if (v->type == YAML_SCALAR_NODE) {
		if (loader_string(ld, v, "emit", &st->emit_type) != 0)
			return -1;
	} else if (loader_each(ld, v, "emit", emit_pair, st) != 0)
		return -1;
	if (st->emit_type == NULL || !loader_valid_name(st->emit_type))
		return loader_bad(ld, v, "emit needs a type: the event type its"
		    " answer becomes");
	return 0;
}

/*
 * The keys of a route itself, not of its steps: its group and fan-out.
 * *done says whether k was one.
 */
static int
route_key(struct loader *ld, struct cfg_route *r, const char *k,
    const yaml_node_t *v, int *done)
{
	long pct;

	*done = 1;
	if (strcmp(k, "group") == 0) {
		r->group_line = loader_line(v);
		return loader_string(ld, v, "group", &r->group);
	}
	if (strcmp(k, "each") == 0) {
		r->each_line = loader_line(v);
		return loader_string(ld, v, "each", &r->each);
	}
	if (strcmp(k, "key") == 0) {
		r->key_line = loader_line(v);
		return loader_string(ld, v, "key", &r->key);
	}
	if (strcmp(k, "progress") == 0) {
		if (loader_long(ld, v, "progress", 1, 50, &pct) != 0)
			return -1;
		r->progress = (int)pct;
		return 0;
	}
	*done = 0;
	return 0;
}

static int
step_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	static const char *const methods[] = {
		"POST", "PUT", "PATCH", "DELETE", "GET", NULL
	};
	struct step_load *sl = ctx;
	struct cfg_step *st = &sl->r->steps[sl->i];
	const char *s;
	size_t i;
	int done = 0;

	if (strcmp(k, "to") == 0)
		return loader_string(ld, v, "to", &st->target);
	if (strcmp(k, "when") == 0) {
		st->when_line = loader_line(v);
		return loader_string(ld, v, "when", &st->when);
	}
	if (strcmp(k, "body") == 0) {
		st->body_line = loader_line(v);
		return loader_string(ld, v, "body", &st->body);
	}
	if (strcmp(k, "path") == 0) {
		st->path_line = loader_line(v);
		if (loader_string(ld, v, "path", &st->path) != 0)
			return -1;
		/* What is interpolated is checked as each request is made. */
		if ((st->path[0] != '/' && st->path[0] != '\0') ||
		    strpbrk(st->path, "\r\n") != NULL ||
		    (strstr(st->path, "\\(") == NULL &&
		    strpbrk(st->path, " \t") != NULL))
			return loader_bad(ld, v,
			    "path must start with / and have no"
			    " blanks");
		return 0;
	}
	if (strcmp(k, "emit") == 0) {
		if (sl->kind == STEP_FLOW)
			return loader_bad(ld, v,
			    "a flow's step has no emit: what it"
			    " keeps of an answer is save's");
		return load_emit(ld, st, v);
	}
	if (strcmp(k, "method") == 0) {
		if (loader_string(ld, v, "method", &st->method) != 0)
			return -1;
		for (i = 0; methods[i] != NULL; i++)
			if (strcmp(st->method, methods[i]) == 0)
				return 0;
		return loader_bad(ld, v,
		    "method must be POST, PUT, PATCH, DELETE or"
		    " GET, not '%s'", st->method);
	}
	if (strcmp(k, "headers") == 0)
		return get_headers(ld, v, &st->headers, &st->nheaders);
	if (strcmp(k, "priority") == 0) {
		if ((s = loader_scalar(ld, v, "priority")) == NULL)
			return -1;
		if (priority_parse(s, &st->priority) != 0)
			return loader_bad(ld, v,
			    "priority must be high, default,"
			    " notification or low, not '%s'", s);
		return 0;
	}
	if (strcmp(k, "delay") == 0)
		return loader_duration(ld, v, "delay", &st->delay_ms);
	if (strcmp(k, "template") == 0) {
		if (loader_string(ld, v, "template", &st->template) != 0)
			return -1;
		if (st->template[0] == '\0' || st->template[0] == '/' ||
		    strstr(st->template, "..") != NULL ||
		    strspn(st->template, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") !=
		    strlen(st->template))
			return loader_bad(ld, v, "template must be a name under"
			    " templates/, like whatsapp/lead-welcome");
		return 0;
	}
	if (strcmp(k, "vars") == 0)
		return loader_named(ld, v, "vars", &st->vars, &st->nvars);
	if (strcmp(k, "sign") == 0)
		return loader_names(ld, v, "sign", &st->sign, &st->nsign);
	if (sl->kind == STEP_FLOW && (strcmp(k, "fallback") == 0 ||
	    strcmp(k, "then") == 0))
		return loader_bad(ld, v,
		    "a flow's step has no %s: its steps follow"
		    " one another, and a failing one fails the instance", k);
	if (strcmp(k, "fallback") == 0) {
		if (sl->kind == STEP_FALLBACK)
			return loader_bad(ld, v,
			    "a fallback has no fallback of its"
			    " own");
		if (st->fallback != 0)
			return loader_bad(ld, v, "fallback is given twice");
		if (load_step(ld, sl->r, v, STEP_FALLBACK, &i) != 0)
			return -1;
		sl->r->steps[sl->i].fallback = (int)i;
		return 0;
	}
	if (strcmp(k, "then") == 0) {
		if (sl->kind != STEP_FIRST)
			return loader_bad(ld, v,
			    "then belongs to the route, not to"
			    " one of its steps");
		return load_then(ld, sl->r, v);
	}
	if (sl->kind == STEP_FIRST && route_key(ld, sl->r, k, v, &done) != 0)
		return -1;
	if (done)
		return 0;
	return loader_unknown(ld, v, k, sl->kind == STEP_FIRST ? "a route" :
	    sl->kind == STEP_THEN ? "a step" : sl->kind == STEP_FLOW ?
	    "a flow's step" : "a fallback");
}

static int
route_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_route *r = ctx;
	struct step_load sl = { .r = r, .i = 0, .kind = STEP_FIRST };

	if (strcmp(k, "name") == 0)
		return loader_string(ld, v, "name", &r->name);
	if (strcmp(k, "on") == 0)
		return loader_string(ld, v, "on", &r->on);
	return step_pair(ld, &sl, k, v);
}

int
cfg_route_add(struct loader *ld, struct cfg *cfg, const yaml_node_t *rn,
    const char *kind, const char *name, const char *on)
{
	struct cfg_route *r;
	struct cfg_step *st;
	struct buf text = BUF_INIT;
	size_t i;

	cfg->routes = xrealloc(cfg->routes,
	    (cfg->nroutes + 1) * sizeof(*cfg->routes));
	r = &cfg->routes[cfg->nroutes++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->line = loader_line(rn);
	add_step(r, rn);
	if (loader_each(ld, rn, name != NULL ? "a channel" : "a route",
	    route_pair, r) != 0)
		return -1;
	if (name != NULL) {
		if (r->name != NULL || r->on != NULL)
			return loader_bad(ld, rn, "a channel has no name or on:"
			    " its cadence gives them");
		r->name = xstrdup(name);
		r->on = xstrdup(on);
	}
	if (r->on == NULL || !loader_valid_name(r->on))
		return loader_bad(ld, rn,
		    "a route needs 'on': the event type"
		    " it takes");
	if (r->steps[0].target == NULL)
		return loader_bad(ld, rn, "route for '%s' needs 'to': a"
		    " target", r->on);
	if (r->name == NULL) {
		buf_addf(&text, "%s:%s", r->on, r->steps[0].target);
		r->name = buf_detach(&text);
	}
	if (!loader_valid_name(r->name))
		return loader_bad(ld, rn,
		    "route name '%s' is not valid",
		    r->name);
	for (i = 0; i + 1 < cfg->nroutes; i++)
		if (strcmp(cfg->routes[i].name, r->name) == 0)
			return loader_bad(ld, rn,
			    "route '%s' is defined twice"
			    " (first at line %d): give one a name",
			    r->name, cfg->routes[i].line);
	if (r->each != NULL && r->steps[0].body == NULL &&
	    r->steps[0].template == NULL)
		return loader_bad(ld, rn,
		    "route '%s': each makes a request an"
		    " item: it needs a body or a template", r->name);
	if (r->key != NULL && r->each == NULL)
		return loader_bad(ld, rn,
		    "route '%s': key names the items of"
		    " each, which it does not have", r->name);
	if (r->progress > 0 && r->group == NULL)
		return loader_bad(ld, rn,
		    "route '%s': progress is a group's,"
		    " and it has no group", r->name);
	if (r->steps[0].priority < 0)
		r->steps[0].priority = PRIORITY_DEFAULT;
	/* A later step goes, as it is sent, where the route does. */
	for (i = 0; i < r->nsteps; i++) {
		st = &r->steps[i];
		if (st->target == NULL)
			st->target = xstrdup(r->steps[0].target);
		if (st->priority < 0)
			st->priority = r->steps[0].priority;
		if (st->method == NULL)
			st->method = xstrdup("POST");
		if (st->path == NULL)
			st->path = xstrdup("");
	}
	return 0;
}

static int
load_routes(struct loader *ld, struct cfg *cfg, const yaml_node_t *n)
{
	yaml_node_item_t *it;

	if (n->type != YAML_SEQUENCE_NODE)
		return loader_bad(ld, n, "routes must be a list");
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++)
		if (cfg_route_add(ld, cfg, loader_node(ld, *it), "route", NULL,
		    NULL) != 0)
			return -1;
	return 0;
}

static int
links_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_source *src = ctx;

	if (strcmp(k, "choices") == 0)
		return loader_names(ld, v, "choices", &src->links.choices,
		    &src->links.nchoices);
	if (strcmp(k, "numbers") == 0)
		return loader_names(ld, v, "numbers", &src->links.numbers,
		    &src->links.nnumbers);
	if (strcmp(k, "redirect") == 0) {
		if (loader_string(ld, v, "redirect", &src->links.redirect) != 0)
			return -1;
		if ((strncmp(src->links.redirect, "https://", 8) != 0 &&
		    strncmp(src->links.redirect, "http://", 7) != 0) ||
		    strpbrk(src->links.redirect, " \t\r\n") != NULL)
			return loader_bad(ld, v,
			    "source '%s': redirect must be an"
			    " http(s) URL", src->name);
		return 0;
	}
	return loader_unknown(ld, v, k, "a source's links");
}

/* links: the secret that signs them, for map and the receiver. */
static int
top_links_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	struct cfg *cfg = ctx;

	if (strcmp(k, "secret_env") == 0)
		return loader_string(ld, v, "secret_env",
		    &cfg->link_secret_env);
	if (strcmp(k, "secret_file") == 0)
		return loader_string(ld, v, "secret_file",
		    &cfg->link_secret_file);
	return loader_unknown(ld, v, k, "links");
}


static int
source_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_source *src = ctx;
	const char *s;

	if (strcmp(k, "auth") == 0)
		return load_webhook_auth(ld, v, &src->auth, "source",
		    src->name, 0);

	if (strcmp(k, "path") == 0) {
		if (loader_string(ld, v, "path", &src->path) != 0)
			return -1;
		if (src->path[0] != '/' || strlen(src->path) > 256 ||
		    strpbrk(src->path, " \t\r\n?#%") != NULL)
			return loader_bad(ld, v,
			    "source '%s': path must start with"
			    " '/' and hold no blanks, '?', '#' or '%%'",
			    src->name);
		return 0;
	}
	if (strcmp(k, "type") == 0) {
		if (loader_string(ld, v, "type", &src->type) != 0)
			return -1;
		if (!loader_valid_name(src->type))
			return loader_bad(ld, v,
			    "source '%s': type '%s' is not a"
			    " valid name", src->name, src->type);
		return 0;
	}
	if (strcmp(k, "key") == 0)
		return loader_string(ld, v, "key", &src->key);
	if (strcmp(k, "normalizer") == 0) {
		if ((s = loader_scalar(ld, v, "normalizer")) == NULL)
			return -1;
		if (strcmp(s, "zapi") == 0)
			src->normalizer = CFG_NORMALIZER_ZAPI;
		else if (strcmp(s, "none") == 0)
			src->normalizer = CFG_NORMALIZER_NONE;
		else
			return loader_bad(ld, v,
			    "source '%s': normalizer must be"
			    " zapi or none, not '%s'", src->name, s);
		return 0;
	}
	if (strcmp(k, "rate_limit") == 0)
		return loader_long(ld, v, "rate_limit", 0, 1000000000,
		    &src->rate_limit);
	if (strcmp(k, "links") == 0) {
		src->links.on = 1;
		return loader_each(ld, v, "a source's links", links_pair, src);
	}
	return loader_unknown(ld, v, k, "a source");
}

static int
sources_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	struct cfg *cfg = ctx;
	struct cfg_source *src;
	size_t i;

	if (!loader_valid_name(k))
		return loader_bad(ld, v,
		    "source name '%s' is not valid (letters,"
		    " digits and ._:-/ only)", k);
	cfg->sources = xrealloc(cfg->sources,
	    (cfg->nsources + 1) * sizeof(*cfg->sources));
	src = &cfg->sources[cfg->nsources++];
	memset(src, 0, sizeof(*src));
	src->name = xstrdup(k);
	src->line = loader_line(v);
	if (loader_each(ld, v, "a source", source_pair, src) != 0)
		return -1;
	if (src->type == NULL)
		return loader_bad(ld, v, "source '%s' has no type", k);
	if (src->path == NULL) {
		src->path = xmalloc(strlen("/webhooks/") + strlen(k) + 1);
		strcpy(src->path, "/webhooks/");
		strcat(src->path, k);
	}
	for (i = 0; i + 1 < cfg->nsources; i++) {
		if (strcmp(cfg->sources[i].name, k) == 0)
			return loader_bad(ld, v, "source '%s' is defined twice",
			    k);
		if (strcmp(cfg->sources[i].path, src->path) == 0)
			return loader_bad(ld, v,
			    "source '%s': path '%s' is source"
			    " '%s''s already", k, src->path,
			    cfg->sources[i].name);
	}
	if (strncmp(src->path, "/api/", 5) == 0 ||
	    strcmp(src->path, "/health") == 0 ||
	    strncmp(src->path, "/health/", 8) == 0 ||
	    strcmp(src->path, "/status") == 0 ||
	    strcmp(src->path, "/metrics") == 0 ||
	    strcmp(src->path, "/dashboard") == 0)
		return loader_bad(ld, v,
		    "source '%s': path '%s' is the receiver's"
		    " own", k, src->path);
	return 0;
}


/*
 * A setting's default, kept as JSON: true, false and numbers as they
 * are, anything else a string.
 */
static int
setting_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	struct cfg_flow *f = ctx;
	struct buf json = BUF_INIT;
	const char *s;
	char *end;
	double d;

	if (!template_name_valid(k, strlen(k)))
		return loader_bad(ld, v,
		    "setting '%s' is not a name: a letter or _,"
		    " then letters, digits and _", k);
	if ((s = loader_scalar(ld, v, "a setting")) == NULL)
		return -1;
	d = strtod(s, &end);
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0 ||
	    (end != s && *end == '\0' && d == d && d - d == 0 &&
	    strspn(s, "-0123456789.eE+") == strlen(s)))
		buf_adds(&json, s);
	else
		buf_add_json_string(&json, s, strlen(s));
	f->settings = xrealloc(f->settings, (f->nsettings + 1) *
	    sizeof(*f->settings));
	f->settings[f->nsettings].name = xstrdup(k);
	f->settings[f->nsettings++].value = buf_detach(&json);
	return 0;
}

/* The statuses a flow's labels may name. */
static const char *const flow_statuses[] = {
	"started", "completed", "cancelled", "failed", NULL
};

static int
label_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_flow *f = ctx;
	const char *s;
	size_t i;

	for (i = 0; flow_statuses[i] != NULL; i++)
		if (strcmp(flow_statuses[i], k) == 0)
			break;
	if (flow_statuses[i] == NULL)
		return loader_bad(ld, v, "labels: '%s' is not one of started,"
		    " completed, cancelled and failed; a step's label is its"
		    " own", k);
	if ((s = loader_scalar(ld, v, "a label")) == NULL)
		return -1;
	if (!loader_valid_name(s))
		return loader_bad(ld, v, "label '%s' is not a valid name", s);
	f->labels = xrealloc(f->labels, (f->nlabels + 1) * sizeof(*f->labels));
	f->labels[f->nlabels].name = xstrdup(k);
	f->labels[f->nlabels++].value = xstrdup(s);
	return 0;
}

/* One item of on_timeout: "goto STEP", fail, cancel or continue. */
static int
add_timeout(struct loader *ld, struct cfg_flow_step *st, const yaml_node_t *n)
{
	struct cfg_flow_timeout *t;
	const char *s;

	if ((s = loader_scalar(ld, n, "on_timeout")) == NULL)
		return -1;
	st->on_timeout = xrealloc(st->on_timeout, (st->non_timeout + 1) *
	    sizeof(*st->on_timeout));
	t = &st->on_timeout[st->non_timeout++];
	memset(t, 0, sizeof(*t));
	if (strcmp(s, "fail") == 0)
		t->what = CFG_FLOW_FAIL;
	else if (strcmp(s, "cancel") == 0)
		t->what = CFG_FLOW_CANCEL;
	else if (strcmp(s, "continue") == 0)
		t->what = CFG_FLOW_CONTINUE;
	else if (strncmp(s, "goto ", 5) == 0 && loader_valid_name(s + 5)) {
		t->what = CFG_FLOW_GOTO;
		t->step = xstrdup(s + 5);
	} else
		return loader_bad(ld, n,
		    "on_timeout is 'goto STEP', fail, cancel or"
		    " continue, not '%s'", s);
	return 0;
}

struct flow_step_load {
	struct cfg_flow		*f;
	size_t			 i;
	struct step_load	 action;	/* its request's keys */
};

static int
flow_step_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	struct flow_step_load *fl = ctx;
	struct cfg_flow_step *st = &fl->f->steps[fl->i];
	yaml_node_item_t *it;

	if (strcmp(k, "id") == 0) {
		if (loader_string(ld, v, "id", &st->id) != 0)
			return -1;
		if (!loader_valid_name(st->id))
			return loader_bad(ld, v,
			    "step id '%s' is not a valid name",
			    st->id);
		return 0;
	}
	if (strcmp(k, "label") == 0) {
		if (loader_string(ld, v, "label", &st->label) != 0)
			return -1;
		if (!loader_valid_name(st->label))
			return loader_bad(ld, v,
			    "label '%s' is not a valid name",
			    st->label);
		return 0;
	}
	if (strcmp(k, "save") == 0)
		return loader_named(ld, v, "save", &st->save, &st->nsave);
	if (strcmp(k, "await") == 0)
		return loader_string(ld, v, "await", &st->await);
	if (strcmp(k, "match") == 0)
		return loader_string(ld, v, "match", &st->match);
	if (strcmp(k, "equals") == 0)
		return loader_string(ld, v, "equals", &st->equals);
	if (strcmp(k, "timeout") == 0)
		return loader_duration(ld, v, "timeout", &st->timeout_ms);
	if (strcmp(k, "on_timeout") == 0) {
		if (st->non_timeout > 0)
			return loader_bad(ld, v, "on_timeout is given twice");
		if (v->type != YAML_SEQUENCE_NODE)
			return add_timeout(ld, st, v);
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++)
			if (add_timeout(ld, st, loader_node(ld, *it)) != 0)
				return -1;
		if (st->non_timeout == 0)
			return loader_bad(ld, v, "on_timeout is an empty list");
		return 0;
	}
	if (st->action < 0) {
		st->action = (int)add_step(&fl->f->route, v);
		fl->action.i = (size_t)st->action;
	}
	return step_pair(ld, &fl->action, k, v);
}

/* The index of step id in flow f, or -1. */
static int
flow_step_index(const struct cfg_flow *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->nsteps; i++)
		if (strcmp(f->steps[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* What an await must have, and what an action must not. */
static int
flow_step_check(struct loader *ld, struct cfg_flow *f, struct cfg_flow_step *st,
    const yaml_node_t *n)
{
	struct cfg_step *a;
	size_t i;

	if (st->id == NULL)
		return loader_bad(ld, n, "flow '%s': a step needs an id, which"
		    " instances stand on", f->name);
	for (i = 0; &f->steps[i] != st; i++)
		if (strcmp(f->steps[i].id, st->id) == 0)
			return loader_bad(ld, n,
			    "flow '%s': step '%s' is defined"
			    " twice (first at line %d)", f->name, st->id,
			    f->steps[i].line);
	if (st->await == NULL) {
		if (st->match != NULL || st->equals != NULL ||
		    st->timeout_ms != 0 || st->non_timeout > 0)
			return loader_bad(ld, n,
			    "flow '%s': step '%s': match, equals,"
			    " timeout and on_timeout belong to an await",
			    f->name, st->id);
		if (st->action < 0 || (a = &f->route.steps[st->action])->
		    target == NULL)
			return loader_bad(ld, n,
			    "flow '%s': step '%s' needs 'to' (an"
			    " action) or 'await'", f->name, st->id);
		if (a->method == NULL)
			a->method = xstrdup("POST");
		if (a->path == NULL)
			a->path = xstrdup("");
		if (a->priority < 0)
			a->priority = PRIORITY_DEFAULT;
		return 0;
	}
	if (st->action >= 0)
		return loader_bad(ld, n,
		    "flow '%s': step '%s' is an await: it sends"
		    " nothing (to, body, template... belong to an action)",
		    f->name, st->id);
	if (!loader_valid_name(st->await))
		return loader_bad(ld, n,
		    "flow '%s': step '%s': await '%s' is not an"
		    " event type", f->name, st->id, st->await);
	if (st->match == NULL || st->equals == NULL || st->timeout_ms <= 0)
		return loader_bad(ld, n,
		    "flow '%s': step '%s' awaits '%s': it needs"
		    " match (on the event), equals (on the instance) and a"
		    " timeout", f->name, st->id, st->await);
	if (st->non_timeout == 0)
		add_timeout(ld, st, &(yaml_node_t){ .type = YAML_SCALAR_NODE,
		    .data.scalar.value = (yaml_char_t *)"fail" });
	return 0;
}

static int
cancel_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_flow_cancel *c = ctx;

	if (strcmp(k, "on") == 0)
		return loader_string(ld, v, "on", &c->on);
	if (strcmp(k, "match") == 0)
		return loader_string(ld, v, "match", &c->match);
	return loader_unknown(ld, v, k, "cancel_on");
}

static int
repeat_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_flow *f = ctx;

	if (strcmp(k, "days") == 0)
		return loader_string(ld, v, "days", &f->repeat_days);
	if (strcmp(k, "from") == 0)
		return loader_string(ld, v, "from", &f->repeat_from);
	return loader_unknown(ld, v, k, "repeat");
}

static int
flow_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_flow *f = ctx;
	struct cfg_flow_cancel *c;
	struct flow_step_load fl = { .f = f };
	yaml_node_item_t *it;
	const yaml_node_t *n;

	if (strcmp(k, "on") == 0)
		return loader_string(ld, v, "on", &f->on);
	if (strcmp(k, "key") == 0)
		return loader_string(ld, v, "key", &f->key);
	if (strcmp(k, "tenant") == 0)
		return loader_string(ld, v, "tenant", &f->tenant);
	if (strcmp(k, "number") == 0)
		return loader_string(ld, v, "number", &f->number);
	if (strcmp(k, "settings") == 0)
		return loader_each(ld, v, "settings", setting_pair, f);
	if (strcmp(k, "settings_from") == 0)
		return loader_string(ld, v, "settings_from", &f->settings_from);
	if (strcmp(k, "labels") == 0)
		return loader_each(ld, v, "labels", label_pair, f);
	if (strcmp(k, "repeat") == 0) {
		if (loader_each(ld, v, "repeat", repeat_pair, f) != 0)
			return -1;
		if (f->repeat_days == NULL || f->repeat_from == NULL)
			return loader_bad(ld, v, "repeat needs days (jq on the"
			    " instance) and from (a step id)");
		return 0;
	}
	if (strcmp(k, "cancel_on") == 0) {
		if (v->type != YAML_SEQUENCE_NODE)
			return loader_bad(ld, v,
			    "cancel_on must be a list of {on,"
			    " match}");
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			n = loader_node(ld, *it);
			f->cancel_on = xrealloc(f->cancel_on,
			    (f->ncancel_on + 1) * sizeof(*f->cancel_on));
			c = &f->cancel_on[f->ncancel_on++];
			memset(c, 0, sizeof(*c));
			c->line = loader_line(n);
			if (loader_each(ld, n, "cancel_on", cancel_pair, c) !=
			    0)
				return -1;
			if (c->on == NULL || !loader_valid_name(c->on) ||
			    c->match == NULL)
				return loader_bad(ld, n,
				    "cancel_on: an item needs on"
				    " (an event type) and match (jq on it,"
				    " compared with the instance's key)");
		}
		return 0;
	}
	if (strcmp(k, "steps") == 0) {
		if (v->type != YAML_SEQUENCE_NODE || f->nsteps > 0)
			return loader_bad(ld, v,
			    "steps must be one list of steps");
		for (it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++) {
			n = loader_node(ld, *it);
			f->steps = xrealloc(f->steps, (f->nsteps + 1) *
			    sizeof(*f->steps));
			fl.i = f->nsteps++;
			memset(&f->steps[fl.i], 0, sizeof(f->steps[fl.i]));
			f->steps[fl.i].action = -1;
			f->steps[fl.i].line = loader_line(n);
			fl.action = (struct step_load){ .r = &f->route,
			    .kind = STEP_FLOW };
			if (loader_each(ld, n, "a flow's step", flow_step_pair,
			    &fl) != 0 || flow_step_check(ld, f,
			    &f->steps[fl.i], n) != 0)
				return -1;
		}
		return 0;
	}
	return loader_unknown(ld, v, k, "a flow");
}

/* A number's format: {year}, {seq}, {seq:N} (N digits) and {tenant}. */
static int
number_valid(const char *s)
{
	int seq = 0;
	char *end;
	long w;

	for (; *s != '\0'; s++) {
		if (*s == '}')
			return 0;
		if (*s != '{')
			continue;
		if (strncmp(s, "{year}", 6) == 0)
			s += 5;
		else if (strncmp(s, "{tenant}", 8) == 0)
			s += 7;
		else if (strncmp(s, "{seq}", 5) == 0) {
			seq = 1;
			s += 4;
		} else if (strncmp(s, "{seq:", 5) == 0) {
			w = strtol(s + 5, &end, 10);
			if (end == s + 5 || *end != '}' || w < 1 || w > 18)
				return 0;
			seq = 1;
			s = end;
		} else
			return 0;
	}
	return seq;
}

static int
flows_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg *cfg = ctx;
	struct cfg_flow *f;
	size_t i;
	int to;

	if (!loader_valid_name(k) || strchr(k, '/') != NULL)
		return loader_bad(ld, v, "flow name '%s' is not valid (letters,"
		    " digits and ._:- only)", k);
	cfg->flows = xrealloc(cfg->flows, (cfg->nflows + 1) *
	    sizeof(*cfg->flows));
	f = &cfg->flows[cfg->nflows++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(k);
	f->line = loader_line(v);
	f->route.kind = "flow";
	f->route.name = xstrdup(k);
	f->route.line = f->line;
	if (loader_each(ld, v, "a flow", flow_pair, f) != 0)
		return -1;
	f->route.on = xstrdup(f->on != NULL ? f->on : "");
	if (f->on == NULL || !loader_valid_name(f->on) || f->key == NULL ||
	    f->nsteps == 0)
		return loader_bad(ld, v,
		    "flow '%s' needs on (the event type that"
		    " starts it), key (jq on that event: what names an"
		    " instance) and steps", k);
	if (f->number == NULL)
		f->number = xstrdup("{year}-{seq:6}");
	else if (!number_valid(f->number) || strlen(f->number) > 64)
		return loader_bad(ld, v,
		    "flow '%s': number '%s' must hold {seq} or"
		    " {seq:N} (N from 1 to 18), and may hold {year} and"
		    " {tenant}", k, f->number);
	for (i = 0; i < f->nsteps; i++) {
		struct cfg_flow_step *st = &f->steps[i];
		size_t t;

		for (t = 0; t < st->non_timeout; t++) {
			if (st->on_timeout[t].what != CFG_FLOW_GOTO)
				continue;
			if ((to = flow_step_index(f, st->on_timeout[t].step)) <
			    0)
				return loader_bad(ld, v, "flow '%s': step '%s':"
				    " on_timeout goes to step '%s', which is"
				    " not one of its steps", k, st->id,
				    st->on_timeout[t].step);
			st->on_timeout[t].to = to;
		}
	}
	if (f->repeat_from != NULL && (f->repeat_to = flow_step_index(f,
	    f->repeat_from)) < 0)
		return loader_bad(ld, v,
		    "flow '%s': repeat from '%s', which is not"
		    " one of its steps", k, f->repeat_from);
	for (i = 0; i + 1 < cfg->nflows; i++)
		if (strcmp(cfg->flows[i].name, k) == 0)
			return loader_bad(ld, v, "flow '%s' is defined twice",
			    k);
	return 0;
}

static int
alerts_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_alerts *a = ctx;
	struct cfg_circuit rate;
	int64_t *ms = NULL;

	if (strcmp(k, "cooldown") == 0)
		ms = &a->cooldown_ms;
	else if (strcmp(k, "dlq_window") == 0)
		ms = &a->dlq_window_ms;
	else if (strcmp(k, "error_window") == 0)
		ms = &a->error_window_ms;
	if (ms != NULL) {
		if (loader_duration(ld, v, k, ms) != 0)
			return -1;
		if (*ms < 60000 || *ms > 7 * 86400000LL)
			return loader_bad(ld, v,
			    "alerts: %s must be from 1m to 7d", k);
		return 0;
	}
	if (strcmp(k, "retry_backlog") == 0)
		return loader_long(ld, v, k, 0, 1000000000, &a->retry_backlog);
	if (strcmp(k, "error_min") == 0)
		return loader_long(ld, v, k, 1, 1000000000, &a->error_min);
	if (strcmp(k, "error_rate") == 0) {
		/* A circuit's error_rate says the same: its parser reads it. */
		if (circuit_pair(ld, &rate, k, v) != 0)
			return -1;
		a->error_rate = rate.error_rate;
		return 0;
	}
	return loader_unknown(ld, v, k, "alerts");
}

/* The members retention replaces unless the config names others. */
static const char *const personal_fields[] = {
	"name", "first_name", "last_name", "full_name", "client_name",
	"client_phone", "client_email", "caregiver_name", "caregiver_phone",
	"phone", "mobile", "whatsapp", "email", "cpf", "rg", "document",
	"address", "street", "message", "text", "notes", "comment",
	"caption", "sender_name", "chat_name", NULL
};

static int
retention_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	struct cfg_retention *r = ctx;

	if (strcmp(k, "after") == 0) {
		if (loader_duration(ld, v, k, &r->after_ms) != 0)
			return -1;
		if (r->after_ms < 86400000)
			return loader_bad(ld, v,
			    "retention: after must be a day or"
			    " more");
		return 0;
	}
	if (strcmp(k, "salt_env") == 0)
		return loader_string(ld, v, k, &r->salt_env);
	if (strcmp(k, "salt_file") == 0)
		return loader_string(ld, v, k, &r->salt_file);
	if (strcmp(k, "fields") == 0) {
		loader_free_names(r->fields, r->nfields);
		r->fields = NULL;
		r->nfields = 0;
		return loader_names(ld, v, "fields", &r->fields, &r->nfields);
	}
	return loader_unknown(ld, v, k, "retention");
}

static int
load_retention(struct loader *ld, const yaml_node_t *v,
    struct cfg_retention *r)
{
	size_t i;

	r->on = 1;
	r->line = loader_line(v);
	r->after_ms = 90 * 86400000LL;
	for (i = 0; personal_fields[i] != NULL; i++) {
		r->fields = xrealloc(r->fields, (i + 1) * sizeof(*r->fields));
		r->fields[i] = xstrdup(personal_fields[i]);
	}
	r->nfields = i;
	if (loader_each(ld, v, "retention", retention_pair, r) != 0)
		return -1;
	if ((r->salt_env == NULL) == (r->salt_file == NULL))
		return loader_bad(ld, v,
		    "retention: one of salt_env and salt_file"
		    " is required");
	return 0;
}

static int
weekly_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg *cfg = ctx;

	if (strcmp(k, "to") != 0)
		return loader_unknown(ld, v, k, "weekly");
	loader_free_names(cfg->weekly_to, cfg->nweekly_to);
	cfg->weekly_to = NULL;
	cfg->nweekly_to = 0;
	if (loader_list(ld, v, "weekly: to", loader_valid_address, "address",
	    &cfg->weekly_to, &cfg->nweekly_to) != 0)
		return -1;
	if (cfg->nweekly_to == 0 || cfg->nweekly_to > 50)
		return loader_bad(ld, v,
		    "weekly: to must list 1 to 50 addresses");
	return 0;
}

static int
top_defaults(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	if (strcmp(k, "defaults") == 0)
		return loader_each(ld, v, "defaults", defaults_pair, ctx);
	return 0;
}

static int
top_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg *cfg = ctx;

	if (strcmp(k, "defaults") == 0)
		return 0;
	if (strcmp(k, "journal") == 0)
		return loader_string(ld, v, "journal", &cfg->journal);
	if (strcmp(k, "tenants") == 0)
		return loader_names(ld, v, "tenants", &cfg->tenants,
		    &cfg->ntenants);
	if (strcmp(k, "schemas") == 0)
		return loader_path(ld, v, "schemas", &cfg->schemas);
	if (strcmp(k, "links") == 0) {
		if (loader_each(ld, v, "links", top_links_pair, cfg) != 0)
			return -1;
		if ((cfg->link_secret_env == NULL) ==
		    (cfg->link_secret_file == NULL))
			return loader_bad(ld, v, "links: one of secret_env and"
			    " secret_file is required");
		return 0;
	}
	if (strcmp(k, "targets") == 0)
		return loader_each(ld, v, "targets", targets_pair, cfg);
	if (strcmp(k, "routes") == 0)
		return load_routes(ld, cfg, v);
	if (strcmp(k, "sources") == 0)
		return loader_each(ld, v, "sources", sources_pair, cfg);
	if (strcmp(k, "branding") == 0)
		return loader_named(ld, v, "branding", &cfg->branding,
		    &cfg->nbranding);
	if (strcmp(k, "syncs") == 0)
		return cfg_syncs_load(ld, v, cfg);
	if (strcmp(k, "coverage") == 0)
		return cfg_coverage_load(ld, v, cfg);
	if (strcmp(k, "cadences") == 0)
		return cfg_cadences_load(ld, v, cfg);
	if (strcmp(k, "collections") == 0)
		return cfg_collections_load(ld, v, cfg);
	if (strcmp(k, "flows") == 0)
		return loader_each(ld, v, "flows", flows_pair, cfg);
	if (strcmp(k, "alerts") == 0)
		return loader_each(ld, v, "alerts", alerts_pair, &cfg->alerts);
	if (strcmp(k, "retention") == 0)
		return load_retention(ld, v, &cfg->retention);
	if (strcmp(k, "encryption") == 0)
		return cfg_encryption_load(ld, v, cfg);
	if (strcmp(k, "weekly") == 0) {
		cfg->weekly_line = loader_line(v);
		return loader_each(ld, v, "weekly", weekly_pair, cfg);
	}
	return loader_unknown(ld, v, k, "the top level");
}

struct cfg *
cfg_defaults(void)
{
	struct cfg *cfg;

	cfg = xcalloc(1, sizeof(*cfg));
	cfg->tenant = xstrdup("default");
	cfg->country = xstrdup("BR");
	cfg->timeout_ms = 10000;
	cfg->connect_timeout_ms = 3000;
	cfg->concurrency = 8;
	cfg->retry.max_attempts = 4;
	cfg->retry.base_ms = 1000;
	cfg->retry.factor = 2.0;
	cfg->retry.cap_ms = 3600000;
	cfg->circuit.failures = 5;
	cfg->circuit.error_rate = 50;
	cfg->circuit.window_ms = 60000;
	cfg->circuit.cooldown_ms = 30000;
	cfg->alerts.cooldown_ms = 3600000;
	cfg->alerts.retry_backlog = 100;
	cfg->alerts.dlq_window_ms = 3600000;
	cfg->alerts.error_rate = 5;
	cfg->alerts.error_window_ms = 900000;
	cfg->alerts.error_min = 20;
	return cfg;
}

struct cfg *
cfg_load(const char *path, char *err, size_t errsz)
{
	struct loader ld = { .file = path, .err = err, .errsz = errsz };
	yaml_parser_t parser;
	yaml_node_t *root;
	struct cfg *cfg;
	size_t i;
	FILE *f;
	int rc = -1;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	cfg = cfg_defaults();
	cfg->path = xstrdup(path);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &ld.doc)) {
		snprintf(err, errsz, "%s:%zu: %s", path,
		    parser.problem_mark.line + 1, parser.problem != NULL ?
		    parser.problem : "not valid YAML");
		yaml_parser_delete(&parser);
		fclose(f);
		cfg_free(cfg);
		return NULL;
	}
	/* An empty file is a valid config: the defaults, nothing routed. */
	root = yaml_document_get_root_node(&ld.doc);
	if (root != NULL &&
	    (loader_each(&ld, root, "the file", top_defaults, cfg) != 0 ||
	    loader_each(&ld, root, "the file", top_pair, cfg) != 0))
		goto out;
	for (i = 0; i < cfg->ntargets; i++) {
		struct cfg_target *t = &cfg->targets[i];
		size_t k;

		for (k = 0; t->smtp && k < cfg->nbranding; k++) {
			if (t->from == NULL &&
			    strcmp(cfg->branding[k].name, "sender") == 0)
				t->from = xstrdup(cfg->branding[k].value);
			if (t->reply_to == NULL &&
			    strcmp(cfg->branding[k].name, "reply_to") == 0)
				t->reply_to = xstrdup(cfg->branding[k].value);
		}
		if (t->smtp && (t->from == NULL || strchr(t->from, '@') ==
		    NULL || strpbrk(t->from, "\r\n") != NULL)) {
			snprintf(err, errsz, "%s:%d: target '%s' needs from,"
			    " an e-mail address, or a branding sender", path,
			    t->line, t->name);
			goto out;
		}
	}
	for (i = 0; i < cfg->nroutes; i++) {
		struct cfg_route *r = &cfg->routes[i];
		struct cfg_step *st;
		size_t k;

		for (k = 0; k < r->nsteps; k++) {
			st = &r->steps[k];
			if ((st->to = cfg_target(cfg, st->target)) != NULL)
				continue;
			snprintf(err, errsz, "%s:%d: route '%s' goes to target"
			    " '%s', which is not defined", path, st->line,
			    r->name, st->target);
			goto out;
		}
	}
	for (i = 0; i < cfg->nflows; i++) {
		struct cfg_flow *fl = &cfg->flows[i];
		struct cfg_step *st;
		size_t k;

		if (cfg_route(cfg, fl->name) != NULL) {
			snprintf(err, errsz, "%s:%d: flow '%s' has the name of"
			    " a route: a delivery names one or the other",
			    path, fl->line, fl->name);
			goto out;
		}
		for (k = 0; k < fl->route.nsteps; k++) {
			st = &fl->route.steps[k];
			if ((st->to = cfg_target(cfg, st->target)) != NULL)
				continue;
			snprintf(err, errsz, "%s:%d: flow '%s' goes to target"
			    " '%s', which is not defined", path, st->line,
			    fl->name, st->target);
			goto out;
		}
	}
	for (i = 0; i < cfg->ntargets; i++) {
		struct cfg_token *tk = &cfg->targets[i].token;
		const struct cfg_target *from;

		if (tk->kind != CFG_TOKEN_REQUEST)
			continue;
		if ((from = cfg_target(cfg, tk->from)) != NULL &&
		    from != &cfg->targets[i] && !from->smtp &&
		    from->zapi_instance == NULL &&
		    from->token.kind == CFG_TOKEN_NONE) {
			tk->source = from;
			continue;
		}
		snprintf(err, errsz, "%s:%d: target '%s' takes its token from"
		    " '%s', %s", path, tk->line, cfg->targets[i].name, tk->from,
		    from == NULL ? "which is not defined" :
		    from == &cfg->targets[i] ? "itself" : from->token.kind !=
		    CFG_TOKEN_NONE ? "whose own auth is a token source" :
		    "which is not an HTTP target");
		goto out;
	}
	if (cfg_syncs_resolve(cfg, path, err, errsz) != 0 ||
	    cfg_coverage_resolve(cfg, path, err, errsz) != 0 ||
	    cfg_cadences_resolve(cfg, path, err, errsz) != 0)
		goto out;
	rc = 0;
out:
	yaml_document_delete(&ld.doc);
	yaml_parser_delete(&parser);
	fclose(f);
	if (rc != 0) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

const char *
cfg_path(const char *path, int *explicit)
{
	const char *env;

	*explicit = 1;
	if (path != NULL)
		return path;
	if ((env = getenv("INTEGRA_CONFIG")) != NULL && *env != '\0')
		return env;
	*explicit = 0;
	return DEFAULT_CONFIG;
}

struct cfg *
cfg_open(const char *path, char *err, size_t errsz)
{
	int explicit;

	path = cfg_path(path, &explicit);
	if (!explicit) {
		FILE *f = fopen(path, "r");

		if (f == NULL && errno == ENOENT)
			return cfg_defaults();
		if (f != NULL)
			fclose(f);
	}
	return cfg_load(path, err, errsz);
}

static void
free_headers(struct cfg_header *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

static void
free_webhook_auth(struct cfg_webhook_auth *a)
{
	free(a->header);
	free(a->prefix);
	free(a->secret_env);
	free(a->secret_file);
	free(a->previous_env);
	free(a->previous_file);
}

static void
free_token(struct cfg_token *tk)
{
	size_t i;

	free(tk->token_url);
	free(tk->client_id);
	free(tk->client_id_env);
	free(tk->client_id_file);
	free(tk->client_secret_env);
	free(tk->client_secret_file);
	free(tk->scope);
	for (i = 0; i < tk->nparams; i++) {
		free(tk->params[i].name);
		free(tk->params[i].value);
	}
	free(tk->params);
	free(tk->base_url);
	free(tk->from);
	free(tk->method);
	free(tk->path);
	free(tk->body);
	free(tk->pick);
	free(tk->expires_in);
}

static void
free_route(struct cfg_route *r)
{
	size_t k;

	free(r->name);
	free(r->on);
	free(r->group);
	free(r->each);
	free(r->key);
	free(r->cadence);
	free(r->cadence_step);
	for (k = 0; k < r->nsteps; k++) {
		struct cfg_step *st = &r->steps[k];

		free(st->target);
		free(st->when);
		free(st->body);
		free(st->method);
		free(st->path);
		free(st->template);
		free(st->emit_type);
		free(st->emit_data);
		free_headers(st->headers, st->nheaders);
		free_headers(st->vars, st->nvars);
		loader_free_names(st->sign, st->nsign);
	}
	free(r->steps);
}

static void
free_flow(struct cfg_flow *f)
{
	size_t i, k;

	free(f->name);
	free(f->on);
	free(f->key);
	free(f->tenant);
	free(f->number);
	free(f->settings_from);
	free(f->repeat_days);
	free(f->repeat_from);
	free_headers(f->settings, f->nsettings);
	free_headers(f->labels, f->nlabels);
	for (i = 0; i < f->nsteps; i++) {
		struct cfg_flow_step *st = &f->steps[i];

		free(st->id);
		free(st->label);
		free(st->await);
		free(st->match);
		free(st->equals);
		free_headers(st->save, st->nsave);
		for (k = 0; k < st->non_timeout; k++)
			free(st->on_timeout[k].step);
		free(st->on_timeout);
	}
	free(f->steps);
	for (i = 0; i < f->ncancel_on; i++) {
		free(f->cancel_on[i].on);
		free(f->cancel_on[i].match);
	}
	free(f->cancel_on);
	free_route(&f->route);
}

void
cfg_free(struct cfg *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->ntargets; i++) {
		struct cfg_target *t = &cfg->targets[i];

		free(t->name);
		free(t->url);
		free(t->auth_header);
		free(t->auth_scheme);
		free(t->secret_env);
		free(t->secret_file);
		free(t->username);
		free(t->from);
		free(t->reply_to);
		free(t->ca_file);
		free(t->zapi_instance);
		free(t->sync);
		free(t->zapi_token_env);
		free(t->zapi_token_file);
		free_headers(t->headers, t->nheaders);
		free_webhook_auth(&t->signing);
		free_token(&t->token);
	}
	free(cfg->targets);
	for (i = 0; i < cfg->nroutes; i++)
		free_route(&cfg->routes[i]);
	free(cfg->routes);
	for (i = 0; i < cfg->nflows; i++)
		free_flow(&cfg->flows[i]);
	free(cfg->flows);
	for (i = 0; i < cfg->nsources; i++) {
		struct cfg_source *src = &cfg->sources[i];

		free(src->name);
		free(src->path);
		free(src->type);
		free(src->key);
		free_webhook_auth(&src->auth);
		loader_free_names(src->links.choices, src->links.nchoices);
		loader_free_names(src->links.numbers, src->links.nnumbers);
		free(src->links.redirect);
	}
	free(cfg->sources);
	cfg_syncs_free(cfg);
	cfg_coverage_free(cfg);
	cfg_encryption_free(cfg);
	cfg_cadences_free(cfg);
	free(cfg->retention.salt_env);
	free(cfg->retention.salt_file);
	loader_free_names(cfg->retention.fields, cfg->retention.nfields);
	loader_free_names(cfg->weekly_to, cfg->nweekly_to);
	free_headers(cfg->branding, cfg->nbranding);
	free(cfg->link_secret_env);
	free(cfg->link_secret_file);
	for (i = 0; i < cfg->ntenants; i++)
		free(cfg->tenants[i]);
	free(cfg->tenants);
	free(cfg->path);
	free(cfg->journal);
	free(cfg->tenant);
	free(cfg->country);
	free(cfg->datadir);
	free(cfg->schemas);
	free(cfg);
}

const struct cfg_target *
cfg_target(const struct cfg *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->ntargets; i++)
		if (strcmp(cfg->targets[i].name, name) == 0)
			return &cfg->targets[i];
	return NULL;
}

const struct cfg_route *
cfg_route(const struct cfg *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nroutes; i++)
		if (strcmp(cfg->routes[i].name, name) == 0)
			return &cfg->routes[i];
	return NULL;
}

char *
cfg_link_secret(const struct cfg *cfg, char *err, size_t errsz)
{
	if (cfg->link_secret_env == NULL && cfg->link_secret_file == NULL) {
		snprintf(err, errsz, "links: no secret_env or secret_file at"
		    " the top level to sign them with");
		return NULL;
	}
	return cfg_secret_read("links", cfg->link_secret_env,
	    cfg->link_secret_file, err, errsz);
}

const struct cfg_source *
cfg_source(const struct cfg *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nsources; i++)
		if (strcmp(cfg->sources[i].name, name) == 0)
			return &cfg->sources[i];
	return NULL;
}

char *
cfg_retention_salt(const struct cfg *cfg, char *err, size_t errsz)
{
	return cfg_secret_read("retention salt", cfg->retention.salt_env,
	    cfg->retention.salt_file, err, errsz);
}

const struct cfg_flow *
cfg_flow(const struct cfg *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nflows; i++)
		if (strcmp(cfg->flows[i].name, name) == 0)
			return &cfg->flows[i];
	return NULL;
}

const char *
cfg_flow_label(const struct cfg_flow *f, const char *status)
{
	size_t i;

	for (i = 0; i < f->nlabels; i++)
		if (strcmp(f->labels[i].name, status) == 0)
			return f->labels[i].value;
	return status;
}

const struct cfg_sync *
cfg_sync(const struct cfg *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nsyncs; i++)
		if (strcmp(cfg->syncs[i].name, name) == 0)
			return &cfg->syncs[i];
	return NULL;
}

const struct cfg_cadence *
cfg_cadence(const struct cfg *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->ncadences; i++)
		if (strcmp(cfg->cadences[i].name, name) == 0)
			return &cfg->cadences[i];
	return NULL;
}

int
cfg_record_set(const struct cfg *cfg, const char *name)
{
	return cfg_sync(cfg, name) != NULL || (cfg->coverage != NULL &&
	    strcmp(name, "coverage") == 0);
}

char *
cfg_secret_read(const char *owner, const char *env_name, const char *file,
    char *err, size_t errsz)
{
	char buf[SECRET_MAX], *secret;
	const char *env;
	size_t n;
	FILE *f;

	if (env_name != NULL) {
		if ((env = getenv(env_name)) == NULL || *env == '\0') {
			snprintf(err, errsz, "%s: environment"
			    " variable '%s' is not set", owner,
			    env_name);
			return NULL;
		}
		if (strpbrk(env, "\r\n") != NULL) {
			snprintf(err, errsz, "%s: the secret in '%s'"
			    " has a line break", owner, env_name);
			return NULL;
		}
		return xstrdup(env);
	}
	if ((f = fopen(file, "r")) == NULL) {
		snprintf(err, errsz, "%s: secret file '%s': %s",
		    owner, file, strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	if (n == sizeof(buf) - 1 && fgetc(f) != EOF) {
		fclose(f);
		snprintf(err, errsz, "%s: secret file '%s' is longer"
		    " than %d bytes", owner, file, SECRET_MAX - 1);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	/* One trailing newline is how editors save a file; drop it. */
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	if (n == 0 || strpbrk(buf, "\r\n") != NULL || strlen(buf) != n) {
		snprintf(err, errsz, "%s: secret file '%s' must hold"
		    " one line", owner, file);
		explicit_bzero(buf, sizeof(buf));
		return NULL;
	}
	secret = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return secret;
}

char *
cfg_secret(const struct cfg_target *t, char *err, size_t errsz)
{
	char owner[160];

	snprintf(owner, sizeof(owner), "target '%s'", t->name);
	return cfg_secret_read(owner, t->secret_env, t->secret_file, err,
	    errsz);
}

char *
cfg_auth_line(const struct cfg_target *t, char *err, size_t errsz)
{
	struct buf line = BUF_INIT;
	char *secret;

	if (t->token.kind != CFG_TOKEN_NONE) {
		snprintf(err, errsz, "target '%s': its auth is a token that"
		    " integra-dispatch fetches", t->name);
		return NULL;
	}
	if ((secret = cfg_secret(t, err, errsz)) == NULL)
		return NULL;
	buf_addf(&line, "%s: %s%s%s", t->auth_header, t->auth_scheme != NULL ?
	    t->auth_scheme : "", t->auth_scheme != NULL ? " " : "", secret);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	return buf_detach(&line);
}

char *
cfg_zapi_base(const struct cfg_target *t, char *err, size_t errsz)
{
	struct buf owner = BUF_INIT, base = BUF_INIT;
	char *secret;

	buf_addf(&owner, "target '%s' zapi token", t->name);
	secret = cfg_secret_read(owner.data, t->zapi_token_env,
	    t->zapi_token_file, err, errsz);
	buf_release(&owner);
	if (secret == NULL)
		return NULL;
	buf_adds(&base, t->url);
	if (base.len > 0 && base.data[base.len - 1] == '/')
		base.data[--base.len] = '\0';
	buf_addf(&base, "/instances/%s/token/%s", t->zapi_instance, secret);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	return buf_detach(&base);
}

const char *
cfg_journal(const struct cfg *cfg, const char *path)
{
	const char *env;

	if (path != NULL)
		return path;
	if ((env = getenv("INTEGRA_JOURNAL")) != NULL && *env != '\0')
		return env;
	if (cfg != NULL && cfg->journal != NULL)
		return cfg->journal;
	return DEFAULT_JOURNAL;
}

const char *
cfg_datadir(const struct cfg *cfg)
{
	const char *env;

	if ((env = getenv("INTEGRA_DATADIR")) != NULL && *env != '\0')
		return env;
	if (cfg != NULL && cfg->datadir != NULL)
		return cfg->datadir;
	return PKGDATADIR;
}

size_t
cfg_schema_dirs(const struct cfg *cfg, struct buf *shipped,
    const char *dirs[2])
{
	size_t n = 0;

	if (cfg->schemas != NULL)
		dirs[n++] = cfg->schemas;
	buf_addf(shipped, "%s/schemas", cfg_datadir(cfg));
	dirs[n++] = shipped->data;
	return n;
}
