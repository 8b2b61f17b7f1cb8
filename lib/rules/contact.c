/*
 * contact: canonical forms of phone numbers (E.164) and e-mail addresses.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/contact.h"

/* E.164 numbers have at most 15 digits; "00" or a trunk "0" and a carrier
 * code can come in front of them. */
#define CONTACT_E164_MIN	8
#define CONTACT_E164_MAX	15
#define CONTACT_DIGITS_MAX	(CONTACT_E164_MAX + 3)

struct contact_country {
	char	 iso2[3];
	char	 code[4];
};

/* Sorted by iso2, for bsearch. */
static const struct contact_country contact_countries[] = {
	{ "AD", "376" }, { "AE", "971" }, { "AF", "93" }, { "AG", "1" },
	{ "AI", "1" }, { "AL", "355" }, { "AM", "374" }, { "AO", "244" },
	{ "AR", "54" }, { "AS", "1" }, { "AT", "43" }, { "AU", "61" },
	{ "AW", "297" }, { "AZ", "994" }, { "BA", "387" }, { "BB", "1" },
	{ "BD", "880" }, { "BE", "32" }, { "BF", "226" }, { "BG", "359" },
	{ "BH", "973" }, { "BI", "257" }, { "BJ", "229" }, { "BM", "1" },
	{ "BN", "673" }, { "BO", "591" }, { "BR", "55" }, { "BS", "1" },
	{ "BT", "975" }, { "BW", "267" }, { "BY", "375" }, { "BZ", "501" },
	{ "CA", "1" }, { "CD", "243" }, { "CF", "236" }, { "CG", "242" },
	{ "CH", "41" }, { "CL", "56" }, { "CM", "237" }, { "CN", "86" },
	{ "CO", "57" }, { "CR", "506" }, { "CU", "53" }, { "CV", "238" },
	{ "CW", "599" }, { "CY", "357" }, { "CZ", "420" }, { "DE", "49" },
	{ "DJ", "253" }, { "DK", "45" }, { "DM", "1" }, { "DO", "1" },
	{ "DZ", "213" }, { "EC", "593" }, { "EE", "372" }, { "EG", "20" },
	{ "ER", "291" }, { "ES", "34" }, { "ET", "251" }, { "FI", "358" },
	{ "FJ", "679" }, { "FO", "298" }, { "FR", "33" }, { "GA", "241" },
	{ "GB", "44" }, { "GD", "1" }, { "GE", "995" }, { "GF", "594" },
	{ "GH", "233" }, { "GI", "350" }, { "GL", "299" }, { "GM", "220" },
	{ "GN", "224" }, { "GP", "590" }, { "GQ", "240" }, { "GR", "30" },
	{ "GT", "502" }, { "GU", "1" }, { "GW", "245" }, { "GY", "592" },
	{ "HK", "852" }, { "HN", "504" }, { "HR", "385" }, { "HT", "509" },
	{ "HU", "36" }, { "ID", "62" }, { "IE", "353" }, { "IL", "972" },
	{ "IN", "91" }, { "IQ", "964" }, { "IR", "98" }, { "IS", "354" },
	{ "IT", "39" }, { "JM", "1" }, { "JO", "962" }, { "JP", "81" },
	{ "KE", "254" }, { "KG", "996" }, { "KH", "855" }, { "KN", "1" },
	{ "KR", "82" }, { "KW", "965" }, { "KY", "1" }, { "KZ", "7" },
	{ "LA", "856" }, { "LB", "961" }, { "LC", "1" }, { "LI", "423" },
	{ "LK", "94" }, { "LR", "231" }, { "LS", "266" }, { "LT", "370" },
	{ "LU", "352" }, { "LV", "371" }, { "LY", "218" }, { "MA", "212" },
	{ "MC", "377" }, { "MD", "373" }, { "ME", "382" }, { "MG", "261" },
	{ "MK", "389" }, { "ML", "223" }, { "MM", "95" }, { "MN", "976" },
	{ "MO", "853" }, { "MQ", "596" }, { "MR", "222" }, { "MT", "356" },
	{ "MU", "230" }, { "MV", "960" }, { "MW", "265" }, { "MX", "52" },
	{ "MY", "60" }, { "MZ", "258" }, { "NA", "264" }, { "NC", "687" },
	{ "NE", "227" }, { "NG", "234" }, { "NI", "505" }, { "NL", "31" },
	{ "NO", "47" }, { "NP", "977" }, { "NZ", "64" }, { "OM", "968" },
	{ "PA", "507" }, { "PE", "51" }, { "PF", "689" }, { "PG", "675" },
	{ "PH", "63" }, { "PK", "92" }, { "PL", "48" }, { "PR", "1" },
	{ "PS", "970" }, { "PT", "351" }, { "PY", "595" }, { "QA", "974" },
	{ "RE", "262" }, { "RO", "40" }, { "RS", "381" }, { "RU", "7" },
	{ "RW", "250" }, { "SA", "966" }, { "SD", "249" }, { "SE", "46" },
	{ "SG", "65" }, { "SI", "386" }, { "SK", "421" }, { "SM", "378" },
	{ "SN", "221" }, { "SO", "252" }, { "SR", "597" }, { "SV", "503" },
	{ "SY", "963" }, { "TG", "228" }, { "TH", "66" }, { "TN", "216" },
	{ "TR", "90" }, { "TT", "1" }, { "TW", "886" }, { "TZ", "255" },
	{ "UA", "380" }, { "UG", "256" }, { "US", "1" }, { "UY", "598" },
	{ "UZ", "998" }, { "VA", "39" }, { "VC", "1" }, { "VE", "58" },
	{ "VG", "1" }, { "VI", "1" }, { "VN", "84" }, { "YE", "967" },
	{ "ZA", "27" }, { "ZM", "260" }, { "ZW", "263" }
};

static int
contact_country_cmp(const void *key, const void *elem)
{
	const struct contact_country *c = elem;

	return strcmp(key, c->iso2);
}

const char *
contact_calling_code(const char *iso2)
{
	const struct contact_country *c;
	char	 key[3];
	int	 i;

	if (iso2 == NULL)
		return NULL;
	for (i = 0; i < 2; i++) {
		if (iso2[i] >= 'a' && iso2[i] <= 'z')
			key[i] = (char)(iso2[i] - 'a' + 'A');
		else if (iso2[i] >= 'A' && iso2[i] <= 'Z')
			key[i] = iso2[i];
		else
			return NULL;
	}
	if (iso2[2] != '\0')
		return NULL;
	key[2] = '\0';
	c = bsearch(key, contact_countries,
	    sizeof(contact_countries) / sizeof(contact_countries[0]),
	    sizeof(contact_countries[0]), contact_country_cmp);
	return c != NULL ? c->code : NULL;
}

/* A calling code is 1 to 3 digits. */
static size_t
contact_code_len(const char *cc)
{
	size_t	n;

	if (cc == NULL)
		return 0;
	for (n = 0; cc[n] != '\0'; n++)
		if (cc[n] < '0' || cc[n] > '9' || n == 3)
			return 0;
	return n;
}

/*
 * Brazil (55).  National numbers are a 2-digit area code (DDD) and 8 or 9
 * digits: 10 or 11 digits.  Dialled nationally they may carry the trunk
 * "0", and for long distance a 2-digit carrier code after it:
 * "0 21 11 98765 4321".  So, with d[0..n) the digits (no "00" in front):
 *
 *   "0" + 10..11 digits         strip the "0", national
 *   "0" + 12..13 digits         strip the "0" and the carrier, national
 *   10..11 digits               national
 *   12..13 digits from "55"     already international
 *
 * A national number gets "55" in front.  Anything else (say 8 or 9 digits
 * without the area code) cannot be made E.164.  Returns the length written
 * to e, or 0.
 */
static size_t
contact_phone_br(const char *d, size_t n, char *e)
{
	if (n > 0 && d[0] == '0') {
		d++;
		n--;
		if (n == 12 || n == 13) {
			d += 2;
			n -= 2;
		}
		if (n != 10 && n != 11)
			return 0;
	} else if (n == 12 || n == 13) {
		if (d[0] != '5' || d[1] != '5')
			return 0;
		memcpy(e, d, n);
		return n;
	} else if (n != 10 && n != 11)
		return 0;
	memcpy(e, "55", 2);
	memcpy(e + 2, d, n);
	return n + 2;
}

/*
 * Other countries.  One leading trunk "0" is stripped, and what is left is
 * national: it gets the calling code in front.  Without a trunk "0", digits
 * that already start with the calling code and are long enough for a
 * country code and a number (11 or more) are taken as international, as
 * in "351912345678" or "12125551234".  Italy (and the Vatican) and San
 * Marino have no trunk prefix: their leading "0" is part of the number,
 * "06 1234 5678" is +39 06 1234 5678.  Returns the length written to e,
 * or 0.
 */
static size_t
contact_phone_other(const char *d, size_t n, const char *cc, size_t cclen,
    char *e)
{
	int	trunk;

	trunk = 0;
	if (n > 0 && d[0] == '0' && strcmp(cc, "39") != 0 &&
	    strcmp(cc, "378") != 0) {
		d++;
		n--;
		trunk = 1;
	}
	if (!trunk && n >= 11 && memcmp(d, cc, cclen) == 0) {
		memcpy(e, d, n);
		return n;
	}
	if (n + cclen > CONTACT_DIGITS_MAX)
		return 0;
	memcpy(e, cc, cclen);
	memcpy(e + cclen, d, n);
	return n + cclen;
}

/*
 * Only digits, the separators " ().-/" and one "+" before the first digit
 * may appear; a letter (an extension, "x123") or anything else makes the
 * number invalid.  With the "+", or "00" (the international prefix of most
 * countries) in front, the digits are the country code and the number.
 * Otherwise the number is national, see contact_phone_br and
 * contact_phone_other.
 */
int
contact_phone_e164(const char *in, size_t n, const char *calling_code,
    char *out, size_t outsz)
{
	char	 d[CONTACT_DIGITS_MAX], e[CONTACT_DIGITS_MAX];
	size_t	 i, nd, ne, cclen;
	int	 plus;

	if (outsz > 0)
		out[0] = '\0';
	nd = 0;
	plus = 0;
	for (i = 0; i < n; i++) {
		switch (in[i]) {
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			if (nd == sizeof(d))
				return -1;
			d[nd++] = in[i];
			break;
		case '+':
			if (plus || nd > 0)
				return -1;
			plus = 1;
			break;
		case ' ': case '(': case ')': case '.': case '-': case '/':
			break;
		default:
			return -1;
		}
	}
	if (plus) {
		memcpy(e, d, nd);
		ne = nd;
	} else if (nd >= 2 && d[0] == '0' && d[1] == '0') {
		memcpy(e, d + 2, nd - 2);
		ne = nd - 2;
	} else {
		if ((cclen = contact_code_len(calling_code)) == 0)
			return -1;
		if (strcmp(calling_code, "55") == 0)
			ne = contact_phone_br(d, nd, e);
		else
			ne = contact_phone_other(d, nd, calling_code, cclen, e);
	}
	/* No country code starts with 0. */
	if (ne < CONTACT_E164_MIN || ne > CONTACT_E164_MAX || e[0] == '0' ||
	    ne + 2 > outsz)
		return -1;
	out[0] = '+';
	memcpy(out + 1, e, ne);
	out[ne + 1] = '\0';
	return 0;
}

static int
contact_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

int
contact_email(const char *in, size_t n, char *out, size_t outsz)
{
	const unsigned char *p;
	size_t	 i, at, dot;
	int	 seen_at;

	if (outsz > 0)
		out[0] = '\0';
	while (n > 0 && contact_blank(in[0])) {
		in++;
		n--;
	}
	while (n > 0 && contact_blank(in[n - 1]))
		n--;
	if (n == 0 || n + 1 > outsz)
		return -1;
	p = (const unsigned char *)in;
	seen_at = 0;
	at = dot = 0;
	for (i = 0; i < n; i++) {
		/* Blanks and controls inside; bytes >= 0x80 are UTF-8. */
		if (p[i] <= ' ' || p[i] == 0x7f)
			goto bad;
		if (p[i] == '@') {
			if (seen_at)
				goto bad;
			seen_at = 1;
			at = i;
		} else if (seen_at && p[i] == '.') {
			/* The domain: no empty label ("a..b", ".a", "a."). */
			if (i == at + 1 || i == n - 1 || p[i - 1] == '.')
				goto bad;
			dot = i;
		}
		out[i] = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] - 'A' + 'a') :
		    (char)p[i];
	}
	if (!seen_at || at == 0 || dot == 0)
		goto bad;
	out[n] = '\0';
	return 0;
bad:
	out[0] = '\0';
	return -1;
}
