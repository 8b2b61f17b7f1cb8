/*
 * jvparse: the jv tree of JSON text that json_validate has accepted, built
 * about twice as fast as libjq 1.6's jv_parse_sized, which reads a byte at
 * a time through a token state machine.
 *
 * The text is trusted to be valid: the caller ran json_validate on exactly
 * these bytes.  The tree then equals what jv_parse_sized makes of the same
 * text: duplicate names keep the last value, numbers are doubles correctly
 * rounded.  Text that is not valid JSON gives jv_invalid() or some tree,
 * but is never read outside s[0..n).
 *
 * Ownership: the jv returned is the caller's.
 */
#ifndef INTEGRA_JSON_JVPARSE_H
#define INTEGRA_JSON_JVPARSE_H

#include <stddef.h>

#include <jv.h>

jv	jvparse(const char *s, size_t n);
/*
 * The tree of any text, from outside or not: json_validate first, then
 * jvparse; text that is not one valid JSON value gives jv_invalid with
 * the reason and the byte ("invalid UTF-8 at byte 7").  In place of
 * libjq 1.6's jv_parse_sized, which takes what json_validate refuses
 * (bytes that are no UTF-8, nesting past its own limit) and leaks the
 * value after a missing separator ({"a" "b"}).
 */
jv	jvparse_text(const char *s, size_t n);

#endif
