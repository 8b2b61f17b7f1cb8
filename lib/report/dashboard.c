/*
 * dashboard: the hub on one self-contained HTML page.  See dashboard.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "report/dashboard.h"
#include "journal/journal.h"
#include "journal/alerts.h"
#include "journal/counts.h"
#include "report/report.h"

#define HOUR_MS		3600000
#define WINDOW_MS	(24 * HOUR_MS)
/* The window's hours: the one it starts in, to the one now is in. */
#define HOURS		25

/* The window, by hour, as the charts show it. */
struct series {
	int64_t		 first;		/* the first hour, ms / HOUR_MS */
	int64_t		 received[HOURS];
	int64_t		 delivered[HOURS];
	int64_t		 dead[HOURS];
	int64_t		 tried[HOURS];
	int64_t		 failed[HOURS];
};

struct alerts_firing {
	struct buf	 html;		/* the table's rows */
	long		 n;
};

static int
keep_hour(void *ctx, const struct journal_report_row *row)
{
	struct series *s = ctx;
	int64_t h = row->num[0] - s->first, n = row->num[1];
	const char *kind = row->name[0], *what = row->name[1];

	if (h < 0 || h >= HOURS)
		return 0;
	if (strcmp(kind, "event") == 0 && strcmp(what, "received") == 0)
		s->received[h] += n;
	else if (strcmp(kind, "delivery") == 0 && strcmp(what,
	    "delivered") == 0)
		s->delivered[h] += n;
	else if (strcmp(kind, "delivery") == 0 && strcmp(what, "dead") == 0)
		s->dead[h] += n;
	else if (strcmp(kind, "attempt") == 0) {
		s->tried[h] += n;
		if (strcmp(what, "ok") != 0)
			s->failed[h] += n;
	}
	return 0;
}

static int
keep_alert(void *ctx, const struct journal_alert *a)
{
	struct alerts_firing *f = ctx;
	char since[RFC3339_LEN + 1];

	if (!a->firing)
		return 0;
	f->n++;
	clock_rfc3339(a->since, since);
	buf_adds(&f->html, "<tr><td>");
	buf_add_html(&f->html, a->alert);
	buf_adds(&f->html, "</td><td>");
	buf_add_html(&f->html, a->message);
	buf_addf(&f->html, "</td><td>%s</td></tr>\n", since);
	return 0;
}

/* A tile: a number with its id, which the tests read back. */
static void
tile(struct buf *b, const char *id, const char *label, const char *value,
    const char *cls)
{
	buf_addf(b, "<div class=\"tile %s\"><div class=\"label\">%s</div>"
	    "<div class=\"value\" id=\"%s\" data-value=\"%s\">%s</div></div>\n",
	    cls, label, id, value, value);
}

static void
tile_n(struct buf *b, const char *id, const char *label, int64_t n,
    int bad)
{
	char v[32];

	snprintf(v, sizeof(v), "%lld", (long long)n);
	tile(b, id, label, v, bad ? "bad" : "");
}

/*
 * A bar chart of the HOURS hours, inline SVG: a, and b stacked on it if
 * not NULL, each bar's height against the largest.
 */
static void
chart(struct buf *b, const char *id, const char *title,
    const int64_t *a, const char *a_name, const int64_t *bb,
    const char *b_name, const struct series *s)
{
	const int w = 520, h = 120, pad = 24, bw = (w - 2 * pad) / HOURS;
	char hour[RFC3339_LEN + 1];
	int64_t max = 0, v;
	int i, ha, hb;

	for (i = 0; i < HOURS; i++)
		if ((v = a[i] + (bb != NULL ? bb[i] : 0)) > max)
			max = v;
	buf_addf(b, "<figure id=\"%s\"><figcaption>%s</figcaption>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%%\""
	    " viewBox=\"0 0 %d %d\" role=\"img\">\n"
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n",
	    id, title, w, h + 20, pad, h, w - pad, h);
	for (i = 0; i < HOURS; i++) {
		ha = max > 0 ? (int)(a[i] * (h - pad) / max) : 0;
		hb = max > 0 && bb != NULL ? (int)(bb[i] * (h - pad) / max) :
		    0;
		clock_rfc3339((s->first + i) * HOUR_MS, hour);
		buf_addf(b, "<rect class=\"a\" x=\"%d\" y=\"%d\" width=\"%d\""
		    " height=\"%d\"><title>%.13s:00Z %s %lld</title></rect>\n",
		    pad + i * bw + 1, h - ha, bw - 2, ha, hour, a_name,
		    (long long)a[i]);
		if (bb != NULL && hb > 0)
			buf_addf(b, "<rect class=\"b\" x=\"%d\" y=\"%d\""
			    " width=\"%d\" height=\"%d\"><title>%.13s:00Z %s"
			    " %lld</title></rect>\n", pad + i * bw + 1,
			    h - ha - hb, bw - 2, hb, hour, b_name,
			    (long long)bb[i]);
		if (i % 6 == 0)
			buf_addf(b, "<text x=\"%d\" y=\"%d\">%.5s</text>\n",
			    pad + i * bw, h + 16, hour + 11);
	}
	buf_addf(b, "<text x=\"%d\" y=\"14\" class=\"max\">%lld</text>\n"
	    "</svg>\n<p class=\"legend\"><span class=\"a\"></span>%s",
	    pad, (long long)max, a_name);
	if (bb != NULL)
		buf_addf(b, " <span class=\"b\"></span>%s", b_name);
	buf_adds(b, "</p></figure>\n");
}

static const char style[] =
"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2430;"
"background:#f5f6f8}h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;"
"margin:24px 0 8px}.sub{color:#5b6472}.status{display:inline-block;"
"padding:2px 8px;border-radius:4px;font-weight:600}.OK{background:#d8f3dc}"
".WARNING{background:#ffe8a3}.CRITICAL{background:#ffc9c9}.tiles{display:"
"grid;grid-template-columns:repeat(4,1fr);gap:12px}.tile{background:#fff;"
"border-radius:6px;padding:12px;box-shadow:0 1px 2px #0002}.tile.bad"
"{box-shadow:inset 4px 0 #e03131}.label{color:#5b6472;font-size:12px}"
".value{font-size:24px;font-weight:600}.charts{display:grid;"
"grid-template-columns:repeat(2,1fr);gap:12px}figure{background:#fff;"
"border-radius:6px;padding:12px;margin:0}figcaption{font-weight:600}"
"svg text{font-size:11px;fill:#5b6472}.axis{stroke:#9aa3af}rect.a,"
".legend .a{fill:#4263eb;background:#4263eb}rect.b,.legend .b{fill:#e03131;"
"background:#e03131}.legend span{display:inline-block;width:10px;"
"height:10px;margin:0 4px 0 12px}table{border-collapse:collapse;"
"background:#fff;width:100%}td,th{padding:6px 10px;border-bottom:1px solid"
" #e5e7eb;text-align:left}td.n{text-align:right}";

static void
targets_table(struct buf *b, const struct report *r)
{
	static const char *const circuits[] = { "closed", "open", "half-open" };
	const struct report_target *t;
	size_t i;

	buf_adds(b, "<h2>Targets</h2>\n<table id=\"targets\"><tr><th>target"
	    "</th><th>created</th><th>delivered</th><th>failed</th><th>dead"
	    "</th><th>circuit</th><th>state</th></tr>\n");
	for (i = 0; i < r->ntargets; i++) {
		t = &r->targets[i];
		buf_adds(b, "<tr><td>");
		buf_add_html(b, t->name);
		buf_addf(b, "</td><td class=\"n\">%lld</td><td class=\"n\">"
		    "%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld"
		    "</td><td>%s</td><td>%s</td></tr>\n",
		    (long long)report_sum(&t->status, "created"),
		    (long long)report_sum(&t->status, "delivered"),
		    (long long)report_sum(&t->status, "failed"),
		    (long long)report_sum(&t->status, "dead"),
		    circuits[t->circuit >= 0 && t->circuit <= 2 ? t->circuit :
		    0], t->disabled ? "disabled" : "enabled");
	}
	buf_adds(b, "</table>\n");
}

static void
syncs_table(struct buf *b, const struct report *r)
{
	char last[RFC3339_LEN + 1];
	size_t i;

	buf_adds(b, "<h2>Sync runs</h2>\n<table id=\"syncs\"><tr><th>job</th>"
	    "<th>ok</th><th>failed</th><th>read</th><th>changed</th>"
	    "<th>refused</th><th>last run</th><th>last ok</th></tr>\n");
	for (i = 0; i < r->nsyncs; i++) {
		if (r->syncs[i].last_ok > 0)
			clock_rfc3339(r->syncs[i].last_ok, last);
		else
			snprintf(last, sizeof(last), "never");
		buf_adds(b, "<tr><td>");
		buf_add_html(b, r->syncs[i].name);
		buf_addf(b, "</td><td class=\"n\">%lld</td><td class=\"n\">"
		    "%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld"
		    "</td><td class=\"n\">%lld</td><td>%s</td><td>%s</td>"
		    "</tr>\n", (long long)r->syncs[i].ok,
		    (long long)r->syncs[i].failed, (long long)r->syncs[i].read,
		    (long long)r->syncs[i].changed,
		    (long long)r->syncs[i].refused, r->syncs[i].last, last);
	}
	if (r->nsyncs == 0)
		buf_adds(b, "<tr><td colspan=\"8\">no run in the last 24 h"
		    "</td></tr>\n");
	buf_adds(b, "</table>\n");
}

static void
flows_table(struct buf *b, const struct report *r)
{
	const struct report_flow *f;
	size_t i, k;

	if (r->nflows == 0)
		return;
	buf_adds(b, "<h2>Flows</h2>\n<table id=\"flows\"><tr><th>flow</th>");
	for (k = 0; k < FLOW_STATUSES; k++)
		buf_addf(b, "<th>%s</th>", flow_instance_statuses[k]);
	buf_adds(b, "<th>mean to completion</th></tr>\n");
	for (i = 0; i < r->nflows; i++) {
		f = &r->flows[i];
		buf_adds(b, "<tr><td>");
		buf_add_html(b, f->name);
		buf_adds(b, "</td>");
		for (k = 0; k < FLOW_STATUSES; k++)
			buf_addf(b, "<td class=\"n\">%lld</td>",
			    (long long)f->by[k]);
		if (f->completions > 0)
			buf_addf(b, "<td class=\"n\">%.1f h</td></tr>\n",
			    (double)f->completion_ms / (double)f->completions /
			    3600000);
		else
			buf_adds(b, "<td class=\"n\">-</td></tr>\n");
	}
	buf_adds(b, "</table>\n");
}

int
dashboard_write(struct journal *j, const struct cfg *cfg, int64_t now,
    struct buf *out)
{
	static const struct report_limits limits = { REPORT_WARN_AGE_MS,
	    REPORT_CRIT_AGE_MS, REPORT_WARN_RETRIES };
	static const char *const statuses[] = { "OK", "WARNING", "CRITICAL" };
	struct alerts_firing fire = { BUF_INIT, 0 };
	struct buf health = BUF_INIT;
	struct series s;
	struct report r;
	char when[RFC3339_LEN + 1], first[RFC3339_LEN + 1], v[32];
	enum report_status status;
	double success, mean;
	int64_t p95;
	int rc;

	memset(&s, 0, sizeof(s));
	s.first = (now - WINDOW_MS) / HOUR_MS;
	if ((rc = report_load(&r, j, now, now - WINDOW_MS)) != 0 ||
	    (rc = journal_report(j, JOURNAL_REPORT_HOURLY, s.first * HOUR_MS,
	    keep_hour, &s)) != 0 ||
	    (rc = journal_alerts(j, keep_alert, &fire)) != 0)
		goto out;
	status = report_health(&r, &limits, &health);
	if (health.len > 0 && health.data[health.len - 1] == '\n')
		health.data[--health.len] = '\0';
	clock_rfc3339(s.first * HOUR_MS, first);
	clock_rfc3339(now, when);

	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta"
	    " charset=\"utf-8\"><title>integra</title><style>");
	buf_adds(out, style);
	buf_adds(out, "</style></head><body>\n<h1>integra: ");
	buf_add_html(out, cfg->tenant);
	buf_addf(out, "</h1>\n<p class=\"sub\">the last 24 hours, from %.13s:00Z"
	    " to <span id=\"generated\">%s</span></p>\n<p><span class=\"status"
	    " %s\" id=\"health\" data-value=\"%s\">", first, when,
	    statuses[status], statuses[status]);
	buf_add_html(out, health.data != NULL ? health.data : "");
	buf_adds(out, "</span></p>\n<div class=\"tiles\">\n");
	/* The tiles say what integra-report stats -w 24h says. */
	tile_n(out, "kpi-received", "events received", r.received, 0);
	tile_n(out, "kpi-rejected", "events rejected",
	    report_sum(&r.ev_status, "rejected"),
	    report_sum(&r.ev_status, "rejected") > 0);
	tile_n(out, "kpi-delivered", "deliveries delivered",
	    report_sum(&r.dl_status, "delivered"), 0);
	tile_n(out, "kpi-dead", "deliveries dead",
	    report_sum(&r.dl_status, "dead"),
	    report_sum(&r.dl_status, "dead") > 0);
	if ((success = report_success(&r)) >= 0)
		snprintf(v, sizeof(v), "%.1f%%", 100 * success);
	else
		snprintf(v, sizeof(v), "-");
	tile(out, "kpi-success", "delivered of those settled", v,
	    success >= 0 && success < 0.95 ? "bad" : "");
	report_latency(&r, &mean, &p95);
	if (r.delivered == 0)
		snprintf(v, sizeof(v), "-");
	else if (p95 < 0)
		snprintf(v, sizeof(v), "over 1 day");
	else
		snprintf(v, sizeof(v), "%lld ms", (long long)p95);
	tile(out, "kpi-p95", "95% delivered within", v, "");
	tile_n(out, "kpi-retry", "waiting to be tried again",
	    r.waiting[WAIT_FAILED], r.waiting[WAIT_FAILED] >
	    limits.warn_retries);
	tile_n(out, "kpi-dlq", "dead letters", r.waiting[WAIT_DEAD],
	    r.waiting[WAIT_DEAD] > 0);
	tile_n(out, "kpi-pending", "deliveries pending",
	    r.waiting[WAIT_PENDING] + r.waiting[WAIT_IN_FLIGHT], 0);
	tile_n(out, "kpi-backlog", "events to normalize or map",
	    r.waiting[WAIT_RECEIVED] + r.waiting[WAIT_NORMALIZED], 0);
	tile_n(out, "kpi-oldest", "oldest waiting, s",
	    report_oldest_age(&r) / 1000, report_oldest_age(&r) >
	    limits.warn_age_ms);
	tile_n(out, "kpi-alerts", "alerts firing", fire.n, fire.n > 0);
	buf_adds(out, "</div>\n<h2>By hour</h2>\n<div class=\"charts\">\n");
	chart(out, "chart-events", "Events received", s.received, "received",
	    NULL, NULL, &s);
	chart(out, "chart-deliveries", "Deliveries", s.delivered,
	    "delivered", s.dead, "dead", &s);
	chart(out, "chart-attempts", "Attempts", s.tried, "all", NULL, NULL,
	    &s);
	chart(out, "chart-failures", "Attempts that failed", s.failed,
	    "failed", NULL, NULL, &s);
	buf_adds(out, "</div>\n");
	targets_table(out, &r);
	syncs_table(out, &r);
	flows_table(out, &r);
	buf_adds(out, "<h2>Alerts firing</h2>\n<table id=\"alerts\"><tr><th>"
	    "alert</th><th>what</th><th>since</th></tr>\n");
	if (fire.n == 0)
		buf_adds(out, "<tr><td colspan=\"3\">none</td></tr>\n");
	else
		buf_add(out, fire.html.data, fire.html.len);
	buf_adds(out, "</table>\n</body></html>\n");
out:
	buf_release(&fire.html);
	buf_release(&health);
	report_release(&r);
	return rc;
}
