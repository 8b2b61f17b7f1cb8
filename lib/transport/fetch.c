/*
 * fetch: one GET of a whole answer, waited for.  See fetch.h.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "conf/config.h"
#include "transport/fetch.h"
#include "transport/http.h"

#define HEADERS_MAX	40

int
fetch_get(struct http *h, const struct cfg_target *t, const char *auth,
    const char *url, size_t max, struct buf *body, struct fetch *f)
{
	const char *headers[HEADERS_MAX];
	struct http_xfer x, *done;
	struct buf lines = BUF_INIT;
	size_t n = 0, i;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	headers[n++] = "Accept: application/json";
	if (auth != NULL)
		headers[n++] = auth;
	for (i = 0; i < t->nheaders; i++) {
		buf_addf(&lines, "%s: %s", t->headers[i].name,
		    t->headers[i].value);
		buf_addc(&lines, '\0');
	}
	for (i = 0; i < lines.len && n + 1 < HEADERS_MAX;
	    i += strlen(lines.data + i) + 1)
		headers[n++] = lines.data + i;
	headers[n] = NULL;
	x = (struct http_xfer){ .method = "GET", .url = url,
	    .headers = headers, .timeout_ms = t->timeout_ms,
	    .connect_timeout_ms = t->connect_timeout_ms,
	    .ca_file = t->ca_file, .response_max = max };
	if (http_start(h, &x) != 0) {
		snprintf(f->error, sizeof(f->error), "%s", x.error);
		rc = -1;
		goto out;
	}
	do {
		if (http_wait(h, -1, 1000) != 0) {
			snprintf(f->error, sizeof(f->error), "libcurl failed");
			rc = -1;
			goto out;
		}
	} while ((done = http_done(h)) == NULL);
	f->status = done->status;
	f->error_class = done->error_class;
	if (done->error_class != NULL)
		snprintf(f->error, sizeof(f->error), "%s", done->error);
	else
		buf_add(body, done->response.data, done->response.len);
	http_xfer_release(done);
out:
	buf_release(&lines);
	return rc;
}
