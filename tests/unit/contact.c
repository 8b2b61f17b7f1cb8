/*
 * contact: unit tests of lib/rules/contact: calling codes, phones in
 * E.164, e-mail addresses.
 */
#include <stdio.h>
#include <string.h>

#include "rules/contact.h"

#include "tap.h"

static void
test_contact(void)
{
	static const struct {
		const char	*iso;
		const char	*code;
	} codes[] = {
		{ "BR", "55" }, { "br", "55" }, { "Br", "55" }, { "US", "1" },
		{ "CA", "1" }, { "PT", "351" }, { "AR", "54" }, { "UY", "598" },
		{ "PY", "595" }, { "CL", "56" }, { "CO", "57" }, { "MX", "52" },
		{ "PE", "51" }, { "BO", "591" }, { "ES", "34" }, { "GB", "44" },
		{ "DE", "49" }, { "FR", "33" }, { "IT", "39" }, { "ZW", "263" },
		{ "AD", "376" }, { "XX", NULL }, { "", NULL }, { "B", NULL },
		{ "BRA", NULL }, { "B1", NULL },
	};
	static const struct {
		const char	*in;
		const char	*cc;
		const char	*out;	/* NULL: invalid */
	} phones[] = {
		{ "+55 (11) 98765-4321", "55", "+5511987654321" },
		{ "(11) 98765-4321", "55", "+5511987654321" },
		{ "11987654321", "55", "+5511987654321" },
		{ "5511987654321", "55", "+5511987654321" },
		{ "0055 11 98765 4321", "55", "+5511987654321" },
		{ "011 98765-4321", "55", "+5511987654321" },
		{ "0 21 11 98765 4321", "55", "+5511987654321" },
		{ "(011) 3456-7890", "55", "+551134567890" },
		{ "11 3456-7890", "55", "+551134567890" },
		{ "551134567890", "55", "+551134567890" },
		{ "015 11 3456-7890", "55", "+551134567890" },
		{ "55 99123-4567", "55", "+5555991234567" },
		{ " +55/11/98765.4321 ", "55", "+5511987654321" },
		{ "+1 212 555 1234", "55", "+12125551234" },
		{ "abc", "55", NULL },
		{ "123", "55", NULL },
		{ "+55 11 9876x", "55", NULL },
		{ "98765-4321", "55", NULL },
		{ "", "55", NULL },
		{ "+", "55", NULL },
		{ "++55 11 98765 4321", "55", NULL },
		{ "55+11987654321", "55", NULL },
		{ "+55 11 98765-4321 ext 2", "55", NULL },
		{ "11\t98765-4321", "55", NULL },
		{ "6611987654321", "55", NULL },
		{ "+1234567890123456", "55", NULL },
		{ "+0 11 98765 4321", "55", NULL },
		{ "+55 11 98765-4321", NULL, "+5511987654321" },
		{ "11 98765-4321", NULL, NULL },
		{ "11 98765-4321", "5a", NULL },
		{ "(212) 555-1234", "1", "+12125551234" },
		{ "212.555.1234", "1", "+12125551234" },
		{ "1 212 555 1234", "1", "+12125551234" },
		{ "+1 (212) 555-1234", "1", "+12125551234" },
		{ "001 212 555 1234", "1", "+12125551234" },
		{ "55-1234", "1", NULL },
		{ "912 345 678", "351", "+351912345678" },
		{ "+351 912 345 678", "351", "+351912345678" },
		{ "351 912 345 678", "351", "+351912345678" },
		{ "00351 912345678", "351", "+351912345678" },
		{ "21 234 5678", "351", "+351212345678" },
		{ "030 1234567", "49", "+49301234567" },
		{ "0491 12345678", "49", "+4949112345678" },
		{ "020 7946 0958", "44", "+442079460958" },
		{ "06 1234 5678", "39", "+390612345678" },
		{ "39 06 1234 5678", "39", "+390612345678" },
	};
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: invalid */
	} mails[] = {
		{ "john.doe@example.com", "john.doe@example.com" },
		{ "  John.Doe@Example.COM\t\r\n", "john.doe@example.com" },
		{ "a@b.co", "a@b.co" },
		{ "X+tag@Sub.Example.com.br", "x+tag@sub.example.com.br" },
		{ "JO\xc3\x83O@EXEMPLO.COM.BR", "jo\xc3\x83o@exemplo.com.br" },
		{ "", NULL },
		{ "   ", NULL },
		{ "@example.com", NULL },
		{ "john@", NULL },
		{ "john", NULL },
		{ "john@example", NULL },
		{ "john@.example.com", NULL },
		{ "john@example.com.", NULL },
		{ "john@example..com", NULL },
		{ "john@@example.com", NULL },
		{ "jo@hn@example.com", NULL },
		{ "john doe@example.com", NULL },
		{ "john@exa mple.com", NULL },
		{ "john@exa\x01mple.com", NULL },
		{ "john\x7f@example.com", NULL },
	};
	char		 out[64], in[128];
	const char	*cc;
	size_t		 i;
	int		 rc;

	for (i = 0; i < NELEM(codes); i++) {
		cc = contact_calling_code(codes[i].iso);
		ok((cc == NULL && codes[i].code == NULL) || (cc != NULL &&
		    codes[i].code != NULL && strcmp(cc, codes[i].code) == 0),
		    "contact: calling code of \"%s\" is %s", codes[i].iso,
		    codes[i].code != NULL ? codes[i].code : "unknown");
	}
	ok(contact_calling_code(NULL) == NULL, "contact: calling code of NULL");

	for (i = 0; i < NELEM(phones); i++) {
		memset(out, 'X', sizeof(out));
		rc = contact_phone_e164(phones[i].in, strlen(phones[i].in),
		    phones[i].cc, out, sizeof(out));
		if (phones[i].out == NULL)
			ok(rc == -1, "contact: phone \"%s\" (%s) is invalid",
			    phones[i].in, phones[i].cc != NULL ? phones[i].cc :
			    "no code");
		else
			ok(rc == 0 && strcmp(out, phones[i].out) == 0,
			    "contact: phone \"%s\" (%s) is %s", phones[i].in,
			    phones[i].cc != NULL ? phones[i].cc : "no code",
			    phones[i].out);
		if ((phones[i].out == NULL) != (rc == -1) ||
		    (rc == 0 && strcmp(out, phones[i].out) != 0))
			diag("rc %d, out \"%s\"", rc, rc == 0 ? out : "");
	}
	rc = contact_phone_e164("11987654321", 11, "55", out, 15);
	ok(rc == 0 && strcmp(out, "+5511987654321") == 0,
	    "contact: phone fits exactly in 15 bytes");
	rc = contact_phone_e164("11987654321", 11, "55", out, 14);
	ok(rc == -1, "contact: phone does not fit in 14 bytes");
	rc = contact_phone_e164("11987654321xyz", 11, "55", out, sizeof(out));
	ok(rc == 0 && strcmp(out, "+5511987654321") == 0,
	    "contact: phone reads only n bytes");

	for (i = 0; i < NELEM(mails); i++) {
		rc = contact_email(mails[i].in, strlen(mails[i].in), out,
		    sizeof(out));
		if (mails[i].out == NULL)
			ok(rc == -1, "contact: e-mail \"%s\" is invalid",
			    show(mails[i].in, strlen(mails[i].in)));
		else {
			/* show() has one buffer. */
			snprintf(in, sizeof(in), "%s", show(mails[i].in,
			    strlen(mails[i].in)));
			ok(rc == 0 && strcmp(out, mails[i].out) == 0,
			    "contact: e-mail \"%s\" is %s", in,
			    show(mails[i].out, strlen(mails[i].out)));
		}
	}
	rc = contact_email("a@b.co", 6, out, 7);
	ok(rc == 0 && strcmp(out, "a@b.co") == 0,
	    "contact: e-mail fits exactly");
	rc = contact_email("a@b.co", 6, out, 6);
	ok(rc == -1, "contact: e-mail does not fit");
}

int
main(void)
{
	test_contact();
	return tap_done();
}
