/*
 * mail: unit tests of lib/transport/mail: e-mail messages built from a
 * delivery's body.
 */
#include <string.h>

#include "transport/mail.h"

#include "tap.h"

static void
test_mail(void)
{
	struct mail m;
	char err[256];
	const char *ok_body = "{\"to\":[\"a@x.com\",\"b@y.org\"],"
	    "\"subject\":\"Olá, tudo bem?\",\"text\":\"oi\","
	    "\"html\":\"<p>oi</p>\",\"reply_to\":\"r@x.com\"}";
	const char *bodies[] = {
		"{\"to\":\"a@x.com\",\"subject\":\"s\\r\\nBcc: e@v.il\","
		    "\"text\":\"t\"}",
		"{\"to\":\"a@x.com, e@v.il\",\"subject\":\"s\",\"text\":\"t\"}",
		"{\"to\":\"a@x.com\",\"subject\":\"s\"}",
		"{\"subject\":\"s\",\"text\":\"t\"}",
		"[1]",
	};
	size_t i;

	ok(mail_build(&m, ok_body, strlen(ok_body), "Cuidar, Bem <c@x.com>", NULL,
	    "01a2", 0, err, sizeof(err)) == 0, "mail: builds");
	ok(m.message != NULL && strstr(m.message,
	    "From: \"Cuidar, Bem\" <c@x.com>\r\n") != NULL,
	    "mail: a display name with a comma is quoted");
	ok(m.message != NULL && strstr(m.message, "To: <a@x.com>,\r\n"
	    " <b@y.org>\r\n") != NULL && m.rcpt[0] != NULL &&
	    strcmp(m.rcpt[1], "b@y.org") == 0 && m.rcpt[2] == NULL &&
	    strcmp(m.from, "c@x.com") == 0, "mail: the recipients");
	ok(m.message != NULL && strstr(m.message, "Subject: =?UTF-8?B?") !=
	    NULL && strstr(m.message, "Message-ID: <01a2@x.com>\r\n") !=
	    NULL && strstr(m.message, "Date: Thu, 01 Jan 1970 00:00:00"
	    " +0000\r\n") != NULL && strstr(m.message,
	    "Reply-To: <r@x.com>\r\n") != NULL,
	    "mail: subject encoded, Message-ID, Date, Reply-To");
	ok(m.message != NULL && strstr(m.message, "multipart/alternative")
	    != NULL && strstr(m.message, "text/plain") <
	    strstr(m.message, "text/html"), "mail: the text, then the HTML");
	mail_release(&m);
	for (i = 0; i < NELEM(bodies); i++)
		ok(mail_build(&m, bodies[i], strlen(bodies[i]), "c@x.com", NULL,
		    "01a2", 0, err, sizeof(err)) == -1 && err[0] != '\0',
		    "mail: refuses bad body %zu (%s)", i, err);
	ok(mail_build(&m, ok_body, strlen(ok_body), "nobody", NULL, "01a2", 0, err,
	    sizeof(err)) == -1, "mail: refuses a sender that is no address");
}

int
main(void)
{
	test_mail();
	return tap_done();
}
