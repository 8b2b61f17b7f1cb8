/*
 * httpd/auth: API keys checked for a route's scope.  See httpd/auth.h.
 */
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "httpd/apikey.h"
#include "httpd/auth.h"
#include "httpd/reply.h"
#include "journal/journal.h"
#include "journal/keys.h"

unsigned int
httpd_auth_key(struct journal *reader, struct MHD_Connection *conn,
    const char *scope, struct journal_key *k)
{
	unsigned char hash[JOURNAL_KEY_HASH_LEN];
	const char *key;
	int found;

	if ((key = httpd_reply_header(conn, "X-API-Key")) == NULL &&
	    (key = httpd_reply_header(conn, "Authorization")) != NULL) {
		if (strncasecmp(key, "Bearer ", 7) != 0)
			return MHD_HTTP_UNAUTHORIZED;
		key += 7;
	}
	if (key == NULL)
		return MHD_HTTP_UNAUTHORIZED;
	/* The lookup is by the key's SHA-256: its time tells nothing. */
	apikey_hash(key, hash);
	if (journal_key_find(reader, hash, k, &found) != 0) {
		log_error(NULL, "api key: %s", journal_error(reader));
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	}
	if (!found)
		return MHD_HTTP_UNAUTHORIZED;
	if (!apikey_grants(k->scopes, scope)) {
		log_warn(NULL, "api key '%s' lacks %s: refused", k->name,
		    scope);
		return MHD_HTTP_FORBIDDEN;
	}
	return 0;
}

enum MHD_Result
httpd_auth_refused(struct MHD_Connection *conn, unsigned int status)
{
	if (status == MHD_HTTP_UNAUTHORIZED)
		return httpd_reply_fail(conn, status, "unauthorized",
		    "a valid API key is needed",
		    MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (status == MHD_HTTP_FORBIDDEN)
		return httpd_reply_fail(conn, status, "forbidden",
		    "the API key lacks the scope", NULL, NULL);
	return httpd_reply_fail(conn, status, "unavailable",
	    "the journal failed", NULL, NULL);
}
