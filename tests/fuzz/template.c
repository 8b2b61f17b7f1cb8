/*
 * template: message templates (template.h) parsed and rendered, against
 * a plain reading of the syntax done here.  The first byte says whether
 * the text is an HTML part and where the values come from (one fixed,
 * full of markup; the input's; none for some names; none at all), the
 * second how many bytes after it are the input's value; the rest is the
 * text.  template_parse refuses exactly the text with a NUL byte (the
 * trust issue's finding 4), a {{ not closed on its line or a name that
 * is not one, with the line in err; else its names are those of the text,
 * each once, in order.  template_render appends to out the text with each
 * name's value (escaped in HTML), or fails with the first name that has
 * no value in err.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "rules/template.h"

#include "fuzz.h"

#define FLAG_HTML	0x01
#define VALUES(flags)	(((flags) >> 1) & 3)
#define VALUES_FIXED	0	/* every name has the fixed value */
#define VALUES_INPUT	1	/* every name has the input's value */
#define VALUES_SOME	2	/* a name of an odd length has none */
#define VALUES_NONE	3

#define FIXED_VALUE	"Ana <b>&'\"{{x}}"
#define OUT_BEFORE	"before:"	/* what out holds before render */
#define NAME_MAX	64

/* Where the values come from, for value(). */
struct values {
	int		 mode;
	const char	*input;		/* NUL-terminated */
};

/* A name's value as the first byte has it; template_value_fn. */
static const char *
value(void *ctx, const char *name)
{
	const struct values *vals = ctx;

	switch (vals->mode) {
	case VALUES_FIXED:
		return FIXED_VALUE;
	case VALUES_INPUT:
		return vals->input;
	case VALUES_SOME:
		return strlen(name) % 2 == 1 ? NULL : vals->input;
	default:
		return NULL;
	}
}

/* 1 if s[0..n) is a name: a letter or _, then letters, digits and _. */
static int
plain_name(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > NAME_MAX || !(isalpha((unsigned char)s[0]) ||
	    s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* The reading done here: what it makes of a text. */
struct reading {
	size_t		 errline;	/* 0: the text is a template */
	char		**names;	/* each once, in order */
	size_t		 nnames;
	struct buf	 out;		/* rendered, if all have values */
	const char	*missing;	/* the first name without one */
};

/* The line that text[at] is on. */
static size_t
line_of(const char *text, size_t at)
{
	size_t	 line = 1, i;

	for (i = 0; i < at; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

/* Notes the name s[0..n), and its value, in r. */
static void
read_name(struct reading *r, const char *s, size_t n, int html,
    struct values *vals)
{
	const char	*v, *p;
	char		*name;
	size_t		 i;

	name = xstrndup(s, n);
	for (i = 0; i < r->nnames; i++)
		if (strcmp(r->names[i], name) == 0)
			break;
	if (i == r->nnames) {
		r->names = xrealloc(r->names, (r->nnames + 1) *
		    sizeof(*r->names));
		r->names[r->nnames++] = name;
	} else {
		free(name);
		name = r->names[i];
	}
	if (r->missing != NULL)
		return;
	if ((v = value(vals, name)) == NULL) {
		r->missing = name;
		return;
	}
	for (p = v; *p != '\0'; p++) {
		if (!html || strchr("&<>\"'", *p) == NULL)
			buf_addc(&r->out, *p);
		else
			buf_adds(&r->out, *p == '&' ? "&amp;" : *p == '<' ?
			    "&lt;" : *p == '>' ? "&gt;" : *p == '"' ?
			    "&quot;" : "&#39;");
	}
}

/* Reads text[0..len) into r, as template.h says it is read. */
static void
read_text(struct reading *r, const char *text, size_t len, int html,
    struct values *vals)
{
	const char	*nul, *close, *s, *e;
	size_t		 i = 0;

	if ((nul = memchr(text, '\0', len)) != NULL) {
		r->errline = line_of(text, (size_t)(nul - text));
		return;
	}
	while (i < len) {
		if (i + 1 >= len || text[i] != '{' || text[i + 1] != '{') {
			buf_addc(&r->out, text[i++]);
			continue;
		}
		for (close = text + i + 2; close + 1 < text + len &&
		    !(close[0] == '}' && close[1] == '}') && *close != '\n';
		    close++)
			;
		if (close + 1 >= text + len || *close == '\n') {
			r->errline = line_of(text, i);
			return;
		}
		for (s = text + i + 2; s < close && *s == ' '; s++)
			;
		for (e = close; e > s && e[-1] == ' '; e--)
			;
		if (!(plain_name(s, (size_t)(e - s)) ||
		    ((size_t)(e - s) > 6 && strncmp(s, "brand.", 6) == 0 &&
		    plain_name(s + 6, (size_t)(e - s) - 6)))) {
			r->errline = line_of(text, i);
			return;
		}
		read_name(r, s, (size_t)(e - s), html, vals);
		i = (size_t)(close - text) + 2;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reading	 r = { 0, NULL, 0, BUF_INIT, NULL };
	struct values	 vals;
	struct template	*t;
	struct buf	 out = BUF_INIT, err = BUF_INIT;
	const char	*text;
	char		*input, line[32], name[NAME_MAX + 16];
	size_t		 vlen, len, i;
	int		 html, rc;

	if (size < 2)
		return 0;
	html = data[0] & FLAG_HTML;
	vals.mode = VALUES(data[0]);
	vlen = data[1] < size - 2 ? data[1] : size - 2;
	input = xstrndup((const char *)data + 2, vlen);
	vals.input = input;
	text = (const char *)data + 2 + vlen;
	len = size - 2 - vlen;

	read_text(&r, text, len, html, &vals);
	t = template_parse(text, len, html, &err);
	if (r.errline != 0) {
		FUZZ_CHECK(t == NULL);
		snprintf(line, sizeof(line), "line %zu: ", r.errline);
		FUZZ_CHECK(err.data != NULL &&
		    strncmp(err.data, line, strlen(line)) == 0);
		goto out;
	}
	FUZZ_CHECK(t != NULL);
	FUZZ_CHECK(template_nvars(t) == r.nnames);
	for (i = 0; i < r.nnames; i++)
		FUZZ_CHECK(strcmp(template_var(t, i), r.names[i]) == 0);
	FUZZ_CHECK(template_var(t, r.nnames) == NULL);

	buf_adds(&out, OUT_BEFORE);
	buf_reset(&err);
	rc = template_render(t, value, &vals, &out, &err);
	FUZZ_CHECK(strncmp(out.data, OUT_BEFORE, strlen(OUT_BEFORE)) == 0);
	if (r.missing != NULL) {
		FUZZ_CHECK(rc == -1);
		snprintf(name, sizeof(name), "{{%s}}", r.missing);
		FUZZ_CHECK(err.data != NULL && strstr(err.data, name) != NULL);
	} else {
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK(out.len == strlen(OUT_BEFORE) + r.out.len);
		FUZZ_CHECK(r.out.len == 0 || memcmp(out.data +
		    strlen(OUT_BEFORE), r.out.data, r.out.len) == 0);
	}
	template_free(t);
out:
	for (i = 0; i < r.nnames; i++)
		free(r.names[i]);
	free(r.names);
	buf_release(&r.out);
	buf_release(&out);
	buf_release(&err);
	free(input);
	return 0;
}
