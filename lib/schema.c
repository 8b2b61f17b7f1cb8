/*
 * schema: a small JSON Schema subset that also canonicalises contacts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "contact.h"
#include "schema.h"

#define CONTACT_MAX	320	/* RFC 5321's longest address, and then some */

struct schema {
	char	*type;
	jv	 def;
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
	char chunk[8192];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	n = ferror(f);
	fclose(f);
	return n ? -1 : 0;
}

struct schema_set *
schema_load(const char *dir, char *err, size_t errsz)
{
	struct schema_set *set;
	struct buf path = BUF_INIT, text = BUF_INIT;
	struct dirent *de;
	size_t len;
	DIR *d;
	jv def;

	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	set = xcalloc(1, sizeof(*set));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 5 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, de->d_name);
		buf_reset(&text);
		if (read_file(path.data, &text) != 0) {
			snprintf(err, errsz, "%s: %s", path.data,
			    strerror(errno));
			goto bad;
		}
		def = jv_parse_sized(text.data, (int)text.len);
		if (!jv_is_valid(def) || jv_get_kind(def) != JV_KIND_OBJECT) {
			snprintf(err, errsz, "%s: not a JSON object", path.data);
			jv_free(def);
			goto bad;
		}
		set->v = xrealloc(set->v, (set->n + 1) * sizeof(*set->v));
		set->v[set->n].type = xstrndup(de->d_name, len - 5);
		set->v[set->n].def = def;
		set->n++;
	}
	closedir(d);
	buf_free(&path);
	buf_free(&text);
	qsort(set->v, set->n, sizeof(*set->v), by_type);
	return set;
bad:
	closedir(d);
	buf_free(&path);
	buf_free(&text);
	schema_free(set);
	return NULL;
}

void
schema_free(struct schema_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		free(set->v[i].type);
		jv_free(set->v[i].def);
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

/* The member name of def as a C string, or NULL; borrowed from def. */
static const char *
def_string(jv def, const char *name)
{
	jv v = jv_object_get(jv_copy(def), jv_string(name));
	const char *s = NULL;

	if (jv_get_kind(v) == JV_KIND_STRING)
		s = jv_string_value(v);
	jv_free(v);
	return s;
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
type_matches(const char *want, jv v)
{
	const char *have = kind_name(v);
	double d;

	if (strcmp(want, have) == 0)
		return 1;
	if (strcmp(want, "integer") == 0 && jv_get_kind(v) == JV_KIND_NUMBER) {
		d = jv_number_value(v);
		return d == (double)(long long)d;
	}
	return 0;
}

/* Checks the "type" keyword: a name or a list of names. */
static int
check_type(jv def, jv v)
{
	jv t = jv_object_get(jv_copy(def), jv_string("type"));
	int ok = 1, i, n;

	if (jv_get_kind(t) == JV_KIND_STRING)
		ok = type_matches(jv_string_value(t), v);
	else if (jv_get_kind(t) == JV_KIND_ARRAY) {
		ok = 0;
		n = jv_array_length(jv_copy(t));
		for (i = 0; i < n && !ok; i++) {
			jv e = jv_array_get(jv_copy(t), i);

			ok = jv_get_kind(e) == JV_KIND_STRING &&
			    type_matches(jv_string_value(e), v);
			jv_free(e);
		}
	}
	jv_free(t);
	return ok;
}

/* The first name in the "required" list req that obj lacks, or NULL. */
static const char *
missing(jv req, jv obj, jv *name)
{
	int i, n;

	if (jv_get_kind(req) != JV_KIND_ARRAY)
		return NULL;
	n = jv_array_length(jv_copy(req));
	for (i = 0; i < n; i++) {
		jv k = jv_array_get(jv_copy(req), i);

		if (jv_get_kind(k) == JV_KIND_STRING) {
			jv v = jv_object_get(jv_copy(obj), jv_copy(k));
			int absent = !jv_is_valid(v) ||
			    jv_get_kind(v) == JV_KIND_NULL;

			jv_free(v);
			if (absent) {
				*name = k;
				return jv_string_value(k);
			}
		}
		jv_free(k);
	}
	return NULL;
}

static int apply(jv def, jv v, const char *field, const char *cc, jv *out,
    char *err, size_t errsz);

/* "required", "anyOf" and "properties" of an object. */
static int
apply_object(jv def, jv obj, const char *field, const char *cc, jv *out,
    char *err, size_t errsz)
{
	jv req, any, props, name = jv_invalid();
	const char *m;
	int i, n, ok;

	req = jv_object_get(jv_copy(def), jv_string("required"));
	m = missing(req, obj, &name);
	jv_free(req);
	if (m != NULL) {
		snprintf(err, errsz, "field '%s%s%s' is missing", field,
		    *field != '\0' ? "." : "", m);
		jv_free(name);
		jv_free(obj);
		return -1;
	}

	any = jv_object_get(jv_copy(def), jv_string("anyOf"));
	if (jv_get_kind(any) == JV_KIND_ARRAY) {
		struct buf names = BUF_INIT;

		n = jv_array_length(jv_copy(any));
		for (i = 0, ok = 0; i < n && !ok; i++) {
			jv alt = jv_array_get(jv_copy(any), i);

			req = jv_object_get(alt, jv_string("required"));
			m = missing(req, obj, &name);
			if (m == NULL)
				ok = 1;
			else {
				buf_adds(&names, names.len ? " or '" : "'");
				buf_adds(&names, m);
				buf_addc(&names, '\'');
				jv_free(name);
			}
			jv_free(req);
		}
		if (!ok) {
			snprintf(err, errsz, "%s%s%s needs %s", *field ?
			    "field '" : "data", field, *field ? "'" : "",
			    names.data);
			buf_free(&names);
			jv_free(any);
			jv_free(obj);
			return -1;
		}
		buf_free(&names);
	}
	jv_free(any);

	props = jv_object_get(jv_copy(def), jv_string("properties"));
	if (jv_get_kind(props) == JV_KIND_OBJECT) {
		jv_object_foreach(props, key, pdef) {
			jv v = jv_object_get(jv_copy(obj), jv_copy(key));
			struct buf path = BUF_INIT;
			jv nv;
			int rc = 0;

			if (jv_is_valid(v) && jv_get_kind(v) != JV_KIND_NULL) {
				buf_addf(&path, "%s%s%s", field,
				    *field != '\0' ? "." : "",
				    jv_string_value(key));
				jv orig = jv_copy(v);

				rc = apply(pdef, v, path.data, cc, &nv, err,
				    errsz);
				/*
				 * Set only what changed: an untouched object
				 * stays the same jv, which tells the caller
				 * that nothing needs serialising again.
				 */
				if (rc != 0)
					jv_free(orig);
				else if (jv_identical(orig, jv_copy(nv)))
					jv_free(nv);
				else
					obj = jv_object_set(obj, jv_copy(key),
					    nv);
			} else {
				jv_free(v);
				jv_free(pdef);
			}
			buf_free(&path);
			jv_free(key);
			if (rc != 0) {
				jv_free(props);
				jv_free(obj);
				return -1;
			}
		}
	}
	jv_free(props);
	*out = obj;
	return 0;
}

/* "format": email or phone, rewritten to their canonical form. */
static int
apply_format(const char *format, jv v, const char *field, const char *cc,
    jv *out, char *err, size_t errsz)
{
	char buf[CONTACT_MAX + 1];
	const char *s = jv_string_value(v);
	size_t n = (size_t)jv_string_length_bytes(jv_copy(v));
	int rc;

	if (strcmp(format, "email") == 0)
		rc = contact_email(s, n, buf, sizeof(buf));
	else if (strcmp(format, "phone") == 0)
		rc = contact_phone_e164(s, n, cc, buf, sizeof(buf));
	else {
		*out = v;
		return 0;
	}
	if (rc != 0) {
		snprintf(err, errsz, "field '%s' is not %s", field,
		    format[0] == 'e' ? "an e-mail address" : "a phone number");
		jv_free(v);
		return -1;
	}
	if (strcmp(buf, s) == 0)
		*out = v;
	else {
		jv_free(v);
		*out = jv_string(buf);
	}
	return 0;
}

/* Checks v (consumed) against def (consumed). */
static int
apply(jv def, jv v, const char *field, const char *cc, jv *out, char *err,
    size_t errsz)
{
	const char *format, *want;
	jv en, ml;
	int rc = 0;

	if (!check_type(def, v)) {
		jv t = jv_object_get(jv_copy(def), jv_string("type"));

		want = jv_get_kind(t) == JV_KIND_STRING ? jv_string_value(t) :
		    "another type";
		snprintf(err, errsz, "field '%s' must be %s%s, not %s", field,
		    strchr("aeiou", want[0]) != NULL ? "an " : "a ", want,
		    kind_name(v));
		jv_free(t);
		jv_free(def);
		jv_free(v);
		return -1;
	}
	en = jv_object_get(jv_copy(def), jv_string("enum"));
	if (jv_get_kind(en) == JV_KIND_ARRAY) {
		int i, n = jv_array_length(jv_copy(en)), found = 0;

		for (i = 0; i < n && !found; i++)
			found = jv_equal(jv_array_get(jv_copy(en), i),
			    jv_copy(v));
		if (!found) {
			snprintf(err, errsz, "field '%s' has a value that is"
			    " not allowed", field);
			rc = -1;
		}
	}
	jv_free(en);
	ml = jv_object_get(jv_copy(def), jv_string("minLength"));
	if (rc == 0 && jv_get_kind(ml) == JV_KIND_NUMBER &&
	    jv_get_kind(v) == JV_KIND_STRING &&
	    jv_string_length_codepoints(jv_copy(v)) <
	    (int)jv_number_value(ml)) {
		snprintf(err, errsz, "field '%s' is too short", field);
		rc = -1;
	}
	jv_free(ml);
	if (rc != 0) {
		jv_free(def);
		jv_free(v);
		return -1;
	}
	if (jv_get_kind(v) == JV_KIND_OBJECT)
		rc = apply_object(def, v, field, cc, out, err, errsz);
	else if (jv_get_kind(v) == JV_KIND_STRING &&
	    (format = def_string(def, "format")) != NULL)
		rc = apply_format(format, v, field, cc, out, err, errsz);
	else
		*out = v;
	jv_free(def);
	return rc;
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
	return apply(jv_copy(s->def), data, "", calling_code, out, err, errsz);
}
