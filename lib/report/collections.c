/*
 * collections: the delinquency report.  See collections.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/ids.h"
#include "cadence/day.h"
#include "conf/config.h"
#include "journal/cadences.h"
#include "journal/journal.h"
#include "report/collections.h"
#include "stage/made.h"

#define AGES	4

static const char *const ages[AGES] = { "0-30", "31-60", "61-90", ">90" };

struct sum {
	int64_t		 count;
	double		 total;
};

/* A label's overdue items. */
struct label {
	char		*name;
	struct sum	 sum;
};

/* A channel's messages. */
struct channel {
	char		*name;
	int64_t		 delivered, dead;
};

struct tally {
	struct sum	 age[AGES];
	struct sum	 overdue, recovered;
	struct label	*labels;
	size_t		 nlabels;
	struct channel	*channels;
	size_t		 nchannels;
	int64_t		 escalations;
};

static void
tally_release(struct tally *t)
{
	size_t i;

	for (i = 0; i < t->nlabels; i++)
		free(t->labels[i].name);
	free(t->labels);
	for (i = 0; i < t->nchannels; i++)
		free(t->channels[i].name);
	free(t->channels);
}

static struct label *
label_of(struct tally *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nlabels; i++)
		if (strcmp(t->labels[i].name, name) == 0)
			return &t->labels[i];
	t->labels = xrealloc(t->labels, (t->nlabels + 1) *
	    sizeof(*t->labels));
	t->labels[t->nlabels] = (struct label){ xstrdup(name), { 0, 0 } };
	return &t->labels[t->nlabels++];
}

static struct channel *
channel_of(struct tally *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nchannels; i++)
		if (strcmp(t->channels[i].name, name) == 0)
			return &t->channels[i];
	t->channels = xrealloc(t->channels, (t->nchannels + 1) *
	    sizeof(*t->channels));
	t->channels[t->nchannels] = (struct channel){ xstrdup(name), 0, 0 };
	return &t->channels[t->nchannels++];
}

static int
keep(void *ctx, const struct journal_cadence_row *row)
{
	struct tally *t = ctx;
	struct label *l;
	struct channel *c;
	size_t a;

	if (strcmp(row->name[2], "events") == 0) {
		t->escalations = row->count;
		return 0;
	}
	if (strcmp(row->name[2], "messages") == 0) {
		c = channel_of(t, row->name[0]);
		if (strcmp(row->name[1], "delivered") == 0)
			c->delivered += row->count;
		else if (strcmp(row->name[1], "dead") == 0)
			c->dead += row->count;
		return 0;
	}
	if (strcmp(row->name[1], "recovered") == 0) {
		t->recovered.count += row->count;
		t->recovered.total += row->amount;
		return 0;
	}
	for (a = 0; a < AGES && strcmp(ages[a], row->name[1]) != 0; a++)
		;
	if (a == AGES)
		return 0;
	t->age[a].count += row->count;
	t->age[a].total += row->amount;
	t->overdue.count += row->count;
	t->overdue.total += row->amount;
	l = label_of(t, row->name[0]);
	l->sum.count += row->count;
	l->sum.total += row->amount;
	return 0;
}

/* The labels, the largest total first. */
static int
by_total(const void *a, const void *b)
{
	const struct label *x = a, *y = b;

	return x->sum.total < y->sum.total ? 1 : x->sum.total >
	    y->sum.total ? -1 : strcmp(x->name, y->name);
}

static void
json_sum(struct buf *out, const struct sum *s)
{
	buf_addf(out, "\"count\":%lld,\"total\":%.2f", (long long)s->count,
	    s->total);
}

static void
json_of(struct buf *out, const struct cfg_cadence *cd, const char *day,
    const char *from, const struct tally *t)
{
	size_t i;

	buf_adds(out, "{\"cadence\":");
	buf_add_json_string(out, cd->name, strlen(cd->name));
	buf_addf(out, ",\"day\":\"%s\",\"from\":\"%s\",\"overdue\":{", day,
	    from);
	json_sum(out, &t->overdue);
	buf_adds(out, "},\"ages\":[");
	for (i = 0; i < AGES; i++) {
		buf_addf(out, "%s{\"age\":\"%s\",", i > 0 ? "," : "", ages[i]);
		json_sum(out, &t->age[i]);
		buf_addc(out, '}');
	}
	buf_adds(out, "],\"by\":[");
	for (i = 0; i < t->nlabels; i++) {
		buf_adds(out, i > 0 ? ",{\"name\":" : "{\"name\":");
		buf_add_json_string(out, t->labels[i].name,
		    strlen(t->labels[i].name));
		buf_addc(out, ',');
		json_sum(out, &t->labels[i].sum);
		buf_addc(out, '}');
	}
	buf_adds(out, "],\"recovered\":{");
	json_sum(out, &t->recovered);
	buf_adds(out, "},\"messages\":[");
	for (i = 0; i < t->nchannels; i++) {
		buf_adds(out, i > 0 ? ",{\"channel\":" : "{\"channel\":");
		buf_add_json_string(out, t->channels[i].name,
		    strlen(t->channels[i].name));
		buf_addf(out, ",\"delivered\":%lld,\"dead\":%lld}",
		    (long long)t->channels[i].delivered,
		    (long long)t->channels[i].dead);
	}
	buf_addf(out, "],\"escalations\":%lld}", (long long)t->escalations);
}

static void
text_of(struct buf *out, const struct cfg_cadence *cd, const char *day,
    const char *from, const struct tally *t)
{
	size_t i;

	buf_addf(out, "Delinquency of cadence %s on %s (recovered and sent"
	    " since %s)\n\n", cd->name, day, from);
	buf_addf(out, "Overdue: %lld, %.2f\n", (long long)t->overdue.count,
	    t->overdue.total);
	for (i = 0; i < AGES; i++)
		buf_addf(out, "  %-6s days %8lld %14.2f\n", ages[i],
		    (long long)t->age[i].count, t->age[i].total);
	if (t->nlabels > 0)
		buf_adds(out, "\nBy:\n");
	for (i = 0; i < t->nlabels; i++)
		buf_addf(out, "  %-32s %8lld %14.2f\n", t->labels[i].name,
		    (long long)t->labels[i].sum.count,
		    t->labels[i].sum.total);
	buf_addf(out, "\nRecovered: %lld, %.2f\n",
	    (long long)t->recovered.count, t->recovered.total);
	if (t->nchannels > 0)
		buf_adds(out, "\nMessages:          delivered     dead\n");
	for (i = 0; i < t->nchannels; i++)
		buf_addf(out, "  %-16s %9lld %8lld\n", t->channels[i].name,
		    (long long)t->channels[i].delivered,
		    (long long)t->channels[i].dead);
	buf_addf(out, "\nEscalations: %lld\n", (long long)t->escalations);
}

/* The report's tally, and its day and the window's first, as text. */
static int
load(struct journal *j, const struct cfg *cfg, int64_t now, int64_t window,
    struct tally *t, char day[CADENCE_DAY_LEN + 1],
    char from[CADENCE_DAY_LEN + 1])
{
	const struct cfg_collections *co = cfg->collections;
	int64_t today, first;
	int minute, rc;

	memset(t, 0, sizeof(*t));
	if (cadence_day_now(now, co->cd->timezone, &today, &minute) != 0 ||
	    cadence_day_now(now - window, co->cd->timezone, &first,
	    &minute) != 0)
		today = first = now / 86400000;
	cadence_day_text(today, day);
	cadence_day_text(first, from);
	if ((rc = journal_cadence_report(j, co->cd->name, today, now - window,
	    co->escalated, keep, t)) != 0)
		return rc;
	qsort(t->labels, t->nlabels, sizeof(*t->labels), by_total);
	return 0;
}

int
collections_report(struct journal *j, const struct cfg *cfg, int64_t now,
    int64_t window, int json, struct buf *out)
{
	char day[CADENCE_DAY_LEN + 1], from[CADENCE_DAY_LEN + 1];
	struct tally t;
	int rc;

	if ((rc = load(j, cfg, now, window, &t, day, from)) == 0) {
		if (json)
			json_of(out, cfg->collections->cd, day, from, &t);
		else
			text_of(out, cfg->collections->cd, day, from, &t);
	}
	tally_release(&t);
	return rc;
}

int
collections_event(struct journal *j, const struct cfg *cfg, int64_t now,
    int64_t window, FILE *out, int *made)
{
	const struct cfg_collections *co = cfg->collections;
	char day[CADENCE_DAY_LEN + 1], from[CADENCE_DAY_LEN + 1];
	char id[ID_LEN + 1];
	struct buf data = BUF_INIT, key = BUF_INIT, line = BUF_INIT;
	struct tally t;
	size_t i;
	int rc;

	*made = 0;
	if ((rc = load(j, cfg, now, window, &t, day, from)) != 0)
		goto out;
	json_of(&data, co->cd, day, from, &t);
	/* {...} becomes {...,"to":[...]} */
	data.data[--data.len] = '\0';
	buf_adds(&data, ",\"to\":[");
	for (i = 0; i < co->nto; i++) {
		buf_adds(&data, i > 0 ? "," : "");
		buf_add_json_string(&data, co->to[i], strlen(co->to[i]));
	}
	buf_adds(&data, "]}");
	/* One a day: its key is the day's. */
	buf_addf(&key, "collections:%s:%s", co->cd->name, day);
	if ((rc = journal_begin(j)) != 0)
		goto out;
	if ((rc = made_event(j, &(struct made){ .source = "integra/report",
	    .type = COLLECTIONS_TYPE, .subject = co->cd->name,
	    .tenant = cfg->tenant, .key = key.data, .data = data.data,
	    .len = data.len, .now = now, .id = id }, &line)) != 0 ||
	    (rc = journal_commit(j)) != 0) {
		journal_rollback(j);
		goto out;
	}
	*made = id[0] != '\0';
	if (line.len > 0 && (fwrite(line.data, 1, line.len, out) != line.len ||
	    fflush(out) != 0))
		rc = 1;
out:
	tally_release(&t);
	buf_release(&data);
	buf_release(&key);
	buf_release(&line);
	return rc;
}
