/*
 * report: stats, metrics and health from the journal's counts.  See
 * report.h.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "journal/journal.h"
#include "journal/counts.h"
#include "report/report.h"

#define HOUR_MS		3600000

static void
sum_add(struct report_sums *s, const char *name, int64_t n)
{
	size_t i;

	/* A few dozen names at most: a list will do. */
	for (i = 0; i < s->len; i++)
		if (strcmp(s->v[i].name, name) == 0) {
			s->v[i].n += n;
			return;
		}
	s->v = xrealloc(s->v, (s->len + 1) * sizeof(*s->v));
	s->v[s->len].name = xstrdup(name);
	s->v[s->len++].n = n;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct report_sum *)a)->name,
	    ((const struct report_sum *)b)->name);
}

static void
sums_sort(struct report_sums *s)
{
	if (s->len > 1)
		qsort(s->v, s->len, sizeof(*s->v), by_name);
}

static void
sums_release(struct report_sums *s)
{
	size_t i;

	for (i = 0; i < s->len; i++)
		free(s->v[i].name);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int64_t
report_sum(const struct report_sums *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->len; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return s->v[i].n;
	return 0;
}

static struct report_target *
target(struct report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ntargets; i++)
		if (strcmp(r->targets[i].name, name) == 0)
			return &r->targets[i];
	r->targets = xrealloc(r->targets, (r->ntargets + 1) *
	    sizeof(*r->targets));
	memset(&r->targets[r->ntargets], 0, sizeof(*r->targets));
	r->targets[r->ntargets].name = xstrdup(name);
	return &r->targets[r->ntargets++];
}

/* The latency bucket a count's bound names; the last one is "inf". */
static size_t
bucket(const char *bound)
{
	long long ms = strtoll(bound, NULL, 10);
	size_t i;

	for (i = 0; i < JOURNAL_LATENCY_BUCKETS; i++)
		if (ms == journal_latency_bounds[i])
			return i;
	return JOURNAL_LATENCY_BUCKETS;
}

static void
tally(struct report *r, const struct journal_report_row *row)
{
	const char *kind = row->name[0], *a = row->name[1], *b = row->name[2];
	int64_t n = row->num[0], total = row->num[1];
	struct report_target *t;
	size_t k;

	if (strcmp(kind, "event") == 0) {
		sum_add(&r->ev_status, row->name[3], n);
		if (strcmp(row->name[3], "received") == 0) {
			r->received += n;
			sum_add(&r->ev_type, a, n);
			sum_add(&r->ev_source, b, n);
		}
	} else if (strcmp(kind, "delivery") == 0) {
		sum_add(&r->dl_status, b, n);
		sum_add(&target(r, a)->status, b, n);
	} else if (strcmp(kind, "attempt") == 0) {
		r->attempts += n;
		r->attempt_ms += total;
		sum_add(&r->outcome, b, n);
	} else if (strcmp(kind, "latency") == 0) {
		k = bucket(b);
		t = target(r, a);
		t->latency[k] += n;
		t->latency_ms += total;
		r->latency[k] += n;
		r->delivered += n;
		r->latency_ms += total;
	}
}

static int
keep_count(void *ctx, const struct journal_report_row *row)
{
	struct report *r = ctx;
	struct journal_report_row *kept;
	size_t i;

	r->rows = xrealloc(r->rows, (r->nrows + 1) * sizeof(*r->rows));
	kept = &r->rows[r->nrows++];
	*kept = *row;
	for (i = 0; i < 4; i++)
		kept->name[i] = xstrdup(row->name[i] != NULL ? row->name[i] :
		    "");
	tally(r, kept);
	return 0;
}

static int
keep_target(void *ctx, const struct journal_report_row *row)
{
	struct report_target *t = target(ctx, row->name[0]);

	t->disabled = (int)row->num[0];
	t->circuit = (int)row->num[1];
	return 0;
}

static int
keep_waiting(void *ctx, const struct journal_report_row *row)
{
	struct report *r = ctx;

	memcpy(r->waiting, row->num, sizeof(r->waiting));
	return 0;
}

static int
keep_sync(void *ctx, const struct journal_report_row *row)
{
	struct report *r = ctx;
	struct report_sync *y;

	r->syncs = xrealloc(r->syncs, (r->nsyncs + 1) * sizeof(*r->syncs));
	y = &r->syncs[r->nsyncs++];
	memset(y, 0, sizeof(*y));
	y->name = xstrdup(row->name[0]);
	y->last = xstrdup(row->name[1] != NULL ? row->name[1] : "");
	y->ok = row->num[0];
	y->failed = row->num[1];
	y->running = row->num[2];
	y->last_ok = row->num[3];
	y->read = row->num[4];
	y->changed = row->num[5];
	y->refused = row->num[6];
	return 0;
}

static int
keep_sync_time(void *ctx, const struct journal_report_row *row)
{
	struct report *r = ctx;
	struct report_sync *y;
	size_t i, k;

	for (i = 0, y = NULL; i < r->nsyncs && y == NULL; i++)
		if (strcmp(r->syncs[i].name, row->name[0]) == 0)
			y = &r->syncs[i];
	if (y == NULL)
		return 0;
	for (k = 0; k < JOURNAL_SYNC_BUCKETS; k++)
		if (strtoll(row->name[1], NULL, 10) == journal_sync_bounds[k])
			break;
	y->took[k] += row->num[0];
	y->took_ms += row->num[1];
	return 0;
}

static int
keep_flow(void *ctx, const struct journal_report_row *row)
{
	struct report *r = ctx;
	struct report_flow *f;
	size_t i;

	r->flows = xrealloc(r->flows, (r->nflows + 1) * sizeof(*r->flows));
	f = &r->flows[r->nflows++];
	f->name = xstrdup(row->name[0]);
	for (i = 0; i < FLOW_STATUSES; i++)
		f->by[i] = row->num[i];
	f->completions = row->num[6];
	f->completion_ms = row->num[7];
	return 0;
}

int
report_load(struct report *r, struct journal *j, int64_t now,
    int64_t since_ms)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->now = now;
	r->since = since_ms > 0 ? since_ms / HOUR_MS * HOUR_MS : 0;
	if ((rc = journal_report(j, JOURNAL_REPORT_COUNTS, r->since,
	    keep_count, r)) != 0 ||
	    (rc = journal_report(j, JOURNAL_REPORT_TARGETS, now, keep_target,
	    r)) != 0 ||
	    (rc = journal_report(j, JOURNAL_REPORT_WAITING, now, keep_waiting,
	    r)) != 0 ||
	    (rc = journal_report(j, JOURNAL_REPORT_SYNCS, r->since, keep_sync,
	    r)) != 0 ||
	    (rc = journal_report(j, JOURNAL_REPORT_SYNC_TIMES, r->since,
	    keep_sync_time, r)) != 0 ||
	    (rc = journal_report(j, JOURNAL_REPORT_FLOWS, now, keep_flow,
	    r)) != 0)
		return rc;
	/* The counts come by type; the other sums are sorted too. */
	sums_sort(&r->ev_source);
	sums_sort(&r->ev_status);
	sums_sort(&r->dl_status);
	sums_sort(&r->outcome);
	return 0;
}

void
report_release(struct report *r)
{
	size_t i, k;

	for (i = 0; i < r->nrows; i++)
		for (k = 0; k < 4; k++)
			free((char *)r->rows[i].name[k]);
	free(r->rows);
	for (i = 0; i < r->ntargets; i++) {
		free(r->targets[i].name);
		sums_release(&r->targets[i].status);
	}
	free(r->targets);
	for (i = 0; i < r->nsyncs; i++) {
		free(r->syncs[i].name);
		free(r->syncs[i].last);
	}
	free(r->syncs);
	for (i = 0; i < r->nflows; i++)
		free(r->flows[i].name);
	free(r->flows);
	sums_release(&r->ev_type);
	sums_release(&r->ev_source);
	sums_release(&r->ev_status);
	sums_release(&r->dl_status);
	sums_release(&r->outcome);
	memset(r, 0, sizeof(*r));
}

double
report_success(const struct report *r)
{
	int64_t ok = report_sum(&r->dl_status, "delivered");
	int64_t dead = report_sum(&r->dl_status, "dead");

	return ok + dead > 0 ? (double)ok / (double)(ok + dead) : -1;
}

void
report_latency(const struct report *r, double *mean, int64_t *p95)
{
	int64_t cum = 0;
	size_t i;

	*mean = 0;
	*p95 = 0;
	if (r->delivered == 0)
		return;
	*mean = (double)r->latency_ms / (double)r->delivered;
	for (i = 0; i <= JOURNAL_LATENCY_BUCKETS; i++) {
		cum += r->latency[i];
		if (cum * 100 >= r->delivered * 95) {
			*p95 = i < JOURNAL_LATENCY_BUCKETS ?
			    journal_latency_bounds[i] : -1;
			return;
		}
	}
}

int64_t
report_oldest_age(const struct report *r)
{
	int64_t oldest = 0, t;
	int i;

	for (i = WAIT_OLDEST_EVENT; i <= WAIT_OLDEST_DUE; i++) {
		t = r->waiting[i];
		if (t > 0 && (oldest == 0 || t < oldest))
			oldest = t;
	}
	return oldest > 0 && oldest < r->now ? r->now - oldest : 0;
}

static void
json_sums(struct buf *b, const struct report_sums *s)
{
	size_t i;

	buf_addc(b, '{');
	for (i = 0; i < s->len; i++) {
		if (i > 0)
			buf_addc(b, ',');
		buf_add_json_string(b, s->v[i].name, strlen(s->v[i].name));
		buf_addf(b, ":%lld", (long long)s->v[i].n);
	}
	buf_addc(b, '}');
}

static void
text_sums(struct buf *b, const char *title, const struct report_sums *s)
{
	size_t i;

	if (s->len == 0)
		return;
	buf_addf(b, "  %-11s", title);
	for (i = 0; i < s->len; i++)
		buf_addf(b, "%s%s %lld", i > 0 ? ", " : " ", s->v[i].name,
		    (long long)s->v[i].n);
	buf_addc(b, '\n');
}

static void
stats_text(const struct report *r, struct buf *out)
{
	char since[RFC3339_LEN + 1], until[RFC3339_LEN + 1];
	double success, mean;
	int64_t p95;
	size_t i;

	clock_rfc3339(r->since, since);
	clock_rfc3339(r->now, until);
	buf_addf(out, "from %s to %s\n", since, until);
	buf_addf(out, "events       %lld received\n", (long long)r->received);
	text_sums(out, "by type", &r->ev_type);
	text_sums(out, "by source", &r->ev_source);
	text_sums(out, "by status", &r->ev_status);
	buf_addf(out, "deliveries   %lld created",
	    (long long)report_sum(&r->dl_status, "created"));
	if ((success = report_success(r)) >= 0)
		buf_addf(out, ", %.1f%% of those settled delivered",
		    100 * success);
	buf_addc(out, '\n');
	for (i = 0; i < r->ntargets; i++)
		if (r->targets[i].status.len > 0)
			text_sums(out, r->targets[i].name,
			    &r->targets[i].status);
	buf_addf(out, "attempts     %lld\n", (long long)r->attempts);
	text_sums(out, "by outcome", &r->outcome);
	report_latency(r, &mean, &p95);
	if (r->delivered > 0) {
		buf_addf(out, "receipt to delivery: mean %.0f ms, 95%% within ",
		    mean);
		if (p95 < 0)
			buf_adds(out, "more than a day");
		else
			buf_addf(out, "%lld ms", (long long)p95);
		buf_addf(out, " (%lld delivered)\n", (long long)r->delivered);
	}
	for (i = 0; i < r->nsyncs; i++)
		buf_addf(out, "sync %-7s %lld ok, %lld failed; %lld records"
		    " read, %lld new or changed, %lld refused; last run %s\n",
		    r->syncs[i].name, (long long)r->syncs[i].ok,
		    (long long)r->syncs[i].failed, (long long)r->syncs[i].read,
		    (long long)r->syncs[i].changed,
		    (long long)r->syncs[i].refused, r->syncs[i].last);
	buf_addf(out, "waiting now  %lld events to normalize, %lld to map;"
	    " deliveries %lld pending, %lld to retry, %lld in flight;"
	    " %lld dead letters", (long long)r->waiting[WAIT_RECEIVED],
	    (long long)r->waiting[WAIT_NORMALIZED],
	    (long long)r->waiting[WAIT_PENDING],
	    (long long)r->waiting[WAIT_FAILED],
	    (long long)r->waiting[WAIT_IN_FLIGHT],
	    (long long)r->waiting[WAIT_DEAD]);
	if (report_oldest_age(r) > 0)
		buf_addf(out, "; the oldest waits %lld s",
		    (long long)(report_oldest_age(r) / 1000));
	buf_addc(out, '\n');
}

static void
stats_json(const struct report *r, struct buf *out)
{
	char since[RFC3339_LEN + 1], until[RFC3339_LEN + 1];
	double success, mean;
	int64_t p95;
	size_t i;
	int first;

	clock_rfc3339(r->since, since);
	clock_rfc3339(r->now, until);
	buf_addf(out, "{\"since\":\"%s\",\"until\":\"%s\",\"events\":"
	    "{\"received\":%lld,\"by_type\":", since, until,
	    (long long)r->received);
	json_sums(out, &r->ev_type);
	buf_adds(out, ",\"by_source\":");
	json_sums(out, &r->ev_source);
	buf_adds(out, ",\"by_status\":");
	json_sums(out, &r->ev_status);
	buf_adds(out, "},\"deliveries\":{\"by_status\":");
	json_sums(out, &r->dl_status);
	buf_adds(out, ",\"by_target\":{");
	for (i = 0, first = 1; i < r->ntargets; i++) {
		if (r->targets[i].status.len == 0)
			continue;
		buf_adds(out, first ? "" : ",");
		first = 0;
		buf_add_json_string(out, r->targets[i].name,
		    strlen(r->targets[i].name));
		buf_addc(out, ':');
		json_sums(out, &r->targets[i].status);
	}
	buf_adds(out, "},\"success_rate\":");
	if ((success = report_success(r)) >= 0)
		buf_addf(out, "%.4f", success);
	else
		buf_adds(out, "null");
	buf_addf(out, "},\"attempts\":{\"total\":%lld,\"by_outcome\":",
	    (long long)r->attempts);
	json_sums(out, &r->outcome);
	report_latency(r, &mean, &p95);
	buf_addf(out, "},\"latency_ms\":{\"delivered\":%lld",
	    (long long)r->delivered);
	if (r->delivered > 0)
		buf_addf(out, ",\"mean\":%.0f,\"p95\":%lld", mean,
		    (long long)p95);
	else
		buf_adds(out, ",\"mean\":null,\"p95\":null");
	buf_adds(out, "},\"syncs\":{");
	for (i = 0; i < r->nsyncs; i++) {
		const struct report_sync *y = &r->syncs[i];

		buf_adds(out, i > 0 ? "," : "");
		buf_add_json_string(out, y->name, strlen(y->name));
		buf_addf(out, ":{\"ok\":%lld,\"failed\":%lld,\"read\":%lld,"
		    "\"changed\":%lld,\"refused\":%lld,\"last\":\"%s\"}",
		    (long long)y->ok, (long long)y->failed, (long long)y->read,
		    (long long)y->changed, (long long)y->refused, y->last);
	}
	buf_addf(out, "},\"waiting\":{\"to_normalize\":%lld,\"to_map\":%lld,"
	    "\"pending\":%lld,\"to_retry\":%lld,\"in_flight\":%lld,"
	    "\"dead_letters\":%lld,\"oldest_age_ms\":%lld}}\n",
	    (long long)r->waiting[WAIT_RECEIVED],
	    (long long)r->waiting[WAIT_NORMALIZED],
	    (long long)r->waiting[WAIT_PENDING],
	    (long long)r->waiting[WAIT_FAILED],
	    (long long)r->waiting[WAIT_IN_FLIGHT],
	    (long long)r->waiting[WAIT_DEAD],
	    (long long)report_oldest_age(r));
}

void
report_stats(const struct report *r, int json, struct buf *out)
{
	if (json)
		stats_json(r, out);
	else
		stats_text(r, out);
}

/* A label, its value escaped as the exposition format wants. */
static void
label(struct buf *b, const char *name, const char *value, int first)
{
	buf_addf(b, "%s%s=\"", first ? "" : ",", name);
	for (; *value != '\0'; value++) {
		if (*value == '\n')
			buf_adds(b, "\\n");
		else {
			if (*value == '\\' || *value == '"')
				buf_addc(b, '\\');
			buf_addc(b, *value);
		}
	}
	buf_addc(b, '"');
}

static void
family(struct buf *b, const char *name, const char *type, const char *help)
{
	buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The counts of one kind, as a counter with the labels given. */
static void
counter(struct buf *b, const struct report *r, const char *kind,
    const char *name, const char *const labels[3], int seconds)
{
	const struct journal_report_row *row;
	size_t i, k;

	for (i = 0; i < r->nrows; i++) {
		row = &r->rows[i];
		if (strcmp(row->name[0], kind) != 0)
			continue;
		buf_addf(b, "%s{", name);
		for (k = 0; k < 3 && labels[k] != NULL; k++)
			label(b, labels[k], row->name[k + 1], k == 0);
		if (seconds)
			buf_addf(b, "} %.3f\n", (double)row->num[1] / 1000);
		else
			buf_addf(b, "} %lld\n", (long long)row->num[0]);
	}
}

static void
histogram(struct buf *b, const struct report_target *t)
{
	int64_t cum = 0;
	size_t i;

	for (i = 0; i < JOURNAL_LATENCY_BUCKETS; i++) {
		cum += t->latency[i];
		buf_adds(b, "integra_delivery_latency_seconds_bucket{");
		label(b, "target", t->name, 1);
		buf_addf(b, ",le=\"%g\"} %lld\n",
		    (double)journal_latency_bounds[i] / 1000, (long long)cum);
	}
	cum += t->latency[JOURNAL_LATENCY_BUCKETS];
	buf_adds(b, "integra_delivery_latency_seconds_bucket{");
	label(b, "target", t->name, 1);
	buf_addf(b, ",le=\"+Inf\"} %lld\n", (long long)cum);
	buf_adds(b, "integra_delivery_latency_seconds_sum{");
	label(b, "target", t->name, 1);
	buf_addf(b, "} %.3f\n", (double)t->latency_ms / 1000);
	buf_adds(b, "integra_delivery_latency_seconds_count{");
	label(b, "target", t->name, 1);
	buf_addf(b, "} %lld\n", (long long)cum);
}

/*
 * A sync job's labels: job="...", and for the run of one record of a job
 * over a record set ("JOB/KEY"), record="KEY" too.
 */
static void
job_labels(struct buf *b, const char *job)
{
	const char *slash = strchr(job, '/');
	struct buf name = BUF_INIT;

	if (slash == NULL) {
		label(b, "job", job, 1);
		return;
	}
	buf_add(&name, job, (size_t)(slash - job));
	label(b, "job", name.data, 1);
	label(b, "record", slash + 1, 0);
	buf_release(&name);
}

/* One line of a sync family: name{job="..."[,extra]} value. */
static void
sync_line(struct buf *b, const char *name, const char *job,
    const char *extra, long long v)
{
	buf_addf(b, "%s{", name);
	job_labels(b, job);
	buf_addf(b, "%s} %lld\n", extra, v);
}

/* A job's runs by how long they took. */
static void
sync_histogram(struct buf *b, const struct report_sync *y)
{
	int64_t cum = 0;
	size_t i;

	for (i = 0; i <= JOURNAL_SYNC_BUCKETS; i++) {
		cum += y->took[i];
		buf_adds(b, "integra_sync_run_seconds_bucket{");
		job_labels(b, y->name);
		if (i < JOURNAL_SYNC_BUCKETS)
			buf_addf(b, ",le=\"%g\"} %lld\n",
			    (double)journal_sync_bounds[i] / 1000,
			    (long long)cum);
		else
			buf_addf(b, ",le=\"+Inf\"} %lld\n", (long long)cum);
	}
	buf_adds(b, "integra_sync_run_seconds_sum{");
	job_labels(b, y->name);
	buf_addf(b, "} %.3f\n", (double)y->took_ms / 1000);
	buf_adds(b, "integra_sync_run_seconds_count{");
	job_labels(b, y->name);
	buf_addf(b, "} %lld\n", (long long)cum);
}

static void
sync_metrics(struct buf *out, const struct report *r)
{
	const struct report_sync *y;
	size_t i;

	family(out, "integra_sync_runs_total", "counter", "Runs of a sync"
	    " job that ended ok or failed.");
	for (i = 0, y = r->syncs; i < r->nsyncs; i++, y++) {
		sync_line(out, "integra_sync_runs_total", y->name,
		    ",status=\"ok\"", y->ok);
		sync_line(out, "integra_sync_runs_total", y->name,
		    ",status=\"failed\"", y->failed);
	}
	family(out, "integra_sync_records_total", "counter", "Records a sync"
	    " job read, found new or changed, or refused.");
	for (i = 0, y = r->syncs; i < r->nsyncs; i++, y++) {
		sync_line(out, "integra_sync_records_total", y->name,
		    ",outcome=\"read\"", y->read);
		sync_line(out, "integra_sync_records_total", y->name,
		    ",outcome=\"changed\"", y->changed);
		sync_line(out, "integra_sync_records_total", y->name,
		    ",outcome=\"refused\"", y->refused);
	}
	family(out, "integra_sync_run_seconds", "histogram", "How long a"
	    " sync job's runs that ended took.");
	for (i = 0, y = r->syncs; i < r->nsyncs; i++, y++)
		sync_histogram(out, y);
	family(out, "integra_sync_running", "gauge", "Runs of a sync job"
	    " going on.");
	for (i = 0, y = r->syncs; i < r->nsyncs; i++, y++)
		sync_line(out, "integra_sync_running", y->name, "",
		    y->running);
	family(out, "integra_sync_last_failed", "gauge", "1 if a sync job's"
	    " last run failed.");
	for (i = 0, y = r->syncs; i < r->nsyncs; i++, y++)
		sync_line(out, "integra_sync_last_failed", y->name, "",
		    strcmp(y->last, "failed") == 0);
	family(out, "integra_sync_last_success_seconds", "gauge", "When a"
	    " sync job's last run that ended ok ended, in seconds since the"
	    " epoch; 0 if none has.");
	for (i = 0, y = r->syncs; i < r->nsyncs; i++, y++)
		sync_line(out, "integra_sync_last_success_seconds", y->name,
		    "", y->last_ok / 1000);
}

static void
flow_metrics(struct buf *out, const struct report *r)
{
	const struct report_flow *f;
	size_t i, k;

	family(out, "integra_flow_instances", "gauge", "A flow's instances,"
	    " by status.");
	for (i = 0; i < r->nflows; i++)
		for (k = 0; k < FLOW_STATUSES; k++) {
			f = &r->flows[i];
			buf_adds(out, "integra_flow_instances{");
			label(out, "flow", f->name, 1);
			label(out, "status", flow_instance_statuses[k], 0);
			buf_addf(out, "} %lld\n", (long long)f->by[k]);
		}
	family(out, "integra_flow_completion_seconds", "summary", "Time from"
	    " an instance's start to its completion.");
	for (i = 0; i < r->nflows; i++) {
		f = &r->flows[i];
		buf_adds(out, "integra_flow_completion_seconds_sum{");
		label(out, "flow", f->name, 1);
		buf_addf(out, "} %.3f\n", (double)f->completion_ms / 1000);
		buf_adds(out, "integra_flow_completion_seconds_count{");
		label(out, "flow", f->name, 1);
		buf_addf(out, "} %lld\n", (long long)f->completions);
	}
}

void
report_metrics(const struct report *r, struct buf *out)
{
	static const char *const ev[3] = { "type", "source", "status" };
	static const char *const dl[3] = { "target", "status", NULL };
	static const char *const at[3] = { "target", "outcome", NULL };
	static const char *const msg[3] = { "channel", "status", "cadence" };
	static const char *const try[3] = { "channel", "outcome",
	    "cadence" };
	static const struct {
		const char	*name;
		enum report_waiting which;
	} waits[] = {
		{ "received", WAIT_RECEIVED }, { "normalized", WAIT_NORMALIZED },
	}, dwaits[] = {
		{ "pending", WAIT_PENDING }, { "failed", WAIT_FAILED },
		{ "in_flight", WAIT_IN_FLIGHT },
	};
	size_t i;

	family(out, "integra_events_total", "counter", "Events that reached"
	    " a status (received counts every event that came).");
	counter(out, r, "event", "integra_events_total", ev, 0);
	family(out, "integra_deliveries_total", "counter", "Deliveries"
	    " created, failed (to be tried again), delivered, dead or"
	    " requeued.");
	counter(out, r, "delivery", "integra_deliveries_total", dl, 0);
	family(out, "integra_attempts_total", "counter", "Tries, by target"
	    " and outcome (ok, or the error class).");
	counter(out, r, "attempt", "integra_attempts_total", at, 0);
	family(out, "integra_attempt_seconds_total", "counter", "Time spent"
	    " in tries, by target and outcome.");
	counter(out, r, "attempt", "integra_attempt_seconds_total", at, 1);
	family(out, "integra_delivery_latency_seconds", "histogram", "Time"
	    " from an event's receipt to a delivery of it delivered.");
	for (i = 0; i < r->ntargets; i++)
		if (report_sum(&r->targets[i].status, "delivered") > 0)
			histogram(out, &r->targets[i]);
	family(out, "integra_events_waiting", "gauge", "Events waiting to be"
	    " normalized (received) or mapped (normalized).");
	for (i = 0; i < sizeof(waits) / sizeof(waits[0]); i++)
		buf_addf(out, "integra_events_waiting{status=\"%s\"} %lld\n",
		    waits[i].name, (long long)r->waiting[waits[i].which]);
	family(out, "integra_deliveries_waiting", "gauge", "Deliveries not"
	    " settled: pending, failed (the retry backlog), in flight.");
	for (i = 0; i < sizeof(dwaits) / sizeof(dwaits[0]); i++)
		buf_addf(out, "integra_deliveries_waiting{status=\"%s\"}"
		    " %lld\n", dwaits[i].name,
		    (long long)r->waiting[dwaits[i].which]);
	family(out, "integra_retry_backlog", "gauge", "Deliveries that"
	    " failed and wait to be tried again.");
	buf_addf(out, "integra_retry_backlog %lld\n",
	    (long long)r->waiting[WAIT_FAILED]);
	family(out, "integra_dlq_size", "gauge", "Dead deliveries in the"
	    " dead-letter queue, not archived.");
	buf_addf(out, "integra_dlq_size %lld\n",
	    (long long)r->waiting[WAIT_DEAD]);
	family(out, "integra_oldest_pending_seconds", "gauge", "Age of the"
	    " oldest event waiting or delivery due; 0 if none.");
	buf_addf(out, "integra_oldest_pending_seconds %.3f\n",
	    (double)report_oldest_age(r) / 1000);
	sync_metrics(out, r);
	flow_metrics(out, r);
	family(out, "integra_cadence_messages_total", "counter", "A"
	    " cadence's messages that ended, by channel: delivered or"
	    " dead.");
	counter(out, r, "message", "integra_cadence_messages_total", msg, 0);
	family(out, "integra_cadence_tries_total", "counter", "Tries of a"
	    " cadence's messages, by channel and outcome (ok, or the error"
	    " class).");
	counter(out, r, "message_try", "integra_cadence_tries_total", try, 0);
	family(out, "integra_cadence_try_seconds_total", "counter", "Time"
	    " spent sending a cadence's messages, by channel and outcome.");
	counter(out, r, "message_try", "integra_cadence_try_seconds_total",
	    try, 1);
	family(out, "integra_target_disabled", "gauge", "1 if the target is"
	    " disabled.");
	for (i = 0; i < r->ntargets; i++) {
		buf_adds(out, "integra_target_disabled{");
		label(out, "target", r->targets[i].name, 1);
		buf_addf(out, "} %d\n", r->targets[i].disabled);
	}
	family(out, "integra_circuit_state", "gauge", "A target's circuit:"
	    " 0 closed, 1 open, 2 half-open.");
	for (i = 0; i < r->ntargets; i++) {
		buf_adds(out, "integra_circuit_state{");
		label(out, "target", r->targets[i].name, 1);
		buf_addf(out, "} %d\n", r->targets[i].circuit);
	}
}

enum report_status
report_health(const struct report *r, const struct report_limits *l,
    struct buf *out)
{
	static const char *const names[] = { "OK", "WARNING", "CRITICAL" };
	enum report_status status = REPORT_OK;
	struct buf why = BUF_INIT;
	int64_t age = report_oldest_age(r);
	size_t i;

	if (age > l->warn_age_ms) {
		status = age > l->crit_age_ms ? REPORT_CRITICAL :
		    REPORT_WARNING;
		buf_addf(&why, "; work has waited %lld s",
		    (long long)(age / 1000));
	}
	if (r->waiting[WAIT_FAILED] > l->warn_retries) {
		if (status < REPORT_WARNING)
			status = REPORT_WARNING;
		buf_addf(&why, "; %lld deliveries wait to be tried again",
		    (long long)r->waiting[WAIT_FAILED]);
	}
	if (r->waiting[WAIT_DEAD] > 0) {
		if (status < REPORT_WARNING)
			status = REPORT_WARNING;
		buf_addf(&why, "; %lld in the dead-letter queue",
		    (long long)r->waiting[WAIT_DEAD]);
	}
	for (i = 0; i < r->nsyncs; i++) {
		if (strcmp(r->syncs[i].last, "failed") != 0)
			continue;
		if (status < REPORT_WARNING)
			status = REPORT_WARNING;
		buf_addf(&why, "; sync '%s' failed its last run",
		    r->syncs[i].name);
	}
	for (i = 0; i < r->ntargets; i++) {
		if (!r->targets[i].disabled && r->targets[i].circuit != 1)
			continue;
		if (status < REPORT_WARNING)
			status = REPORT_WARNING;
		buf_addf(&why, "; target '%s' %s", r->targets[i].name,
		    r->targets[i].disabled ? "disabled" :
		    "has its circuit open");
	}
	if (why.len == 0)
		buf_addf(out, "OK: %lld events to normalize or map, %lld"
		    " deliveries to try again, none waiting long\n",
		    (long long)(r->waiting[WAIT_RECEIVED] +
		    r->waiting[WAIT_NORMALIZED]),
		    (long long)r->waiting[WAIT_FAILED]);
	else
		buf_addf(out, "%s: %s\n", names[status], why.data + 2);
	buf_release(&why);
	return status;
}
