/*
 * contact: phones and e-mail addresses (contact.h) as people type them.
 * The first byte picks the calling code (a country's, or one no country
 * has), the second the size of a tight out; the rest is the text, read as
 * a phone and as an e-mail address.  An E.164 form is '+' and 8 to 15
 * digits, the first not 0, ending in digits of the text, maybe after the
 * calling code, and it is its own E.164 form; text with anything but
 * digits, blanks, "().-/" and a leading '+' is no phone.  An e-mail
 * address is the text trimmed and lower-cased, exactly when it has one
 * '@' after a local part, a domain of dotted non-empty labels and no
 * blank or control inside, and it is its own canonical form.  A tight
 * out gets the same answer if it fits and -1 if not; nothing is written
 * past outsz, what is written is NUL-terminated, nothing past the text is
 * read.  A calling code is 1 to 3 digits, for two letters in any case.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "rules/contact.h"

#include "fuzz.h"

#define E164_MIN	8
#define E164_MAX	15
#define OUT_TIGHT_MAX	24	/* around the longest E.164 form, 17 */
#define OUT_CANARY	0xa5

/* Where a number is typed: ISO 3166-1 codes, some no country's. */
static const char *const countries[] = { "BR", "br", "US", "PT", "DE",
    "GB", "IT", "SM", "VA", "AR", "KZ", "AD", "FR", "IN", "XX", "" };
/* Calling codes a caller could pass that no country has. */
static const char *const odd_codes[] = { "0", "5a", "1234", "" };

#define NCOUNTRIES	(sizeof(countries) / sizeof(countries[0]))
#define NODD_CODES	(sizeof(odd_codes) / sizeof(odd_codes[0]))

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_blank(char c)
{
	return c != '\0' && strchr(" \t\n\v\f\r", c) != NULL;
}

/* contact_calling_code on s[0..n) as a string, checked. */
static void
check_calling_code(const char *s, size_t n)
{
	char		 iso2[4], swapped[3];
	const char	*code;
	size_t		 i;

	if (n > 3)
		n = 3;
	memcpy(iso2, s, n);
	iso2[n] = '\0';
	if ((code = contact_calling_code(iso2)) == NULL)
		return;
	FUZZ_CHECK(strlen(iso2) == 2 && isalpha((unsigned char)iso2[0]) &&
	    isalpha((unsigned char)iso2[1]));
	FUZZ_CHECK(strlen(code) >= 1 && strlen(code) <= 3 &&
	    strspn(code, "0123456789") == strlen(code));
	/* The same country in the other case. */
	for (i = 0; i < 2; i++)
		swapped[i] = isupper((unsigned char)iso2[i]) ?
		    (char)tolower((unsigned char)iso2[i]) :
		    (char)toupper((unsigned char)iso2[i]);
	swapped[2] = '\0';
	FUZZ_CHECK(contact_calling_code(swapped) == code);
}

/* 1 if the digits of text[0..n) end in d[0..nd). */
static int
ends_in_digits(const char *text, size_t n, const char *d, size_t nd)
{
	for (; n > 0 && nd > 0; n--)
		if (is_digit(text[n - 1]) && text[n - 1] != d[--nd])
			return 0;
	return nd == 0;
}

/* Checks the E.164 form out that contact_phone_e164 gave, with cc. */
static void
check_e164(const char *text, size_t n, const char *cc, const char *out)
{
	char	 again[E164_MAX + 2];
	size_t	 nd, cclen;

	FUZZ_CHECK(out[0] == '+');
	nd = strlen(out + 1);
	FUZZ_CHECK(nd >= E164_MIN && nd <= E164_MAX);
	FUZZ_CHECK(strspn(out + 1, "0123456789") == nd && out[1] != '0');
	/* The text's last digits, maybe after the calling code. */
	cclen = cc != NULL ? strlen(cc) : 0;
	FUZZ_CHECK(ends_in_digits(text, n, out + 1, nd) || (cclen > 0 &&
	    strncmp(out + 1, cc, cclen) == 0 &&
	    ends_in_digits(text, n, out + 1 + cclen, nd - cclen)));
	FUZZ_CHECK(contact_phone_e164(out, nd + 1, cc, again,
	    sizeof(again)) == 0 && strcmp(again, out) == 0);
}

/* 1 if text[0..n) may be a phone: digits, blanks, "().-/", one '+' first. */
static int
phone_chars(const char *text, size_t n)
{
	size_t	 i;
	int	 digits = 0;

	for (i = 0; i < n; i++) {
		if (is_digit(text[i]))
			digits = 1;
		else if (text[i] == '+') {
			if (digits || memchr(text, '+', i) != NULL)
				return 0;
		} else if (text[i] == '\0' || strchr(" ().-/", text[i]) == NULL)
			return 0;
	}
	return 1;
}

/* Moves *s and *n past the blanks around s[0..n). */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_blank((*s)[0]))
		(*s)++, (*n)--;
	while (*n > 0 && is_blank((*s)[*n - 1]))
		(*n)--;
}

/* 1 if s[0..n), trimmed, is an e-mail address. */
static int
email_valid(const char *s, size_t n)
{
	const char	*at, *d;
	size_t		 i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	if ((at = memchr(s, '@', n)) == NULL || at == s ||
	    memchr(at + 1, '@', n - (size_t)(at - s) - 1) != NULL)
		return 0;
	d = at + 1;
	n -= (size_t)(d - s);
	if (n == 0 || d[0] == '.' || d[n - 1] == '.' ||
	    memchr(d, '.', n) == NULL)
		return 0;
	for (i = 1; i < n; i++)
		if (d[i] == '.' && d[i - 1] == '.')
			return 0;
	return 1;
}

/* Checks the address out that contact_email gave for text[0..n). */
static void
check_email(const char *text, size_t n, const char *out)
{
	char	*again;
	size_t	 i;

	trim(&text, &n);
	FUZZ_CHECK(strlen(out) == n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(out[i] == ((text[i] >= 'A' && text[i] <= 'Z') ?
		    text[i] - 'A' + 'a' : text[i]));
	again = xmalloc(n + 1);
	FUZZ_CHECK(contact_email(out, n, again, n + 1) == 0 &&
	    strcmp(again, out) == 0);
	free(again);
}

/*
 * The E.164 form (phone) or the e-mail address of text[0..n), first
 * with room enough, then in a tight out of outsz bytes with a canary
 * past it.
 */
static void
canonical(int phone, const char *text, size_t n, const char *cc,
    size_t outsz)
{
	const char	*t = text;
	char		*roomy, *tight;
	size_t		 roomsz = n + E164_MAX + 2, tn = n;
	int		 rc;

	roomy = xmalloc(roomsz);
	memset(roomy, OUT_CANARY, roomsz);
	rc = phone ? contact_phone_e164(text, n, cc, roomy, roomsz) :
	    contact_email(text, n, roomy, roomsz);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(memchr(roomy, '\0', roomsz) != NULL);
	if (phone) {
		if (rc == 0)
			check_e164(text, n, cc, roomy);
		FUZZ_CHECK(rc == -1 || phone_chars(text, n));
	} else {
		trim(&t, &tn);
		FUZZ_CHECK((rc == 0) == email_valid(t, tn));
		if (rc == 0)
			check_email(text, n, roomy);
	}

	tight = xmalloc(outsz + 1);
	memset(tight, OUT_CANARY, outsz + 1);
	if (phone)
		FUZZ_CHECK(contact_phone_e164(text, n, cc, tight, outsz) ==
		    (rc == 0 && strlen(roomy) < outsz ? 0 : -1));
	else
		FUZZ_CHECK(contact_email(text, n, tight, outsz) ==
		    (rc == 0 && strlen(roomy) < outsz ? 0 : -1));
	FUZZ_CHECK((unsigned char)tight[outsz] == OUT_CANARY);
	FUZZ_CHECK(outsz == 0 || memchr(tight, '\0', outsz) != NULL);
	if (rc == 0 && strlen(roomy) < outsz)
		FUZZ_CHECK(strcmp(tight, roomy) == 0);
	free(tight);
	free(roomy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text = (const char *)data + 2, *cc;
	size_t		 n, outsz, pick;

	if (size < 2)
		return 0;
	n = size - 2;
	pick = data[0] % (NCOUNTRIES + NODD_CODES);
	cc = pick < NCOUNTRIES ? contact_calling_code(countries[pick]) :
	    odd_codes[pick - NCOUNTRIES];
	outsz = data[1] % (OUT_TIGHT_MAX + 1);
	check_calling_code(text, n);
	canonical(1, text, n, cc, outsz);
	canonical(0, text, n, cc, outsz);
	return 0;
}
