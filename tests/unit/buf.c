/*
 * buf: unit tests of lib/base/buf: the growable buffer, its strings and
 * JSON strings.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#include "tap.h"

static void
test_buf(void)
{
	static const struct {
		const char	*in;
		size_t		 n;
		const char	*out;
	} esc[] = {
		{ "", 0, "\"\"" },
		{ "plain text", 10, "\"plain text\"" },
		{ "a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\"" },
		{ "\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"" },
		{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"" },
		{ "a\0b", 3, "\"a\\u0000b\"" },
		{ "\xe2\x80\xa8|\xe2\x80\xa9", 7, "\"\\u2028|\\u2029\"" },
		{ "\xe2\x80\xa7\xe2\x82\xac", 6,
		    "\"\xe2\x80\xa7\xe2\x82\xac\"" },
		{ "\xc3\xa9\xf0\x9f\x98\x80", 6,
		    "\"\xc3\xa9\xf0\x9f\x98\x80\"" },
		{ "end\xe2\x80", 5, "\"end\xe2\x80\"" },
	};
	struct buf	 b = BUF_INIT;
	char		*s, *big;
	size_t		 i;
	int		 good;

	s = buf_detach(&b);
	ok(s != NULL && *s == '\0',
	    "buf: detach of an empty buffer gives \"\"");
	free(s);

	good = 1;
	for (i = 0; i < 100000; i++) {
		buf_addc(&b, (char)('a' + i % 26));
		if (b.data[b.len] != '\0' || b.cap <= b.len)
			good = 0;
	}
	for (i = 0; i < 100000 && good; i++)
		if (b.data[i] != (char)('a' + i % 26))
			good = 0;
	ok(good && b.len == 100000, "buf: grows to 100000 bytes by addc, "
	    "NUL-terminated");
	buf_reset(&b);
	ok(b.len == 0 && b.data[0] == '\0', "buf: reset empties it");

	big = xmalloc(5000);
	memset(big, 'q', 4999);
	big[4999] = '\0';
	buf_adds(&b, "<");
	buf_addf(&b, "%s|%d|%s", big, 42, "end");
	ok(b.len == 1 + 4999 + 7 && b.data[0] == '<' &&
	    b.data[1] == 'q' && strcmp(b.data + 5000, "|42|end") == 0,
	    "buf: addf past the capacity formats it all");
	buf_add(&b, "xyz", 2);
	ok(b.len == 5009 && strcmp(b.data + 5007, "xy") == 0,
	    "buf: add copies n bytes");
	s = buf_detach(&b);
	ok(b.data == NULL && b.len == 0 && strlen(s) == 5009,
	    "buf: detach hands over the data and resets");
	free(s);
	free(big);

	s = xstrndup("abcdef", 3);
	ok(strcmp(s, "abc") == 0, "buf: xstrndup copies at most n bytes");
	free(s);
	s = xstrndup("ab", 10);
	ok(strcmp(s, "ab") == 0, "buf: xstrndup stops at the NUL");
	free(s);
	s = xstrdup("hello");
	ok(strcmp(s, "hello") == 0, "buf: xstrdup");
	free(s);

	for (i = 0; i < NELEM(esc); i++) {
		buf_reset(&b);
		buf_add_json_string(&b, esc[i].in, esc[i].n);
		ok(strcmp(b.data, esc[i].out) == 0,
		    "buf: json string %zu: %s", i, show(esc[i].out,
		    strlen(esc[i].out)));
		if (strcmp(b.data, esc[i].out) != 0)
			diag("got %s", show(b.data, b.len));
	}
	good = 1;
	buf_reset(&b);
	for (i = 0; i < 256; i++) {
		char	c = (char)i;

		buf_reset(&b);
		if (i >= 0x80)
			continue;
		buf_add_json_string(&b, &c, 1);
		if (!json_valid(b.data, b.len))
			good = 0;
	}
	ok(good, "buf: json string of every ASCII byte is valid JSON");
	buf_release(&b);
}

int
main(void)
{
	test_buf();
	return tap_done();
}
