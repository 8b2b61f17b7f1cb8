/*
 * jvdump: writes a jv as compact JSON text, several times faster than
 * libjq 1.6's jv_dump_string, which builds the text in jv strings.  Members
 * come in the object's own order, as jq writes them; numbers in their
 * shortest form that reads back the same.
 *
 * Ownership: jvdump consumes its jv, like jv_dump_string.
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

#endif
