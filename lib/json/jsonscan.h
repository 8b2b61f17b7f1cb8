/*
 * jsonscan: validates JSON text and finds values in it without building a
 * tree.
 *
 * json_validate checks that a line is one valid JSON value (RFC 8259, with
 * strings in strict UTF-8, RFC 3629); json_member finds the byte range of
 * an object member's value, so that a caller can splice a new value into
 * the original text instead of serialising the whole document again;
 * json_skip steps over one value.
 *
 * The functions read only s[0..n), which need not be NUL-terminated, and
 * keep no state: they allocate nothing, own nothing and are reentrant.
 * Nesting is tracked on a stack of JSON_MAX_DEPTH bytes, not by recursion.
 * Invalid text of any kind is reported, never read out of bounds.
 *
 * json_validate sets *errpos and *why only when it returns JSON_INVALID.
 * json_member checks the whole text as it goes, so it costs what
 * json_validate does; it sets *vstart and *vend only when it returns 1.
 * json_skip looks at nothing after the value, but a number may not run on
 * into a digit ("01" is invalid, not 0 followed by 1); its JSON_MAX_DEPTH
 * counts from s[i].
 *
 * Ownership: nothing here allocates; the functions only read s and write
 * offsets into the caller's variables.  *why points to a static string.
 */
#ifndef INTEGRA_JSON_JSONSCAN_H
#define INTEGRA_JSON_JSONSCAN_H

#include <stddef.h>

/*
 * The deepest nesting accepted: jq 1.6's own limit, so that what passes
 * here also parses there.  jq counts as it parses: an array or an object
 * is a level, and so is the key of an object whose member's value is
 * being read.  An array or object may open while fewer than this many
 * levels are open: 256 arrays in one another, but only 128 objects
 * (each with its key), or one object and 254 arrays in its member.
 */
#define JSON_MAX_DEPTH	256

enum json_type {
	JSON_INVALID, JSON_OBJECT, JSON_ARRAY, JSON_STRING, JSON_NUMBER,
	JSON_TRUE, JSON_FALSE, JSON_NULL
};

/*
 * Checks that s[0..n) is exactly one JSON value (RFC 8259), with optional
 * whitespace around it: strings in strict UTF-8 (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF), no raw control characters in
 * strings, valid escapes (a \u high surrogate must be followed by a \u low
 * one; a lone low surrogate is invalid), numbers per the RFC grammar (no
 * leading zeros, no +, no bare '.', exponent digits required), the
 * literals true, false and null, nesting at most JSON_MAX_DEPTH, and no
 * NUL byte anywhere.  Returns the value's type, or JSON_INVALID with
 * *errpos (if not NULL) the byte offset where it went wrong and *why (if
 * not NULL) a short static reason ("unterminated string", "invalid
 * escape", "invalid UTF-8", "trailing characters", ...).
 */
enum json_type	json_validate(const char *s, size_t n, size_t *errpos,
		    const char **why);

/* Where one member of an object stands in the text. */
struct json_span {
	size_t	name_start;	/* the name, quotes included */
	size_t	name_end;
	int	name_escaped;	/* the name holds an escape */
	size_t	value_start;
	size_t	value_end;
};

/*
 * Steps through the members of the JSON object s[0..n), in order.  *pos
 * starts at 0 and is the iterator's only state.  Returns 1 with *m set
 * for each member, then 0; -1 as soon as s shows it is not a valid object
 * (so a walk that ends in 0 has checked the whole text).
 */
int		json_next_member(const char *s, size_t n, size_t *pos,
		    struct json_span *m);

/*
 * Finds the member called name (UTF-8, no escapes) in the JSON object
 * s[0..n); member names in s are compared after unescaping.  If the name
 * is there more than once the last counts, as in jq.  Sets *vstart and
 * *vend to the offsets of the value's first byte and one past its last.
 * Returns 1 if found, 0 if absent, -1 if s is not a valid object.
 */
int		json_member(const char *s, size_t n, const char *name,
		    size_t *vstart, size_t *vend);

/* The value of the 4 hex digits at p (of a \u escape), or -1. */
int		json_hex4(const unsigned char *p);

/*
 * The offset one past the JSON value that starts at s[i], or (size_t)-1 if
 * s[i..n) does not start a valid value.
 */
size_t		json_skip(const char *s, size_t n, size_t i);

#endif
