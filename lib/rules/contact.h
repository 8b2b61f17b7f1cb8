/*
 * contact: canonical forms of phone numbers and e-mail addresses, done in C
 * because jq 1.6's regular expressions are several times slower.
 *
 * Ownership: nothing here allocates.  Canonical forms are written into
 * the caller's out; contact_calling_code returns a static string.
 */
#ifndef INTEGRA_RULES_CONTACT_H
#define INTEGRA_RULES_CONTACT_H

#include <stddef.h>

/*
 * The calling code ("55") of an ISO 3166-1 alpha-2 country ("BR", any
 * case), or NULL if the country is not known.
 */
const char	*contact_calling_code(const char *iso2);
/*
 * Writes the E.164 form ("+5511987654321") of a phone number as people type
 * it: "+55 (11) 98765-4321", "011 98765 4321", "(11) 98765-4321",
 * "5511987654321", "0055 11 ...".  A number without a country code gets
 * calling_code.  Returns 0, or -1 if it is not a plausible number (letters,
 * fewer than 8 or more than 15 digits) or does not fit in outsz.
 */
int		 contact_phone_e164(const char *in, size_t n,
		    const char *calling_code, char *out, size_t outsz);
/*
 * Writes the canonical form of an e-mail address: surrounding blanks
 * trimmed, lower-cased.  Returns 0, or -1 if it is not an address
 * (one "@", a non-empty local part, a domain with a dot and no blanks) or
 * does not fit.
 */
int		 contact_email(const char *in, size_t n, char *out, size_t outsz);

#endif
