/*
 * yamljson: unit tests of lib/conf/yamljson: YAML documents as JSON, the
 * scalars' types as OpenAPI needs them, and what is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "conf/yamljson.h"

#include "tap.h"

/* Whether yaml converts to json exactly. */
static int
converts(const char *yaml, const char *json)
{
	struct buf out = BUF_INIT;
	char err[256];
	int same;

	if (yamljson_text(yaml, strlen(yaml), &out, err, sizeof(err)) != 0) {
		diag("%s: %s", show(yaml, strlen(yaml)), err);
		buf_release(&out);
		return 0;
	}
	same = strcmp(out.data, json) == 0 && json_valid(out.data, out.len);
	if (!same)
		diag("%s: got %s, not %s", show(yaml, strlen(yaml)), out.data,
		    json);
	buf_release(&out);
	return same;
}

/* Whether yaml is refused with a reason that holds why. */
static int
refused(const char *yaml, const char *why)
{
	struct buf out = BUF_INIT;
	char err[256] = "";
	int rc;

	rc = yamljson_text(yaml, strlen(yaml), &out, err, sizeof(err));
	buf_release(&out);
	if (rc == 0 || strstr(err, why) == NULL) {
		diag("%s: rc %d, reason '%s'", show(yaml, strlen(yaml)), rc,
		    err);
		return 0;
	}
	return 1;
}

static void
test_scalars(void)
{
	ok(converts("a: 1", "{\"a\":1}"), "a plain number is a number");
	ok(converts("\"200\": ok\n'201': x\n202: y",
	    "{\"200\":\"ok\",\"201\":\"x\",\"202\":\"y\"}"),
	    "keys are strings, quoted or not");
	ok(converts("[-0, 1.5, -2e10, 3E+2, 0.25e-1]",
	    "[-0,1.5,-2e10,3E+2,0.25e-1]"),
	    "JSON's forms of numbers are numbers, as written");
	ok(converts("[01, .5, 1., +1, 0x1F, 1_000, 1e, -, 3.1.0]",
	    "[\"01\",\".5\",\"1.\",\"+1\",\"0x1F\",\"1_000\",\"1e\",\"-\","
	    "\"3.1.0\"]"), "other forms of numbers are strings");
	ok(converts("- '1'\n- \"2.5\"\n- |\n  3\n",
	    "[\"1\",\"2.5\",\"3\\n\"]"),
	    "a quoted or literal scalar is a string, whatever it reads as");
	ok(converts("[true, false, null, ~, 'true', \"null\"]",
	    "[true,false,null,null,\"true\",\"null\"]"),
	    "true, false, null and ~ plain; strings quoted");
	ok(converts("[True, NULL, yes, no, on, off]",
	    "[\"True\",\"NULL\",\"yes\",\"no\",\"on\",\"off\"]"),
	    "YAML 1.1's and other spellings stay strings");
	ok(converts("a:\nb: ''", "{\"a\":null,\"b\":\"\"}"),
	    "an empty plain scalar is null, an empty quoted one a string");
	ok(converts("s: \"tab\\there \\\"q\\\" \\\\ \\u00e9 \\x01\"",
	    "{\"s\":\"tab\\there \\\"q\\\" \\\\ \xc3\xa9 \\u0001\"}"),
	    "strings are escaped as JSON needs");
	ok(converts("d: >-\n  folded\n  text\n", "{\"d\":\"folded text\"}"),
	    "a folded scalar");
}

static void
test_shapes(void)
{
	ok(converts("b: 2\na: 1\nc: [x, {y: z}]\n",
	    "{\"b\":2,\"a\":1,\"c\":[\"x\",{\"y\":\"z\"}]}"),
	    "mappings and sequences, in the document's order");
	ok(converts("- a\n- - b\n  - c\n- {}\n- []\n",
	    "[\"a\",[\"b\",\"c\"],{},[]]"), "nested and empty ones");
	ok(converts("x: &h {k: 1}\ny: *h\n", "{\"x\":{\"k\":1},\"y\":{\"k\":1}}"),
	    "an alias is its anchor's node again");
	ok(converts("just text", "\"just text\""), "a document of a scalar");
	ok(converts("# comment\na: 1 # more\n---\nb: 2\n", "{\"a\":1}"),
	    "the first document of several");
}

static void
test_refused(void)
{
	static const char laughs[] =
	    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n";

	ok(refused("a: 1\nb: 2\na: 3\n", "3: key 'a' again"),
	    "a key twice, with its line");
	ok(refused("? [x]\n: 1\n", "1: a key that is not a scalar"),
	    "a key that is a sequence");
	ok(refused("a: [1, 2\nb: 3\n", "2: "), "YAML that is not, with a line");
	ok(refused("", "no document"), "an empty stream");
	ok(refused("a: *nowhere\n", "1: "), "an alias of no anchor");
	ok(refused("a: &r [1, *r]\n", "too deep"),
	    "an alias within its own anchor");
	ok(refused(laughs, "too large"),
	    "aliases that would make gigabytes stop at the limit");
}

static void
test_file(void)
{
	struct buf out = BUF_INIT;
	char path[] = "/tmp/yamljson.XXXXXX", err[512];
	FILE *f;
	int fd;

	if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		ok(0, "a file to read");
		return;
	}
	fputs("openapi: \"3.1.0\"\npaths:\n  /x:\n    get: {}\n", f);
	fclose(f);
	ok(yamljson_file(path, &out, err, sizeof(err)) == 0 &&
	    strcmp(out.data, "{\"openapi\":\"3.1.0\",\"paths\":{\"/x\":"
	    "{\"get\":{}}}}") == 0, "a file");
	buf_reset(&out);
	f = fopen(path, "w");
	fputs("a: 1\na: 2\n", f);
	fclose(f);
	ok(yamljson_file(path, &out, err, sizeof(err)) != 0 &&
	    strncmp(err, path, strlen(path)) == 0 &&
	    strstr(err, ":2: key 'a' again") != NULL,
	    "a file's reason names it and the line: %s", err);
	unlink(path);
	buf_reset(&out);
	ok(yamljson_file(path, &out, err, sizeof(err)) != 0 &&
	    strstr(err, "No such file") != NULL, "a file that is not there");
	buf_release(&out);
}

int
main(void)
{
	test_scalars();
	test_shapes();
	test_refused();
	test_file();
	return tap_done();
}
