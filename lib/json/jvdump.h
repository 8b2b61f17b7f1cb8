/*
 * jvdump: writes a jv as compact JSON text, several times faster than
 * libjq 1.6's jv_dump_string, which builds the text in jv strings.  Members
 * come in the object's own order, as jq writes them; numbers in their
 * shortest form that reads back the same.
 *
 * Ownership: jvdump and jvdump_sorted consume their jv, like
 * jv_dump_string.
 */
#ifndef INTEGRA_JSON_JVDUMP_H
#define INTEGRA_JSON_JVDUMP_H

#include <jv.h>

struct buf;

void	jvdump(struct buf *out, jv v);
/*
 * The same with every object's members sorted by name: one text for one
 * value whatever the order its members came in, to hash.
 */
void	jvdump_sorted(struct buf *out, jv v);
/*
 * A key's text appended to out: a string (not empty, without NUL) as it
 * is, a number as JSON writes it.  0, or -1 if v is neither.  Borrows v.
 */
int	jvdump_key(struct buf *out, jv v);

#endif
