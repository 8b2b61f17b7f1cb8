/*
 * ops/coverage: the coverage's records added, listed and removed.  See
 * ops/coverage.h.
 */
#include <sys/uio.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jv.h>

#include "base/buf.h"
#include "base/digest.h"
#include "base/ids.h"
#include "base/utf8.h"
#include "conf/config.h"
#include "journal/journal.h"
#include "journal/syncs.h"
#include "json/jqprog.h"
#include "json/jvdump.h"
#include "ops/coverage.h"
#include "stage/made.h"
#include "transport/fetch.h"
#include "transport/http.h"
#include "json/jvparse.h"

#define ANSWER_MAX	(8 * 1024 * 1024)	/* bytes of the lookup's */

/* A match of the lookup: its name, its key's text, its record. */
struct match {
	struct buf	 name;
	struct buf	 key;
	jv		 record;
};

static int
name_valid(const char *name, struct buf *why)
{
	size_t n = strlen(name), i;

	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			break;
	if (n > 0 && n <= OPS_COVERAGE_NAME_MAX && i == n &&
	    utf8_valid(name, n))
		return 1;
	buf_addf(why, "the name must be 1 to %d bytes of UTF-8 text, without"
	    " control characters", OPS_COVERAGE_NAME_MAX);
	return 0;
}

static int
configured(const struct cfg *cfg, struct buf *why,
    enum ops_coverage_result *res)
{
	if (cfg->coverage != NULL)
		return 1;
	*res = OPS_COVERAGE_CONFIG;
	buf_adds(why, "the config has no coverage");
	return 0;
}

/* GET PATH?PARAM=NAME on the coverage's target, into body. */
static int
fetch(const struct cfg_coverage *cv, const char *name, struct buf *body,
    struct buf *why, enum ops_coverage_result *res)
{
	struct buf url = BUF_INIT;
	struct http *http;
	struct fetch f;
	char err[256], *auth = NULL, *q;
	int rc = -1;

	if (cv->source->auth_header != NULL &&
	    (auth = cfg_auth_line(cv->source, err, sizeof(err))) == NULL) {
		*res = OPS_COVERAGE_CONFIG;
		buf_adds(why, err);
		return -1;
	}
	buf_adds(&url, cv->source->url);
	if (url.len > 0 && url.data[url.len - 1] == '/')
		url.data[--url.len] = '\0';
	q = curl_easy_escape(NULL, name, 0);
	buf_addf(&url, "%s?%s=%s", cv->path, cv->param, q != NULL ? q : "");
	curl_free(q);
	http = http_new();
	*res = OPS_COVERAGE_REMOTE;
	if (fetch_get(http, cv->source, auth, url.data, ANSWER_MAX, body,
	    &f) != 0)
		buf_addf(why, "'%s' cannot be asked: %s", cv->from, f.error);
	else if (f.error_class != NULL && f.status == 0)
		buf_addf(why, "'%s' cannot be asked: %s (%s)", cv->from,
		    f.error, f.error_class);
	else if (f.error_class != NULL)
		buf_addf(why, "'%s' answered the lookup with %s (%s)",
		    cv->from, f.error, f.error_class);
	else
		rc = 0;
	http_free(http);
	if (auth != NULL) {
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	buf_release(&url);
	return rc;
}

/*
 * The answer's matches, each [name, key, record] as the coverage's
 * programs make them, into *matches (an array).
 */
static int
matches_of(const struct cfg_coverage *cv, const struct buf *body,
    jv *matches, struct buf *why, enum ops_coverage_result *res)
{
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct jqprog *prog;
	jv doc;
	int rc = -1;

	buf_addf(&text, "[(%s)[] | [(%s), (%s), (%s)]]", cv->records,
	    cv->name, cv->key, cv->transform);
	if ((prog = jqprog_compile(text.data, &err)) == NULL) {
		*res = OPS_COVERAGE_CONFIG;
		buf_addf(why, "the coverage's programs do not compile: %s",
		    err.data != NULL ? err.data : "");
		goto out;
	}
	doc = jvparse_text(body->data != NULL ? body->data : "", body->len);
	*res = OPS_COVERAGE_REMOTE;
	if (!jv_is_valid(doc)) {
		jv_free(doc);
		buf_addf(why, "'%s' answered the lookup with what is not"
		    " JSON", cv->from);
		goto out;
	}
	if (jqprog_run(prog, doc, matches, &err) != 0) {
		buf_addf(why, "the lookup's answer is not what the coverage's"
		    " programs take: %s", err.data);
		goto out;
	}
	rc = 0;
out:
	jqprog_free(prog);
	buf_release(&text);
	buf_release(&err);
	return rc;
}

static void
match_release(struct match *m)
{
	buf_release(&m->name);
	buf_release(&m->key);
	jv_free(m->record);
}

/*
 * The one match to cover: the only one, or of several the only one named
 * name itself.  Otherwise NONE, or SEVERAL with them in out.
 */
static int
choose(jv matches, const char *name, struct match *m, struct buf *out,
    struct buf *why, enum ops_coverage_result *res)
{
	int i, n = jv_array_length(jv_copy(matches)), pick = -1, same = 0;
	jv t, v;

	for (i = 0; i < n; i++) {
		v = jv_array_get(jv_array_get(jv_copy(matches), i), 0);
		if (jv_get_kind(v) == JV_KIND_STRING &&
		    strcasecmp(jv_string_value(v), name) == 0) {
			pick = i;
			same++;
		}
		jv_free(v);
	}
	if (n == 1)
		pick = 0;
	else if (same != 1) {
		*res = n == 0 ? OPS_COVERAGE_NONE : OPS_COVERAGE_SEVERAL;
		if (n == 0)
			return 0;
		buf_adds(out, "{\"matches\":[");
		for (i = 0; i < n; i++) {
			t = jv_array_get(jv_copy(matches), i);
			buf_adds(out, i > 0 ? ",{\"key\":" : "{\"key\":");
			buf_reset(&m->key);
			v = jv_array_get(jv_copy(t), 1);
			if (jvdump_key(&m->key, v) == 0)
				buf_add_json_string(out, m->key.data,
				    m->key.len);
			else
				buf_adds(out, "null");
			jv_free(v);
			buf_adds(out, ",\"name\":");
			jvdump(out, jv_array_get(t, 0));
			buf_addc(out, '}');
		}
		buf_adds(out, "]}");
		buf_reset(&m->key);
		return 0;
	}
	t = jv_array_get(jv_copy(matches), pick);
	v = jv_array_get(jv_copy(t), 0);
	if (jv_get_kind(v) == JV_KIND_STRING)
		buf_adds(&m->name, jv_string_value(v));
	jv_free(v);
	v = jv_array_get(jv_copy(t), 1);
	m->record = jv_array_get(t, 2);
	if (jvdump_key(&m->key, v) != 0 || strchr(m->key.data, '/') != NULL) {
		jv_free(v);
		*res = OPS_COVERAGE_REMOTE;
		buf_adds(why, "the match's key is not a string or a number"
		    " (without '/')");
		return -1;
	}
	jv_free(v);
	*res = OPS_COVERAGE_DONE;
	return 0;
}

/* {"key":..,"name":..,"record":..[,"event":..]} */
static void
answer(struct buf *out, const struct match *m, const char *record,
    size_t len, const char *event)
{
	buf_adds(out, "{\"key\":");
	buf_add_json_string(out, m->key.data, m->key.len);
	buf_adds(out, ",\"name\":");
	buf_add_json_string(out, m->name.data != NULL ? m->name.data : "",
	    m->name.len);
	buf_adds(out, ",\"record\":");
	buf_add(out, record, len);
	if (event != NULL)
		buf_addf(out, ",\"event\":\"%s\"", event);
	buf_addc(out, '}');
}

/* Keeps m, with its event, in one transaction; or finds it kept. */
static int
keep(const struct cfg *cfg, struct journal *j, struct match *m,
    int64_t now, struct buf *out, enum ops_coverage_result *res)
{
	struct buf canon = BUF_INIT, data = BUF_INIT, key = BUF_INIT;
	struct buf was = BUF_INIT;
	unsigned char hash[DIGEST_LEN], old[JOURNAL_SYNC_HASH_LEN];
	char event[ID_LEN + 1];
	struct iovec iov;
	int found, rc;

	jvdump_sorted(&canon, jv_copy(m->record));
	iov = (struct iovec){ canon.data, canon.len };
	digest_sha256(&iov, 1, hash);
	if ((rc = journal_begin(j)) != 0)
		goto out;
	if ((rc = journal_sync_record_get(j, OPS_COVERAGE_SET, m->key.data,
	    old, &was, &found)) != 0)
		goto fail;
	if (found) {
		journal_rollback(j);
		*res = OPS_COVERAGE_ALREADY;
		answer(out, m, was.data, was.len, NULL);
		goto out;
	}
	buf_adds(&data, "{\"key\":");
	buf_add_json_string(&data, m->key.data, m->key.len);
	buf_adds(&data, ",\"record\":");
	buf_add(&data, canon.data, canon.len);
	buf_addc(&data, '}');
	buf_addf(&key, "coverage:%s:added:%lld", m->key.data, (long long)now);
	if ((rc = journal_sync_record_put(j, OPS_COVERAGE_SET, m->key.data,
	    hash, canon.data, canon.len, now)) != 0 ||
	    (rc = made_event(j, &(struct made){ .source = OPS_COVERAGE_SOURCE,
	    .type = cfg->coverage->event, .subject = m->key.data,
	    .tenant = cfg->tenant, .key = key.data, .data = data.data,
	    .len = data.len, .now = now, .id = event }, NULL)) != 0 ||
	    (rc = journal_commit(j)) != 0)
		goto fail;
	*res = OPS_COVERAGE_DONE;
	answer(out, m, canon.data, canon.len, event);
	goto out;
fail:
	journal_rollback(j);
out:
	buf_release(&canon);
	buf_release(&data);
	buf_release(&key);
	buf_release(&was);
	return rc;
}

int
ops_coverage_add(const struct cfg *cfg, struct journal *j, const char *name,
    int64_t now, struct buf *out, struct buf *key, struct buf *why,
    enum ops_coverage_result *res)
{
	struct buf body = BUF_INIT;
	struct match m = { BUF_INIT, BUF_INIT, jv_null() };
	jv matches = jv_null();
	int rc = 0;

	*res = OPS_COVERAGE_BAD;
	if (!configured(cfg, why, res) || !name_valid(name, why))
		return 0;
	if (fetch(cfg->coverage, name, &body, why, res) == 0 &&
	    matches_of(cfg->coverage, &body, &matches, why, res) == 0) {
		if (jv_get_kind(matches) != JV_KIND_ARRAY) {
			*res = OPS_COVERAGE_REMOTE;
			buf_adds(why, "the lookup's matches are not a list");
		} else if (choose(matches, name, &m, out, why, res) == 0 &&
		    *res == OPS_COVERAGE_DONE &&
		    (rc = keep(cfg, j, &m, now, out, res)) == 0)
			buf_add(key, m.key.data, m.key.len);
	}
	jv_free(matches);
	match_release(&m);
	buf_release(&body);
	return rc;
}

/* A journal_row_fn: {"key","record"} appended to a listing. */
static int
listed(void *ctx, const char *key, const char *text, size_t len)
{
	struct buf *out = ctx;

	if (out->data[out->len - 1] == '}')
		buf_addc(out, ',');
	buf_adds(out, "{\"key\":");
	buf_add_json_string(out, key, strlen(key));
	buf_adds(out, ",\"record\":");
	buf_add(out, text, len);
	buf_addc(out, '}');
	return 0;
}

int
ops_coverage_list(struct journal *j, struct buf *out)
{
	int rc;

	buf_adds(out, "{\"coverage\":[");
	rc = journal_sync_records(j, OPS_COVERAGE_SET, NULL, listed, out);
	buf_adds(out, "]}");
	return rc;
}

/* A journal_row_fn: the one record, as it is kept. */
static int
one(void *ctx, const char *key, const char *text, size_t len)
{
	struct buf *out = ctx;

	(void)key;
	buf_add(out, text, len);
	return 0;
}

int
ops_coverage_get(struct journal *j, const char *key, struct buf *out,
    enum ops_coverage_result *res)
{
	struct buf record = BUF_INIT;
	int rc;

	*res = OPS_COVERAGE_NONE;
	if ((rc = journal_sync_records(j, OPS_COVERAGE_SET, key, one,
	    &record)) == 0 && record.len > 0) {
		*res = OPS_COVERAGE_ALREADY;
		buf_adds(out, "{\"key\":");
		buf_add_json_string(out, key, strlen(key));
		buf_adds(out, ",\"record\":");
		buf_add(out, record.data, record.len);
		buf_addc(out, '}');
	}
	buf_release(&record);
	return rc;
}

int
ops_coverage_remove(const struct cfg *cfg, struct journal *j,
    const char *key, int64_t now, struct buf *out,
    enum ops_coverage_result *res)
{
	struct buf record = BUF_INIT, data = BUF_INIT, idem = BUF_INIT;
	struct buf why = BUF_INIT;
	char event[ID_LEN + 1];
	int found, rc;

	*res = OPS_COVERAGE_NONE;
	if (!configured(cfg, &why, res)) {
		buf_release(&why);
		return 0;
	}
	if ((rc = journal_begin(j)) != 0)
		goto out;
	if ((rc = journal_sync_records(j, OPS_COVERAGE_SET, key, one,
	    &record)) != 0)
		goto fail;
	if (record.len == 0) {
		journal_rollback(j);
		goto out;
	}
	buf_adds(&data, "{\"key\":");
	buf_add_json_string(&data, key, strlen(key));
	buf_adds(&data, ",\"record\":");
	buf_add(&data, record.data, record.len);
	buf_addc(&data, '}');
	buf_addf(&idem, "coverage:%s:removed:%lld", key, (long long)now);
	if ((rc = journal_sync_record_delete(j, OPS_COVERAGE_SET, key,
	    &found)) != 0 ||
	    (rc = made_event(j, &(struct made){ .source = OPS_COVERAGE_SOURCE,
	    .type = cfg->coverage->removed, .subject = key,
	    .tenant = cfg->tenant, .key = idem.data, .data = data.data,
	    .len = data.len, .now = now, .id = event }, NULL)) != 0 ||
	    (rc = journal_commit(j)) != 0)
		goto fail;
	*res = OPS_COVERAGE_DONE;
	buf_add(out, data.data, data.len - 1);
	buf_addf(out, ",\"event\":\"%s\"}", event);
	goto out;
fail:
	journal_rollback(j);
out:
	buf_release(&record);
	buf_release(&data);
	buf_release(&idem);
	buf_release(&why);
	return rc;
}
