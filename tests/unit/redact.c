/*
 * redact: unit tests of lib/transport/redact: excerpts of responses with
 * personal data and secrets masked.
 */
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "transport/redact.h"

#include "tap.h"

static int
has_digit(const char *s)
{
	return strpbrk(s, "0123456789") != NULL;
}

static void
test_redact(void)
{
	static const struct {
		const char	*in;
		size_t		 n;	/* 0: strlen(in) */
		const char	*out;
	} cases[] = {
		{ "contact john.doe@example.com now", 0, "contact *** now" },
		{ "<JOHN.DOE+x@Mail.Example.COM.>", 0, "<***.>" },
		{ "jo\xc3\xa3o@exemplo.com.br", 0, "***" },
		{ "cpf 123.456.789-09 ok", 0, "cpf *** ok" },
		{ "phone +55 11 98765-4321.", 0, "phone +***." },
		{ "(11) 98765-4321", 0, "(***" },
		{ "card 4111 1111 1111 1111", 0, "card ***" },
		{ "order 1234567 ok", 0, "order 1234567 ok" },
		{ "1234 5678", 0, "***" },
		{ "1234    5678", 0, "1234    5678" },
		{ "{\"token\":\"s3cr3t\"}", 0, "{\"token\":\"***\"}" },
		{ "{\"phone\": 5511987654321, \"n\": 1}", 0,
		    "{\"phone\": \"***\", \"n\": 1}" },
		{ "{\"Customer_Email\" : \"Foo\"}", 0,
		    "{\"Customer_Email\" : \"***\"}" },
		{ "{\"auth_token\":\"abc\",\"ok\":\"yes\"}", 0,
		    "{\"auth_token\":\"***\",\"ok\":\"yes\"}" },
		{ "{\"Authorization\":\"Bearer abc.def\"}", 0,
		    "{\"Authorization\":\"***\"}" },
		{ "{\"user\":{\"name\":\"Ana\",\"age\":3}}", 0,
		    "{\"user\":{\"name\":\"***\",\"age\":3}}" },
		{ "{\"password\": {\"a\": [1, \"}\"]}, \"x\": true}", 0,
		    "{\"password\": \"***\", \"x\": true}" },
		{ "{\"secret\": null}", 0, "{\"secret\": null}" },
		{ "{\"apikey\":\"a\\\"b\",\"c\":\"d\"}", 0,
		    "{\"apikey\":\"***\",\"c\":\"d\"}" },
		{ "{\"msg\":\"token\",\"v\":\"x\"}", 0,
		    "{\"msg\":\"token\",\"v\":\"x\"}" },
		{ "{\"error\":\"user a@b.com exists\"}", 0,
		    "{\"error\":\"user *** exists\"}" },
		{ "{\"e\":\"line\\nbob@x.org\"}", 0, "{\"e\":\"line\\n***\"}" },
		{ "{\"e\":\"\\u00e9\"}", 0, "{\"e\":\"\\u00e9\"}" },
		{ "a\xff" "b\xc3(", 0, "a?b?(" },
		{ "nul\0here", 8, "nul?here" },
		{ "no @ here, x@y, @z.com", 0, "no @ here, x@y, @z.com" },
	};
	char		 out[REDACT_EXCERPT_MAX + 1], small[16];
	struct buf	 in = BUF_INIT;
	size_t		 i, n, len;

	for (i = 0; i < NELEM(cases); i++) {
		len = cases[i].n != 0 ? cases[i].n : strlen(cases[i].in);
		n = redact_excerpt(cases[i].in, len, out, sizeof(out),
		    REDACT_EXCERPT_MAX);
		ok(n == strlen(out) && strcmp(out, cases[i].out) == 0,
		    "redact: %s", show(cases[i].in, len));
		if (strcmp(out, cases[i].out) != 0)
			diag("got %s", show(out, n));
	}

	/* A long body: cut at 1024 bytes, not inside a character. */
	buf_addc(&in, 'a');
	for (i = 0; i < 1000; i++)
		buf_adds(&in, "\xc3\xa9");
	n = redact_excerpt(in.data, in.len, out, sizeof(out),
	    REDACT_EXCERPT_MAX);
	ok(n == 1023 && strlen(out) == n && utf8_valid(out, n),
	    "redact: a long body is cut at 1023 bytes, not inside a character");

	/* A phone number across the cut leaves no digit. */
	buf_reset(&in);
	for (i = 0; i < 1019; i++)
		buf_addc(&in, 'x');
	buf_adds(&in, " +55 11 98765-4321 tail");
	n = redact_excerpt(in.data, in.len, out, sizeof(out),
	    REDACT_EXCERPT_MAX);
	ok(n == REDACT_EXCERPT_MAX && !has_digit(out) &&
	    strcmp(out + 1019, " +***") == 0,
	    "redact: a phone across the cut is masked whole");
	/* So does an e-mail address. */
	buf_reset(&in);
	for (i = 0; i < 1020; i++)
		buf_addc(&in, 'x');
	buf_adds(&in, " bob@example.com");
	n = redact_excerpt(in.data, in.len, out, sizeof(out),
	    REDACT_EXCERPT_MAX);
	ok(n == REDACT_EXCERPT_MAX && strchr(out, 'b') == NULL &&
	    strcmp(out + 1020, " ***") == 0,
	    "redact: an e-mail across the cut is masked whole");
	buf_release(&in);

	n = redact_excerpt("hello, world", 12, small, sizeof(small), 5);
	ok(n == 5 && strcmp(small, "hello") == 0, "redact: max 5");
	n = redact_excerpt("hello, world", 12, small, sizeof(small), 100);
	ok(n == 12 && strcmp(small, "hello, world") == 0,
	    "redact: max above outsz is outsz - 1");
	n = redact_excerpt("hello, world 1234567890", 23, small, 6, 100);
	ok(n == 5 && strcmp(small, "hello") == 0, "redact: outsz 6");
	n = redact_excerpt("\xe2\x82\xac\xe2\x82\xac", 6, small, sizeof(small),
	    5);
	ok(n == 3 && strcmp(small, "\xe2\x82\xac") == 0,
	    "redact: cut before a character that does not fit");
	n = redact_excerpt("ab", 2, small, sizeof(small), 0);
	ok(n == 0 && small[0] == '\0', "redact: max 0");
	n = redact_excerpt("", 0, small, sizeof(small), 10);
	ok(n == 0 && small[0] == '\0', "redact: empty input");
	n = redact_excerpt("{\"token\":\"abcdef\"}", 18, small, sizeof(small),
	    12);
	ok(n == 12 && strcmp(small, "{\"token\":\"**") == 0,
	    "redact: the mask may be cut, the secret never shows");
}

int
main(void)
{
	test_redact();
	return tap_done();
}
