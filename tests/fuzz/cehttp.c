/*
 * cehttp: CloudEvents over HTTP on any bytes, from the headers and body a
 * client sends to the envelope integra checks.  The first byte picks:
 *
 *   0  binary mode: "Name: value" lines up to an empty line, then the
 *      body; the structured form is JSON whenever the body is JSON (or
 *      empty) and the form is UTF-8, and then it is checked as an event;
 *   1  a batch: json_validate then cehttp_batch_items, each member a
 *      whole JSON value, as many as jq counts, each checked as an event;
 *   2  structured mode: the body checked as an event.
 *
 * An event is checked both ways the receiver and the stages do: its text
 * scanned (event_scan) and its tree (event_parse of jvparse), which must
 * agree on whether it is one and on every attribute.
 */
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "httpd/cehttp.h"
#include "json/event.h"
#include "json/jsonscan.h"
#include "json/jvparse.h"

#include "fuzz.h"

#define HEADERS_MAX	32
#define BATCH_MAX	64

/* Whether two attributes, each maybe NULL, are the same. */
static int
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Checks s[0..n), a valid JSON value, as an event both ways. */
static void
check_event(const char *s, size_t n)
{
	struct event	scanned, parsed;
	char		err1[256], err2[256];
	size_t		ds, de;
	int		rc1, rc2;

	err1[0] = err2[0] = '\0';
	if (json_validate(s, n, NULL, NULL) != JSON_OBJECT) {
		/* event_parse says so of any other value. */
		FUZZ_CHECK(event_parse(&parsed, jvparse(s, n), err2,
		    sizeof(err2)) == -1);
		return;
	}
	rc1 = event_scan(&scanned, s, n, &ds, &de, err1, sizeof(err1));
	rc2 = event_parse(&parsed, jvparse(s, n), err2, sizeof(err2));
	FUZZ_CHECK(rc1 == rc2);
	if (rc1 != 0) {
		FUZZ_CHECK(err1[0] != '\0' && err2[0] != '\0');
		return;
	}
	FUZZ_CHECK(same(scanned.id, parsed.id));
	FUZZ_CHECK(same(scanned.source, parsed.source));
	FUZZ_CHECK(same(scanned.type, parsed.type));
	FUZZ_CHECK(same(scanned.time, parsed.time));
	FUZZ_CHECK(same(scanned.subject, parsed.subject));
	FUZZ_CHECK(same(scanned.tenant, parsed.tenant));
	FUZZ_CHECK(same(scanned.idempotencykey, parsed.idempotencykey));
	FUZZ_CHECK(same(scanned.group, parsed.group));
	FUZZ_CHECK(ds <= de && de <= n);
	if (de > ds)
		FUZZ_CHECK(json_validate(s + ds, de - ds, NULL, NULL) !=
		    JSON_INVALID);
	event_release(&scanned);
	event_release(&parsed);
}

/* Binary mode: headers, an empty line, the body. */
static void
binary(char *s, size_t n)
{
	struct cehttp_header	 h[HEADERS_MAX];
	struct buf		 form = BUF_INIT;
	char			*end = s + n, *nl, *colon, *body = end;
	size_t			 nh = 0, len;
	int			 body_ok;

	while (s < end) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		if (nl == s) {
			body = s + 1;
			break;
		}
		*nl = '\0';
		if ((colon = strchr(s, ':')) != NULL && nh < HEADERS_MAX) {
			*colon++ = '\0';
			if (*colon == ' ')
				colon++;
			h[nh].name = s;
			h[nh].value = colon;
			nh++;
		}
		s = nl + 1;
	}
	len = body < end ? (size_t)(end - body) : 0;
	cehttp_structure(h, nh, body, len, &form);
	body_ok = len == 0 || json_validate(body, len, NULL, NULL) !=
	    JSON_INVALID;
	if (json_validate(form.data, form.len, NULL, NULL) == JSON_INVALID)
		FUZZ_CHECK(!body_ok || !utf8_valid(form.data, form.len));
	else
		check_event(form.data, form.len);
	buf_release(&form);
}

/* A batch: the members of a JSON array. */
static void
batch(const char *s, size_t n)
{
	size_t	start[BATCH_MAX + 1], end[BATCH_MAX + 1], count, i;
	jv	array;

	if (json_validate(s, n, NULL, NULL) != JSON_ARRAY)
		return;
	count = cehttp_batch_items(s, n, start, end, BATCH_MAX + 1);
	array = jvparse(s, n);
	FUZZ_CHECK(count == (size_t)jv_array_length(jv_copy(array)) ||
	    count == BATCH_MAX + 1);
	jv_free(array);
	for (i = 0; i < count; i++) {
		FUZZ_CHECK(start[i] < end[i] && end[i] <= n);
		FUZZ_CHECK(json_validate(s + start[i], end[i] - start[i],
		    NULL, NULL) != JSON_INVALID);
		check_event(s + start[i], end[i] - start[i]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*copy;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		/* A copy with a NUL after it: headers are C strings. */
		copy = xmalloc(size);
		memcpy(copy, data + 1, size - 1);
		copy[size - 1] = '\0';
		binary(copy, size - 1);
		free(copy);
		break;
	case 1:
		batch((const char *)data + 1, size - 1);
		break;
	default:
		if (json_validate((const char *)data + 1, size - 1, NULL,
		    NULL) != JSON_INVALID)
			check_event((const char *)data + 1, size - 1);
		break;
	}
	return 0;
}
