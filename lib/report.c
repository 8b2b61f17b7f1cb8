/*
 * report: stats, metrics and health from the journal's counts.  See
 * report.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "journal.h"
#include "report.h"

#define HOUR_MS		3600000

/* The rows of one query, kept: names copied. */
struct rows {
	struct journal_report_row	*r;
	size_t				 n;
};

static int
keep_row(void *ctx, const struct journal_report_row *row)
{
	struct rows *rs = ctx;
	struct journal_report_row *r;
	size_t i;

	rs->r = xrealloc(rs->r, (rs->n + 1) * sizeof(*rs->r));
	r = &rs->r[rs->n++];
	*r = *row;
	for (i = 0; i < 4; i++)
		r->name[i] = row->name[i] != NULL ? xstrdup(row->name[i]) :
		    NULL;
	return 0;
}

static void
rows_free(struct rows *rs)
{
	size_t i, k;

	for (i = 0; i < rs->n; i++)
		for (k = 0; k < 4; k++)
			free((char *)rs->r[i].name[k]);
	free(rs->r);
	rs->r = NULL;
	rs->n = 0;
}

static int
read_rows(struct journal *j, enum journal_report which, int64_t since,
    struct rows *rs)
{
	return journal_report(j, which, since, keep_row, rs);
}

/* Sums by one name: a few dozen keys at most, so a list will do. */
struct tally {
	const char	**key;
	int64_t		 *n;
	size_t		  len;
};

static void
tally_add(struct tally *t, const char *key, int64_t n)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (strcmp(t->key[i], key) == 0) {
			t->n[i] += n;
			return;
		}
	t->key = xrealloc(t->key, (t->len + 1) * sizeof(*t->key));
	t->n = xrealloc(t->n, (t->len + 1) * sizeof(*t->n));
	t->key[t->len] = key;	/* the rows' names outlive the tally */
	t->n[t->len++] = n;
}

static int64_t
tally_get(const struct tally *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (strcmp(t->key[i], key) == 0)
			return t->n[i];
	return 0;
}

static void
tally_free(struct tally *t)
{
	free(t->key);
	free(t->n);
	memset(t, 0, sizeof(*t));
}

static void
json_tally(struct buf *b, const struct tally *t)
{
	size_t i;

	buf_addc(b, '{');
	for (i = 0; i < t->len; i++) {
		if (i > 0)
			buf_addc(b, ',');
		buf_add_json_string(b, t->key[i], strlen(t->key[i]));
		buf_addf(b, ":%lld", (long long)t->n[i]);
	}
	buf_addc(b, '}');
}

static void
text_tally(struct buf *b, const char *title, const struct tally *t)
{
	size_t i;

	if (t->len == 0)
		return;
	buf_addf(b, "  %-12s", title);
	for (i = 0; i < t->len; i++)
		buf_addf(b, "%s%s %lld", i > 0 ? ", " : "", t->key[i],
		    (long long)t->n[i]);
	buf_addc(b, '\n');
}

/*
 * Mean and 95th percentile of the latency histogram, in ms: the
 * percentile is the upper bound of the bucket it falls in (-1: over the
 * last bound).  *count is 0 if nothing was delivered.
 */
static void
latency(const struct rows *lat, int64_t *count, double *mean, int64_t *p95)
{
	int64_t n = 0, sum = 0, cum = 0;
	size_t i;

	for (i = 0; i < lat->n; i++) {
		n += lat->r[i].num[1];
		sum += lat->r[i].num[2];
	}
	*count = n;
	*mean = n > 0 ? (double)sum / (double)n : 0;
	*p95 = 0;
	for (i = 0; i < lat->n; i++) {
		cum += lat->r[i].num[1];
		if (cum * 100 >= n * 95) {
			*p95 = lat->r[i].num[0];
			break;
		}
	}
}

int
report_stats(struct journal *j, int64_t now, int64_t window_ms, int json,
    struct buf *out)
{
	struct rows ev = { 0 }, dl = { 0 }, at = { 0 }, lat = { 0 };
	struct tally type = { 0 }, source = { 0 }, evstatus = { 0 };
	struct tally target = { 0 }, dlstatus = { 0 }, outcome = { 0 };
	char since_s[RFC3339_LEN + 1], until_s[RFC3339_LEN + 1];
	int64_t since = (now - window_ms) / HOUR_MS * HOUR_MS, n, ne = 0, nd = 0;
	int64_t na = 0, settled, p95;
	double mean;
	size_t i, k;
	int rc, first;

	if ((rc = read_rows(j, JOURNAL_REPORT_EVENTS, since, &ev)) != 0 ||
	    (rc = read_rows(j, JOURNAL_REPORT_DELIVERIES, since, &dl)) != 0 ||
	    (rc = read_rows(j, JOURNAL_REPORT_ATTEMPTS, since, &at)) != 0 ||
	    (rc = read_rows(j, JOURNAL_REPORT_LATENCY, since, &lat)) != 0)
		goto out;
	for (i = 0; i < ev.n; i++) {
		tally_add(&type, ev.r[i].name[0], ev.r[i].num[0]);
		tally_add(&source, ev.r[i].name[1], ev.r[i].num[0]);
		tally_add(&evstatus, ev.r[i].name[2], ev.r[i].num[0]);
		ne += ev.r[i].num[0];
	}
	for (i = 0; i < dl.n; i++) {
		tally_add(&target, dl.r[i].name[0], dl.r[i].num[0]);
		tally_add(&dlstatus, dl.r[i].name[1], dl.r[i].num[0]);
		nd += dl.r[i].num[0];
	}
	for (i = 0; i < at.n; i++) {
		tally_add(&outcome, at.r[i].name[1], at.r[i].num[0]);
		na += at.r[i].num[0];
	}
	settled = tally_get(&dlstatus, "delivered") + tally_get(&dlstatus,
	    "failed") + tally_get(&dlstatus, "dead");
	latency(&lat, &n, &mean, &p95);
	clock_rfc3339(since, since_s);
	clock_rfc3339(now, until_s);

	if (!json) {
		buf_addf(out, "since %s (whole hours), until %s\n", since_s,
		    until_s);
		buf_addf(out, "events       %lld\n", (long long)ne);
		text_tally(out, "by type", &type);
		text_tally(out, "by source", &source);
		text_tally(out, "by status", &evstatus);
		buf_addf(out, "deliveries   %lld", (long long)nd);
		if (settled > 0)
			buf_addf(out, ", %.1f%% of those settled delivered",
			    100.0 * (double)tally_get(&dlstatus, "delivered") /
			    (double)settled);
		buf_addc(out, '\n');
		for (i = 0; i < target.len; i++) {
			buf_addf(out, "  %-12s", target.key[i]);
			for (k = 0; k < dl.n; k++)
				if (strcmp(dl.r[k].name[0], target.key[i]) ==
				    0)
					buf_addf(out, " %s %lld",
					    dl.r[k].name[1],
					    (long long)dl.r[k].num[0]);
			buf_addc(out, '\n');
		}
		buf_addf(out, "attempts     %lld\n", (long long)na);
		text_tally(out, "by outcome", &outcome);
		if (n > 0) {
			buf_addf(out, "receipt to delivery: mean %.0f ms, 95%%"
			    " within ", mean);
			if (p95 < 0)
				buf_adds(out, "more than a day");
			else
				buf_addf(out, "%lld ms", (long long)p95);
			buf_addf(out, " (%lld delivered)\n", (long long)n);
		}
		goto out;
	}
	buf_addf(out, "{\"since\":\"%s\",\"until\":\"%s\",\"events\":"
	    "{\"total\":%lld,\"by_type\":", since_s, until_s, (long long)ne);
	json_tally(out, &type);
	buf_adds(out, ",\"by_source\":");
	json_tally(out, &source);
	buf_adds(out, ",\"by_status\":");
	json_tally(out, &evstatus);
	buf_addf(out, "},\"deliveries\":{\"total\":%lld,\"by_status\":",
	    (long long)nd);
	json_tally(out, &dlstatus);
	buf_adds(out, ",\"by_target\":{");
	for (i = 0; i < target.len; i++) {
		buf_adds(out, i > 0 ? "," : "");
		buf_add_json_string(out, target.key[i], strlen(target.key[i]));
		buf_addc(out, ':');
		for (k = 0, first = 1; k < dl.n; k++)
			if (strcmp(dl.r[k].name[0], target.key[i]) == 0) {
				buf_adds(out, first ? "{" : ",");
				first = 0;
				buf_add_json_string(out, dl.r[k].name[1],
				    strlen(dl.r[k].name[1]));
				buf_addf(out, ":%lld",
				    (long long)dl.r[k].num[0]);
			}
		buf_addc(out, '}');
	}
	buf_adds(out, "},\"success_rate\":");
	if (settled > 0)
		buf_addf(out, "%.4f", (double)tally_get(&dlstatus,
		    "delivered") / (double)settled);
	else
		buf_adds(out, "null");
	buf_addf(out, "},\"attempts\":{\"total\":%lld,\"by_outcome\":",
	    (long long)na);
	json_tally(out, &outcome);
	buf_addf(out, "},\"latency_ms\":{\"delivered\":%lld", (long long)n);
	if (n > 0)
		buf_addf(out, ",\"mean\":%.0f,\"p95\":%lld", mean,
		    (long long)p95);
	else
		buf_adds(out, ",\"mean\":null,\"p95\":null");
	buf_adds(out, "}}\n");
out:
	tally_free(&type);
	tally_free(&source);
	tally_free(&evstatus);
	tally_free(&target);
	tally_free(&dlstatus);
	tally_free(&outcome);
	rows_free(&ev);
	rows_free(&dl);
	rows_free(&at);
	rows_free(&lat);
	return rc != 0 ? -1 : 0;
}

/* A label value as the exposition format escapes it. */
static void
label(struct buf *b, const char *name, const char *value, int first)
{
	buf_addf(b, "%s%s=\"", first ? "" : ",", name);
	for (; *value != '\0'; value++) {
		if (*value == '\\' || *value == '"')
			buf_addc(b, '\\');
		if (*value == '\n')
			buf_adds(b, "\\n");
		else
			buf_addc(b, *value);
	}
	buf_addc(b, '"');
}

static void
family(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int
report_metrics(struct journal *j, int64_t now, struct buf *out)
{
	struct rows ev = { 0 }, dl = { 0 }, at = { 0 }, lat = { 0 };
	struct rows tg = { 0 }, bl = { 0 };
	int64_t cum = 0, sum = 0, oldest;
	size_t i;
	int rc;

	if ((rc = read_rows(j, JOURNAL_REPORT_EVENTS, 0, &ev)) != 0 ||
	    (rc = read_rows(j, JOURNAL_REPORT_DELIVERIES, 0, &dl)) != 0 ||
	    (rc = read_rows(j, JOURNAL_REPORT_ATTEMPTS, 0, &at)) != 0 ||
	    (rc = read_rows(j, JOURNAL_REPORT_LATENCY, 0, &lat)) != 0 ||
	    (rc = read_rows(j, JOURNAL_REPORT_TARGETS, now, &tg)) != 0 ||
	    (rc = read_rows(j, JOURNAL_REPORT_BACKLOG, now, &bl)) != 0)
		goto out;

	family(out, "integra_events", "gauge",
	    "Events in the journal, by type, source and status.");
	for (i = 0; i < ev.n; i++) {
		buf_adds(out, "integra_events{");
		label(out, "type", ev.r[i].name[0], 1);
		label(out, "source", ev.r[i].name[1], 0);
		label(out, "status", ev.r[i].name[2], 0);
		buf_addf(out, "} %lld\n", (long long)ev.r[i].num[0]);
	}
	family(out, "integra_deliveries", "gauge",
	    "Deliveries in the journal, by target and status.");
	for (i = 0; i < dl.n; i++) {
		buf_adds(out, "integra_deliveries{");
		label(out, "target", dl.r[i].name[0], 1);
		label(out, "status", dl.r[i].name[1], 0);
		buf_addf(out, "} %lld\n", (long long)dl.r[i].num[0]);
	}
	family(out, "integra_attempts_total", "counter",
	    "Attempts made, by target and outcome (ok, or the error class).");
	for (i = 0; i < at.n; i++) {
		buf_adds(out, "integra_attempts_total{");
		label(out, "target", at.r[i].name[0], 1);
		label(out, "outcome", at.r[i].name[1], 0);
		buf_addf(out, "} %lld\n", (long long)at.r[i].num[0]);
	}
	family(out, "integra_delivery_seconds", "histogram",
	    "Time from an event's receipt to a delivery of it delivered.");
	for (i = 0; i < lat.n; i++) {
		cum += lat.r[i].num[1];
		sum += lat.r[i].num[2];
		if (lat.r[i].num[0] >= 0)
			buf_addf(out, "integra_delivery_seconds_bucket"
			    "{le=\"%g\"} %lld\n",
			    (double)lat.r[i].num[0] / 1000.0, (long long)cum);
	}
	buf_addf(out, "integra_delivery_seconds_bucket{le=\"+Inf\"} %lld\n"
	    "integra_delivery_seconds_sum %.3f\n"
	    "integra_delivery_seconds_count %lld\n", (long long)cum,
	    (double)sum / 1000.0, (long long)cum);
	family(out, "integra_event_backlog", "gauge",
	    "Events waiting to be normalized or mapped.");
	buf_addf(out, "integra_event_backlog %lld\n",
	    (long long)bl.r[0].num[0]);
	family(out, "integra_retry_backlog", "gauge",
	    "Deliveries that failed and wait to be tried again.");
	buf_addf(out, "integra_retry_backlog %lld\n",
	    (long long)bl.r[0].num[1]);
	family(out, "integra_dlq_size", "gauge",
	    "Dead deliveries in the dead-letter queue, not archived.");
	buf_addf(out, "integra_dlq_size %lld\n", (long long)bl.r[0].num[2]);
	family(out, "integra_oldest_pending_seconds", "gauge",
	    "Age of the oldest event waiting, or delivery due, 0 if none.");
	oldest = 0;
	for (i = 3; i < 5; i++)
		if (bl.r[0].num[i] > 0 && (oldest == 0 ||
		    bl.r[0].num[i] < oldest))
			oldest = bl.r[0].num[i];
	buf_addf(out, "integra_oldest_pending_seconds %.3f\n", oldest > 0 &&
	    oldest < now ? (double)(now - oldest) / 1000.0 : 0.0);
	family(out, "integra_target_disabled", "gauge",
	    "1 if the target is disabled.");
	for (i = 0; i < tg.n; i++) {
		buf_adds(out, "integra_target_disabled{");
		label(out, "target", tg.r[i].name[0], 1);
		buf_addf(out, "} %lld\n", (long long)tg.r[i].num[0]);
	}
	family(out, "integra_circuit_state", "gauge",
	    "A target's circuit: 0 closed, 1 open, 2 half-open.");
	for (i = 0; i < tg.n; i++) {
		buf_adds(out, "integra_circuit_state{");
		label(out, "target", tg.r[i].name[0], 1);
		buf_addf(out, "} %lld\n", (long long)tg.r[i].num[1]);
	}
out:
	rows_free(&ev);
	rows_free(&dl);
	rows_free(&at);
	rows_free(&lat);
	rows_free(&tg);
	rows_free(&bl);
	return rc != 0 ? -1 : 0;
}

int
report_health(struct journal *j, int64_t now, const struct report_limits *l,
    struct buf *out, enum report_status *status)
{
	static const char *const names[] = { "OK", "WARNING", "CRITICAL" };
	struct rows tg = { 0 }, bl = { 0 };
	struct buf why = BUF_INIT;
	int64_t oldest = 0, age;
	size_t i;
	int rc;

	*status = REPORT_OK;
	if ((rc = read_rows(j, JOURNAL_REPORT_TARGETS, now, &tg)) != 0 ||
	    (rc = read_rows(j, JOURNAL_REPORT_BACKLOG, now, &bl)) != 0)
		goto out;
	for (i = 3; i < 5; i++)
		if (bl.r[0].num[i] > 0 && (oldest == 0 ||
		    bl.r[0].num[i] < oldest))
			oldest = bl.r[0].num[i];
	age = oldest > 0 && oldest < now ? now - oldest : 0;
	if (age > l->crit_age_ms || age > l->warn_age_ms) {
		*status = age > l->crit_age_ms ? REPORT_CRITICAL :
		    REPORT_WARNING;
		buf_addf(&why, "; work has waited %lld s",
		    (long long)(age / 1000));
	}
	if (bl.r[0].num[1] > l->warn_retries) {
		if (*status < REPORT_WARNING)
			*status = REPORT_WARNING;
		buf_addf(&why, "; %lld deliveries wait to be tried again",
		    (long long)bl.r[0].num[1]);
	}
	if (bl.r[0].num[2] > 0) {
		if (*status < REPORT_WARNING)
			*status = REPORT_WARNING;
		buf_addf(&why, "; %lld in the dead-letter queue",
		    (long long)bl.r[0].num[2]);
	}
	for (i = 0; i < tg.n; i++) {
		if (tg.r[i].num[0] == 0 && tg.r[i].num[1] != 1)
			continue;
		if (*status < REPORT_WARNING)
			*status = REPORT_WARNING;
		buf_addf(&why, "; target '%s' %s", tg.r[i].name[0],
		    tg.r[i].num[0] ? "disabled" : "has its circuit open");
	}
	if (why.len == 0)
		buf_addf(out, "OK: %lld events to normalize or map, %lld"
		    " deliveries to try again, none waiting long\n",
		    (long long)bl.r[0].num[0], (long long)bl.r[0].num[1]);
	else
		buf_addf(out, "%s: %s\n", names[*status], why.data + 2);
out:
	buf_free(&why);
	rows_free(&tg);
	rows_free(&bl);
	return rc != 0 ? -1 : 0;
}
