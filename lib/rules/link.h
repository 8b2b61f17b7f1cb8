/*
 * link: signed links.  A message carries one (an e-mail's rating link),
 * and the receiver takes it back as a webhook of the source whose path it
 * is, sure that integra made it.
 *
 * A link is URL?QUERY&sig=SIG.  SIG is the HMAC-SHA256, keyed with the
 * links' secret, of the link's path and its query's members, decoded as a
 * web server decodes them (%XX, and in the query '+' a space; an empty
 * member, "&&", is one named "" unless it ends the query) and sorted by
 * name:
 * "PATH\nNAME=VALUE\nNAME=VALUE\n", in base64url without padding.  What
 * is added to a link after it is signed (a template's "&rating=5") is the
 * reader's choice: the receiver leaves out of the signature the members
 * its source names as choices, and refuses any other.
 *
 * Ownership: a struct link_member points to strings it does not own.
 * link_sign appends to the caller's out and frees the decoded copies it
 * makes before it returns; link_check only reads what it is given.
 */
#ifndef INTEGRA_RULES_LINK_H
#define INTEGRA_RULES_LINK_H

#include <stddef.h>

struct buf;

#define LINK_SIG	"sig"	/* the query member that holds the signature */
#define LINK_SIG_LEN	43	/* base64url of 32 bytes, unpadded */

/* A query member, decoded. */
struct link_member {
	const char	*name;
	const char	*value;
};

/*
 * Appends url with its signature to out.  Returns 0, or -1 if url is not
 * an absolute http(s) URL with a path, holds a fragment, blanks or more
 * than 32 query members, or already holds a signature.
 */
int	link_sign(const char *secret, size_t secretlen, const char *url,
	    struct buf *out);
/*
 * Checks sig against path and the members m[0..n) (in any order, those
 * left out of the signature already left out).  Returns 1 if it is the
 * signature, in constant time, else 0.
 */
int	link_check(const char *secret, size_t secretlen, const char *path,
	    const struct link_member *m, size_t n, const char *sig);

#endif
