/*
 * link: unit tests of lib/rules/link: signed links made and checked.
 */
#include <string.h>

#include "base/buf.h"
#include "rules/link.h"

#include "tap.h"

static void
test_link(void)
{
	static const char *const bad[] = { "ftp://h.example/r?a=1",
	    "https://h.example", "https://h.example/r?a=1#top",
	    "https://h.example/r?a=1&sig=x", "https://h.example/r a" };
	struct link_member m[] = { { "b", "2" }, { "a", "1" } };
	struct link_member crafted[] = { { "a", "1\nb=2" } };
	struct link_member decoded[] = { { "x", "a b/" } };
	struct buf b = BUF_INIT;
	const char *sig;
	size_t i;

	ok(link_sign("k", 1, "https://h.example/r?a=1&b=2", &b) == 0 &&
	    strcmp(b.data, "https://h.example/r?a=1&b=2"
	    "&sig=XzgHsILVqVGAbdH64fEyg3zmOoa6YwOKskUK-bJ5SyQ") == 0,
	    "link: HMAC-SHA256 of the path and the sorted members, base64url");
	sig = b.data != NULL ? strstr(b.data, "sig=") : NULL;
	ok(sig != NULL && link_check("k", 1, "/r", m, 2, sig + 4) == 1,
	    "link: checked whatever the members' order");
	m[0].value = "3";
	ok(sig != NULL && link_check("k", 1, "/r", m, 2, sig + 4) == 0,
	    "link: a member changed is refused");
	m[0].value = "2";
	ok(sig != NULL && link_check("j", 1, "/r", m, 2, sig + 4) == 0 &&
	    link_check("k", 1, "/s", m, 2, sig + 4) == 0 &&
	    link_check("k", 1, "/r", m, 1, sig + 4) == 0,
	    "link: another secret, path or set of members is refused");
	ok(link_check("k", 1, "/r", crafted, 1, sig != NULL ? sig + 4 : "") ==
	    0, "link: a line break in a value cannot pass for two members");
	buf_reset(&b);
	ok(link_sign("k", 1, "http://h.example/r?x=a+b%2F", &b) == 0 &&
	    (sig = strstr(b.data, "sig=")) != NULL &&
	    link_check("k", 1, "/r", decoded, 1, sig + 4) == 1,
	    "link: members signed decoded, as the server gives them");
	buf_reset(&b);
	ok(link_sign("k", 1, "https://h.example/r", &b) == 0 &&
	    strncmp(b.data, "https://h.example/r?sig=", 24) == 0,
	    "link: without a query, one is started");
	for (i = 0; i < NELEM(bad); i++)
		ok(link_sign("k", 1, bad[i], &b) == -1,
		    "link: %s is not signed", bad[i]);
	buf_release(&b);
}

int
main(void)
{
	test_link();
	return tap_done();
}
