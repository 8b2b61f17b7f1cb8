/*
 * group: a group's status and the events it makes.  See group.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "journal/journal.h"
#include "journal/groups.h"
#include "stage/group.h"
#include "stage/made.h"

/* What a status counts, in its order. */
enum tally {
	T_QUEUED,	/* pending */
	T_SENT,		/* in flight */
	T_FAILED,	/* to be tried again */
	T_DELIVERED,
	T_DEAD,
	T_CANCELLED,
	T_FALLBACK,	/* made by a step's fallback, whatever its state */
	T_TOTAL,
	NTALLIES
};

static const char *const tally_names[NTALLIES] = {
	"queued", "sent", "failed", "delivered", "dead", "cancelled",
	"fallback", "total"
};

#define TARGETS_MAX	64	/* targets a status tells apart */

struct status {
	const struct cfg	*cfg;
	long			 all[NTALLIES];
	struct {
		char	*name;
		long	 n[NTALLIES];
	}			 targets[TARGETS_MAX];
	size_t			 ntargets;
	long			 cancelled;	/* dead of class cancelled */
	struct buf		 classes;	/* "CLASS":N,... */
};

/* Whether step of route is some step's fallback. */
static int
is_fallback(const struct cfg *cfg, const char *route, int step)
{
	const struct cfg_route *r;
	size_t i;

	if (cfg == NULL || step <= 0 || (r = cfg_route(cfg, route)) == NULL)
		return 0;
	for (i = 0; i < r->nsteps; i++)
		if (r->steps[i].fallback == step)
			return 1;
	return 0;
}

static int
count(void *ctx, const struct journal_group_count *c)
{
	struct status *s = ctx;
	long *t = NULL;
	size_t i;
	int k;

	if (c->error_class != NULL) {
		if (strcmp(c->error_class, "cancelled") == 0)
			s->cancelled += c->n;
		if (s->classes.len > 0)
			buf_addc(&s->classes, ',');
		buf_add_json_string(&s->classes, c->error_class,
		    strlen(c->error_class));
		buf_addf(&s->classes, ":%ld", c->n);
		return 0;
	}
	for (i = 0; i < s->ntargets; i++)
		if (strcmp(s->targets[i].name, c->target) == 0)
			break;
	if (i == s->ntargets && i < TARGETS_MAX)
		s->targets[s->ntargets++].name = xstrdup(c->target);
	if (i < s->ntargets)
		t = s->targets[i].n;
	k = strcmp(c->status, "pending") == 0 ? T_QUEUED :
	    strcmp(c->status, "in_flight") == 0 ? T_SENT :
	    strcmp(c->status, "failed") == 0 ? T_FAILED :
	    strcmp(c->status, "delivered") == 0 ? T_DELIVERED : T_DEAD;
	s->all[k] += c->n;
	s->all[T_TOTAL] += c->n;
	if (t != NULL) {
		t[k] += c->n;
		t[T_TOTAL] += c->n;
	}
	if (is_fallback(s->cfg, c->route, c->step)) {
		s->all[T_FALLBACK] += c->n;
		if (t != NULL)
			t[T_FALLBACK] += c->n;
	}
	return 0;
}

static void
add_tallies(struct buf *out, const long *n)
{
	int k;

	for (k = 0; k < NTALLIES; k++)
		buf_addf(out, "%s\"%s\":%ld", k > 0 ? "," : "", tally_names[k],
		    n[k]);
}

/* A member's number in the JSON object text, or 0. */
static long long
number(const char *json, const char *name)
{
	struct buf key = BUF_INIT;
	const char *p;
	long long n = 0;

	buf_addf(&key, "\"%s\":", name);
	if ((p = strstr(json, key.data)) != NULL)
		n = strtoll(p + key.len, NULL, 10);
	buf_release(&key);
	return n;
}

/* ,"name":TIME, RFC 3339, or null for 0. */
static void
add_time(struct buf *out, const char *name, long long ms)
{
	char t[RFC3339_LEN + 1];

	if (ms <= 0) {
		buf_addf(out, ",\"%s\":null", name);
		return;
	}
	clock_rfc3339(ms, t);
	buf_addf(out, ",\"%s\":\"%s\"", name, t);
}

/* The group's row (journal_group_get): kept as it is, to splice. */
static int
keep_row(void *ctx, const char *name, const char *json, size_t len)
{
	(void)name;
	buf_add(ctx, json, len);
	return 0;
}

/* The percent of its deliveries that ended: 100 for none. */
static long
ended_pct(const long *n)
{
	long ended = n[T_DELIVERED] + n[T_DEAD] + n[T_CANCELLED];

	return n[T_TOTAL] == 0 ? 100 : ended * 100 / n[T_TOTAL];
}

/*
 * The status into out; with pct, the percent ended.  The row is the
 * journal's JSON object: its members are spliced in, the tallies after.
 */
static int
status(struct journal *j, const struct cfg *cfg, const char *name,
    struct buf *out, int *found, long *pct)
{
	struct status s = { .cfg = cfg, .classes = BUF_INIT };
	struct buf row = BUF_INIT;
	size_t i;
	int rc;

	if ((rc = journal_group_get(j, name, keep_row, &row, found)) != 0 ||
	    !*found || (rc = journal_group_counts(j, name, count, &s)) != 0)
		goto out;
	/* Cancelled ones are dead of class cancelled: told apart. */
	s.all[T_DEAD] -= s.cancelled;
	s.all[T_CANCELLED] = s.cancelled;
	buf_adds(out, "{\"group\":");
	buf_add_json_string(out, name, strlen(name));
	/* The row is {"name":...,REST}: REST follows. */
	buf_adds(out, strchr(row.data, ',') != NULL ? strchr(row.data, ',') :
	    "}");
	out->len--;		/* its closing brace */
	buf_addc(out, ',');
	add_tallies(out, s.all);
	buf_addf(out, ",\"progress\":%ld", ended_pct(s.all));
	add_time(out, "started", number(row.data, "created_at"));
	add_time(out, "finished", number(row.data, "settled_at"));
	buf_adds(out, ",\"targets\":{");
	for (i = 0; i < s.ntargets; i++) {
		buf_addf(out, "%s", i > 0 ? "," : "");
		buf_add_json_string(out, s.targets[i].name,
		    strlen(s.targets[i].name));
		buf_adds(out, ":{");
		add_tallies(out, s.targets[i].n);
		buf_addc(out, '}');
	}
	buf_adds(out, "},\"dead_classes\":{");
	buf_add(out, s.classes.data != NULL ? s.classes.data : "",
	    s.classes.len);
	buf_adds(out, "}}");
	if (pct != NULL)
		*pct = ended_pct(s.all);
out:
	for (i = 0; i < s.ntargets; i++)
		free(s.targets[i].name);
	buf_release(&s.classes);
	buf_release(&row);
	return rc;
}

int
group_status(struct journal *j, const struct cfg *cfg, const char *name,
    struct buf *out, int *found)
{
	return status(j, cfg, name, out, found, NULL);
}

/* The member name's string value in the JSON object text, into v. */
static void
member(const char *json, const char *name, char *v, size_t vsz)
{
	struct buf key = BUF_INIT;
	const char *p, *end;

	v[0] = '\0';
	buf_addf(&key, "\"%s\":\"", name);
	if ((p = strstr(json, key.data)) != NULL) {
		p += key.len;
		if ((end = strchr(p, '"')) != NULL)
			snprintf(v, vsz, "%.*s", (int)(end - p), p);
	}
	buf_release(&key);
}

/* Journals the event kind (settled or progress) with the status text. */
static int
tell(struct journal *j, const char *name, const char *kind,
    const struct buf *st, int64_t now)
{
	struct buf type = BUF_INIT, key = BUF_INIT, line = BUF_INIT;
	char tenant[128];
	int rc;

	member(st->data, "tenant", tenant, sizeof(tenant));
	buf_addf(&type, "integra.group.%s", kind);
	buf_addf(&key, "group.%s:%s:%lld", kind, name, (long long)now);
	rc = made_event(j, &(struct made){ .source = "integra",
	    .type = type.data, .subject = name, .tenant = tenant,
	    .key = key.data, .data = st->data, .len = st->len, .now = now },
	    &line);
	buf_release(&type);
	buf_release(&key);
	buf_release(&line);
	return rc;
}

int
group_settle(struct journal *j, const struct cfg *cfg, const char *name,
    int64_t now, int *settled)
{
	struct buf st = BUF_INIT;
	int rc, found;

	if ((rc = journal_group_settle(j, name, now, settled)) != 0 ||
	    !*settled)
		return rc;
	if ((rc = status(j, cfg, name, &st, &found, NULL)) == 0 && found)
		rc = tell(j, name, "settled", &st, now);
	buf_release(&st);
	return rc;
}

/* The names of the groups not settled, each NUL-ended. */
static int
name_of(void *ctx, const char *name, const char *json, size_t len)
{
	struct buf *names = ctx;

	(void)json;
	(void)len;
	buf_add(names, name, strlen(name) + 1);
	return 0;
}

int
group_round(struct journal *j, const struct cfg *cfg, int64_t now,
    long *settled, long *told)
{
	struct buf names = BUF_INIT, st = BUF_INIT;
	const char *name;
	long long step;
	long pct;
	int rc, found, done;

	*settled = *told = 0;
	if ((rc = journal_group_unsettled(j, name_of, &names)) != 0)
		goto out;
	for (name = names.data; name != NULL && name < names.data + names.len;
	    name += strlen(name) + 1) {
		if ((rc = group_settle(j, cfg, name, now, &done)) != 0)
			break;
		if (done) {
			(*settled)++;
			continue;
		}
		buf_reset(&st);
		if ((rc = status(j, cfg, name, &st, &found, &pct)) != 0)
			break;
		step = number(st.data, "progress_every");
		if (!found || step <= 0 || pct >= 100 || pct / step * step <=
		    number(st.data, "progress_told"))
			continue;
		if ((rc = journal_group_told(j, name, (int)(pct / step * step),
		    now)) != 0 || (rc = tell(j, name, "progress", &st,
		    now)) != 0)
			break;
		(*told)++;
	}
out:
	buf_release(&names);
	buf_release(&st);
	return rc;
}
