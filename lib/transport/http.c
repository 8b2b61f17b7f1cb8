/*
 * http: libcurl's multi interface behind a small API.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "base/clock.h"
#include "transport/http.h"

#define POOL_MAX	256	/* idle easy handles kept for reuse */

struct http {
	CURLM	*multi;
	CURL	*pool[POOL_MAX];
	int	 npool;
	int	 running;
};

static size_t
keep_response(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct http_xfer *x = ctx;
	size_t n = size * nmemb;

	if (x->response_max > 0) {
		if (n > x->response_max - x->response.len)
			return 0;	/* libcurl stops: CURLE_WRITE_ERROR */
		buf_add(&x->response, data, n);
		return n;
	}
	if (x->response.len < HTTP_RESPONSE_KEEP)
		buf_add(&x->response, data, n < HTTP_RESPONSE_KEEP -
		    x->response.len ? n : HTTP_RESPONSE_KEEP - x->response.len);
	return n;
}

int64_t
http_retry_after(const char *value, size_t len, int64_t now)
{
	char text[64], *end;
	struct tm tm;
	int64_t secs = 0;
	size_t i;

	while (len > 0 && isspace((unsigned char)value[len - 1]))
		len--;
	while (len > 0 && isspace((unsigned char)*value)) {
		value++;
		len--;
	}
	if (len == 0 || len >= sizeof(text))
		return -1;
	for (i = 0; i < len && isdigit((unsigned char)value[i]); i++)
		if ((secs = secs * 10 + (value[i] - '0')) > 10 * 365 * 86400LL)
			secs = 10 * 365 * 86400LL;
	if (i == len)
		return secs * 1000;
	/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
	memcpy(text, value, len);
	text[len] = '\0';
	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	secs = (int64_t)timegm(&tm);
	return secs * 1000 > now ? secs * 1000 - now : 0;
}

/* Keeps the Retry-After of the last answer (a 100 may come first). */
static size_t
keep_header(char *data, size_t size, size_t nmemb, void *ctx)
{
	static const char name[] = "retry-after:";
	struct http_xfer *x = ctx;
	size_t n = size * nmemb;

	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0)
		x->retry_after_ms = -1;
	else if (n > sizeof(name) - 1 &&
	    strncasecmp(data, name, sizeof(name) - 1) == 0)
		x->retry_after_ms = http_retry_after(data + sizeof(name) - 1,
		    n - (sizeof(name) - 1), clock_ms());
	return n;
}

struct http *
http_new(void)
{
	struct http *h;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return NULL;
	h = xcalloc(1, sizeof(*h));
	if ((h->multi = curl_multi_init()) == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

void
http_free(struct http *h)
{
	int i;

	if (h == NULL)
		return;
	for (i = 0; i < h->npool; i++)
		curl_easy_cleanup(h->pool[i]);
	curl_multi_cleanup(h->multi);
	free(h);
	curl_global_cleanup();
}

/* Feeds an e-mail's message to libcurl's DATA. */
static size_t
read_message(char *out, size_t size, size_t nmemb, void *ctx)
{
	struct http_xfer *x = ctx;
	size_t n = size * nmemb;

	if (n > x->body_len - x->sent)
		n = x->body_len - x->sent;
	memcpy(out, x->body + x->sent, n);
	x->sent += n;
	return n;
}

/*
 * An SMTP transfer's: a reply in 5xx refuses the message for good, 4xx
 * for now (RFC 5321 4.2.1); a refused login is for good too.
 */
static const char *
classify_smtp(CURLcode rc, long status)
{
	if (rc == CURLE_OK)
		return NULL;
	if (rc == CURLE_LOGIN_DENIED)
		return "smtp_auth";
	if (status >= 500 && status < 600)
		return "smtp_5xx";
	if (status >= 400 && status < 500)
		return "smtp_4xx";
	return NULL;
}

static const char *
classify(CURLcode rc, long status)
{
	switch (rc) {
	case CURLE_OK:
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "dns";
	case CURLE_COULDNT_CONNECT:
		return "connect";
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_USE_SSL_FAILED:	/* no STARTTLS where it is wanted */
		return "tls";
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return "url";
	default:
		return "network";
	}
	if (status >= 200 && status < 300)
		return NULL;
	/* The statuses that decide what happens next have their own class. */
	switch (status) {
	case 408:
		return "http_408";
	case 410:
		return "http_410";
	case 425:
		return "http_425";
	case 429:
		return "http_429";
	}
	if (status >= 500)
		return "http_5xx";
	if (status >= 400)
		return "http_4xx";
	return "http_other";
}

int
http_start(struct http *h, struct http_xfer *x)
{
	struct curl_slist *sl = NULL, *t;
	const char *const *hp;
	CURL *e;

	e = h->npool > 0 ? h->pool[--h->npool] : curl_easy_init();
	if (e == NULL) {
		snprintf(x->error, sizeof(x->error), "curl: out of memory");
		return -1;
	}
	/* The list is an e-mail's recipients, or a request's headers. */
	for (hp = x->mail != NULL ? x->mail->rcpt : x->headers;
	    hp != NULL && *hp != NULL; hp++) {
		if ((t = curl_slist_append(sl, *hp)) == NULL) {
			curl_slist_free_all(sl);
			curl_easy_cleanup(e);
			snprintf(x->error, sizeof(x->error),
			    "curl: out of memory");
			return -1;
		}
		sl = t;
	}
	buf_init(&x->response);
	x->status = 0;
	x->retry_after_ms = -1;
	x->error_class = NULL;
	x->error[0] = '\0';
	x->easy = e;
	x->slist = sl;
	x->sent = 0;
	curl_easy_setopt(e, CURLOPT_URL, x->url);
	if (x->mail != NULL) {
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
		curl_easy_setopt(e, CURLOPT_MAIL_FROM, x->mail->from);
		curl_easy_setopt(e, CURLOPT_MAIL_RCPT, sl);
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, read_message);
		curl_easy_setopt(e, CURLOPT_READDATA, x);
		curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)x->body_len);
		if (x->mail->starttls)
			curl_easy_setopt(e, CURLOPT_USE_SSL,
			    (long)CURLUSESSL_ALL);
		if (x->mail->username != NULL) {
			curl_easy_setopt(e, CURLOPT_USERNAME,
			    x->mail->username);
			curl_easy_setopt(e, CURLOPT_PASSWORD,
			    x->mail->password);
		}
	} else {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
		if (strcmp(x->method, "GET") != 0) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDS,
			    x->body != NULL ? x->body : "");
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)x->body_len);
		}
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, sl);
		/*
		 * A target is an http(s) URL, and a redirect does not
		 * change that.
		 */
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	}
	if (x->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, x->ca_file);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, x->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, x->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep_response);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, keep_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->error);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	x->started_ms = clock_ms();
	x->duration_ms = clock_mono_ms();
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
		snprintf(x->error, sizeof(x->error), "curl: cannot add a"
		    " transfer");
		curl_slist_free_all(sl);
		curl_easy_cleanup(e);
		x->easy = x->slist = NULL;
		return -1;
	}
	h->running++;
	return 0;
}

int
http_wait(struct http *h, int fd, int timeout_ms)
{
	struct curl_waitfd wfd = { .fd = fd, .events = CURL_WAIT_POLLIN };
	int still, numfds;

	if (curl_multi_perform(h->multi, &still) != CURLM_OK)
		return -1;
	/*
	 * Transfers that came back in that perform wait for http_done:
	 * nothing would wake a poll for them, which would sleep its whole
	 * timeout with their answers in hand.
	 */
	if (still < h->running)
		return 0;
	if (curl_multi_poll(h->multi, fd >= 0 ? &wfd : NULL, fd >= 0 ? 1 : 0,
	    timeout_ms, &numfds) != CURLM_OK)
		return -1;
	if (curl_multi_perform(h->multi, &still) != CURLM_OK)
		return -1;
	return 0;
}

struct http_xfer *
http_done(struct http *h)
{
	struct http_xfer *x;
	CURLMsg *m;
	long status = 0;
	int left;
	char *p;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
		x = (struct http_xfer *)p;
		curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE,
		    &status);
		x->duration_ms = clock_mono_ms() - x->duration_ms;
		x->status = (int)status;
		x->error_class = x->mail != NULL && (status >= 400 ||
		    m->data.result == CURLE_LOGIN_DENIED) ?
		    classify_smtp(m->data.result, status) :
		    classify(m->data.result, status);
		if (m->data.result == CURLE_OK)
			x->error[0] = '\0';
		else if (m->data.result == CURLE_WRITE_ERROR &&
		    x->response_max > 0)
			snprintf(x->error, sizeof(x->error), "the answer is"
			    " over %zu bytes", x->response_max);
		else if (x->error[0] == '\0')
			snprintf(x->error, sizeof(x->error), "%s",
			    curl_easy_strerror(m->data.result));
		if (x->error_class != NULL && x->error[0] == '\0')
			snprintf(x->error, sizeof(x->error), "%s %ld",
			    x->mail != NULL ? "SMTP" : "HTTP", status);
		curl_multi_remove_handle(h->multi, m->easy_handle);
		curl_slist_free_all(x->slist);
		x->slist = NULL;
		if (h->npool < POOL_MAX) {
			curl_easy_reset(m->easy_handle);
			h->pool[h->npool++] = m->easy_handle;
		} else
			curl_easy_cleanup(m->easy_handle);
		x->easy = NULL;
		h->running--;
		return x;
	}
	return NULL;
}

int
http_running(const struct http *h)
{
	return h->running;
}

void
http_xfer_release(struct http_xfer *x)
{
	buf_release(&x->response);
}
