/*
 * redact: makes a short, safe excerpt of a response body for the journal.
 *
 * Ownership: nothing here allocates; redact_excerpt only reads in and
 * writes into the caller's out.
 */
#ifndef INTEGRA_TRANSPORT_REDACT_H
#define INTEGRA_TRANSPORT_REDACT_H

#include <stddef.h>

#define REDACT_EXCERPT_MAX	1024

/*
 * Copies at most max bytes of in[0..n) to out (NUL-terminated, outsz >
 * max), never cutting a UTF-8 sequence, with personal data and secrets
 * replaced by "***": e-mail addresses, runs of 8 or more digits (phones,
 * CPF, cards, with the usual separators . - space ( ) between digits), and
 * the values of JSON members whose names say secret (token, secret,
 * password, passwd, authorization, api_key, apikey, access_token, cpf,
 * phone, email, name).  Invalid UTF-8 bytes become "?".  Returns the length
 * written.
 */
size_t	redact_excerpt(const char *in, size_t n, char *out, size_t outsz,
	    size_t max);

#endif
