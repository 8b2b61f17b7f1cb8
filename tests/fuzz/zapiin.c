/*
 * zapiin: Z-API's callbacks (zapiin.h) on any JSON the receiver would
 * take, parsed as it parses them (json_validate, then jvparse).
 * zapi_is_callback says yes exactly to an object whose "type" is a string
 * ending in "Callback".  zapi_inbound, given one, consumes it and nothing
 * more (the harness's own reference is left whole, and LeakSanitizer sees
 * the rest freed); it succeeds exactly on a ReceivedCallback with its
 * messageId and phone, or a MessageStatusCallback with its status and
 * ids, and then hands back one of the five event types and data that
 * carries the callback's id, phone or status; else its reason is a
 * NUL-terminated string within errsz, however small.
 */
#include <ctype.h>
#include <string.h>

#include <jv.h>

#include "json/jsonscan.h"
#include "json/jvparse.h"
#include "rules/zapiin.h"

#include "fuzz.h"

#define ERR_SMALL	8	/* an err too small for any reason */
#define ERR_CANARY	0x5a	/* what is past it, and must stay */

/* The kind of o[key] (o borrowed), JV_KIND_INVALID if it has none. */
static jv_kind
kind_of(jv o, const char *key)
{
	jv	 v = jv_object_get(jv_copy(o), jv_string(key));
	jv_kind	 kind = jv_get_kind(v);

	jv_free(v);
	return kind;
}

/* 1 if a[akey] and b[bkey] (both borrowed) are there and equal. */
static int
same_member(jv a, const char *akey, jv b, const char *bkey)
{
	jv	 x = jv_object_get(jv_copy(a), jv_string(akey));
	jv	 y = jv_object_get(jv_copy(b), jv_string(bkey));
	int	 same = jv_is_valid(x) && jv_is_valid(y);

	if (same)
		return jv_equal(x, y);
	jv_free(x);
	jv_free(y);
	return 0;
}

/* 1 if o[key] (o borrowed) is the string want, read as a C string. */
static int
string_is(jv o, const char *key, const char *want)
{
	jv	 v = jv_object_get(jv_copy(o), jv_string(key));
	int	 is = jv_get_kind(v) == JV_KIND_STRING &&
		    strcmp(jv_string_value(v), want) == 0;

	jv_free(v);
	return is;
}

/* 1 if o[key] (o borrowed) is a string one of the NULL-ended list. */
static int
string_in(jv o, const char *key, const char *const *list)
{
	for (; *list != NULL; list++)
		if (string_is(o, key, *list))
			return 1;
	return 0;
}

/* What zapi_is_callback must say of v (borrowed). */
static int
ends_in_callback(jv v)
{
	jv	 t;
	int	 n, is = 0;

	if (jv_get_kind(v) != JV_KIND_OBJECT)
		return 0;
	t = jv_object_get(jv_copy(v), jv_string("type"));
	if (jv_get_kind(t) == JV_KIND_STRING) {
		/* A type that is only "Callback" names none. */
		n = jv_string_length_bytes(jv_copy(t));
		is = n > 8 && memcmp(jv_string_value(t) + n - 8, "Callback",
		    8) == 0;
	}
	jv_free(t);
	return is;
}

/* 1 if the callback v (borrowed) is one zapi_inbound must take. */
static int
readable(jv v)
{
	jv	 ids;
	int	 ok;

	if (string_is(v, "type", "ReceivedCallback"))
		return kind_of(v, "messageId") == JV_KIND_STRING &&
		    kind_of(v, "phone") == JV_KIND_STRING;
	if (!string_is(v, "type", "MessageStatusCallback") ||
	    kind_of(v, "status") != JV_KIND_STRING)
		return 0;
	ids = jv_object_get(jv_copy(v), jv_string("ids"));
	ok = jv_get_kind(ids) == JV_KIND_ARRAY &&
	    jv_array_length(jv_copy(ids)) > 0;
	jv_free(ids);
	return ok;
}

/* The event's data (borrowed) says what the message callback v did. */
static void
check_message(jv v, const char *type, jv data)
{
	static const char *const kinds[] = { "text", "image", "audio",
	    "video", "document", "sticker", "location", "contact", "button",
	    "list", "other", NULL };
	jv	 rating;

	FUZZ_CHECK(same_member(data, "message_id", v, "messageId"));
	if (kind_of(v, "isGroup") == JV_KIND_TRUE) {
		FUZZ_CHECK(strcmp(type, "whatsapp.group") == 0);
		FUZZ_CHECK(same_member(data, "group_id", v, "phone"));
		FUZZ_CHECK(string_in(data, "kind", kinds));
		return;
	}
	FUZZ_CHECK(same_member(data, "phone", v, "phone"));
	if (kind_of(v, "fromMe") == JV_KIND_TRUE) {
		FUZZ_CHECK(strcmp(type, "whatsapp.outbound") == 0);
		FUZZ_CHECK(string_in(data, "kind", kinds));
		return;
	}
	if (strcmp(type, "whatsapp.inbound") == 0) {
		FUZZ_CHECK(string_in(data, "kind", kinds));
		return;
	}
	/* A rating that a feedback request's button or row gave. */
	FUZZ_CHECK(strcmp(type, "feedback.received") == 0);
	FUZZ_CHECK(kind_of(data, "service_id") == JV_KIND_STRING);
	FUZZ_CHECK(string_is(data, "channel", "whatsapp"));
	FUZZ_CHECK(kind_of(data, "text") == JV_KIND_INVALID);
	rating = jv_object_get(jv_copy(data), jv_string("rating"));
	FUZZ_CHECK(jv_get_kind(rating) == JV_KIND_NUMBER);
	FUZZ_CHECK(jv_number_value(rating) == 1 ||
	    jv_number_value(rating) == 2 || jv_number_value(rating) == 3 ||
	    jv_number_value(rating) == 4 || jv_number_value(rating) == 5);
	jv_free(rating);
}

/* The event's data (borrowed) says what the status callback v did. */
static void
check_status(jv v, jv data)
{
	jv		 st;
	const char	*s;

	FUZZ_CHECK(same_member(data, "message_ids", v, "ids"));
	st = jv_object_get(jv_copy(data), jv_string("status"));
	FUZZ_CHECK(jv_get_kind(st) == JV_KIND_STRING);
	for (s = jv_string_value(st); *s != '\0'; s++)
		FUZZ_CHECK(!isupper((unsigned char)*s));
	jv_free(st);
}

/*
 * zapi_inbound on a reference of its own to v (borrowed), with an err of
 * errsz bytes out of err[errsz + 1]: its result, the data checked and
 * freed.
 */
static int
inbound(jv v, char *err, size_t errsz)
{
	const char	*type = NULL;
	jv		 data;
	int		 rc;

	memset(err, ERR_CANARY, errsz + 1);
	rc = zapi_inbound(jv_copy(v), &type, &data, err, errsz);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK((unsigned char)err[errsz] == ERR_CANARY);
	if (rc != 0) {
		FUZZ_CHECK(memchr(err, '\0', errsz) != NULL);
		return rc;
	}
	FUZZ_CHECK(type != NULL);
	FUZZ_CHECK(jv_get_kind(data) == JV_KIND_OBJECT);
	if (string_is(v, "type", "ReceivedCallback"))
		check_message(v, type, data);
	else {
		FUZZ_CHECK(strcmp(type, "whatsapp.status") == 0);
		check_status(v, data);
	}
	jv_free(data);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	char		 err[512], small[ERR_SMALL + 1];
	jv		 v;
	int		 rc;

	if (json_validate(s, size, NULL, NULL) == JSON_INVALID)
		return 0;
	v = jvparse(s, size);
	FUZZ_CHECK(jv_is_valid(v));
	FUZZ_CHECK(zapi_is_callback(v) == ends_in_callback(v));
	if (!zapi_is_callback(v)) {
		jv_free(v);
		return 0;
	}
	rc = inbound(v, err, sizeof(err) - 1);
	FUZZ_CHECK((rc == 0) == readable(v));
	FUZZ_CHECK(rc == 0 || err[0] != '\0');
	FUZZ_CHECK(inbound(v, small, ERR_SMALL) == rc);
	/* Consumed its own reference only. */
	FUZZ_CHECK(jv_get_refcnt(v) == 1);
	jv_free(v);
	return 0;
}
