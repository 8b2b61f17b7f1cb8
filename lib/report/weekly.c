/*
 * weekly: the week's summary for the managers, as an event for the
 * pipeline to mail.  See weekly.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "journal/journal.h"
#include "journal/counts.h"
#include "stage/made.h"
#include "report/report.h"
#include "report/weekly.h"

#define WEEK_MS		(7 * 86400000LL)
#define TOP		5

/* A line of a table: up to three cells, and a number. */
struct line {
	char		*cell[3];
	int64_t		 n;
};

struct lines {
	struct line	*v;
	size_t		 len;
};

static void
line_add(struct lines *l, const char *a, const char *b, const char *c,
    int64_t n)
{
	struct line *x;

	l->v = xrealloc(l->v, (l->len + 1) * sizeof(*l->v));
	x = &l->v[l->len++];
	x->cell[0] = xstrdup(a);
	x->cell[1] = xstrdup(b != NULL ? b : "");
	x->cell[2] = xstrdup(c != NULL ? c : "");
	x->n = n;
}

static void
lines_release(struct lines *l)
{
	size_t i, k;

	for (i = 0; i < l->len; i++)
		for (k = 0; k < 3; k++)
			free(l->v[i].cell[k]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
by_n(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 :
	    strcmp(x->cell[0], y->cell[0]);
}

static int
keep_dead(void *ctx, const struct journal_report_row *row)
{
	line_add(ctx, row->name[0], row->name[1], row->name[2], row->num[0]);
	return 0;
}

#define TD	"<td style=\"padding:4px 10px;border-bottom:1px solid #ddd\">"
#define TDN	"<td style=\"padding:4px 10px;border-bottom:1px solid #ddd;" \
		"text-align:right\">"

/* A table, in the text and in the HTML, under its title. */
static void
table(struct buf *text, struct buf *h, const char *title,
    const char *const head[4], const struct lines *l, const char *none)
{
	size_t i, k;

	buf_addf(text, "\n%s\n", title);
	buf_addf(h, "<h2 style=\"font-size:16px\">%s</h2>\n", title);
	if (l->len == 0) {
		buf_addf(text, "  %s\n", none);
		buf_addf(h, "<p>%s</p>\n", none);
		return;
	}
	buf_adds(h, "<table style=\"border-collapse:collapse\"><tr>");
	for (k = 0; k < 4; k++)
		if (head[k] != NULL)
			buf_addf(h, "<th style=\"text-align:left;padding:4px"
			    " 10px\">%s</th>", head[k]);
	buf_adds(h, "</tr>\n");
	for (i = 0; i < l->len; i++) {
		buf_adds(text, " ");
		buf_adds(h, "<tr>");
		for (k = 0; k < 3; k++) {
			if (head[k] == NULL)
				continue;
			buf_addf(text, " %s", l->v[i].cell[k]);
			buf_adds(h, TD);
			buf_add_html(h, l->v[i].cell[k]);
			buf_adds(h, "</td>");
		}
		buf_addf(text, ": %lld\n", (long long)l->v[i].n);
		buf_addf(h, TDN "%lld</td></tr>\n", (long long)l->v[i].n);
	}
	buf_adds(h, "</table>\n");
}

/* The summary, as text and as HTML. */
static int
summary(struct journal *j, const struct report *r, struct buf *text,
    struct buf *h)
{
	static const char *const h_source[4] = { "source", NULL, NULL,
	    "events" };
	static const char *const h_dead[4] = { "target", "class", "error",
	    "dead" };
	static const char *const h_tries[4] = { "target", "class", NULL,
	    "failed tries" };
	struct lines sources = { 0 }, dead = { 0 }, tries = { 0 };
	const struct journal_report_row *row;
	double success, mean;
	int64_t p95;
	size_t i;
	int rc;

	if ((rc = journal_report(j, JOURNAL_REPORT_DEAD, r->since, keep_dead,
	    &dead)) != 0)
		goto out;
	for (i = 0; i < r->ev_source.len; i++)
		line_add(&sources, r->ev_source.v[i].name, NULL, NULL,
		    r->ev_source.v[i].n);
	for (i = 0; i < r->nrows; i++) {
		row = &r->rows[i];
		if (strcmp(row->name[0], "attempt") == 0 &&
		    strcmp(row->name[2], "ok") != 0)
			line_add(&tries, row->name[1], row->name[2], NULL,
			    row->num[0]);
	}
	qsort(tries.v, tries.len, sizeof(*tries.v), by_n);
	while (tries.len > TOP) {
		tries.len--;
		free(tries.v[tries.len].cell[0]);
		free(tries.v[tries.len].cell[1]);
		free(tries.v[tries.len].cell[2]);
	}

	success = report_success(r);
	report_latency(r, &mean, &p95);
	buf_addf(text, "Events received: %lld\n", (long long)r->received);
	buf_addf(text, "Deliveries delivered: %lld, dead: %lld",
	    (long long)report_sum(&r->dl_status, "delivered"),
	    (long long)report_sum(&r->dl_status, "dead"));
	buf_addf(h, "<table style=\"border-collapse:collapse\">"
	    "<tr>" TD "events received</td>" TDN "%lld</td></tr>"
	    "<tr>" TD "deliveries delivered</td>" TDN "%lld</td></tr>"
	    "<tr>" TD "deliveries dead</td>" TDN "%lld</td></tr>",
	    (long long)r->received,
	    (long long)report_sum(&r->dl_status, "delivered"),
	    (long long)report_sum(&r->dl_status, "dead"));
	if (success >= 0) {
		buf_addf(text, " (%.1f%% of those settled delivered)",
		    100 * success);
		buf_addf(h, "<tr>" TD "delivered of those settled</td>" TDN
		    "%.1f%%</td></tr>", 100 * success);
	}
	buf_addc(text, '\n');
	if (r->delivered > 0 && p95 < 0) {
		buf_adds(text, "95% delivered within: more than a day\n");
		buf_adds(h, "<tr>" TD "95% delivered within</td>" TDN
		    "more than a day</td></tr>");
	} else if (r->delivered > 0) {
		buf_addf(text, "95%% delivered within: %lld ms\n",
		    (long long)p95);
		buf_addf(h, "<tr>" TD "95%% delivered within</td>" TDN
		    "%lld ms</td></tr>", (long long)p95);
	}
	buf_addf(text, "Alerts fired: %lld\n", (long long)report_sum(
	    &r->ev_type, "integra.alert.firing"));
	buf_addf(h, "<tr>" TD "alerts fired</td>" TDN "%lld</td></tr>"
	    "</table>\n", (long long)report_sum(&r->ev_type,
	    "integra.alert.firing"));
	table(text, h, "Events by source", h_source, &sources, "none");
	buf_adds(text, "\nDeliveries by target\n");
	buf_adds(h, "<h2 style=\"font-size:16px\">Deliveries by target</h2>\n"
	    "<table style=\"border-collapse:collapse\"><tr><th>target</th>"
	    "<th>delivered</th><th>failed</th><th>dead</th></tr>\n");
	for (i = 0; i < r->ntargets; i++) {
		const struct report_target *t = &r->targets[i];

		if (t->status.len == 0)
			continue;
		buf_addf(text, "  %s: %lld delivered, %lld failed, %lld dead\n",
		    t->name, (long long)report_sum(&t->status, "delivered"),
		    (long long)report_sum(&t->status, "failed"),
		    (long long)report_sum(&t->status, "dead"));
		buf_adds(h, "<tr>" TD);
		buf_add_html(h, t->name);
		buf_addf(h, "</td>" TDN "%lld</td>" TDN "%lld</td>" TDN "%lld"
		    "</td></tr>\n", (long long)report_sum(&t->status,
		    "delivered"), (long long)report_sum(&t->status, "failed"),
		    (long long)report_sum(&t->status, "dead"));
	}
	buf_adds(h, "</table>\n");
	table(text, h, "Why deliveries died", h_dead, &dead, "none died");
	table(text, h, "Where tries failed most", h_tries, &tries,
	    "no try failed");
	buf_adds(text, "\nSyncs\n");
	buf_adds(h, "<h2 style=\"font-size:16px\">Syncs</h2>\n");
	if (r->nsyncs == 0) {
		buf_adds(text, "  none ran\n");
		buf_adds(h, "<p>none ran</p>\n");
	}
	for (i = 0; i < r->nsyncs; i++) {
		const struct report_sync *y = &r->syncs[i];

		buf_addf(text, "  %s: %lld runs ok, %lld failed; %lld records"
		    " read, %lld new or changed, %lld refused; last run %s\n",
		    y->name, (long long)y->ok, (long long)y->failed,
		    (long long)y->read, (long long)y->changed,
		    (long long)y->refused, y->last);
		buf_adds(h, "<p>");
		buf_add_html(h, y->name);
		buf_addf(h, ": %lld runs ok, %lld failed; %lld records read,"
		    " %lld new or changed, %lld refused; last run <b>%s</b>"
		    "</p>\n", (long long)y->ok, (long long)y->failed,
		    (long long)y->read, (long long)y->changed,
		    (long long)y->refused, y->last);
	}
out:
	lines_release(&sources);
	lines_release(&dead);
	lines_release(&tries);
	return rc;
}

int
weekly_run(struct journal *j, const struct cfg *cfg, int64_t now, FILE *out,
    int *made)
{
	struct buf text = BUF_INIT, h = BUF_INIT, data = BUF_INIT;
	struct buf key = BUF_INIT, subject = BUF_INIT, lines = BUF_INIT;
	char since[RFC3339_LEN + 1], until[RFC3339_LEN + 1];
	struct report r;
	size_t i;
	int rc;

	*made = 0;
	if ((rc = report_load(&r, j, now, now - WEEK_MS)) != 0)
		goto out;
	clock_rfc3339(r.since, since);
	clock_rfc3339(now, until);
	buf_addf(&subject, "integra: the week to %.10s", until);
	buf_addf(&text, "%s (from %s)\n\n", subject.data, since);
	buf_adds(&h, "<!DOCTYPE html><html><body style=\"font-family:"
	    "sans-serif;color:#1d2430\"><h1 style=\"font-size:20px\">");
	buf_add_html(&h, subject.data);
	buf_addf(&h, "</h1><p style=\"color:#5b6472\">from %s to %s</p>\n",
	    since, until);
	if ((rc = summary(j, &r, &text, &h)) != 0)
		goto out;
	buf_adds(&h, "</body></html>\n");

	buf_adds(&data, "{\"to\":[");
	for (i = 0; i < cfg->nweekly_to; i++) {
		buf_adds(&data, i > 0 ? "," : "");
		buf_add_json_string(&data, cfg->weekly_to[i],
		    strlen(cfg->weekly_to[i]));
	}
	buf_adds(&data, "],\"subject\":");
	buf_add_json_string(&data, subject.data, subject.len);
	buf_adds(&data, ",\"text\":");
	buf_add_json_string(&data, text.data, text.len);
	buf_adds(&data, ",\"html\":");
	buf_add_json_string(&data, h.data, h.len);
	buf_addf(&data, ",\"since\":\"%s\",\"until\":\"%s\"}", since, until);
	/* One a day: a second run the same day is the first again. */
	buf_addf(&key, "weekly:%.10s", until);
	if ((rc = journal_begin(j)) != 0)
		goto out;
	if ((rc = made_event(j, &(struct made){ .source = WEEKLY_SOURCE,
	    .type = "integra.report.weekly", .subject = "weekly",
	    .tenant = cfg->tenant, .key = key.data, .data = data.data,
	    .len = data.len, .now = now }, &lines)) != 0 ||
	    (rc = journal_commit(j)) != 0) {
		journal_rollback(j);
		goto out;
	}
	*made = lines.len > 0;
	if (lines.len > 0 && (fwrite(lines.data, 1, lines.len, out) !=
	    lines.len || fflush(out) != 0))
		rc = 1;
out:
	report_release(&r);
	buf_release(&text);
	buf_release(&h);
	buf_release(&data);
	buf_release(&key);
	buf_release(&subject);
	buf_release(&lines);
	return rc;
}
