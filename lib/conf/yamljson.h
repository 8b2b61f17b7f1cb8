/*
 * yamljson: a YAML document as JSON text, for the files integra ships in
 * YAML and serves as JSON (share/openapi.yaml).
 *
 * The first document of the stream is converted; a mapping becomes an
 * object, its keys strings (a key must be a scalar, and unique), a
 * sequence an array.  A plain scalar that reads as a JSON number (RFC
 * 8259's form, no more), true, false or null is that, and so is an empty
 * one or ~ (YAML's null); every other scalar, and every quoted, literal
 * or folded one, is a string: "200" stays a string, 200 is a number.
 * Tags are not read.  An alias is its anchor's node again.  Members keep
 * the document's order; the text is compact, with no spaces.
 *
 * Ownership: the JSON is appended to the caller's out, which the caller
 * releases; nothing else is kept.  On failure out may hold part of it.
 */
#ifndef INTEGRA_CONF_YAMLJSON_H
#define INTEGRA_CONF_YAMLJSON_H

#include <stddef.h>

struct buf;

#define YAMLJSON_DEPTH_MAX	64		/* nodes within nodes */
#define YAMLJSON_OUT_MAX	(16 << 20)	/* bytes of JSON: aliases
						   could make more of less */

/*
 * The YAML text s[0..n) as JSON appended to out: 0, or -1 with the reason
 * ("LINE: what", lines from 1) in err.
 */
int	yamljson_text(const char *s, size_t n, struct buf *out, char *err,
	    size_t errsz);
/* The same with the file at path; the reason names it. */
int	yamljson_file(const char *path, struct buf *out, char *err,
	    size_t errsz);

#endif
