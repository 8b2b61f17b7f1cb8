/*
 * loader: the getters every section of integra.yaml is read with.  See
 * loader.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "conf/loader.h"
#include "rules/template.h"

/* Says what is wrong with node n, once, and returns -1. */
int
loader_bad(struct loader *ld, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int len;

	len = snprintf(ld->err, ld->errsz, "%s:%zu: ", ld->file,
	    n != NULL ? n->start_mark.line + 1 : 1);
	if (len < 0 || (size_t)len >= ld->errsz)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ld->err + len, ld->errsz - (size_t)len, fmt, ap);
	va_end(ap);
	return -1;
}

yaml_node_t *
loader_node(struct loader *ld, int i)
{
	return yaml_document_get_node(&ld->doc, i);
}

int
loader_line(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

const char *
loader_scalar(struct loader *ld, const yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE) {
		loader_bad(ld, n, "%s must be a single value", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

int
loader_string(struct loader *ld, const yaml_node_t *n, const char *what,
    char **out)
{
	const char *s;

	if ((s = loader_scalar(ld, n, what)) == NULL)
		return -1;
	free(*out);
	*out = xstrdup(s);
	return 0;
}

/* A path, one that is relative taken from the config file's directory. */
int
loader_path(struct loader *ld, const yaml_node_t *n, const char *what,
    char **out)
{
	struct buf path = BUF_INIT;
	const char *s, *slash;

	if ((s = loader_scalar(ld, n, what)) == NULL)
		return -1;
	if (*s == '\0')
		return loader_bad(ld, n, "%s is an empty path", what);
	if (*s != '/' && (slash = strrchr(ld->file, '/')) != NULL)
		buf_add(&path, ld->file, (size_t)(slash - ld->file + 1));
	buf_adds(&path, s);
	free(*out);
	*out = buf_detach(&path);
	return 0;
}

int
loader_long(struct loader *ld, const yaml_node_t *n, const char *what,
    long min, long max, long *out)
{
	const char *s;
	char *end;
	long v;

	if ((s = loader_scalar(ld, n, what)) == NULL)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		return loader_bad(ld, n,
		    "%s must be a whole number from %ld to %ld,"
		    " not '%s'", what, min, max, s);
	*out = v;
	return 0;
}

/*
 * A duration: a number of milliseconds, or a number with ms, s, m, h or
 * d.
 */
int
loader_duration(struct loader *ld, const yaml_node_t *n, const char *what,
    int64_t *out)
{
	const char *s;

	if ((s = loader_scalar(ld, n, what)) == NULL)
		return -1;
	if (clock_duration(s, out) == 0)
		return 0;
	return loader_bad(ld, n,
	    "%s must be a duration like 500ms, 10s, 5m or 1h,"
	    " not '%s'", what, s);
}

int
loader_bool(struct loader *ld, const yaml_node_t *n, const char *what, int *out)
{
	const char *s;

	if ((s = loader_scalar(ld, n, what)) == NULL)
		return -1;
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
		*out = s[0] == 't';
		return 0;
	}
	return loader_bad(ld, n, "%s must be true or false, not '%s'", what, s);
}

/* Names: of targets, routes, tenants, event types.  No blanks, no quotes. */
int
loader_valid_name(const char *s)
{
	if (*s == '\0' || strlen(s) > 128)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._:-/", *s) == NULL)
			return 0;
	return 1;
}

/* A list of names (tenants, a step's signed vars, a link's members). */
int
loader_list(struct loader *ld, const yaml_node_t *n, const char *what,
    int (*valid)(const char *), const char *kind, char ***out, size_t *nout)
{
	yaml_node_item_t *it;
	const char *s;

	if (n->type != YAML_SEQUENCE_NODE)
		return loader_bad(ld, n, "%s must be a list of %ss", what,
		    kind);
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		if ((s = loader_scalar(ld, loader_node(ld, *it), what)) == NULL)
			return -1;
		if (!valid(s))
			return loader_bad(ld, loader_node(ld, *it),
			    "%s: '%s' is not a"
			    " valid %s", what, s, kind);
		*out = xrealloc(*out, (*nout + 1) * sizeof(**out));
		(*out)[(*nout)++] = xstrdup(s);
	}
	return 0;
}

int
loader_names(struct loader *ld, const yaml_node_t *n, const char *what,
    char ***out, size_t *nout)
{
	return loader_list(ld, n, what, loader_valid_name, "name", out, nout);
}

void
loader_free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * A mapping of names to strings: the branding's settings, or a step's
 * vars (each a jq program).
 */
int
loader_named(struct loader *ld, const yaml_node_t *n, const char *what,
    struct cfg_header **out, size_t *nout)
{
	const yaml_node_pair_t *p;
	const char *k, *v;
	size_t i;

	if (n->type != YAML_MAPPING_NODE)
		return loader_bad(ld, n, "%s must be a mapping of name: value",
		    what);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		if ((k = loader_scalar(ld, loader_node(ld, p->key), "a name"))
		    == NULL ||
		    (v = loader_scalar(ld, loader_node(ld, p->value),
		    "a value")) == NULL)
			return -1;
		if (!template_name_valid(k, strlen(k)))
			return loader_bad(ld, loader_node(ld, p->key),
			    "'%s' in %s is not a"
			    " name: a letter or _, then letters, digits and _",
			    k, what);
		for (i = 0; i < *nout; i++)
			if (strcmp((*out)[i].name, k) == 0)
				return loader_bad(ld, loader_node(ld, p->key),
				    "'%s' is given"
				    " twice in %s", k, what);
		*out = xrealloc(*out, (*nout + 1) * sizeof(**out));
		(*out)[*nout].name = xstrdup(k);
		(*out)[*nout].value = xstrdup(v);
		(*nout)++;
	}
	return 0;
}

int
loader_each(struct loader *ld, const yaml_node_t *n, const char *what,
    loader_pair_fn fn, void *ctx)
{
	const yaml_node_pair_t *p, *q;
	const yaml_node_t *first;
	const char *k;

	if (n->type != YAML_MAPPING_NODE)
		return loader_bad(ld, n, "%s must be a mapping", what);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		if ((k = loader_scalar(ld, loader_node(ld, p->key), "a key")) ==
		    NULL)
			return -1;
		/* YAML leaves a key given twice to the reader: refused. */
		for (q = n->data.mapping.pairs.start; q < p; q++)
			if ((first = loader_node(ld, q->key))->type ==
			    YAML_SCALAR_NODE && strcmp((const char *)
			    first->data.scalar.value, k) == 0)
				return loader_bad(ld, loader_node(ld, p->key),
				    "'%s' is given"
				    " twice in %s (first on line %lu)", k, what,
				    (unsigned long)first->start_mark.line + 1);
		if (fn(ld, ctx, k, loader_node(ld, p->value)) != 0)
			return -1;
	}
	return 0;
}

int
loader_unknown(struct loader *ld, const yaml_node_t *v, const char *key,
    const char *what)
{
	return loader_bad(ld, v, "unknown key '%s' in %s", key, what);
}

/* One of words, as its index in *out. */
int
loader_word(struct loader *ld, const yaml_node_t *n, const char *what,
    const char *const words[], int *out)
{
	const char *s;
	int i;

	if ((s = loader_scalar(ld, n, what)) == NULL)
		return -1;
	for (i = 0; words[i] != NULL; i++)
		if (strcmp(s, words[i]) == 0) {
			*out = i;
			return 0;
		}
	{
		struct buf list = BUF_INIT;
		int rc;

		for (i = 0; words[i] != NULL; i++)
			buf_addf(&list, "%s%s", i == 0 ? "" : words[i + 1] ==
			    NULL ? " or " : ", ", words[i]);
		rc = loader_bad(ld, n, "%s must be %s, not '%s'", what,
		    list.data, s);
		buf_release(&list);
		return rc;
	}
}

/* One e-mail address, alone: mail.h checks it again when it sends. */
int
loader_valid_address(const char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at > s && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL && strlen(s) < 256 &&
	    strpbrk(s, " \t\r\n,;<>\"()[]\\") == NULL;
}
