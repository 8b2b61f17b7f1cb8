/*
 * event: CloudEvents envelopes.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "json/event.h"
#include "json/jsonscan.h"
#include "json/jvparse.h"

#define NAME_MAX_LEN	128

int
event_name_valid(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (!isalnum((unsigned char)*s) && strchr("._:-/", *s) == NULL)
			return 0;
	return n > 0 && n <= NAME_MAX_LEN;
}

/*
 * CloudEvents 1.0: attribute names are lower-case letters and digits, at
 * most 20 characters; data_base64 is the one exception, and integra does
 * not take binary data.
 */
static int
attribute_name_valid(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s))
			return 0;
	return n > 0 && n <= 20;
}

/*
 * The attribute names as jv strings, made once: every event looks up each
 * of them, and a jv_copy costs a reference count where jv_string costs an
 * allocation.  (libjq is used from one thread only.)
 */
static jv
key(size_t i, const char *name)
{
	static jv keys[16];
	static int made[16];

	if (!made[i]) {
		keys[i] = jv_string(name);
		made[i] = 1;
	}
	return jv_copy(keys[i]);
}

/*
 * The string attribute names[i] of ev->root, or NULL if absent.  Returns
 * -1 if present but not a non-empty string.  The pointer stays valid while
 * the root holds the string.
 */
static int
attr(struct event *ev, size_t i, const char *name, const char **out)
{
	jv v = jv_object_get(jv_copy(ev->root), key(i, name));

	*out = NULL;
	if (!jv_is_valid(v)) {
		jv_free(v);
		return 0;
	}
	if (jv_get_kind(v) != JV_KIND_STRING ||
	    jv_string_length_bytes(jv_copy(v)) == 0) {
		jv_free(v);
		return -1;
	}
	*out = jv_string_value(v);
	jv_free(v);
	return 0;
}

/* The attributes integra reads, in the order of the slots in fill(). */
static const char *const attr_names[] = {
	"id", "source", "type", "specversion", "time", "subject", "tenant",
	"idempotencykey", "datacontenttype", "group",
};
#define NATTRS	(sizeof(attr_names) / sizeof(attr_names[0]))

/* A member name of an envelope: an attribute's, or data. */
static int
check_name(const char *name, char *err, size_t errsz)
{
	if (attribute_name_valid(name) || strcmp(name, "data") == 0)
		return 0;
	snprintf(err, errsz, "attribute '%.40s' is not a CloudEvents"
	    " attribute name%s", name, strcmp(name, "data_base64") == 0 ?
	    " integra takes (binary data is not supported)" :
	    " (lower-case letters and digits)");
	return -1;
}

/* Reads and checks the attributes of ev->root, whose names are checked. */
static int
fill(struct event *ev, char *err, size_t errsz)
{
	const char *specversion, *datacontenttype;
	const char **slot[NATTRS] = {
		&ev->id, &ev->source, &ev->type, &specversion,
		&ev->time, &ev->subject, &ev->tenant, &ev->idempotencykey,
		&datacontenttype, &ev->group,
	};
	size_t i;

	for (i = 0; i < NATTRS; i++)
		if (attr(ev, i, attr_names[i], slot[i]) != 0) {
			snprintf(err, errsz, "attribute '%s' must be a"
			    " non-empty string", attr_names[i]);
			return -1;
		}
	/* The first four are required. */
	for (i = 0; i < 4; i++)
		if (*slot[i] == NULL) {
			snprintf(err, errsz, "attribute '%s' is missing",
			    attr_names[i]);
			return -1;
		}
	if (strcmp(specversion, "1.0") != 0) {
		snprintf(err, errsz, "specversion '%.20s' is not 1.0",
		    specversion);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		const char *v = i == 0 ? ev->type : ev->tenant;

		if (v != NULL && !event_name_valid(v)) {
			snprintf(err, errsz, "attribute '%s' must be 1 to %d"
			    " letters, digits and ._:-/", i == 0 ? "type" :
			    "tenant", NAME_MAX_LEN);
			return -1;
		}
	}
	if (strlen(ev->id) > 256 || strlen(ev->source) > 1024) {
		snprintf(err, errsz, "attribute '%s' is too long",
		    strlen(ev->id) > 256 ? "id" : "source");
		return -1;
	}
	return 0;
}

int
event_parse(struct event *ev, jv v, char *err, size_t errsz)
{
	int bad = 0;

	memset(ev, 0, sizeof(*ev));
	ev->root = v;
	if (jv_get_kind(v) != JV_KIND_OBJECT) {
		snprintf(err, errsz, "not a JSON object");
		goto bad;
	}
	/* jv_object_foreach borrows v: it neither copies nor frees it. */
	jv_object_foreach(v, key, val) {
		if (!bad && check_name(jv_string_value(key), err, errsz) != 0)
			bad = 1;
		jv_free(key);
		jv_free(val);
	}
	if (!bad && fill(ev, err, errsz) == 0)
		return 0;
bad:
	event_release(ev);
	return -1;
}

/* The JSON text s[0..n) as a jv: a plain string directly, else parsed. */
static jv
value_of(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '"' && memchr(s, '\\', n) == NULL)
		return jv_string_sized(s + 1, (int)n - 2);
	return jvparse(s, n);
}

int
event_scan(struct event *ev, const char *s, size_t n, size_t *data_start,
    size_t *data_end, char *err, size_t errsz)
{
	struct json_span m;
	const char *name;
	size_t pos = 0, k;
	jv key;
	int rc;

	memset(ev, 0, sizeof(*ev));
	ev->root = jv_object();
	*data_start = *data_end = 0;
	while ((rc = json_next_member(s, n, &pos, &m)) == 1) {
		key = value_of(s + m.name_start, m.name_end - m.name_start);
		name = jv_string_value(key);
		if (check_name(name, err, errsz) != 0) {
			jv_free(key);
			goto bad;
		}
		if (strcmp(name, "data") == 0) {
			*data_start = m.value_start;
			*data_end = m.value_end;
		}
		for (k = 0; k < NATTRS; k++)
			if (strcmp(name, attr_names[k]) == 0)
				break;
		if (k < NATTRS)
			ev->root = jv_object_set(ev->root, jv_copy(key),
			    value_of(s + m.value_start,
			    m.value_end - m.value_start));
		jv_free(key);
	}
	if (rc < 0)
		snprintf(err, errsz, "not a JSON object");
	else if (fill(ev, err, errsz) == 0)
		return 0;
bad:
	event_release(ev);
	return -1;
}

void
event_release(struct event *ev)
{
	jv_free(ev->root);
	ev->root = jv_invalid();
}

static void
member(struct buf *out, const char *name, const char *value)
{
	buf_addc(out, ',');
	buf_add_json_string(out, name, strlen(name));
	buf_addc(out, ':');
	buf_add_json_string(out, value, strlen(value));
}

void
event_write(struct buf *out, const struct event_head *h, const char *data,
    size_t n)
{
	buf_adds(out, "{\"specversion\":\"1.0\"");
	member(out, "id", h->id);
	member(out, "source", h->source);
	member(out, "type", h->type);
	member(out, "time", h->time);
	if (h->subject != NULL)
		member(out, "subject", h->subject);
	buf_adds(out, ",\"datacontenttype\":\"application/json\"");
	member(out, "tenant", h->tenant);
	member(out, "idempotencykey", h->idempotencykey);
	if (h->group != NULL)
		member(out, "group", h->group);
	buf_adds(out, ",\"data\":");
	buf_add(out, data, n);
	buf_addc(out, '}');
}
