/*
 * cehttp: the CloudEvents HTTP binding's shapes.  See cehttp.h.
 */
#include <ctype.h>
#include <stdlib.h>
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

/*
 * The header h, if it is a ce- one of a binary-mode CloudEvent, as a
 * member of out.
 */
static void
ce_header(const struct cehttp_header *h, struct buf *out)
{
	struct buf v = BUF_INIT;
	const char *value = h->value;
	char name[32];
	size_t i;
	int hi, lo;

	if (strncasecmp(h->name, "ce-", 3) != 0 ||
	    strlen(h->name + 3) >= sizeof(name))
		return;
	for (i = 0; h->name[3 + i] != '\0'; i++)
		name[i] = (char)tolower((unsigned char)h->name[3 + i]);
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
}

void
cehttp_structure(const struct cehttp_header *h, size_t n, const char *body,
    size_t len, struct buf *out)
{
	const char *ct = NULL;
	size_t i;

	buf_addc(out, '{');
	for (i = 0; i < n; i++) {
		ce_header(&h[i], out);
		if (ct == NULL && strcasecmp(h[i].name,
		    MHD_HTTP_HEADER_CONTENT_TYPE) == 0)
			ct = h[i].value;
	}
	/* An event without data may have no content type: none is said. */
	if (ct != NULL) {
		buf_adds(out, "\"datacontenttype\":");
		buf_add_json_string(out, ct, strlen(ct));
		buf_addc(out, ',');
	}
	if (len > 0) {
		buf_adds(out, "\"data\":");
		buf_add(out, body, len);
	} else if (out->data[out->len - 1] == ',')
		out->len--;
	buf_addc(out, '}');
}

/* The headers of a connection, gathered for cehttp_structure. */
struct headers {
	struct cehttp_header	*h;
	size_t			 n;
	size_t			 cap;
};

static enum MHD_Result
gather(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct headers *hs = cls;

	(void)kind;
	if (hs->n == hs->cap) {
		hs->cap = hs->cap == 0 ? 16 : hs->cap * 2;
		hs->h = xrealloc(hs->h, hs->cap * sizeof(*hs->h));
	}
	hs->h[hs->n].name = key;
	hs->h[hs->n].value = value != NULL ? value : "";
	hs->n++;
	return MHD_YES;
}

void
cehttp_structure_conn(struct MHD_Connection *conn, const char *body,
    size_t len, struct buf *out)
{
	struct headers hs = { NULL, 0, 0 };

	MHD_get_connection_values(conn, MHD_HEADER_KIND, gather, &hs);
	cehttp_structure(hs.h, hs.n, body, len, out);
	free(hs.h);
}
