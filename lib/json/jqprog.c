/*
 * jqprog: compiles and runs jq programs through libjq.
 */
#include <stdlib.h>
#include <string.h>

#include <jq.h>

#include "base/buf.h"
#include "json/jqprog.h"

struct jqprog {
	jq_state	*jq;
	struct buf	*err;	/* where jq's error callback writes */
};

/* jq reports compile errors through this callback, one message a call. */
static void
collect_error(void *ctx, jv msg)
{
	struct jqprog *p = ctx;

	if (p->err != NULL) {
		if (p->err->len > 0)
			buf_adds(p->err, "; ");
		if (jv_get_kind(msg) == JV_KIND_STRING)
			buf_adds(p->err, jv_string_value(msg));
		else
			buf_adds(p->err, "error");
	}
	jv_free(msg);
}

struct jqprog *
jqprog_compile(const char *text, struct buf *err)
{
	struct jqprog *p;

	p = xcalloc(1, sizeof(*p));
	if ((p->jq = jq_init()) == NULL) {
		buf_adds(err, "jq: cannot initialise");
		free(p);
		return NULL;
	}
	p->err = err;
	jq_set_error_cb(p->jq, collect_error, p);
	if (!jq_compile(p->jq, text)) {
		if (err->len == 0)
			buf_adds(err, "jq: compile error");
		jqprog_free(p);
		return NULL;
	}
	p->err = NULL;
	return p;
}

/*
 * jq's own errors quote the values involved in parentheses ("string
 * (\"Maria\") and number (1) cannot be added"): event data, perhaps
 * personal, that must not reach a log line.  They are left out.
 */
static void
add_without_values(struct buf *err, const char *msg)
{
	const char *p, *close;

	for (p = msg; *p != '\0'; p++) {
		if (*p == '(' && (close = strchr(p, ')')) != NULL &&
		    (p[1] == '"' || p[1] == '{' || p[1] == '[' ||
		    strchr("-0123456789tfn", p[1]) != NULL)) {
			buf_adds(err, "(...)");
			p = close;
		} else
			buf_addc(err, *p);
	}
}

int
jqprog_run(struct jqprog *p, jv input, jv *out, struct buf *err)
{
	jv v, msg;

	jq_start(p->jq, input, 0);
	v = jq_next(p->jq);
	if (jv_is_valid(v)) {
		*out = v;
		return 0;
	}
	if (jv_invalid_has_msg(jv_copy(v))) {
		msg = jv_invalid_get_msg(v);
		buf_adds(err, "jq: error: ");
		if (jv_get_kind(msg) == JV_KIND_STRING)
			add_without_values(err, jv_string_value(msg));
		else {
			jv s = jv_dump_string(msg, 0);

			buf_adds(err, jv_string_value(s));
			jv_free(s);
			return -1;
		}
		jv_free(msg);
	} else {
		jv_free(v);
		buf_adds(err, "jq: the program gave no output");
	}
	return -1;
}

void
jqprog_free(struct jqprog *p)
{
	if (p == NULL)
		return;
	jq_teardown(&p->jq);
	free(p);
}
