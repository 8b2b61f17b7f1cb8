/*
 * openapi: the API's document (share/openapi.yaml, read through
 * lib/conf/yamljson) held against the receiver's route table
 * (lib/httpd/route), both ways: every route is a documented operation,
 * with its scope, its path's parameters and the answers its kind of route
 * gives; every documented operation is a route, but the webhooks, whose
 * paths are the config's (x-integra-config-path).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jv.h>

#include "base/buf.h"
#include "base/ids.h"
#include "conf/yamljson.h"
#include "httpd/route.h"
#include "json/jvparse.h"

#include "tap.h"

static const char *const methods[] = { "get", "put", "post", "delete",
    "options", "head", "patch", "trace" };

static jv	doc;

/* doc's member at the JSON pointer ref ("#/components/..."), or invalid. */
static jv
pointer(const char *ref)
{
	char part[128];
	jv v = jv_copy(doc);
	size_t n;

	if (strncmp(ref, "#/", 2) != 0)
		return jv_invalid();
	for (ref += 2; *ref != '\0' && jv_is_valid(v); ref += n) {
		if (*ref == '/')
			ref++;
		n = strcspn(ref, "/");
		snprintf(part, sizeof(part), "%.*s", (int)n, ref);
		v = jv_get_kind(v) == JV_KIND_OBJECT ? jv_object_get(v,
		    jv_string(part)) : (jv_free(v), jv_invalid());
	}
	return v;
}

/* v (consumed) or, if it is a {"$ref": ...}, what that points to. */
static jv
deref(jv v)
{
	jv r;

	if (jv_get_kind(v) != JV_KIND_OBJECT)
		return v;
	r = jv_object_get(jv_copy(v), jv_string("$ref"));
	if (jv_get_kind(r) != JV_KIND_STRING) {
		jv_free(r);
		return v;
	}
	jv_free(v);
	v = pointer(jv_string_value(r));
	jv_free(r);
	return v;
}

/* o's member name (o is kept), a $ref followed: or invalid. */
static jv
get(jv o, const char *name)
{
	if (jv_get_kind(o) != JV_KIND_OBJECT)
		return jv_invalid();
	return deref(jv_object_get(jv_copy(o), jv_string(name)));
}

static int
is_string(jv v, const char *s)
{
	int same = jv_get_kind(v) == JV_KIND_STRING &&
	    strcmp(jv_string_value(v), s) == 0;

	jv_free(v);
	return same;
}

static int
is_true(jv v)
{
	int t = jv_get_kind(v) == JV_KIND_TRUE;

	jv_free(v);
	return t;
}

static double
number(jv v)
{
	double d = jv_get_kind(v) == JV_KIND_NUMBER ? jv_number_value(v) : -1;

	jv_free(v);
	return d;
}

/*
 * Whether the table's path and the document's have the same segments: a
 * literal the same, a {} one of the table's where the document has a
 * template.
 */
static int
same_path(const char *route, const char *documented)
{
	const char *r = route, *d = documented;
	size_t rn, dn;
	int rt, dt;

	while (*r == '/' && *d == '/') {
		r++;
		d++;
		rn = strcspn(r, "/");
		dn = strcspn(d, "/");
		rt = rn > 0 && r[0] == '{';
		dt = dn > 1 && d[0] == '{' && d[dn - 1] == '}';
		if (rt != dt || (!rt && (rn != dn || memcmp(r, d, rn) != 0)))
			return 0;
		r += rn;
		d += dn;
	}
	return *r == '\0' && *d == '\0';
}

/* The document's path that route's path is, or NULL. */
static const char *
path_of(const struct httpd_route *route, jv paths, struct buf *key)
{
	int it;
	jv k;

	for (it = jv_object_iter(paths); jv_object_iter_valid(paths, it);
	    it = jv_object_iter_next(paths, it)) {
		k = jv_object_iter_key(paths, it);
		if (same_path(route->path, jv_string_value(k))) {
			buf_reset(key);
			buf_adds(key, jv_string_value(k));
			jv_free(k);
			return key->data;
		}
		jv_free(k);
	}
	return NULL;
}

/* The parameter name in path of the path item or the operation. */
static jv
path_param(jv item, jv op, const char *name)
{
	jv list, p;
	int i, n, pass;

	for (pass = 0; pass < 2; pass++) {
		list = get(pass == 0 ? op : item, "parameters");
		n = jv_get_kind(list) == JV_KIND_ARRAY ?
		    jv_array_length(jv_copy(list)) : 0;
		for (i = 0; i < n; i++) {
			p = deref(jv_array_get(jv_copy(list), i));
			if (is_string(get(p, "name"), name) &&
			    is_string(get(p, "in"), "path")) {
				jv_free(list);
				return p;
			}
			jv_free(p);
		}
		jv_free(list);
	}
	return jv_invalid();
}

/*
 * Whether each {} segment of the route is a required path parameter of
 * the operation whose schema takes what the table takes there: an id of
 * ID_LEN characters, a name of 1 to HTTPD_ARG_MAX.
 */
static int
params_right(const struct httpd_route *route, const char *path, jv item,
    jv op)
{
	const char *r = route->path, *d = path;
	char name[64];
	size_t rn, dn;
	double min, max;
	jv p, s;
	int right = 1;

	while (*r == '/' && *d == '/' && right) {
		r++;
		d++;
		rn = strcspn(r, "/");
		dn = strcspn(d, "/");
		if (r[0] == '{') {
			snprintf(name, sizeof(name), "%.*s", (int)dn - 2,
			    d + 1);
			p = path_param(item, op, name);
			s = get(p, "schema");
			min = number(get(s, "minLength"));
			max = number(get(s, "maxLength"));
			right = is_true(get(p, "required")) &&
			    (strncmp(r, "{id}", rn) == 0 ? min == ID_LEN &&
			    max == ID_LEN : min == 1 && max == HTTPD_ARG_MAX);
			if (!right)
				diag("%s: {%s} is not a required path"
				    " parameter of %.*s's length (%g to %g)",
				    path, name, (int)rn, r, min, max);
			jv_free(p);
			jv_free(s);
		}
		r += rn;
		d += dn;
	}
	return right;
}

/*
 * Whether op asks for the route's scope: as x-integra-scope, and among
 * the roles of each of its security's requirements; for none, security
 * [] and no x-integra-scope.
 */
static int
scope_right(const struct httpd_route *route, jv op)
{
	jv sec = get(op, "security"), req, roles, x;
	int i, n, right, it, k, m, found;

	x = get(op, "x-integra-scope");
	n = jv_get_kind(sec) == JV_KIND_ARRAY ? jv_array_length(jv_copy(sec)) :
	    -1;
	if (route->scope == NULL) {
		right = n == 0 && !jv_is_valid(x);
		jv_free(x);
		jv_free(sec);
		return right;
	}
	if (!(right = is_string(x, route->scope) && n > 0))
		diag("%s %s: no security, or x-integra-scope not %s",
		    route->method, route->path, route->scope);
	for (i = 0; right && i < n; i++) {
		req = jv_array_get(jv_copy(sec), i);
		found = jv_get_kind(req) == JV_KIND_OBJECT &&
		    jv_object_length(jv_copy(req)) > 0;
		for (it = found ? jv_object_iter(req) : 0; found &&
		    jv_object_iter_valid(req, it);
		    it = jv_object_iter_next(req, it)) {
			roles = jv_object_iter_value(req, it);
			m = jv_get_kind(roles) == JV_KIND_ARRAY ?
			    jv_array_length(jv_copy(roles)) : 0;
			for (k = 0, found = 0; k < m && !found; k++)
				found = is_string(jv_array_get(jv_copy(roles),
				    k), route->scope);
			jv_free(roles);
		}
		if (!(right = found))
			diag("%s %s: a security requirement without %s",
			    route->method, route->path, route->scope);
		jv_free(req);
	}
	jv_free(sec);
	return right;
}

/* Whether op's responses have status ("2xx": any 2xx one). */
static int
answers(jv op, const char *status)
{
	jv responses = get(op, "responses"), k;
	int it, has = 0;

	if (jv_get_kind(responses) != JV_KIND_OBJECT) {
		jv_free(responses);
		return 0;
	}
	for (it = jv_object_iter(responses); !has &&
	    jv_object_iter_valid(responses, it);
	    it = jv_object_iter_next(responses, it)) {
		k = jv_object_iter_key(responses, it);
		has = strcmp(status, "2xx") == 0 ? jv_string_value(k)[0] ==
		    '2' : strcmp(status, jv_string_value(k)) == 0;
		jv_free(k);
	}
	jv_free(responses);
	return has;
}

/* Whether op answers what its kind of route answers. */
static int
answers_right(const struct httpd_route *route, jv op)
{
	static const char *const keyed[] = { "401", "403", "429", "503" };
	static const char *const body[] = { "413", "415" };
	size_t i;
	int right = answers(op, "2xx");
	jv rb;

	for (i = 0; right && route->scope != NULL && i < NELEM(keyed); i++)
		if (!(right = answers(op, keyed[i])))
			diag("%s %s: no %s", route->method, route->path,
			    keyed[i]);
	if (route->takes != HTTPD_NOTHING) {
		rb = get(op, "requestBody");
		right = right && jv_get_kind(rb) == JV_KIND_OBJECT;
		jv_free(rb);
		for (i = 0; right && i < NELEM(body); i++)
			if (!(right = answers(op, body[i])))
				diag("%s %s: no %s", route->method,
				    route->path, body[i]);
	}
	return right;
}

/* Every route, in the document. */
static void
test_routes(jv paths)
{
	const struct httpd_route *route;
	struct buf key = BUF_INIT;
	char method[16];
	const char *path;
	size_t i, j;
	jv item, op;

	for (i = 0; (route = httpd_route_at(i)) != NULL; i++) {
		for (j = 0; j < sizeof(method) - 1 && route->method[j] != '\0';
		    j++)
			method[j] = (char)(route->method[j] | 0x20);
		method[j] = '\0';
		if ((path = path_of(route, paths, &key)) == NULL) {
			ok(0, "%s %s is documented", route->method,
			    route->path);
			continue;
		}
		item = get(paths, path);
		op = get(item, method);
		ok(jv_get_kind(op) == JV_KIND_OBJECT &&
		    params_right(route, path, item, op) &&
		    scope_right(route, op) && answers_right(route, op),
		    "%s %s is documented as %s, with scope %s", route->method,
		    route->path, path, route->scope != NULL ? route->scope :
		    "none");
		jv_free(op);
		jv_free(item);
	}
	ok(i == httpd_route_count() && i > 0, "the table has %zu routes", i);
	buf_release(&key);
}

/* Whether a route is method path. */
static int
is_route(const char *method, const char *path)
{
	const struct httpd_route *route;
	size_t i;

	for (i = 0; (route = httpd_route_at(i)) != NULL; i++)
		if (strcasecmp(route->method, method) == 0 &&
		    same_path(route->path, path))
			return 1;
	return 0;
}

/* Every documented operation, in the table. */
static void
test_documented(jv paths)
{
	size_t m, nconfig = 0;
	int it;
	jv k, item, op;

	for (it = jv_object_iter(paths); jv_object_iter_valid(paths, it);
	    it = jv_object_iter_next(paths, it)) {
		k = jv_object_iter_key(paths, it);
		item = deref(jv_object_iter_value(paths, it));
		if (is_true(get(item, "x-integra-config-path"))) {
			nconfig++;
			jv_free(item);
			jv_free(k);
			continue;
		}
		for (m = 0; m < NELEM(methods); m++) {
			op = get(item, methods[m]);
			if (jv_is_valid(op))
				ok(is_route(methods[m], jv_string_value(k)),
				    "documented %s %s is a route", methods[m],
				    jv_string_value(k));
			jv_free(op);
		}
		jv_free(item);
		jv_free(k);
	}
	ok(nconfig == 1, "one path is the config's webhooks");
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	struct buf path = BUF_INIT, json = BUF_INIT;
	char err[512];
	jv paths, v;

	buf_addf(&path, "%s/share/openapi.yaml", top != NULL ? top : ".");
	if (yamljson_file(path.data, &json, err, sizeof(err)) != 0) {
		ok(0, "the document converts: %s", err);
		return tap_done();
	}
	doc = jvparse_text(json.data, json.len);
	ok(jv_get_kind(jv_copy(doc)) == JV_KIND_OBJECT,
	    "the document is a JSON object");
	v = get(doc, "openapi");
	ok(jv_get_kind(v) == JV_KIND_STRING &&
	    strncmp(jv_string_value(v), "3.1.", 4) == 0, "it is OpenAPI 3.1");
	jv_free(v);
	v = get(doc, "info");
	ok(is_string(get(v, "version"), PACKAGE_VERSION),
	    "its version is integra's, %s", PACKAGE_VERSION);
	jv_free(v);
	paths = get(doc, "paths");
	test_routes(paths);
	test_documented(paths);
	jv_free(paths);
	jv_free(doc);
	buf_release(&json);
	buf_release(&path);
	return tap_done();
}
