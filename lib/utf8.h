/*
 * utf8: strict UTF-8 validation (RFC 3629): no overlong forms, no
 * surrogates, nothing above U+10FFFF, no NUL byte.
 */
#ifndef INTEGRA_UTF8_H
#define INTEGRA_UTF8_H

#include <stddef.h>

/* Returns 1 if s[0..n) is valid UTF-8 without NUL bytes, 0 otherwise. */
int	utf8_valid(const char *s, size_t n);
/* The length of the longest prefix of s[0..n) that is at most max bytes and
 * does not cut a UTF-8 sequence in two. */
size_t	utf8_prefix(const char *s, size_t n, size_t max);

#endif
