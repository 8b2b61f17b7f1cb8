/*
 * confcheck: the deep check of a configuration.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "cadence/def.h"
#include "conf/config.h"
#include "conf/confcheck.h"
#include "flow/instance.h"
#include "json/jqprog.h"
#include "stage/map.h"
#include "stage/outcome.h"
#include "rules/schema.h"
#include "stage/sync.h"
#include "transport/webhookauth.h"

/* Whether a signature scheme's secrets can be read, and are well formed. */
static void
check_scheme(const struct cfg_webhook_auth *a, const char *owner,
    const char *file, int line, struct buf *err)
{
	struct webhookauth *w;
	char msg[512];

	if (a->scheme == CFG_AUTH_NONE)
		return;
	if ((w = webhookauth_new(a, owner, msg, sizeof(msg))) == NULL)
		buf_addf(err, "%s:%d: %s\n", file, line, msg);
	webhookauth_free(w);
}

/*
 * A secret read to see that it can be: dropped at once, or, if it could
 * not be read (NULL), the reason msg reported at file:line.
 */
static void
secret_seen(char *secret, const char *msg, const char *file, int line,
    struct buf *err)
{
	if (secret == NULL) {
		buf_addf(err, "%s:%d: %s\n", file, line, msg);
		return;
	}
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

/* Whether a sync's jq programs compile, and its events are known. */
static void
check_sync(const struct cfg_sync *sy, const struct schema_set *schemas,
    const char *file, struct buf *err)
{
	struct buf msg = BUF_INIT;
	size_t i;

	if (sync_check(sy, &msg) != 0)
		buf_addf(err, "%s:%d: sync '%s': %s\n", file, sy->line,
		    sy->name, msg.data);
	buf_release(&msg);
	for (i = 0; schemas != NULL && i < sy->nkinds; i++)
		if (!schema_has(schemas, sy->kinds[i].event))
			buf_addf(err, "%s:%d: sync '%s' makes event type '%s',"
			    " which is not in the catalogue\n", file,
			    sy->kinds[i].line, sy->name, sy->kinds[i].event);
}

/* Whether the coverage's programs compile, and its events are known. */
static void
check_coverage(const struct cfg_coverage *cv,
    const struct schema_set *schemas, const char *file, struct buf *err)
{
	struct buf text = BUF_INIT, msg = BUF_INIT;
	struct jqprog *p;

	buf_addf(&text, "[(%s)[] | [(%s), (%s), (%s)]]", cv->records,
	    cv->name, cv->key, cv->transform);
	if ((p = jqprog_compile(text.data, &msg)) == NULL)
		buf_addf(err, "%s:%d: coverage: its records, name, key or"
		    " transform do not compile: %s\n", file, cv->line,
		    msg.data != NULL ? msg.data : "");
	jqprog_free(p);
	if (schemas != NULL && !schema_has(schemas, cv->event))
		buf_addf(err, "%s:%d: coverage makes event type '%s', which"
		    " is not in the catalogue\n", file, cv->line, cv->event);
	if (schemas != NULL && !schema_has(schemas, cv->removed))
		buf_addf(err, "%s:%d: coverage makes event type '%s', which"
		    " is not in the catalogue\n", file, cv->line,
		    cv->removed);
	buf_release(&text);
	buf_release(&msg);
}

/*
 * Whether the cadences' programs compile, and the events they make are
 * known.  Their channels are routes, checked as routes are.
 */
static void
check_cadences(const struct cfg *cfg, const struct schema_set *schemas,
    const char *file, struct buf *err)
{
	struct cadence_defs *ds;
	const struct cfg_cadence *cd;
	struct buf msg = BUF_INIT;
	size_t i, k;

	if ((ds = cadence_defs_new(cfg, NULL, &msg)) == NULL)
		buf_addf(err, "%s\n", msg.data);
	cadence_defs_free(ds);
	buf_release(&msg);
	for (i = 0; schemas != NULL && i < cfg->ncadences; i++) {
		cd = &cfg->cadences[i];
		if (!schema_has(schemas, cd->event))
			buf_addf(err, "%s:%d: cadence '%s' makes event type"
			    " '%s', which is not in the catalogue\n", file,
			    cd->line, cd->name, cd->event);
		for (k = 0; k < cd->nsteps; k++)
			if (cd->steps[k].emit != NULL &&
			    !schema_has(schemas, cd->steps[k].emit))
				buf_addf(err, "%s:%d: cadence '%s': step '%s'"
				    " emits event type '%s', which is not in"
				    " the catalogue\n", file,
				    cd->steps[k].line, cd->name,
				    cd->steps[k].id, cd->steps[k].emit);
	}
}

/*
 * Whether a token source's secrets can be read (oauth2's client, a
 * request's source's auth) and its jq programs compile.
 */
static void
check_token(const struct cfg_target *t, const char *file, struct buf *err)
{
	const struct cfg_token *tk = &t->token;
	const struct {
		const char	*what;
		const char	*text;
		int		 line;
	} programs[] = {
		{ "body", tk->body, tk->body_line },
		{ "pick", tk->pick, tk->pick_line },
		{ "expires_in", tk->expires_in, tk->expires_line },
	};
	struct buf msg = BUF_INIT;
	struct jqprog *p;
	char owner[192], why[1024];
	size_t i;

	if (tk->kind == CFG_TOKEN_OAUTH2) {
		snprintf(owner, sizeof(owner), "target '%s' oauth2"
		    " client_secret", t->name);
		secret_seen(cfg_secret_read(owner, tk->client_secret_env,
		    tk->client_secret_file, why, sizeof(why)), why, file,
		    tk->line, err);
		if (tk->client_id != NULL)
			return;
		snprintf(owner, sizeof(owner), "target '%s' oauth2 client_id",
		    t->name);
		secret_seen(cfg_secret_read(owner, tk->client_id_env,
		    tk->client_id_file, why, sizeof(why)), why, file, tk->line,
		    err);
		return;
	}
	for (i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		if (programs[i].text == NULL)
			continue;
		buf_reset(&msg);
		if ((p = jqprog_compile(programs[i].text, &msg)) != NULL) {
			jqprog_free(p);
			continue;
		}
		buf_addf(err, "%s:%d: target '%s': token %s does not compile:"
		    " %s\n", file, programs[i].line, t->name,
		    programs[i].what, msg.data != NULL ? msg.data : "");
	}
	buf_release(&msg);
}

/* Whether the event types a flow starts on, awaits and ends on are known. */
static void
check_flow_types(const struct cfg_flow *f, const struct schema_set *schemas,
    const char *file, const char *dir, struct buf *err)
{
	size_t i;

	if (!schema_has(schemas, f->on))
		buf_addf(err, "%s:%d: flow '%s' starts on event type '%s', which"
		    " is not in the catalogue (%s)\n", file, f->line, f->name,
		    f->on, dir);
	for (i = 0; i < f->nsteps; i++)
		if (f->steps[i].await != NULL &&
		    !schema_has(schemas, f->steps[i].await))
			buf_addf(err, "%s:%d: flow '%s' step '%s' awaits event"
			    " type '%s', which is not in the catalogue (%s)\n",
			    file, f->steps[i].line, f->name, f->steps[i].id,
			    f->steps[i].await, dir);
	for (i = 0; i < f->ncancel_on; i++)
		if (!schema_has(schemas, f->cancel_on[i].on))
			buf_addf(err, "%s:%d: flow '%s' is cancelled by event"
			    " type '%s', which is not in the catalogue (%s)\n",
			    file, f->cancel_on[i].line, f->name,
			    f->cancel_on[i].on, dir);
}

int
confcheck(const struct cfg *cfg, struct buf *err)
{
	struct schema_set *schemas;
	struct buf dir = BUF_INIT;
	const char *file = cfg->path != NULL ? cfg->path : "config";
	char msg[1024], owner[160];
	const char *dirs[2];
	size_t ndirs;
	struct map m;
	char *secret;
	size_t i;

	if (map_init(&m, cfg, err) == 0) {
		if (map_compile(&m, err) != 0)
			buf_addc(err, '\n');
		map_release(&m);
	}
	else
		buf_addc(err, '\n');
	ndirs = cfg_schema_dirs(cfg, &dir, dirs);
	if ((schemas = schema_load(dirs, ndirs, msg, sizeof(msg))) == NULL)
		buf_addf(err, "schemas: %s\n", msg);
	for (i = 0; schemas != NULL && i < cfg->nroutes; i++)
		if (!schema_has(schemas, cfg->routes[i].on) &&
		    !outcome_type_known(cfg->routes[i].on) &&
		    !flow_instance_event_known(cfg->routes[i].on))
			buf_addf(err, "%s:%d: route '%s' takes event type '%s',"
			    " which is not in the catalogue (%s)\n", file,
			    cfg->routes[i].line, cfg->routes[i].name,
			    cfg->routes[i].on, dir.data);
	for (i = 0; schemas != NULL && i < cfg->nflows; i++)
		check_flow_types(&cfg->flows[i], schemas, file, dir.data, err);
	for (i = 0; i < cfg->ntargets; i++) {
		snprintf(owner, sizeof(owner), "target '%s' signing",
		    cfg->targets[i].name);
		check_scheme(&cfg->targets[i].signing, owner, file,
		    cfg->targets[i].line, err);
		if (cfg->targets[i].zapi_instance != NULL) {
			snprintf(owner, sizeof(owner), "target '%s' zapi token",
			    cfg->targets[i].name);
			secret = cfg_secret_read(owner,
			    cfg->targets[i].zapi_token_env,
			    cfg->targets[i].zapi_token_file, msg, sizeof(msg));
			secret_seen(secret, msg, file, cfg->targets[i].line,
			    err);
		}
		if (cfg->targets[i].ca_file != NULL &&
		    access(cfg->targets[i].ca_file, R_OK) != 0)
			buf_addf(err, "%s:%d: target '%s': ca_file '%s': %s\n",
			    file, cfg->targets[i].line, cfg->targets[i].name,
			    cfg->targets[i].ca_file, strerror(errno));
		if (cfg->targets[i].token.kind != CFG_TOKEN_NONE) {
			check_token(&cfg->targets[i], file, err);
			continue;
		}
		if (cfg->targets[i].auth_header == NULL &&
		    cfg->targets[i].username == NULL)
			continue;
		secret = cfg_secret(&cfg->targets[i], msg, sizeof(msg));
		secret_seen(secret, msg, file, cfg->targets[i].line, err);
	}
	for (i = 0; i < cfg->nsources; i++) {
		snprintf(owner, sizeof(owner), "source '%s'",
		    cfg->sources[i].name);
		check_scheme(&cfg->sources[i].auth, owner, file,
		    cfg->sources[i].line, err);
		if (cfg->sources[i].links.on) {
			secret = cfg_link_secret(cfg, msg, sizeof(msg));
			secret_seen(secret, msg, file, cfg->sources[i].line,
			    err);
		}
	}
	for (i = 0; i < cfg->nsyncs; i++)
		check_sync(&cfg->syncs[i], schemas, file, err);
	if (cfg->coverage != NULL)
		check_coverage(cfg->coverage, schemas, file, err);
	check_cadences(cfg, schemas, file, err);
	if (cfg->retention.on) {
		secret = cfg_retention_salt(cfg, msg, sizeof(msg));
		secret_seen(secret, msg, file, cfg->retention.line, err);
	}
	schema_free(schemas);
	buf_release(&dir);
	if (err->len > 0 && err->data[err->len - 1] == '\n')
		err->data[--err->len] = '\0';
	return err->len > 0 ? -1 : 0;
}
