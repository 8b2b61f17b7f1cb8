/*
 * webhookauth: webhook signatures by a scheme (see struct
 * cfg_webhook_auth): checked on what a source posts to the receiver
 * (whether it comes from the source it claims), made on what dispatch
 * sends to a target that asks for them (signing).
 *
 *   hmac-sha256        HMAC-SHA256 of the raw body, keyed with the secret,
 *                      in a header, hex or base64, after an optional prefix;
 *   standard-webhooks  Standard Webhooks: "v1," base64 HMAC-SHA256 of
 *                      "webhook-id.webhook-timestamp.body" in
 *                      webhook-signature (one of several, space-separated),
 *                      each header also taken as svix names it (svix-id,
 *                      svix-timestamp, svix-signature),
 *                      keyed with the whsec_ secret's base64 bytes, and a
 *                      timestamp within the tolerance of the clock;
 *   token              the secret itself in a header (Z-API's Client-Token);
 *   google-rbm         RCS Business Messaging's events: X-Goog-Signature,
 *                      the base64 HMAC-SHA512 of the body's message.data
 *                      (base64) once decoded, keyed with the agent's
 *                      clientToken.
 *
 * Every comparison takes the same time whatever the bytes.  During a
 * rotation the previous secret is taken too, and standard-webhooks signs
 * with both.
 *
 * Ownership: webhookauth_new reads the secrets and keeps copies, which
 * webhookauth_free wipes.  Reasons are static strings that name what was
 * wrong (for the log); they never hold a secret or a signature.
 */
#ifndef INTEGRA_TRANSPORT_WEBHOOKAUTH_H
#define INTEGRA_TRANSPORT_WEBHOOKAUTH_H

#include <stddef.h>
#include <stdint.h>

struct cfg_webhook_auth;
struct webhookauth;

#define WEBHOOKAUTH_LINES_MAX	3	/* header lines a signature takes */

/* A request header by name (case-insensitive), or NULL if absent. */
typedef const char *(*webhookauth_header_fn)(void *ctx, const char *name);

/*
 * The checker or signer of scheme c for owner ("source 'site'", for
 * errors): NULL with the reason in err if a secret cannot be read.
 * Without a scheme it takes all and signs nothing.
 */
struct webhookauth	*webhookauth_new(const struct cfg_webhook_auth *c,
			    const char *owner, char *err, size_t errsz);
void			 webhookauth_free(struct webhookauth *);
/* Whether the source authenticates its webhooks. */
int			 webhookauth_required(const struct webhookauth *);
/*
 * Returns 0 if the request with body body[0..len) is authentic at time
 * now (seconds since the epoch), or -1 with *why set.
 */
int			 webhookauth_check(const struct webhookauth *,
			    webhookauth_header_fn, void *ctx, const char *body,
			    size_t len, int64_t now, const char **why);

/*
 * The header lines ("Name: value", allocated) that sign body[0..len) as
 * message id at time now (seconds since the epoch); returns how many.
 */
size_t			 webhookauth_sign(const struct webhookauth *,
			    const char *id, int64_t now, const char *body,
			    size_t len, char *lines[WEBHOOKAUTH_LINES_MAX]);

#endif
