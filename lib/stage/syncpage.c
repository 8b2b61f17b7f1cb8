/*
 * syncpage: a sync's pages read, apart from the journal.  See
 * stage/syncpage.h.
 */
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "conf/config.h"
#include "json/jqprog.h"
#include "json/jvdump.h"
#include "json/jvparse.h"
#include "stage/syncpage.h"

/* Compiles text into *prog: 0, or -1 with what and why in err. */
static int
compile(struct jqprog **prog, const char *what, const char *text,
    struct buf *err)
{
	struct buf why = BUF_INIT;
	int rc = 0;

	if ((*prog = jqprog_compile(text, &why)) == NULL) {
		buf_addf(err, "%s does not compile: %s", what,
		    why.data != NULL ? why.data : "");
		rc = -1;
	}
	buf_release(&why);
	return rc;
}

/*
 * A program on a record: over a record set, its input is [record, param]
 * so that it sees $param.
 */
static void
program(const struct cfg_sync *job, struct buf *text, const char *body)
{
	buf_reset(text);
	if (job->over != NULL)
		buf_adds(text, ".[1] as $param | .[0] | ");
	buf_adds(text, body);
}

/*
 * A kind's program: an array of its records' [key, value] pairs, a
 * record whose key or transform fails an {"error": why} in its place.
 */
static void
kind_program(const struct cfg_sync *job, struct buf *text,
    const struct cfg_sync_kind *kd)
{
	struct buf body = BUF_INIT;

	buf_addf(&body, "[(%s) | try [(%s), (%s)] catch {error: .}]",
	    kd->records, kd->key, kd->transform);
	program(job, text, body.data);
	buf_release(&body);
}

int
syncpage_compile(const struct cfg_sync *job, struct syncpage_programs *p,
    struct buf *err)
{
	struct buf text = BUF_INIT, what = BUF_INIT;
	size_t i;
	int rc;

	memset(p, 0, sizeof(*p));
	p->job = job;
	rc = compile(&p->records, "records", job->records, err);
	if (rc == 0)
		rc = compile(&p->total, "total", job->total, err);
	if (rc == 0 && (job->paging == CFG_PAGING_CURSOR ||
	    job->paging == CFG_PAGING_LINK))
		rc = compile(&p->next, "next", job->next, err);
	if (rc == 0 && job->incremental == CFG_INCREMENTAL_UPDATED_SINCE) {
		program(job, &text, job->watermark);
		rc = compile(&p->watermark, "watermark", text.data, err);
	}
	p->kinds = xcalloc(job->nkinds, sizeof(*p->kinds));
	for (i = 0; rc == 0 && i < job->nkinds; i++) {
		kind_program(job, &text, &job->kinds[i]);
		buf_reset(&what);
		buf_addf(&what, "%s%s%s, key or transform",
		    job->kinds[i].name != NULL ? "kind " : "records",
		    job->kinds[i].name != NULL ? job->kinds[i].name : "",
		    job->kinds[i].name != NULL ? "'s records" : "");
		rc = compile(&p->kinds[i], what.data, text.data, err);
	}
	if (rc == 0 && strstr(job->path, "\\(") != NULL) {
		buf_reset(&text);
		buf_addf(&text, ". as $param | @uri \"%s\"", job->path);
		rc = compile(&p->path, "path", text.data, err);
	}
	buf_release(&text);
	buf_release(&what);
	return rc;
}

void
syncpage_programs_release(struct syncpage_programs *p)
{
	size_t k;

	jqprog_free(p->records);
	jqprog_free(p->next);
	jqprog_free(p->total);
	jqprog_free(p->watermark);
	jqprog_free(p->path);
	for (k = 0; p->kinds != NULL && k < p->job->nkinds; k++)
		jqprog_free(p->kinds[k]);
	free(p->kinds);
	memset(p, 0, sizeof(*p));
}

/* A program's input: the record, or over a record set [record, param]. */
static jv
input(const struct syncpage_programs *p, jv rec, jv param)
{
	if (p->job->over == NULL)
		return jv_copy(rec);
	return JV_ARRAY(jv_copy(rec), jv_copy(param));
}

/*
 * A number or a string a page gave (consumed): its text in out (empty for
 * null); -1 for anything else, or a program that failed.
 */
static int
page_value(struct jqprog *prog, jv page, struct buf *out)
{
	struct buf why = BUF_INIT;
	jv v;
	int rc = 0;

	buf_reset(out);
	if (jqprog_run(prog, page, &v, &why) != 0) {
		buf_release(&why);
		return -1;
	}
	buf_release(&why);
	if (jv_get_kind(v) == JV_KIND_STRING)
		buf_adds(out, jv_string_value(v));
	else if (jv_get_kind(v) == JV_KIND_NUMBER)
		jvdump(out, jv_copy(v));
	else if (jv_get_kind(v) != JV_KIND_NULL)
		rc = -1;
	jv_free(v);
	return rc;
}

int
syncpage_read(const struct syncpage_programs *p, const char *text,
    size_t len, struct syncpage *page, struct buf *err)
{
	struct buf total = BUF_INIT, why = BUF_INIT;
	jv doc;
	int rc = -1;

	page->records = jv_null();
	buf_init(&page->next);
	page->total = -1;
	doc = jvparse_text(text, len);
	if (!jv_is_valid(doc)) {
		jv_free(doc);
		buf_adds(err, "the answer is not JSON");
		return -1;
	}
	if (jqprog_run(p->records, jv_copy(doc), &page->records, &why) != 0 ||
	    jv_get_kind(page->records) != JV_KIND_ARRAY) {
		buf_addf(err, "records (%s) is not an array", p->job->records);
		goto out;
	}
	if (page_value(p->total, jv_copy(doc), &total) == 0 &&
	    total.len > 0)
		page->total = strtol(total.data, NULL, 10);
	if (p->next != NULL && page_value(p->next, jv_copy(doc),
	    &page->next) != 0) {
		buf_addf(err, "next (%s) is not a string, a number or null",
		    p->job->next);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0) {
		jv_free(page->records);
		page->records = jv_null();
		buf_reset(&page->next);
	}
	jv_free(doc);
	buf_release(&total);
	buf_release(&why);
	return rc;
}

void
syncpage_release(struct syncpage *page)
{
	jv_free(page->records);
	page->records = jv_null();
	buf_release(&page->next);
}

int
syncpage_next_link(const char *base, const char *current,
    const struct buf *next, struct buf *out, struct buf *err)
{
	const char *p;
	size_t origin;

	buf_reset(out);
	if (next->len == 0)
		return 0;
	/* scheme://host[:port] of the target's url */
	p = strstr(base, "://");
	origin = p == NULL ? 0 : (size_t)(p + 3 - base) +
	    strcspn(p + 3, "/?#");
	if (next->data[0] == '/' && next->data[1] != '/') {
		buf_add(out, base, origin);
		buf_add(out, next->data, next->len);
	} else if (origin > 0 && next->len > origin &&
	    strncmp(next->data, base, origin) == 0 &&
	    (next->data[origin] == '/' || next->data[origin] == '?'))
		buf_add(out, next->data, next->len);
	else {
		buf_adds(err, "the next page's link leaves the target: not"
		    " followed");
		return -1;
	}
	if (strpbrk(out->data, " \t\r\n") != NULL ||
	    strlen(out->data) != out->len) {
		buf_reset(out);
		buf_adds(err, "the next page's link is not a URL");
		return -1;
	}
	if (strcmp(out->data, current) == 0) {
		buf_reset(out);
		return 0;
	}
	return 1;
}

void
syncpage_watermark(const struct syncpage_programs *p, jv rec, jv param,
    struct buf *mark)
{
	struct buf why = BUF_INIT;
	jv w = jv_null();

	if (p->watermark != NULL && jqprog_run(p->watermark, input(p, rec,
	    param), &w, &why) == 0 && jv_get_kind(w) == JV_KIND_STRING &&
	    (mark->len == 0 || strcmp(jv_string_value(w), mark->data) > 0)) {
		buf_reset(mark);
		buf_adds(mark, jv_string_value(w));
	}
	jv_free(w);
	buf_release(&why);
}

int
syncpage_pairs(const struct syncpage_programs *p, size_t k, jv rec,
    jv param, jv *pairs, struct buf *why)
{
	size_t had = why->len;

	*pairs = jv_null();
	if (jqprog_run(p->kinds[k], input(p, rec, param), pairs, why) == 0 &&
	    jv_get_kind(*pairs) == JV_KIND_ARRAY)
		return 0;
	jv_free(*pairs);
	*pairs = jv_null();
	if (why->len == had)
		buf_adds(why, "its records are not values");
	return -1;
}

int
syncpage_item(const struct cfg_sync_kind *kd, jv pair, struct buf *key,
    struct buf *canon, jv *value, struct buf *why)
{
	jv k, err;

	*value = jv_null();
	if (jv_get_kind(pair) == JV_KIND_ARRAY &&
	    jv_array_length(jv_copy(pair)) != 2) {
		jv_free(pair);
		buf_adds(why, "its key or transform made no single value");
		return -1;
	}
	if (jv_get_kind(pair) != JV_KIND_ARRAY) {
		err = jv_get_kind(pair) == JV_KIND_OBJECT ?
		    jv_object_get(pair, jv_string("error")) : (jv_free(pair),
		    jv_null());
		if (jv_get_kind(err) == JV_KIND_STRING)
			jqprog_error(why, jv_string_value(err));
		else
			buf_adds(why, "its key or transform failed");
		jv_free(err);
		return -1;
	}
	k = jv_array_get(jv_copy(pair), 0);
	*value = jv_array_get(pair, 1);
	if (kd->name != NULL)
		buf_addf(key, "%s:", kd->name);
	if (jvdump_key(key, k) != 0) {
		jv_free(k);
		jv_free(*value);
		*value = jv_null();
		buf_adds(why, "its key is not a string or a number");
		return -1;
	}
	jv_free(k);
	jvdump_sorted(canon, jv_copy(*value));
	return 0;
}
