/*
 * alerts: the seed's rules, their states, their events.  See alerts.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/alerts.h"
#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "journal/journal.h"
#include "journal/alerts.h"
#include "stage/made.h"
#include "report/report.h"

/* An alert as this run finds it, and as the journal had it. */
struct alert {
	char		*name;
	int		 firing;
	char		*message;
	int		 known;		/* the journal has a state of it */
	struct journal_alert was;	/* its strings are not kept */
};

struct eval {
	struct alert	*v;
	size_t		 n;
};

static struct alert *
find(struct eval *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->v[i].name, name) == 0)
			return &e->v[i];
	e->v = xrealloc(e->v, (e->n + 1) * sizeof(*e->v));
	memset(&e->v[e->n], 0, sizeof(*e->v));
	e->v[e->n].name = xstrdup(name);
	e->v[e->n].message = xstrdup("");
	return &e->v[e->n++];
}

/* The rule name holds (firing) or not, with what it says. */
static void
rule(struct eval *e, const char *name, int firing, const char *fmt, ...)
    __attribute__((__format__(__printf__, 4, 5)));

static void
rule(struct eval *e, const char *name, int firing, const char *fmt, ...)
{
	struct alert *a = find(e, name);
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	a->firing = firing;
	free(a->message);
	a->message = buf_detach(&b);
}

static int
keep_state(void *ctx, const struct journal_alert *ja)
{
	struct alert *a = find(ctx, ja->alert);

	a->known = 1;
	a->was = *ja;
	a->was.alert = a->was.message = NULL;
	/* Not evaluated this run (a job gone): it no longer fires. */
	if (a->message[0] == '\0') {
		free(a->message);
		a->message = xstrdup("no longer checked: its job or target is"
		    " gone from the config");
	}
	return 0;
}

static void
evaluate(struct eval *e, const struct cfg *cfg, const struct report *r,
    int64_t died, int64_t tried, int64_t failed)
{
	const struct cfg_alerts *c = &cfg->alerts;
	int64_t waiting = r->waiting[WAIT_FAILED];
	size_t i;
	int firing;
	char name[160];

	rule(e, "retry_backlog", waiting > c->retry_backlog, "%lld"
	    " deliveries wait to be tried again (the limit is %ld)",
	    (long long)waiting, c->retry_backlog);
	rule(e, "dlq_growing", died > 0, "%lld deliveries died in the last"
	    " %lld min; the dead-letter queue holds %lld", (long long)died,
	    (long long)(c->dlq_window_ms / 60000),
	    (long long)r->waiting[WAIT_DEAD]);
	rule(e, "error_rate", tried >= c->error_min && failed * 100 >
	    tried * c->error_rate, "%lld of the %lld attempts of the last"
	    " %lld min failed (the limit is %d%%)", (long long)failed,
	    (long long)tried, (long long)(c->error_window_ms / 60000),
	    c->error_rate);
	for (i = 0; i < r->nsyncs; i++) {
		snprintf(name, sizeof(name), "sync_failing:%s",
		    r->syncs[i].name);
		firing = strcmp(r->syncs[i].last, "failed") == 0;
		rule(e, name, firing, "sync '%s' %s", r->syncs[i].name,
		    firing ? "failed its last run" : "ran well again");
	}
	for (i = 0; i < r->ntargets; i++) {
		snprintf(name, sizeof(name), "circuit_open:%s",
		    r->targets[i].name);
		/* Half-open is not well yet: resolved once a probe got
		 * through and closed it. */
		firing = r->targets[i].circuit != 0;
		rule(e, name, firing, "target '%s' has its circuit %s",
		    r->targets[i].name, r->targets[i].circuit == 1 ? "open" :
		    r->targets[i].circuit == 2 ? "half-open: a probe goes next"
		    : "closed again");
	}
}

/* integra.alert.firing or .resolved, its line kept. */
static int
post(struct journal *j, const struct cfg *cfg, const struct alert *a,
    int64_t since, int64_t now, struct buf *lines)
{
	struct buf data = BUF_INIT, key = BUF_INIT, text = BUF_INIT;
	const char *status = a->firing ? "firing" : "resolved";
	char since_s[RFC3339_LEN + 1], type[32];
	int rc;

	clock_rfc3339(since, since_s);
	snprintf(type, sizeof(type), "integra.alert.%s", status);
	buf_addf(&key, "alert:%s:%s:%lld", a->name, status, (long long)now);
	buf_adds(&data, "{\"alert\":");
	buf_add_json_string(&data, a->name, strlen(a->name));
	buf_addf(&data, ",\"status\":\"%s\",\"since\":\"%s\",\"message\":",
	    status, since_s);
	buf_add_json_string(&data, a->message, strlen(a->message));
	/* What a chat shows, ready for a route's body. */
	buf_addf(&text, "%s %s: %s", a->firing ? "FIRING" : "RESOLVED",
	    a->name, a->message);
	buf_adds(&data, ",\"text\":");
	buf_add_json_string(&data, text.data, text.len);
	buf_addc(&data, '}');
	rc = made_event(j, &(struct made){ .source = ALERTS_SOURCE,
	    .type = type, .subject = a->name, .tenant = cfg->tenant,
	    .key = key.data, .data = data.data, .len = data.len, .now = now },
	    lines);
	buf_release(&data);
	buf_release(&text);
	buf_release(&key);
	return rc;
}

/* What becomes of one alert: its new state, and maybe an event. */
static int
settle(struct journal *j, const struct cfg *cfg, const struct alert *a,
    int64_t now, struct buf *lines, struct alerts_result *res)
{
	struct journal_alert s = a->was;
	int64_t cooldown = cfg->alerts.cooldown_ms;
	int rc;

	s.alert = a->name;
	s.message = a->message;
	if (!a->known && !a->firing)
		return 0;	/* never fired: nothing to keep */
	if (a->firing)
		res->firing++;
	if (a->firing && (!a->known || !a->was.firing))
		s.since = now;		/* it starts */
	else if (!a->firing && a->known && a->was.firing)
		s.since = now;		/* it ends */
	s.firing = a->firing;
	if (a->firing && !a->was.posted_firing && (s.posted_at == 0 ||
	    now - s.posted_at >= cooldown)) {
		if ((rc = post(j, cfg, a, s.since, now, lines)) != 0)
			return rc;
		s.posted_at = now;
		s.posted_firing = 1;
		res->posted++;
	} else if (!a->firing && a->was.posted_firing) {
		if ((rc = post(j, cfg, a, s.since, now, lines)) != 0)
			return rc;
		s.posted_at = now;
		s.posted_firing = 0;
		res->resolved++;
	}
	return journal_alert_put(j, &s);
}

int
alerts_run(struct journal *j, const struct cfg *cfg, int64_t now,
    FILE *out, struct alerts_result *res)
{
	struct eval e = { NULL, 0 };
	struct report r;
	struct buf lines = BUF_INIT;
	int64_t died, tried, failed;
	size_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = report_load(&r, j, now, now)) != 0 ||
	    (rc = journal_alert_inputs(j, now - cfg->alerts.dlq_window_ms,
	    now - cfg->alerts.error_window_ms, &died, &tried, &failed)) != 0)
		goto out;
	evaluate(&e, cfg, &r, died, tried, failed);
	if ((rc = journal_begin(j)) != 0)
		goto out;
	if ((rc = journal_alerts(j, keep_state, &e)) != 0)
		goto fail;
	for (i = 0; i < e.n; i++)
		if ((rc = settle(j, cfg, &e.v[i], now, &lines, res)) != 0)
			goto fail;
	if ((rc = journal_commit(j)) != 0)
		goto fail;
	if (lines.len > 0 && (fwrite(lines.data, 1, lines.len, out) !=
	    lines.len || fflush(out) != 0))
		rc = 1;
	goto out;
fail:
	journal_rollback(j);
out:
	for (i = 0; i < e.n; i++) {
		free(e.v[i].name);
		free(e.v[i].message);
	}
	free(e.v);
	buf_release(&lines);
	report_release(&r);
	return rc;
}
