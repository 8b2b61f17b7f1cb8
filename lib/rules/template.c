/*
 * template: parsing {{name}} templates and rendering them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "rules/template.h"

/* A piece of a template: literal text, or a variable (names[var]). */
struct piece {
	size_t		 off;	/* literal: where in text */
	size_t		 len;
	long		 var;	/* -1: literal */
};

struct template {
	char		*text;
	int		 html;
	struct piece	*pieces;
	size_t		 npieces;
	char		**names;
	size_t		 nnames;
};

int
template_name_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 64 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* name or brand.name. */
static int
valid_var(const char *s, size_t n)
{
	if (n > 6 && strncmp(s, "brand.", 6) == 0)
		return template_name_valid(s + 6, n - 6);
	return template_name_valid(s, n);
}

static void
add_piece(struct template *t, size_t off, size_t len, long var)
{
	t->pieces = xrealloc(t->pieces, (t->npieces + 1) * sizeof(*t->pieces));
	t->pieces[t->npieces++] = (struct piece){ off, len, var };
}

static long
name_index(struct template *t, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < t->nnames; i++)
		if (strlen(t->names[i]) == n && memcmp(t->names[i], s, n) == 0)
			return (long)i;
	t->names = xrealloc(t->names, (t->nnames + 1) * sizeof(*t->names));
	t->names[t->nnames] = xstrndup(s, n);
	return (long)t->nnames++;
}

static size_t
line_at(const char *text, size_t off)
{
	size_t line = 1, i;

	for (i = 0; i < off; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

struct template *
template_parse(const char *text, size_t len, int html, struct buf *err)
{
	struct template *t;
	const char *open, *close, *s, *e, *nul;
	size_t at = 0;

	/* The text is read as a C string: a NUL would end it early. */
	if ((nul = memchr(text, '\0', len)) != NULL) {
		buf_addf(err, "line %zu: holds a NUL byte",
		    line_at(text, (size_t)(nul - text)));
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->text = xstrndup(text, len);
	t->html = html;
	while (at < len) {
		open = strstr(t->text + at, "{{");
		if (open == NULL || (size_t)(open - t->text) >= len) {
			add_piece(t, at, len - at, -1);
			break;
		}
		if (open > t->text + at)
			add_piece(t, at, (size_t)(open - t->text) - at, -1);
		if ((close = strstr(open + 2, "}}")) == NULL ||
		    memchr(open + 2, '\n', (size_t)(close - open - 2)) != NULL) {
			buf_addf(err, "line %zu: {{ is not closed on its line",
			    line_at(t->text, (size_t)(open - t->text)));
			template_free(t);
			return NULL;
		}
		for (s = open + 2; s < close && *s == ' '; s++)
			;
		for (e = close; e > s && e[-1] == ' '; e--)
			;
		if (!valid_var(s, (size_t)(e - s))) {
			buf_addf(err, "line %zu: {{%.*s}} is not a name: letters,"
			    " digits and _, or brand. and those",
			    line_at(t->text, (size_t)(open - t->text)),
			    (int)(close - open - 2), open + 2);
			template_free(t);
			return NULL;
		}
		add_piece(t, 0, 0, name_index(t, s, (size_t)(e - s)));
		at = (size_t)(close - t->text) + 2;
	}
	return t;
}

void
template_free(struct template *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->pieces);
	free(t->text);
	free(t);
}

size_t
template_nvars(const struct template *t)
{
	return t->nnames;
}

const char *
template_var(const struct template *t, size_t i)
{
	return i < t->nnames ? t->names[i] : NULL;
}

int
template_render(const struct template *t, template_value_fn value, void *ctx,
    struct buf *out, struct buf *err)
{
	const struct piece *p;
	const char *v;
	size_t i;

	for (i = 0; i < t->npieces; i++) {
		p = &t->pieces[i];
		if (p->var < 0) {
			buf_add(out, t->text + p->off, p->len);
			continue;
		}
		if ((v = value(ctx, t->names[p->var])) == NULL) {
			buf_addf(err, "{{%s}} has no value", t->names[p->var]);
			return -1;
		}
		if (t->html)
			buf_add_html(out, v);
		else
			buf_adds(out, v);
	}
	return 0;
}
