/*
 * mail: building an e-mail message from a delivery's body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jv.h>
#include <openssl/evp.h>

#include "base/buf.h"
#include "transport/mail.h"
#include "json/jvparse.h"

#define ADDRESS_MAX	254	/* RFC 5321's path, less the brackets */
#define WORD_RAW	45	/* bytes an encoded word carries: 60 in base64 */

/*
 * An address as SMTP takes it: local@domain, printable ASCII, none of the
 * characters that would let it be more than one address or a header.
 */
static int
valid_address(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);

	if (n < 3 || n > ADDRESS_MAX || at == NULL || at == s ||
	    at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s >= 127 || strchr("<>()[]\\,;:\"", *s) !=
		    NULL)
			return 0;
	return 1;
}

static int
ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 127 || *s < ' ')
			return 0;
	return 1;
}

static void
add_base64(struct buf *b, const unsigned char *p, size_t n)
{
	unsigned char out[4 * ((WORD_RAW + 2) / 3) + 1];
	size_t k;

	while (n > 0) {
		k = n < WORD_RAW ? n : WORD_RAW;
		EVP_EncodeBlock(out, p, (int)k);
		buf_adds(b, (const char *)out);
		p += k;
		n -= k;
	}
}

/*
 * Text for a header: as it is if ASCII, else RFC 2047 encoded words of at
 * most WORD_RAW bytes each, never cutting a UTF-8 character, folded.
 */
static void
add_header_text(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;

	if (ascii(s)) {
		buf_adds(b, s);
		return;
	}
	while (n > 0) {
		k = n < WORD_RAW ? n : WORD_RAW;
		while (k < n && k > 0 && (p[k] & 0xc0) == 0x80)
			k--;
		buf_adds(b, "=?UTF-8?B?");
		add_base64(b, p, k);
		buf_adds(b, "?=");
		p += k;
		n -= k;
		if (n > 0)
			buf_adds(b, "\r\n ");
	}
}

/* A body part's text in base64, lines of 76. */
static void
add_part(struct buf *b, const char *type, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	unsigned char out[4 * 57 / 3 + 1];
	size_t n = strlen(text), k;

	buf_addf(b, "Content-Type: %s; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", type);
	while (n > 0) {
		k = n < 57 ? n : 57;
		EVP_EncodeBlock(out, p, (int)k);
		buf_adds(b, (const char *)out);
		buf_adds(b, "\r\n");
		p += k;
		n -= k;
	}
}

/* The address of "Name <address>" or of "address", or NULL. */
static char *
address_of(const char *from, const char **name_end)
{
	const char *lt = strrchr(from, '<'), *gt;
	char *a;

	if (lt == NULL) {
		*name_end = from;
		return valid_address(from) ? xstrdup(from) : NULL;
	}
	if ((gt = strchr(lt, '>')) == NULL || gt[1] != '\0')
		return NULL;
	a = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	if (!valid_address(a)) {
		free(a);
		return NULL;
	}
	*name_end = lt;
	return a;
}

/* A member that must be a string without a line break, or absent. */
static int
text_member(jv o, const char *name, int required, char **out, char *err,
    size_t errsz)
{
	jv v = jv_object_get(jv_copy(o), jv_string(name));

	*out = NULL;
	if (!jv_is_valid(v)) {	/* not a member */
		jv_free(v);
		v = jv_null();
	}
	if (jv_get_kind(v) == JV_KIND_STRING)
		*out = xstrdup(jv_string_value(v));
	else if (jv_get_kind(v) != JV_KIND_NULL || required) {
		snprintf(err, errsz, "the e-mail's %s is %s", name,
		    jv_get_kind(v) == JV_KIND_NULL ? "missing" :
		    "not a string");
		jv_free(v);
		return -1;
	}
	jv_free(v);
	return 0;
}

static int
add_rcpt(struct mail *m, size_t *n, jv v, char *err, size_t errsz)
{
	int ok = jv_get_kind(v) == JV_KIND_STRING &&
	    valid_address(jv_string_value(v));

	if (!ok)
		snprintf(err, errsz, "the e-mail's to holds something that is"
		    " not one address");
	else if (*n == MAIL_RCPT_MAX) {
		snprintf(err, errsz, "the e-mail has more than %d recipients",
		    MAIL_RCPT_MAX);
		ok = 0;
	} else
		m->rcpt[(*n)++] = xstrdup(jv_string_value(v));
	jv_free(v);
	return ok ? 0 : -1;
}

int
mail_build(struct mail *m, const char *body, size_t len, const char *from,
    const char *reply_to, const char *id, int64_t now, char *err,
    size_t errsz)
{
	struct buf b = BUF_INIT;
	char *subject = NULL, *text = NULL, *html = NULL, *reply = NULL;
	char date[64], *name;
	const char *name_end, *domain;
	time_t t = (time_t)(now / 1000);
	struct tm tm;
	size_t n = 0, i;
	jv o, to;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	err[0] = '\0';
	o = jvparse_text(body, len);
	if (!jv_is_valid(o) || jv_get_kind(o) != JV_KIND_OBJECT) {
		snprintf(err, errsz, "the body of a delivery to an SMTP server"
		    " is a JSON object: to, subject, text, html");
		jv_free(o);
		return -1;
	}
	if ((m->from = address_of(from, &name_end)) == NULL) {
		snprintf(err, errsz, "the sender is not an address");
		goto out;
	}
	to = jv_object_get(jv_copy(o), jv_string("to"));
	if (jv_get_kind(to) == JV_KIND_ARRAY && jv_array_length(jv_copy(to)) >
	    0) {
		jv_array_foreach(to, k, v) {
			(void)k;
			if (add_rcpt(m, &n, v, err, errsz) != 0)
				break;
		}
	} else if (jv_get_kind(to) == JV_KIND_STRING)
		add_rcpt(m, &n, jv_copy(to), err, errsz);
	else
		snprintf(err, errsz, "the e-mail's to is missing");
	jv_free(to);
	if (n == 0 || err[0] != '\0')
		goto out;
	if (text_member(o, "subject", 1, &subject, err, errsz) != 0 ||
	    text_member(o, "text", 0, &text, err, errsz) != 0 ||
	    text_member(o, "html", 0, &html, err, errsz) != 0 ||
	    text_member(o, "reply_to", 0, &reply, err, errsz) != 0)
		goto out;
	if (text == NULL && html == NULL) {
		snprintf(err, errsz, "the e-mail has neither text nor html");
		goto out;
	}
	if (strpbrk(subject, "\r\n") != NULL) {
		snprintf(err, errsz, "the e-mail's subject has a line break");
		goto out;
	}
	if (reply == NULL && reply_to != NULL)
		reply = xstrdup(reply_to);
	if (reply != NULL && !valid_address(reply)) {
		snprintf(err, errsz, "the e-mail's reply_to is not an address");
		goto out;
	}

	/* The sender's name, if any, then its address. */
	buf_adds(&b, "From: ");
	name = xstrndup(from, (size_t)(name_end - from));
	while (name[0] != '\0' && name[strlen(name) - 1] == ' ')
		name[strlen(name) - 1] = '\0';
	if (name[0] != '\0' && ascii(name) &&
	    strpbrk(name, "()<>[]:;@\\,.\"") != NULL) {
		/* A display name with specials is a quoted string. */
		buf_addc(&b, '"');
		for (i = 0; name[i] != '\0'; i++) {
			if (name[i] == '"' || name[i] == '\\')
				buf_addc(&b, '\\');
			buf_addc(&b, name[i]);
		}
		buf_adds(&b, "\" ");
	} else if (name[0] != '\0') {
		add_header_text(&b, name);
		buf_addc(&b, ' ');
	}
	free(name);
	buf_addf(&b, "<%s>\r\nTo: ", m->from);
	for (i = 0; i < n; i++)
		buf_addf(&b, "%s<%s>", i > 0 ? ",\r\n " : "", m->rcpt[i]);
	buf_adds(&b, "\r\nSubject: ");
	add_header_text(&b, subject);
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	domain = strchr(m->from, '@') + 1;
	buf_addf(&b, "\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\n", date, id,
	    domain);
	if (reply != NULL)
		buf_addf(&b, "Reply-To: <%s>\r\n", reply);
	buf_adds(&b, "MIME-Version: 1.0\r\n");
	if (text != NULL && html != NULL) {
		buf_addf(&b, "Content-Type: multipart/alternative;"
		    " boundary=\"=_integra_%s\"\r\n\r\n--=_integra_%s\r\n",
		    id, id);
		add_part(&b, "text/plain", text);
		buf_addf(&b, "--=_integra_%s\r\n", id);
		add_part(&b, "text/html", html);
		buf_addf(&b, "--=_integra_%s--\r\n", id);
	} else
		add_part(&b, text != NULL ? "text/plain" : "text/html",
		    text != NULL ? text : html);
	m->len = b.len;
	m->message = buf_detach(&b);
	rc = 0;
out:
	if (rc != 0)
		mail_release(m);
	jv_free(o);
	free(subject);
	free(text);
	free(html);
	free(reply);
	return rc;
}

void
mail_release(struct mail *m)
{
	size_t i;

	for (i = 0; m->rcpt[i] != NULL; i++)
		free(m->rcpt[i]);
	free(m->message);
	free(m->from);
	memset(m, 0, sizeof(*m));
}
