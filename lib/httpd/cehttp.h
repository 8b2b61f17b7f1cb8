/*
 * cehttp: CloudEvents over HTTP (the HTTP protocol binding): a
 * binary-mode event made into its structured form, and the members of a
 * batch.
 *
 * Ownership: nothing is handed back to free.  cehttp_structure appends to
 * the caller's buf; cehttp_batch_items fills the caller's start and end
 * arrays, of max offsets each.  Both only read the rest.
 */
#ifndef INTEGRA_HTTPD_CEHTTP_H
#define INTEGRA_HTTPD_CEHTTP_H

#include <stddef.h>

#include <microhttpd.h>

struct buf;

/* A request header as the client sent it. */
struct cehttp_header {
	const char	*name;
	const char	*value;
};

/*
 * Appends to out the structured form of the binary-mode event of the
 * headers h[0..n) and the body body[0..len): each ce- header an attribute
 * (lower-cased, its value percent-decoded), the first Content-Type its
 * datacontenttype, the body its data.  The text is not checked here: the
 * caller checks it as any event.
 */
void	cehttp_structure(const struct cehttp_header *h, size_t n,
	    const char *body, size_t len, struct buf *out);
/* The same with the headers of conn. */
void	cehttp_structure_conn(struct MHD_Connection *conn, const char *body,
	    size_t len, struct buf *out);
/*
 * The offsets of the members of the JSON array s[0..n), which
 * json_validate accepted: at most max of them; returns how many.
 */
size_t	cehttp_batch_items(const char *s, size_t n, size_t *start,
	    size_t *end, size_t max);

#endif
