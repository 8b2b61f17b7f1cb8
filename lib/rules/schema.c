/*
 * schema: a small JSON Schema subset that also canonicalises contacts.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "rules/contact.h"
#include "rules/schema.h"
#include "json/jvparse.h"

#define CONTACT_MAX	320	/* RFC 5321's longest address, and then some */

/*
 * A schema compiled for checking: every keyword read once at load, every
 * member name kept as a jv to look up with, so checking an event allocates
 * nothing but what it changes.
 */
enum { T_NULL = 1, T_BOOLEAN = 2, T_NUMBER = 4, T_INTEGER = 8, T_STRING = 16,
    T_ARRAY = 32, T_OBJECT = 64 };
enum format { F_NONE, F_EMAIL, F_PHONE };

struct names {
	jv	*v;
	size_t	 n;
};

struct node {
	unsigned	 types;		/* T_ bits; 0 takes any */
	const char	*type_name;	/* for messages: the first type */
	struct names	 required;
	struct names	*any;		/* anyOf: each a required list */
	size_t		 nany;
	jv		*prop_names;
	struct node	*props;
	size_t		 nprops;
	jv		 allowed;	/* enum: an array, or invalid */
	int		 min_length;	/* -1: none */
	enum format	 format;
};

/* A field's place, built into text only for a message. */
struct path {
	const struct path	*up;
	const char		*name;
};

static const struct {
	const char	*name;
	unsigned	 bit;
} type_names[] = {
	{ "null", T_NULL }, { "boolean", T_BOOLEAN }, { "number", T_NUMBER },
	{ "integer", T_INTEGER }, { "string", T_STRING }, { "array", T_ARRAY },
	{ "object", T_OBJECT },
};

static int	compile(jv, struct node *, char *, size_t);
static void	node_release(struct node *);

struct schema {
	char		*type;
	struct node	*root;
};

struct schema_set {
	struct schema	*v;
	size_t		 n;
};

static int
by_type(const void *a, const void *b)
{
	return strcmp(((const struct schema *)a)->type,
	    ((const struct schema *)b)->type);
}

static int
read_file(const char *path, struct buf *out)
{
	FILE *f;
	int rc;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	rc = buf_read(out, f, 0);
	fclose(f);
	return rc;
}

/* 1 if set has type (while it is loaded: not sorted yet). */
static int
loaded(const struct schema_set *set, const char *type, size_t len)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (strlen(set->v[i].type) == len &&
		    strncmp(set->v[i].type, type, len) == 0)
			return 1;
	return 0;
}

/* Adds every .json file of dir whose type set has not yet. */
static int
load_dir(struct schema_set *set, const char *dir, char *err, size_t errsz)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	struct dirent *de;
	struct node *root;
	char msg[256];
	size_t len;
	DIR *d;
	jv def;
	int rc = -1;

	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 5 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 5, ".json") != 0 ||
		    loaded(set, de->d_name, len - 5))
			continue;
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, de->d_name);
		buf_reset(&text);
		if (read_file(path.data, &text) != 0) {
			snprintf(err, errsz, "%s: %s", path.data,
			    strerror(errno));
			goto out;
		}
		def = jvparse_text(text.data, text.len);
		if (!jv_is_valid(def)) {
			snprintf(err, errsz, "%s: not valid JSON", path.data);
			jv_free(def);
			goto out;
		}
		root = xcalloc(1, sizeof(*root));
		if (compile(def, root, msg, sizeof(msg)) != 0) {
			snprintf(err, errsz, "%s: %s", path.data, msg);
			node_release(root);
			free(root);
			goto out;
		}
		set->v = xrealloc(set->v, (set->n + 1) * sizeof(*set->v));
		set->v[set->n].type = xstrndup(de->d_name, len - 5);
		set->v[set->n].root = root;
		set->n++;
	}
	rc = 0;
out:
	closedir(d);
	buf_release(&path);
	buf_release(&text);
	return rc;
}

struct schema_set *
schema_load(const char *const dirs[], size_t n, char *err, size_t errsz)
{
	struct schema_set *set;
	size_t i;

	set = xcalloc(1, sizeof(*set));
	for (i = 0; i < n; i++)
		if (load_dir(set, dirs[i], err, errsz) != 0) {
			schema_free(set);
			return NULL;
		}
	qsort(set->v, set->n, sizeof(*set->v), by_type);
	return set;
}

void
schema_free(struct schema_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		free(set->v[i].type);
		node_release(set->v[i].root);
		free(set->v[i].root);
	}
	free(set->v);
	free(set);
}

size_t
schema_count(const struct schema_set *set)
{
	return set->n;
}

const char *
schema_type(const struct schema_set *set, size_t i)
{
	return set->v[i].type;
}

static const struct schema *
find(const struct schema_set *set, const char *type)
{
	struct schema key = { .type = (char *)type };

	return bsearch(&key, set->v, set->n, sizeof(*set->v), by_type);
}

int
schema_has(const struct schema_set *set, const char *type)
{
	return find(set, type) != NULL;
}

static int
compile_names(jv list, struct names *out, char *err, size_t errsz)
{
	int i, n;

	out->v = NULL;
	out->n = 0;
	if (!jv_is_valid(list)) {
		jv_free(list);
		return 0;
	}
	if (jv_get_kind(list) != JV_KIND_ARRAY) {
		snprintf(err, errsz, "\"required\" must be a list of names");
		jv_free(list);
		return -1;
	}
	n = jv_array_length(jv_copy(list));
	out->v = xcalloc((size_t)n + 1, sizeof(*out->v));
	for (i = 0; i < n; i++) {
		jv e = jv_array_get(jv_copy(list), i);

		if (jv_get_kind(e) != JV_KIND_STRING) {
			snprintf(err, errsz, "\"required\" must be a list of"
			    " names");
			jv_free(e);
			jv_free(list);
			return -1;
		}
		out->v[out->n++] = e;
	}
	jv_free(list);
	return 0;
}

static int
compile_type(jv t, struct node *nd, char *err, size_t errsz)
{
	size_t k;
	int i, n;

	if (!jv_is_valid(t)) {
		jv_free(t);
		return 0;
	}
	if (jv_get_kind(t) == JV_KIND_STRING)
		t = JV_ARRAY(t);
	n = jv_get_kind(t) == JV_KIND_ARRAY ? jv_array_length(jv_copy(t)) : 0;
	for (i = 0; i < n; i++) {
		jv e = jv_array_get(jv_copy(t), i);

		for (k = 0; k < sizeof(type_names) / sizeof(type_names[0]);
		    k++)
			if (jv_get_kind(e) == JV_KIND_STRING &&
			    strcmp(jv_string_value(e), type_names[k].name) == 0)
				break;
		jv_free(e);
		if (k == sizeof(type_names) / sizeof(type_names[0])) {
			snprintf(err, errsz, "\"type\" names an unknown type");
			jv_free(t);
			return -1;
		}
		nd->types |= type_names[k].bit;
		if (nd->type_name == NULL)
			nd->type_name = type_names[k].name;
	}
	jv_free(t);
	if (n == 0) {
		snprintf(err, errsz, "\"type\" must be a type name or a list");
		return -1;
	}
	return 0;
}

/* Compiles def (consumed) into nd. */
static int
compile(jv def, struct node *nd, char *err, size_t errsz)
{
	jv v;
	int i, n;

	memset(nd, 0, sizeof(*nd));
	nd->allowed = jv_invalid();
	nd->min_length = -1;
	if (jv_get_kind(def) != JV_KIND_OBJECT) {
		snprintf(err, errsz, "a schema must be an object");
		goto bad;
	}
	if (compile_type(jv_object_get(jv_copy(def), jv_string("type")), nd,
	    err, errsz) != 0 || compile_names(jv_object_get(jv_copy(def),
	    jv_string("required")), &nd->required, err, errsz) != 0)
		goto bad;
	v = jv_object_get(jv_copy(def), jv_string("anyOf"));
	if (jv_get_kind(v) == JV_KIND_ARRAY) {
		n = jv_array_length(jv_copy(v));
		nd->any = xcalloc((size_t)n + 1, sizeof(*nd->any));
		for (i = 0; i < n; i++) {
			jv item = jv_array_get(jv_copy(v), i);

			/* Counted first: a branch that fails half-way is
			 * freed with the rest. */
			nd->nany++;
			if (jv_get_kind(item) != JV_KIND_OBJECT) {
				snprintf(err, errsz, "\"anyOf\" must be a list"
				    " of schemas");
				jv_free(item);
				jv_free(v);
				goto bad;
			}
			if (compile_names(jv_object_get(item,
			    jv_string("required")), &nd->any[i], err,
			    errsz) != 0) {
				jv_free(v);
				goto bad;
			}
		}
	}
	jv_free(v);
	v = jv_object_get(jv_copy(def), jv_string("properties"));
	if (jv_get_kind(v) == JV_KIND_OBJECT) {
		n = jv_object_length(jv_copy(v));
		nd->prop_names = xcalloc((size_t)n + 1, sizeof(jv));
		nd->props = xcalloc((size_t)n + 1, sizeof(*nd->props));
		jv_object_foreach(v, key, pdef) {
			nd->prop_names[nd->nprops] = key;
			if (compile(pdef, &nd->props[nd->nprops++], err,
			    errsz) != 0) {
				jv_free(v);
				goto bad;
			}
		}
	}
	jv_free(v);
	v = jv_object_get(jv_copy(def), jv_string("enum"));
	if (jv_get_kind(v) == JV_KIND_ARRAY)
		nd->allowed = v;
	else
		jv_free(v);
	v = jv_object_get(jv_copy(def), jv_string("minLength"));
	if (jv_get_kind(v) == JV_KIND_NUMBER) {
		double d = jv_number_value(v);

		if (!(d >= 0 && d <= INT_MAX) || d != floor(d)) {
			snprintf(err, errsz, "\"minLength\" must be a whole"
			    " number from 0 to %d", INT_MAX);
			jv_free(v);
			goto bad;
		}
		nd->min_length = (int)d;
	}
	jv_free(v);
	v = jv_object_get(jv_copy(def), jv_string("format"));
	if (jv_get_kind(v) == JV_KIND_STRING)
		nd->format = strcmp(jv_string_value(v), "email") == 0 ?
		    F_EMAIL : strcmp(jv_string_value(v), "phone") == 0 ?
		    F_PHONE : F_NONE;
	jv_free(v);
	jv_free(def);
	return 0;
bad:
	jv_free(def);
	return -1;
}

static void
names_release(struct names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		jv_free(l->v[i]);
	free(l->v);
}

static void
node_release(struct node *nd)
{
	size_t i;

	names_release(&nd->required);
	for (i = 0; i < nd->nany; i++)
		names_release(&nd->any[i]);
	free(nd->any);
	for (i = 0; i < nd->nprops; i++) {
		jv_free(nd->prop_names[i]);
		node_release(&nd->props[i]);
	}
	free(nd->prop_names);
	free(nd->props);
	jv_free(nd->allowed);
}

static const char *
kind_name(jv v)
{
	switch (jv_get_kind(v)) {
	case JV_KIND_NULL:
		return "null";
	case JV_KIND_TRUE:
	case JV_KIND_FALSE:
		return "boolean";
	case JV_KIND_NUMBER:
		return "number";
	case JV_KIND_STRING:
		return "string";
	case JV_KIND_ARRAY:
		return "array";
	case JV_KIND_OBJECT:
		return "object";
	default:
		return "invalid";
	}
}

static int
type_ok(const struct node *nd, jv v)
{
	double d;

	switch (jv_get_kind(v)) {
	case JV_KIND_NULL:
		return (nd->types & T_NULL) != 0;
	case JV_KIND_TRUE:
	case JV_KIND_FALSE:
		return (nd->types & T_BOOLEAN) != 0;
	case JV_KIND_NUMBER:
		if (nd->types & T_NUMBER)
			return 1;
		d = jv_number_value(v);
		/* floor, not a cast: 5e19 is past long long's range. */
		return (nd->types & T_INTEGER) != 0 && isfinite(d) &&
		    d == floor(d);
	case JV_KIND_STRING:
		return (nd->types & T_STRING) != 0;
	case JV_KIND_ARRAY:
		return (nd->types & T_ARRAY) != 0;
	case JV_KIND_OBJECT:
		return (nd->types & T_OBJECT) != 0;
	default:
		return 0;
	}
}

/* "a.b.c" for a path, with name (if not NULL) after it. */
static void
path_text(struct buf *b, const struct path *p, const char *name)
{
	if (p != NULL && p->up != NULL)
		path_text(b, p->up, NULL);
	if (p != NULL && p->name != NULL) {
		if (b->len > 0)
			buf_addc(b, '.');
		buf_adds(b, p->name);
	}
	if (name != NULL) {
		if (b->len > 0)
			buf_addc(b, '.');
		buf_adds(b, name);
	}
}

static int
fail(char *err, size_t errsz, const struct path *p, const char *name,
    const char *what)
{
	struct buf b = BUF_INIT;

	path_text(&b, p, name);
	if (b.len > 0)
		snprintf(err, errsz, "field '%s' %s", b.data, what);
	else
		snprintf(err, errsz, "data %s", what);
	buf_release(&b);
	return -1;
}

/* The first of names that obj lacks (or holds as null), or NULL. */
static const char *
missing(const struct names *names, jv obj)
{
	size_t i;

	for (i = 0; i < names->n; i++) {
		jv v = jv_object_get(jv_copy(obj), jv_copy(names->v[i]));
		int absent = jv_get_kind(v) == JV_KIND_NULL || !jv_is_valid(v);

		jv_free(v);
		if (absent)
			return jv_string_value(names->v[i]);
	}
	return NULL;
}

static int apply(const struct node *, jv, const struct path *, const char *,
    jv *, char *, size_t);

/* "required", "anyOf" and "properties" of an object (consumed). */
static int
apply_object(const struct node *nd, jv obj, const struct path *p,
    const char *cc, jv *out, char *err, size_t errsz)
{
	struct buf names = BUF_INIT;
	const char *m;
	size_t i;
	int rc = 0;

	if ((m = missing(&nd->required, obj)) != NULL) {
		jv_free(obj);
		return fail(err, errsz, p, m, "is missing");
	}
	for (i = 0; i < nd->nany; i++) {
		if ((m = missing(&nd->any[i], obj)) == NULL)
			break;
		buf_addf(&names, "%s'%s'", names.len > 0 ? " or " : "needs ",
		    m);
	}
	if (nd->nany > 0 && i == nd->nany) {
		rc = fail(err, errsz, p, NULL, names.data);
		buf_release(&names);
		jv_free(obj);
		return rc;
	}
	buf_release(&names);
	for (i = 0; i < nd->nprops && rc == 0; i++) {
		jv v = jv_object_get(jv_copy(obj), jv_copy(nd->prop_names[i]));
		struct path here = { p, jv_string_value(nd->prop_names[i]) };
		jv orig, nv;

		if (!jv_is_valid(v) || jv_get_kind(v) == JV_KIND_NULL) {
			jv_free(v);
			continue;
		}
		orig = jv_copy(v);
		if ((rc = apply(&nd->props[i], v, &here, cc, &nv, err,
		    errsz)) != 0)
			jv_free(orig);
		/*
		 * Set only what changed: an untouched object stays the same
		 * jv, which tells the caller nothing needs writing anew.
		 */
		else if (jv_identical(orig, jv_copy(nv)))
			jv_free(nv);
		else
			obj = jv_object_set(obj, jv_copy(nd->prop_names[i]),
			    nv);
	}
	if (rc != 0) {
		jv_free(obj);
		return -1;
	}
	*out = obj;
	return 0;
}

/* "format": email or phone, rewritten to their canonical form. */
static int
apply_format(enum format format, jv v, const struct path *p,
    const char *cc, jv *out, char *err, size_t errsz)
{
	char text[CONTACT_MAX + 1];
	const char *s = jv_string_value(v);
	size_t n = (size_t)jv_string_length_bytes(jv_copy(v));
	int rc;

	rc = format == F_EMAIL ? contact_email(s, n, text, sizeof(text)) :
	    contact_phone_e164(s, n, cc, text, sizeof(text));
	if (rc != 0) {
		jv_free(v);
		return fail(err, errsz, p, NULL, format == F_EMAIL ?
		    "is not an e-mail address" : "is not a phone number");
	}
	if (strcmp(text, s) == 0)
		*out = v;
	else {
		jv_free(v);
		*out = jv_string(text);
	}
	return 0;
}

/* Checks v (consumed) against nd. */
static int
apply(const struct node *nd, jv v, const struct path *p, const char *cc,
    jv *out, char *err, size_t errsz)
{
	char what[96];
	int i, n, found;

	if (nd->types != 0 && !type_ok(nd, v)) {
		snprintf(what, sizeof(what), "must be %s %s, not %s",
		    strchr("aeiou", nd->type_name[0]) != NULL ? "an" : "a",
		    nd->type_name, kind_name(v));
		jv_free(v);
		return fail(err, errsz, p, NULL, what);
	}
	if (jv_is_valid(nd->allowed)) {
		n = jv_array_length(jv_copy(nd->allowed));
		for (i = 0, found = 0; i < n && !found; i++)
			found = jv_equal(jv_array_get(jv_copy(nd->allowed), i),
			    jv_copy(v));
		if (!found) {
			jv_free(v);
			return fail(err, errsz, p, NULL,
			    "has a value that is not allowed");
		}
	}
	if (nd->min_length >= 0 && jv_get_kind(v) == JV_KIND_STRING &&
	    jv_string_length_codepoints(jv_copy(v)) < nd->min_length) {
		jv_free(v);
		return fail(err, errsz, p, NULL, "is too short");
	}
	if (jv_get_kind(v) == JV_KIND_OBJECT)
		return apply_object(nd, v, p, cc, out, err, errsz);
	if (jv_get_kind(v) == JV_KIND_STRING && nd->format != F_NONE)
		return apply_format(nd->format, v, p, cc, out, err, errsz);
	*out = v;
	return 0;
}

int
schema_apply(const struct schema_set *set, const char *type, jv data,
    const char *calling_code, jv *out, char *err, size_t errsz)
{
	const struct schema *s;

	if ((s = find(set, type)) == NULL) {
		snprintf(err, errsz, "event type '%s' is not in the catalogue",
		    type);
		jv_free(data);
		return -1;
	}
	if (jv_get_kind(data) != JV_KIND_OBJECT) {
		snprintf(err, errsz, "data must be an object, not %s",
		    kind_name(data));
		jv_free(data);
		return -1;
	}
	return apply(s->root, data, NULL, calling_code, out, err, errsz);
}
