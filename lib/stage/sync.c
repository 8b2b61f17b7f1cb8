/*
 * sync: one run of a scheduled sync job.  See sync.h.
 */
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jv.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "base/digest.h"
#include "base/exitcode.h"
#include "transport/fetch.h"
#include "transport/http.h"
#include "base/ids.h"
#include "journal/journal.h"
#include "journal/events.h"
#include "journal/syncs.h"
#include "json/jqprog.h"
#include "json/jvdump.h"
#include "base/log.h"
#include "stage/made.h"
#include "base/progress.h"
#include "cadence/def.h"
#include "cadence/index.h"
#include "stage/sync.h"
#include "stage/syncpage.h"
#include "json/jvparse.h"

struct run {
	const struct sync_opts	*o;
	const struct cfg_sync	*job;
	struct sync_result	*res;
	struct syncpage_programs progs;
	jv			 param;		/* null: not over a set */
	struct cadence_defs	*cadences;	/* over the job's records */
	struct cadence_index_result indexed;
	char			 name[192];	/* JOB or JOB/KEY */
	struct http		*http;
	char			*auth;		/* "Header: secret", or NULL */
	char			 owner[96];
	int64_t			 run_id;
	struct buf		 from;		/* the watermark it started from */
	struct buf		 mark;		/* the latest seen, or cursor */
	struct buf		 cursor;	/* of the page to fetch */
	struct buf		 lines;		/* of a page, written once
						   committed */
	struct buf		 scratch;
	struct buf		 previous;
	struct buf		 path_text;	/* made of $param */
	struct buf		 link;		/* the next page's (link) */
	struct buf		 current;	/* the page's URL */
	long			 total_n;	/* -1: unknown */
	struct progress		 progress;
};

int
sync_runs(const struct cfg_sync *job, const char *runner)
{
	return strcmp(job->runner, runner) == 0;
}

static int
fail(struct run *r, int code, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static int
fail(struct run *r, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->res->error, sizeof(r->res->error), fmt, ap);
	va_end(ap);
	return code;
}

static int
journal_failed(struct run *r)
{
	return fail(r, journal_abort(r->o->journal), "%s",
	    journal_error(r->o->journal));
}

/* The job's programs, compiled as a run takes them. */
static int
programs(struct run *r)
{
	struct buf err = BUF_INIT;
	int rc = 0;

	if (syncpage_compile(r->job, &r->progs, &err) != 0)
		rc = fail(r, EX_CONFIG, "%s", err.data);
	buf_release(&err);
	return rc;
}

int
sync_check(const struct cfg_sync *job, struct buf *err)
{
	struct sync_result res;
	struct run r = { .job = job, .res = &res };
	int rc;

	memset(&res, 0, sizeof(res));
	if ((rc = programs(&r)) != 0)
		buf_adds(err, res.error);
	syncpage_programs_release(&r.progs);
	return rc != 0 ? -1 : 0;
}

static int
prepare(struct run *r)
{
	const struct cfg_target *t = r->job->source;
	struct buf msg = BUF_INIT;
	char err[256];
	int rc;

	if ((rc = programs(r)) != 0)
		return rc;
	/* The cadences over its records index those it changes. */
	if ((r->cadences = cadence_defs_new(r->o->cfg, r->job->name,
	    &msg)) == NULL) {
		rc = fail(r, EX_CONFIG, "%s", msg.data);
		buf_release(&msg);
		return rc;
	}
	if (t->auth_header != NULL &&
	    (r->auth = cfg_auth_line(t, err, sizeof(err))) == NULL)
		return fail(r, EX_CONFIG, "%s", err);
	r->http = http_new();
	return 0;
}

/* The query's value v, escaped. */
static void
param(struct buf *b, const char *name, const char *v)
{
	char *e = curl_easy_escape(NULL, v, 0);

	buf_addf(b, "%c%s=%s", strchr(b->data, '?') != NULL ? '&' : '?',
	    name, e != NULL ? e : "");
	curl_free(e);
}

/*
 * The page's URL: the path (made of $param if it interpolates), the
 * paging's parameters, then the watermark's, so that a remote that
 * matches on the query's start sees the page first.
 */
static void
page_url(struct run *r, long page, struct buf *url)
{
	const struct cfg_sync *job = r->job;
	char n[32];
	size_t len;

	buf_reset(url);
	/* A link's page: as the page before gave it. */
	if (job->paging == CFG_PAGING_LINK && r->link.len > 0) {
		buf_add(url, r->link.data, r->link.len);
		return;
	}
	buf_adds(url, job->source->url);
	len = url->len;
	if (len > 0 && url->data[len - 1] == '/')
		url->data[--url->len] = '\0';
	buf_adds(url, r->path_text.len > 0 ? r->path_text.data : job->path);
	switch (job->paging) {
	case CFG_PAGING_PAGE:
		snprintf(n, sizeof(n), "%ld", page);
		param(url, "page", n);
		snprintf(n, sizeof(n), "%ld", job->page_size);
		param(url, "per_page", n);
		break;
	case CFG_PAGING_OFFSET:
		snprintf(n, sizeof(n), "%ld", (page - 1) * job->page_size);
		param(url, "offset", n);
		snprintf(n, sizeof(n), "%ld", job->page_size);
		param(url, "limit", n);
		break;
	case CFG_PAGING_CURSOR:
		if (r->cursor.len > 0)
			param(url, "cursor", r->cursor.data);
		snprintf(n, sizeof(n), "%ld", job->page_size);
		param(url, "limit", n);
		break;
	case CFG_PAGING_LINK:
		snprintf(n, sizeof(n), "%ld", job->page_size);
		param(url, "per_page", n);
		break;
	}
	if (job->incremental == CFG_INCREMENTAL_UPDATED_SINCE &&
	    r->from.len > 0)
		param(url, job->since_param, r->from.data);
}

/* The path made of $param, once a run. */
static int
resolve_path(struct run *r)
{
	struct buf err = BUF_INIT;
	jv v = jv_null();
	int rc = 0;

	if (r->progs.path == NULL)
		return 0;
	if (jqprog_run(r->progs.path, jv_copy(r->param), &v, &err) != 0 ||
	    jv_get_kind(v) != JV_KIND_STRING) {
		jv_free(v);
		rc = fail(r, EX_CONFIG, "the path of '%s' cannot be made of"
		    " its record: %s", r->name, err.len > 0 ? err.data :
		    "not a string");
		buf_release(&err);
		return rc;
	}
	buf_adds(&r->path_text, jv_string_value(v));
	jv_free(v);
	buf_release(&err);
	if (r->path_text.data[0] != '/' ||
	    strpbrk(r->path_text.data, "?#") != NULL)
		return fail(r, EX_CONFIG, "the path of '%s' made of its record"
		    " is not a path", r->name);
	return 0;
}

/* GETs url whole into body; 0, or an exit code with the reason. */
static int
fetch(struct run *r, const char *url, long page, struct buf *body)
{
	struct fetch f;

	if (fetch_get(r->http, r->job->source, r->auth, url,
	    SYNC_RESPONSE_MAX, body, &f) != 0)
		return fail(r, EX_SOFTWARE, "page %ld: %s", page, f.error);
	if (f.error_class != NULL)
		return fail(r, EX_TEMPFAIL, "page %ld: %s (%s)", page,
		    f.error, f.error_class);
	return 0;
}

/* Appends member k of o to out as "k":value; *first says if it is. */
static void
member(struct buf *out, jv o, jv k, int *first)
{
	buf_adds(out, *first ? "" : ",");
	*first = 0;
	jvdump(out, jv_copy(k));
	buf_addc(out, ':');
	jvdump(out, jv_object_has(jv_copy(o), jv_copy(k)) ?
	    jv_object_get(jv_copy(o), jv_copy(k)) : jv_null());
}

/*
 * What changed from was to now, two objects: "changed" the names of the
 * members that differ (one gone from now too), "before" and "after"
 * their values (null where absent), appended to out.  Consumes nothing.
 */
static void
changes(jv was, jv now, struct buf *out)
{
	jv names = jv_array(), k;
	int i, n, first;

	jv_object_foreach(now, key, value) {
		if (!jv_equal(jv_object_get(jv_copy(was), jv_copy(key)),
		    value))
			names = jv_array_append(names, jv_copy(key));
		jv_free(key);
	}
	jv_object_foreach(was, key, value) {
		if (!jv_object_has(jv_copy(now), jv_copy(key)))
			names = jv_array_append(names, jv_copy(key));
		jv_free(key);
		jv_free(value);
	}
	names = jv_sort(names, jv_copy(names));
	n = jv_array_length(jv_copy(names));
	buf_adds(out, ",\"changed\":");
	jvdump(out, jv_copy(names));
	buf_adds(out, ",\"before\":{");
	for (i = 0, first = 1; i < n; i++) {
		k = jv_array_get(jv_copy(names), i);
		member(out, was, k, &first);
		jv_free(k);
	}
	buf_adds(out, "},\"after\":{");
	for (i = 0, first = 1; i < n; i++) {
		k = jv_array_get(jv_copy(names), i);
		member(out, now, k, &first);
		jv_free(k);
	}
	buf_addc(out, '}');
	jv_free(names);
}

/*
 * A record that cannot be taken: journaled rejected with why, so that it
 * is kept and can be looked at; the run goes on.
 */
static int
refuse(struct run *r, const struct cfg_sync_kind *kd, jv rec, long index,
    const char *why)
{
	struct journal_event je;
	struct buf text = BUF_INIT, key = BUF_INIT, source = BUF_INIT;
	char id[ID_LEN + 1], dup[ID_LEN + 1], now[RFC3339_LEN + 1];
	char hex[2 * DIGEST_LEN + 1];
	struct iovec iov;
	int64_t ms = clock_ms();
	int rc = 0;

	r->res->failed++;
	id_new(id);
	/* Not why: a jq error may quote the record, personal data. */
	log_warn(&(struct log_ids){ .event = r->o->dry_run ? NULL : id },
	    "sync '%s': record %ld of page %ld refused%s%s%s", r->name, index,
	    r->res->pages + 1, kd->name != NULL ? ", its " : "",
	    kd->name != NULL ? kd->name : "", r->o->dry_run ? "" :
	    "; the reason is kept with its event");
	if (r->o->dry_run)
		goto out;
	jvdump(&text, jv_copy(rec));
	clock_rfc3339(ms, now);
	/* By content: a record that stays bad is kept once, not each run. */
	iov = (struct iovec){ text.data, text.len };
	digest_sha256_hex(&iov, 1, hex);
	buf_addf(&key, "%s:refused:%s%s%s", r->job->name,
	    kd->name != NULL ? kd->name : "", kd->name != NULL ? ":" : "",
	    hex);
	buf_addf(&source, "sync/%s", r->job->name);
	je = (struct journal_event){ .id = id, .source = source.data,
	    .type = kd->event, .tenant = r->o->cfg->tenant, .time = now,
	    .idempotency_key = key.data, .envelope = text.data,
	    .envelope_len = text.len, .rejected = why, .received_at = ms };
	if (journal_event_add(r->o->journal, &je, dup, NULL) < 0)
		rc = -1;
out:
	buf_release(&text);
	buf_release(&key);
	buf_release(&source);
	return rc;
}

/*
 * One record of a kind, pair its [key, value] (consumed): if it is new or
 * changed, its event (journaled canonical, and its line kept for the
 * output) and its new hash.  rec is the page's record it came from, kept
 * if this one is refused.  Returns 0, or -1 if the journal failed.
 */
static int
item(struct run *r, const struct cfg_sync_kind *kd, jv pair, jv rec,
    long index)
{
	struct buf *b = &r->scratch;
	struct buf key = BUF_INIT, canon = BUF_INIT, idem = BUF_INIT;
	struct buf source = BUF_INIT;
	unsigned char hash[DIGEST_LEN], was[JOURNAL_SYNC_HASH_LEN];
	char hex[2 * DIGEST_LEN + 1];
	jv v, prev;
	struct iovec iov;
	int64_t ms = clock_ms();
	int rc = 0, found;

	buf_reset(b);
	if (syncpage_item(kd, pair, &key, &canon, &v, b) != 0) {
		rc = refuse(r, kd, rec, index, b->data);
		goto out;
	}
	iov = (struct iovec){ canon.data, canon.len };
	digest_sha256(&iov, 1, hash);
	buf_reset(&r->previous);
	if (journal_sync_record_get(r->o->journal, r->job->name, key.data,
	    was, &r->previous, &found) != 0) {
		rc = -1;
		goto out;
	}
	if (found && memcmp(was, hash, sizeof(hash)) == 0)
		goto out;	/* as it was */
	r->res->changed++;

	/* {"key":..,"kind":..,"created":..,"changed":[..],"before":{..},
	   "after":{..},"record":{..}} */
	buf_reset(b);
	buf_adds(b, "{\"key\":");
	buf_add_json_string(b, key.data, key.len);
	if (kd->name != NULL) {
		buf_adds(b, ",\"kind\":");
		buf_add_json_string(b, kd->name, strlen(kd->name));
	}
	buf_addf(b, ",\"created\":%s", found ? "false" : "true");
	prev = found ? jvparse_text(r->previous.data, r->previous.len) :
	    jv_object();
	if (jv_get_kind(prev) == JV_KIND_OBJECT &&
	    jv_get_kind(v) == JV_KIND_OBJECT) {
		if (found)
			changes(prev, v, b);
		else {
			buf_adds(b, ",\"changed\":");
			jvdump(b, jv_keys(jv_copy(v)));
		}
	} else
		buf_adds(b, ",\"changed\":[]");
	jv_free(prev);
	buf_adds(b, ",\"record\":");
	buf_add(b, canon.data, canon.len);
	buf_addc(b, '}');
	if (r->o->dry_run) {
		buf_adds(&r->lines, "{\"job\":");
		buf_add_json_string(&r->lines, r->name, strlen(r->name));
		buf_adds(&r->lines, ",");
		buf_add(&r->lines, b->data + 1, b->len - 1);
		buf_addc(&r->lines, '\n');
		goto out;
	}

	digest_sha256_hex(&iov, 1, hex);
	hex[32] = '\0';
	buf_addf(&idem, "%s:%s:%lld:%s", r->job->name, key.data,
	    (long long)r->run_id, hex);
	buf_addf(&source, "sync/%s", r->job->name);
	/* Canonical as made: normalized at once, for map to route. */
	if (made_event(r->o->journal, &(struct made){ .source = source.data,
	    .type = kd->event, .subject = key.data,
	    .tenant = r->o->cfg->tenant, .key = idem.data, .data = b->data,
	    .len = b->len, .now = ms }, &r->lines) != 0 ||
	    journal_sync_record_put(r->o->journal, r->job->name, key.data,
	    hash, canon.data, canon.len, ms) != 0 ||
	    cadence_index_synced(r->cadences, r->o->journal, key.data,
	    canon.data, canon.len, ms, &r->indexed) != 0) {
		rc = -1;
		goto out;
	}
	r->res->sent++;
out:
	jv_free(v);
	buf_release(&key);
	buf_release(&canon);
	buf_release(&idem);
	buf_release(&source);
	return rc;
}

/*
 * One record of a page: the watermark it carries, and each kind's records
 * it holds.  A kind whose records cannot be taken from it refuses it.
 * Returns 0, or -1 if the journal failed.
 */
static int
record(struct run *r, jv rec, long index)
{
	const struct cfg_sync_kind *kd;
	jv out;
	size_t k;
	int i, n, rc = 0;

	syncpage_watermark(&r->progs, rec, r->param, &r->mark);
	for (k = 0; k < r->job->nkinds && rc == 0; k++) {
		kd = &r->job->kinds[k];
		buf_reset(&r->scratch);
		if (syncpage_pairs(&r->progs, k, rec, r->param, &out,
		    &r->scratch) != 0) {
			rc = refuse(r, kd, rec, index, r->scratch.data);
			continue;
		}
		n = jv_array_length(jv_copy(out));
		for (i = 0; i < n && rc == 0; i++)
			rc = item(r, kd, jv_array_get(jv_copy(out), i), rec,
			    index);
		jv_free(out);
	}
	jv_free(rec);
	return rc;
}

/* The next page's link, if the page had records and gave one. */
static int
next_link(struct run *r, int count, const struct buf *next, int *more)
{
	int rc;

	*more = 0;
	if (count == 0)
		return 0;
	buf_reset(&r->scratch);
	if ((rc = syncpage_next_link(r->job->source->url, r->current.data,
	    next, &r->link, &r->scratch)) < 0)
		return fail(r, EX_PROTOCOL, "page %ld: %s", r->res->pages,
		    r->scratch.data);
	*more = rc;
	return 0;
}

/*
 * One page: its records handled in one commit, with the run's counts and
 * the lock's lease.  *more says whether another page follows.
 */
static int
page(struct run *r, const char *text, size_t len, long n, int *more)
{
	struct journal *j = r->o->journal;
	struct journal_sync_run jr;
	struct syncpage pg;
	int i, count, got, rc = 0;
	int64_t now;

	*more = 0;
	buf_reset(&r->scratch);
	if (syncpage_read(&r->progs, text, len, &pg, &r->scratch) != 0) {
		rc = fail(r, EX_TEMPFAIL, "page %ld: %s", n, r->scratch.data);
		syncpage_release(&pg);
		return rc;
	}
	if (pg.total >= 0)
		r->total_n = pg.total;
	count = jv_array_length(jv_copy(pg.records));
	buf_reset(&r->lines);
	if (!r->o->dry_run && journal_begin(j) != 0) {
		rc = journal_failed(r);
		goto out;
	}
	for (i = 0; i < count; i++) {
		r->res->read++;
		if (record(r, jv_array_get(jv_copy(pg.records), i), i) != 0) {
			rc = journal_failed(r);
			goto out;
		}
	}
	r->res->pages++;
	if (!r->o->dry_run) {
		now = clock_ms();
		jr = (struct journal_sync_run){ .id = r->run_id,
		    .status = "running", .pages = r->res->pages,
		    .read = r->res->read, .changed = r->res->changed,
		    .sent = r->res->sent, .failed = r->res->failed };
		if (journal_sync_lock(j, r->name, r->owner, now,
		    now + SYNC_LEASE_MS, &got, NULL) != 0 ||
		    (got && (journal_sync_run_update(j, &jr) != 0 ||
		    journal_commit(j) != 0))) {
			rc = journal_failed(r);
			goto out;
		}
		/* Its lease ran out and another run took the job over. */
		if (!got) {
			journal_rollback(j);
			rc = fail(r, EX_TEMPFAIL, "page %ld: another run took"
			    " the lock over; this one stops", n);
			goto out;
		}
	}
	/* The journal first, then the pipe. */
	if (r->lines.len > 0 && (fwrite(r->lines.data, 1, r->lines.len,
	    r->o->out) != r->lines.len || fflush(r->o->out) != 0)) {
		rc = fail(r, EX_IOERR, "write: standard output");
		goto out;
	}
	if (r->o->progress)
		progress_pages(&r->progress, r->res->read, r->total_n,
		    r->res->pages);
	switch (r->job->paging) {
	case CFG_PAGING_PAGE:
	case CFG_PAGING_OFFSET:
		/* A short page is the last; so is the one that makes up
		 * the total the remote gave. */
		*more = count >= r->job->page_size && (r->total_n < 0 ||
		    r->res->read < r->total_n);
		break;
	case CFG_PAGING_LINK:
		if ((rc = next_link(r, count, &pg.next, more)) != 0)
			goto out;
		break;
	case CFG_PAGING_CURSOR:
		/* A cursor that does not move would loop for ever. */
		*more = count > 0 && pg.next.len > 0 &&
		    strcmp(pg.next.data, r->cursor.data != NULL ?
		    r->cursor.data : "") != 0;
		if (*more) {
			buf_reset(&r->cursor);
			buf_add(&r->cursor, pg.next.data, pg.next.len);
		}
		break;
	}
out:
	syncpage_release(&pg);
	return rc;
}

/* The run's end, recorded; the lock let go, the watermark moved if ok. */
static int
finish(struct run *r, int rc)
{
	struct journal *j = r->o->journal;
	struct journal_sync_run jr;
	const char *mark = NULL;
	int64_t now = clock_ms();

	if (r->o->dry_run)
		return rc;
	if (rc == EX_OK || rc == EX_DATAERR)
		switch (r->job->incremental) {
		case CFG_INCREMENTAL_UPDATED_SINCE:
			mark = r->mark.len > 0 ? r->mark.data : NULL;
			break;
		case CFG_INCREMENTAL_CURSOR:
			mark = r->cursor.len > 0 ? r->cursor.data : NULL;
			break;
		case CFG_INCREMENTAL_NONE:
			break;
		}
	jr = (struct journal_sync_run){ .id = r->run_id,
	    .status = rc == EX_OK || rc == EX_DATAERR ? "ok" : "failed",
	    .ended_at = now, .pages = r->res->pages, .read = r->res->read,
	    .changed = r->res->changed, .sent = r->res->sent,
	    .failed = r->res->failed, .watermark_to = mark != NULL ? mark :
	    r->from.data, .error = rc == EX_OK || rc == EX_DATAERR ? NULL :
	    r->res->error };
	if (journal_begin(j) != 0 || journal_sync_run_update(j, &jr) != 0 ||
	    journal_sync_unlock(j, r->name, r->owner, mark, now) != 0 ||
	    journal_commit(j) != 0) {
		if (rc == EX_OK || rc == EX_DATAERR)
			rc = fail(r, journal_abort(j), "%s", journal_error(j));
		else
			journal_rollback(j);
	}
	return rc;
}

/*
 * Whether the lock's holder, "host:pid:tag", was a process of this host
 * that is gone: killed, its lease not yet out.  Then the lock is taken
 * over at once instead of in SYNC_LEASE_MS.
 */
static int
holder_gone(const char *owner, const char *host)
{
	size_t n = strlen(host);
	long pid;
	char *end;

	if (owner == NULL || strncmp(owner, host, n) != 0 || owner[n] != ':')
		return 0;
	pid = strtol(owner + n + 1, &end, 10);
	return pid > 0 && *end == ':' && kill((pid_t)pid, 0) == -1 &&
	    errno == ESRCH;
}

/* Takes the job's lock and starts its run; EX_TEMPFAIL if it is held. */
static int
start(struct run *r)
{
	struct journal *j = r->o->journal;
	struct journal_sync_job state = { BUF_INIT, BUF_INIT, 0 };
	char host[64] = "host", until[RFC3339_LEN + 1], id[ID_LEN + 1];
	int64_t now = clock_ms();
	int got, rc = 0;

	/* Who holds the lock, for the message of a run that finds it held. */
	gethostname(host, sizeof(host) - 1);
	id_new(id);
	snprintf(r->owner, sizeof(r->owner), "%s:%ld:%.8s", host,
	    (long)getpid(), id + 28);
	if (r->o->dry_run) {
		if (journal_sync_job(j, r->name, &state) != 0)
			rc = journal_failed(r);
		goto out;
	}
	if (journal_begin(j) != 0 || journal_sync_lock(j, r->name,
	    r->owner, now, now + SYNC_LEASE_MS, &got, &state) != 0) {
		rc = journal_failed(r);
		goto out;
	}
	if (!got && holder_gone(state.lock_owner.data, host) &&
	    journal_sync_steal(j, r->name, state.lock_owner.data,
	    r->owner, now, now + SYNC_LEASE_MS, &got) != 0) {
		rc = journal_failed(r);
		goto out;
	}
	if (!got) {
		journal_rollback(j);
		clock_rfc3339(state.lock_until, until);
		rc = fail(r, EX_TEMPFAIL, "it is running already (%s holds it"
		    " until %s); try again later", state.lock_owner.data !=
		    NULL ? state.lock_owner.data : "?", until);
		goto out;
	}
	if (journal_sync_abandon(j, r->name, now) != 0 ||
	    journal_sync_run_start(j, r->name, now, r->o->full,
	    state.watermark.len > 0 ? state.watermark.data : NULL,
	    &r->run_id) != 0 || journal_commit(j) != 0) {
		rc = journal_failed(r);
		goto out;
	}
	r->res->run = r->run_id;
out:
	if (rc == 0 && !r->o->full && state.watermark.len > 0) {
		buf_add(&r->from, state.watermark.data, state.watermark.len);
		buf_add(&r->mark, state.watermark.data, state.watermark.len);
		if (r->job->incremental == CFG_INCREMENTAL_CURSOR)
			buf_add(&r->cursor, state.watermark.data,
			    state.watermark.len);
	}
	buf_release(&state.watermark);
	buf_release(&state.lock_owner);
	return rc;
}

int
sync_run(const struct sync_opts *o, struct sync_result *res)
{
	struct run r = { .o = o, .job = o->job, .res = res, .total_n = -1 };
	struct buf url = BUF_INIT, body = BUF_INIT;
	long n;
	int rc, more;

	memset(res, 0, sizeof(*res));
	r.param = jv_null();
	if (o->param_key != NULL) {
		snprintf(r.name, sizeof(r.name), "%s/%s", o->job->name,
		    o->param_key);
		r.param = o->param != NULL ? jv_parse(o->param) : jv_null();
	} else
		snprintf(r.name, sizeof(r.name), "%s", o->job->name);
	if (o->job->over != NULL && (o->param_key == NULL ||
	    jv_get_kind(r.param) != JV_KIND_OBJECT)) {
		rc = fail(&r, EX_SOFTWARE, "sync '%s' is over '%s': a run"
		    " needs one of its records", o->job->name, o->job->over);
		goto out;
	}
	if ((rc = prepare(&r)) != 0 || (rc = resolve_path(&r)) != 0 ||
	    (rc = start(&r)) != 0)
		goto out;
	if (o->progress)
		progress_init(&r.progress, "records");
	for (n = 1, more = 1; more; n++) {
		if (n > o->job->max_pages) {
			rc = fail(&r, EX_PROTOCOL, "the remote still had"
			    " pages after %ld (max_pages): stopped there",
			    o->job->max_pages);
			break;
		}
		page_url(&r, n, &url);
		buf_reset(&r.current);
		buf_add(&r.current, url.data, url.len);
		buf_reset(&body);
		if ((rc = fetch(&r, url.data, n, &body)) != 0 ||
		    (rc = page(&r, body.data != NULL ? body.data : "",
		    body.len, n, &more)) != 0)
			break;
	}
	if (o->progress)
		progress_done(&r.progress);
	if (rc == 0 && res->failed > 0) {
		rc = EX_DATAERR;
		snprintf(res->error, sizeof(res->error), "%ld records"
		    " refused", res->failed);
	}
	rc = finish(&r, rc);
out:
	buf_release(&url);
	buf_release(&body);
	buf_release(&r.from);
	buf_release(&r.mark);
	buf_release(&r.cursor);
	buf_release(&r.lines);
	buf_release(&r.scratch);
	buf_release(&r.previous);
	buf_release(&r.path_text);
	buf_release(&r.link);
	buf_release(&r.current);
	syncpage_programs_release(&r.progs);
	cadence_defs_free(r.cadences);
	jv_free(r.param);
	if (r.http != NULL)
		http_free(r.http);
	if (r.auth != NULL) {
		explicit_bzero(r.auth, strlen(r.auth));
		free(r.auth);
	}
	return rc;
}
