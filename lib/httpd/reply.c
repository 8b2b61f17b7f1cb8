/*
 * httpd/reply: the receiver's answers.  See httpd/reply.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "httpd/reply.h"
#include "journal/journal.h"

void
httpd_reply_error_body(struct buf *b, const char *code, const char *message)
{
	buf_adds(b, "{\"error\":{\"code\":\"");
	buf_adds(b, code);
	buf_adds(b, "\",\"message\":");
	buf_add_json_string(b, message, strlen(message));
	buf_adds(b, "}}");
}

/* The rate-limit headers: the IETF draft's, and the older X- ones. */
static void
rate_headers(struct MHD_Response *resp, const struct httpd_reply_rate *rate)
{
	char limit[24], remaining[24], reset[24], reset_at[24];
	int64_t left_ms = rate->window_end - clock_ms();

	if (left_ms < 0)
		left_ms = 0;
	snprintf(limit, sizeof(limit), "%ld", rate->limit);
	snprintf(remaining, sizeof(remaining), "%ld", rate->count >= rate->limit ?
	    0 : rate->limit - rate->count);
	snprintf(reset, sizeof(reset), "%lld", (long long)(left_ms + 999) /
	    1000);
	snprintf(reset_at, sizeof(reset_at), "%lld",
	    (long long)(rate->window_end + 999) / 1000);
	MHD_add_response_header(resp, "RateLimit-Limit", limit);
	MHD_add_response_header(resp, "RateLimit-Remaining", remaining);
	MHD_add_response_header(resp, "RateLimit-Reset", reset);
	MHD_add_response_header(resp, "X-RateLimit-Limit", limit);
	MHD_add_response_header(resp, "X-RateLimit-Remaining", remaining);
	MHD_add_response_header(resp, "X-RateLimit-Reset", reset_at);
	if (rate->limited)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
		    reset);
}

enum MHD_Result
httpd_reply_send(struct MHD_Connection *conn, unsigned int status,
    const struct buf *body, const char *header, const char *value,
    const struct httpd_reply_rate *rate)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(body->len, body->data,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	if (header != NULL)
		MHD_add_response_header(resp, header, value);
	if (rate != NULL && rate->limit > 0 && rate->window_end > 0)
		rate_headers(resp, rate);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result
httpd_reply_fail(struct MHD_Connection *conn, unsigned int status,
    const char *code, const char *message, const char *header,
    const char *value)
{
	struct buf b = BUF_INIT;
	enum MHD_Result ret;

	httpd_reply_error_body(&b, code, message);
	ret = httpd_reply_send(conn, status, &b, header, value, NULL);
	buf_release(&b);
	return ret;
}

int
httpd_reply_media_type_is(struct MHD_Connection *conn, const char *type)
{
	const char *ct;
	size_t n = strlen(type);

	ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ct == NULL || strncasecmp(ct, type, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static int
control_in(const char *s, size_t n, int tab_ok)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && !(tab_ok && s[i] == '\t')) ||
		    s[i] == 0x7f)
			return 1;
	return 0;
}

static enum MHD_Result
header_clean(void *cls, enum MHD_ValueKind kind, const char *name,
    size_t name_len, const char *value, size_t value_len)
{
	int *clean = cls;

	(void)kind;
	if (control_in(name, name_len, 0) || (value != NULL &&
	    control_in(value, value_len, 1))) {
		*clean = 0;
		return MHD_NO;
	}
	return MHD_YES;
}

int
httpd_reply_headers_clean(struct MHD_Connection *conn)
{
	int clean = 1;

	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, header_clean,
	    &clean);
	return clean;
}

const char *
httpd_reply_header(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

enum MHD_Result
httpd_reply_text(struct MHD_Connection *conn, const struct buf *b,
    const char *type, const char *header, const char *value)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(b->len, b->data,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (header != NULL)
		MHD_add_response_header(resp, header, value);
	ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result
httpd_reply_journal_failed(struct journal *reader,
    struct MHD_Connection *conn)
{
	log_error(NULL, "api: %s", journal_error(reader));
	return httpd_reply_fail(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
	    "unavailable", "the journal failed", MHD_HTTP_HEADER_RETRY_AFTER,
	    "5");
}

enum MHD_Result
httpd_reply_result(struct MHD_Connection *conn, struct journal *reader,
    int rc, const char *missing, unsigned int status, struct buf *b)
{
	enum MHD_Result ret;

	if (rc < 0)
		ret = httpd_reply_journal_failed(reader, conn);
	else if (rc > 0)
		ret = httpd_reply_fail(conn, MHD_HTTP_NOT_FOUND, "not_found",
		    missing, NULL, NULL);
	else
		ret = httpd_reply_send(conn, status, b, NULL, NULL, NULL);
	buf_release(b);
	return ret;
}
