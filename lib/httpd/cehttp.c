/*
 * cehttp: the CloudEvents HTTP binding's shapes.  See cehttp.h.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "base/buf.h"
#include "httpd/cehttp.h"
#include "json/jsonscan.h"

size_t
cehttp_batch_items(const char *s, size_t n, size_t *start, size_t *end,
    size_t max)
{
	size_t i = 0, k = 0;

	while (i < n && s[i] != '[')
		i++;
	for (i++;;) {
		while (i < n && strchr(" \t\r\n,", s[i]) != NULL && s[i] != '\0')
			i++;
		if (i >= n || s[i] == ']' || k == max)
			return k;
		start[k] = i;
		end[k] = i = json_skip(s, n, i);
		k++;
	}
}

/* One ce- header of a binary-mode CloudEvent, as a member of out. */
static enum MHD_Result
ce_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct buf *out = cls, v = BUF_INIT;
	char name[32];
	size_t i;
	int hi, lo;

	(void)kind;
	if (strncasecmp(key, "ce-", 3) != 0 || strlen(key + 3) >= sizeof(name))
		return MHD_YES;
	for (i = 0; key[3 + i] != '\0'; i++)
		name[i] = (char)tolower((unsigned char)key[3 + i]);
	name[i] = '\0';
	/* Values are percent-encoded where they are not printable ASCII. */
	for (; value != NULL && *value != '\0'; value++)
		if (*value == '%' && (hi = OPENSSL_hexchar2int((unsigned char)
		    value[1])) >= 0 && (lo = OPENSSL_hexchar2int(
		    (unsigned char)value[2])) >= 0) {
			buf_addc(&v, (char)(hi << 4 | lo));
			value += 2;
		} else
			buf_addc(&v, *value);
	buf_add_json_string(out, name, strlen(name));
	buf_addc(out, ':');
	buf_add_json_string(out, v.data != NULL ? v.data : "", v.len);
	buf_addc(out, ',');
	buf_release(&v);
	return MHD_YES;
}

void
cehttp_structure(struct MHD_Connection *conn, const char *body, size_t len,
    struct buf *out)
{
	const char *ct;

	buf_addc(out, '{');
	MHD_get_connection_values(conn, MHD_HEADER_KIND, ce_header, out);
	ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	buf_adds(out, "\"datacontenttype\":");
	buf_add_json_string(out, ct != NULL ? ct : "", ct != NULL ?
	    strlen(ct) : 0);
	if (len > 0) {
		buf_adds(out, ",\"data\":");
		buf_add(out, body, len);
	}
	buf_addc(out, '}');
}

