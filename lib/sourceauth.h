/*
 * sourceauth: whether a webhook comes from the source it claims, by the
 * source's scheme (see struct cfg_source_auth):
 *
 *   hmac-sha256        HMAC-SHA256 of the raw body, keyed with the secret,
 *                      in a header, hex or base64, after an optional prefix;
 *   standard-webhooks  Standard Webhooks: "v1," base64 HMAC-SHA256 of
 *                      "webhook-id.webhook-timestamp.body" in
 *                      webhook-signature (one of several, space-separated),
 *                      keyed with the whsec_ secret's base64 bytes, and a
 *                      timestamp within the tolerance of the clock;
 *   token              the secret itself in a header (Z-API's Client-Token).
 *
 * Every comparison takes the same time whatever the bytes.  During a
 * rotation the previous secret is taken too.
 *
 * Ownership: sourceauth_new reads the secrets and keeps copies, which
 * sourceauth_free wipes.  Reasons are static strings that name what was
 * wrong (for the log); they never hold a secret or a signature.
 */
#ifndef INTEGRA_SOURCEAUTH_H
#define INTEGRA_SOURCEAUTH_H

#include <stddef.h>
#include <stdint.h>

struct cfg_source;
struct sourceauth;

/* A request header by name (case-insensitive), or NULL if absent. */
typedef const char *(*sourceauth_header_fn)(void *ctx, const char *name);

/*
 * The checker of src's webhooks: NULL with the reason in err if a secret
 * cannot be read.  A source without auth gets a checker that takes all.
 */
struct sourceauth	*sourceauth_new(const struct cfg_source *src, char *err,
			    size_t errsz);
void			 sourceauth_free(struct sourceauth *);
/* Whether the source authenticates its webhooks. */
int			 sourceauth_required(const struct sourceauth *);
/*
 * Returns 0 if the request with body body[0..len) is authentic at time
 * now (seconds since the epoch), or -1 with *why set.
 */
int			 sourceauth_check(const struct sourceauth *,
			    sourceauth_header_fn, void *ctx, const char *body,
			    size_t len, int64_t now, const char **why);

#endif
