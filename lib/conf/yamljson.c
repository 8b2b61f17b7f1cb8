/*
 * yamljson: a YAML document as JSON text.  See conf/yamljson.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "base/buf.h"
#include "conf/yamljson.h"

struct conv {
	yaml_document_t	*doc;
	struct buf	*out;
	size_t		 start;		/* out's length before */
	char		*err;
	size_t		 errsz;
};

static int
bad(struct conv *c, const yaml_node_t *n, const char *what)
{
	snprintf(c->err, c->errsz, "%zu: %s", n->start_mark.line + 1, what);
	return -1;
}

static int
digit(const char *s, size_t n, size_t i)
{
	return i < n && s[i] >= '0' && s[i] <= '9';
}

/* Whether s[0..n) is a number as RFC 8259 writes one. */
static int
json_number(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (digit(s, n, i))
		while (digit(s, n, i))
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		if (!digit(s, n, ++i))
			return 0;
		while (digit(s, n, i))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!digit(s, n, i))
			return 0;
		while (digit(s, n, i))
			i++;
	}
	return i == n;
}

static int
is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(s, word, n) == 0;
}

static void
scalar(struct conv *c, const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;
	size_t len = n->data.scalar.length;

	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		buf_add_json_string(c->out, s, len);
	else if (len == 0 || is(s, len, "~") || is(s, len, "null"))
		buf_adds(c->out, "null");
	else if (is(s, len, "true") || is(s, len, "false") ||
	    json_number(s, len))
		buf_add(c->out, s, len);
	else
		buf_add_json_string(c->out, s, len);
}

/* Whether the mapping's pair at has a key that a pair before it has. */
static int
key_again(struct conv *c, const yaml_node_t *map, const yaml_node_pair_t *at)
{
	const yaml_node_pair_t *p;
	const yaml_node_t *k = yaml_document_get_node(c->doc, at->key), *q;

	for (p = map->data.mapping.pairs.start; p < at; p++) {
		q = yaml_document_get_node(c->doc, p->key);
		if (q->data.scalar.length == k->data.scalar.length &&
		    memcmp(q->data.scalar.value, k->data.scalar.value,
		    k->data.scalar.length) == 0)
			return 1;
	}
	return 0;
}

static int
node(struct conv *c, const yaml_node_t *n, int depth)
{
	const yaml_node_pair_t *p;
	const yaml_node_item_t *it;
	const yaml_node_t *k;

	if (depth > YAMLJSON_DEPTH_MAX)
		return bad(c, n, "nested too deep (an alias within itself?)");
	if (c->out->len - c->start > YAMLJSON_OUT_MAX)
		return bad(c, n, "the JSON grows too large (aliases?)");
	switch (n->type) {
	case YAML_SCALAR_NODE:
		scalar(c, n);
		return 0;
	case YAML_SEQUENCE_NODE:
		buf_addc(c->out, '[');
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++) {
			if (it > n->data.sequence.items.start)
				buf_addc(c->out, ',');
			if (node(c, yaml_document_get_node(c->doc, *it),
			    depth + 1) != 0)
				return -1;
		}
		buf_addc(c->out, ']');
		return 0;
	case YAML_MAPPING_NODE:
		buf_addc(c->out, '{');
		for (p = n->data.mapping.pairs.start;
		    p < n->data.mapping.pairs.top; p++) {
			k = yaml_document_get_node(c->doc, p->key);
			if (k->type != YAML_SCALAR_NODE)
				return bad(c, k, "a key that is not a scalar");
			if (key_again(c, n, p)) {
				snprintf(c->err, c->errsz, "%zu: key '%.*s'"
				    " again", k->start_mark.line + 1,
				    (int)(k->data.scalar.length > 64 ? 64 :
				    k->data.scalar.length),
				    (const char *)k->data.scalar.value);
				return -1;
			}
			if (p > n->data.mapping.pairs.start)
				buf_addc(c->out, ',');
			buf_add_json_string(c->out,
			    (const char *)k->data.scalar.value,
			    k->data.scalar.length);
			buf_addc(c->out, ':');
			if (node(c, yaml_document_get_node(c->doc, p->value),
			    depth + 1) != 0)
				return -1;
		}
		buf_addc(c->out, '}');
		return 0;
	default:
		return bad(c, n, "an empty node");
	}
}

/* The parser's first document, as JSON. */
static int
convert(yaml_parser_t *parser, struct buf *out, char *err, size_t errsz)
{
	yaml_document_t doc;
	yaml_node_t *root;
	struct conv c = { .doc = &doc, .out = out, .start = out->len,
	    .err = err, .errsz = errsz };
	int rc;

	if (!yaml_parser_load(parser, &doc)) {
		snprintf(err, errsz, "%zu: %s", parser->problem_mark.line + 1,
		    parser->problem != NULL ? parser->problem :
		    "not valid YAML");
		return -1;
	}
	if ((root = yaml_document_get_root_node(&doc)) == NULL) {
		snprintf(err, errsz, "1: no document");
		rc = -1;
	} else
		rc = node(&c, root, 0);
	yaml_document_delete(&doc);
	return rc;
}

int
yamljson_text(const char *s, size_t n, struct buf *out, char *err,
    size_t errsz)
{
	yaml_parser_t parser;
	int rc;

	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)s, n);
	rc = convert(&parser, out, err, errsz);
	yaml_parser_delete(&parser);
	return rc;
}

int
yamljson_file(const char *path, struct buf *out, char *err, size_t errsz)
{
	yaml_parser_t parser;
	char why[256];
	FILE *f;
	int rc;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		snprintf(err, errsz, "%s: out of memory", path);
		return -1;
	}
	yaml_parser_set_input_file(&parser, f);
	if ((rc = convert(&parser, out, why, sizeof(why))) != 0)
		snprintf(err, errsz, "%s:%s", path, why);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}
