/*
 * zapiin: Z-API's callbacks as integra's events.  See zapiin.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "rules/zapiin.h"

/* A member of o (borrowed) if it is of that kind, else jv_invalid(). */
static jv
member_of(jv o, const char *key, jv_kind kind)
{
	jv v = jv_object_get(jv_copy(o), jv_string(key));

	if (jv_get_kind(v) == kind)
		return v;
	jv_free(v);
	return jv_invalid();
}

static jv
string_of(jv o, const char *key)
{
	return member_of(o, key, JV_KIND_STRING);
}

static jv
object_of(jv o, const char *key)
{
	return member_of(o, key, JV_KIND_OBJECT);
}

static int
is_true(jv o, const char *key)
{
	jv v = jv_object_get(jv_copy(o), jv_string(key));
	int t = jv_get_kind(v) == JV_KIND_TRUE;

	jv_free(v);
	return t;
}

/* Sets out[to] to from[key] if that is a non-empty string. */
static jv
take(jv out, const char *to, jv from, const char *key)
{
	jv v = string_of(from, key);

	if (jv_is_valid(v) && jv_string_length_bytes(jv_copy(v)) > 0)
		return jv_object_set(out, jv_string(to), v);
	jv_free(v);
	return out;
}

/* Sets out[to] to from[key] if it is a number or a string. */
static jv
take_scalar(jv out, const char *to, jv from, const char *key)
{
	jv v = jv_object_get(jv_copy(from), jv_string(key));

	if (jv_get_kind(v) == JV_KIND_NUMBER ||
	    jv_get_kind(v) == JV_KIND_STRING)
		return jv_object_set(out, jv_string(to), v);
	jv_free(v);
	return out;
}

/* "at": Z-API's "momment" (sic), ms since the epoch, in RFC 3339. */
static jv
take_moment(jv out, jv from)
{
	jv v = jv_object_get(jv_copy(from), jv_string("momment"));
	char at[RFC3339_LEN + 1];
	double ms;

	if (jv_get_kind(v) == JV_KIND_NUMBER) {
		ms = jv_number_value(v);
		if (ms > 0 && ms < 32503680000000.0) {	/* before 3000 */
			clock_rfc3339((int64_t)ms, at);
			out = jv_object_set(out, jv_string("at"), jv_string(at));
		}
	}
	jv_free(v);
	return out;
}

/* The media a message carries, with the member that holds its URL. */
static const struct media {
	const char	*kind;
	const char	*url;
} media[] = {
	{ "image", "imageUrl" },
	{ "audio", "audioUrl" },
	{ "video", "videoUrl" },
	{ "document", "documentUrl" },
	{ "sticker", "stickerUrl" },
};

/*
 * The message's kind and what it holds beyond its text: a medium as
 * {url, mime_type, caption, file_name}, a place as {latitude, longitude,
 * address}, a shared contact as {name, vcard}.
 */
static jv
content(jv out, jv d, const char **kind)
{
	jv o, m;
	size_t i;

	for (i = 0; i < sizeof(media) / sizeof(media[0]); i++) {
		if (!jv_is_valid(o = object_of(d, media[i].kind))) {
			jv_free(o);
			continue;
		}
		*kind = media[i].kind;
		m = take(jv_object(), "url", o, media[i].url);
		m = take(m, "mime_type", o, "mimeType");
		m = take(m, "caption", o, "caption");
		m = take(m, "file_name", o, "fileName");
		out = take(out, "text", o, "caption");
		jv_free(o);
		return jv_object_set(out, jv_string("media"), m);
	}
	if (jv_is_valid(o = object_of(d, "location"))) {
		*kind = "location";
		m = take_scalar(jv_object(), "latitude", o, "latitude");
		m = take_scalar(m, "longitude", o, "longitude");
		m = take(m, "address", o, "address");
		jv_free(o);
		return jv_object_set(out, jv_string("location"), m);
	}
	jv_free(o);
	if (jv_is_valid(o = object_of(d, "contact"))) {
		*kind = "contact";
		m = take(jv_object(), "name", o, "displayName");
		m = take(m, "vcard", o, "vCard");
		jv_free(o);
		return jv_object_set(out, jv_string("contact"), m);
	}
	jv_free(o);
	if (jv_is_valid(o = object_of(d, "text"))) {
		*kind = "text";
		out = take(out, "text", o, "message");
	}
	jv_free(o);
	return out;
}

/*
 * The service and rating of a feedback button's id, "feedback:S:R";
 * 0 if id is not one.
 */
static int
feedback_button(const char *id, char *service, size_t servicesz, int *rating)
{
	size_t plen = strlen(ZAPI_FEEDBACK_PREFIX), n;
	const char *colon;

	if (strncmp(id, ZAPI_FEEDBACK_PREFIX, plen) != 0)
		return 0;
	id += plen;
	if ((colon = strrchr(id, ':')) == NULL || colon == id ||
	    colon[1] < '1' || colon[1] > '5' || colon[2] != '\0')
		return 0;
	if ((n = (size_t)(colon - id)) >= servicesz)
		return 0;
	memcpy(service, id, n);
	service[n] = '\0';
	*rating = colon[1] - '0';
	return 1;
}

/*
 * A button or list reply: its id in *reply (or invalid), its label as
 * the message's text.
 */
static jv
reply(jv out, jv d, jv *reply, const char **kind)
{
	jv o;

	if (jv_is_valid(o = object_of(d, "buttonsResponseMessage"))) {
		*kind = "button";
		*reply = string_of(o, "buttonId");
		out = take(out, "text", o, "message");
		jv_free(o);
		return out;
	}
	jv_free(o);
	if (jv_is_valid(o = object_of(d, "listResponseMessage"))) {
		*kind = "list";
		*reply = string_of(o, "selectedRowId");
		out = take(out, "text", o, "message");
	}
	jv_free(o);
	return out;
}

static int
message(jv d, const char **type, jv *out, char *err, size_t errsz)
{
	jv id = string_of(d, "messageId"), phone = string_of(d, "phone");
	jv data, rid = jv_invalid();
	const char *kind = "other";
	char service[128];
	int rating;

	if (!jv_is_valid(id) || !jv_is_valid(phone)) {
		snprintf(err, errsz, "field '%s': missing, or not a string",
		    jv_is_valid(id) ? "phone" : "messageId");
		jv_free(id);
		jv_free(phone);
		return -1;
	}
	data = jv_object_set(jv_object(), jv_string("message_id"), id);
	if (is_true(d, "isGroup")) {
		*type = "whatsapp.group";
		data = jv_object_set(data, jv_string("group_id"), phone);
		data = take(data, "phone", d, "participantPhone");
	} else {
		*type = is_true(d, "fromMe") ? "whatsapp.outbound" :
		    "whatsapp.inbound";
		data = jv_object_set(data, jv_string("phone"), phone);
	}
	data = take(data, "sender_name", d, "senderName");
	data = take(data, "chat_name", d, "chatName");
	data = take_moment(data, d);
	data = content(data, d, &kind);
	data = reply(data, d, &rid, &kind);
	if (jv_is_valid(rid)) {
		if (strcmp(*type, "whatsapp.inbound") == 0 &&
		    feedback_button(jv_string_value(rid), service,
		    sizeof(service), &rating)) {
			/* A rating: what the business asked for. */
			*type = "feedback.received";
			data = jv_object_set(data, jv_string("service_id"),
			    jv_string(service));
			data = jv_object_set(data, jv_string("rating"),
			    jv_number(rating));
			data = jv_object_set(data, jv_string("channel"),
			    jv_string("whatsapp"));
			data = jv_object_delete(data, jv_string("text"));
			jv_free(rid);
			*out = data;
			return 0;
		}
		data = jv_object_set(data, jv_string("reply_id"), rid);
	} else
		jv_free(rid);
	*out = jv_object_set(data, jv_string("kind"), jv_string(kind));
	return 0;
}

/* A status, lower-cased: "sent", "received", "read", "read_by_me", ... */
static int
status(jv d, jv *out, char *err, size_t errsz)
{
	jv st = string_of(d, "status"), ids, data;
	char lower[32];
	const char *s;
	size_t i;

	ids = jv_object_get(jv_copy(d), jv_string("ids"));
	if (!jv_is_valid(st) || jv_get_kind(ids) != JV_KIND_ARRAY ||
	    jv_array_length(jv_copy(ids)) == 0) {
		snprintf(err, errsz, "field '%s': missing, or not a %s",
		    jv_is_valid(st) ? "ids" : "status",
		    jv_is_valid(st) ? "non-empty array" : "string");
		jv_free(st);
		jv_free(ids);
		return -1;
	}
	s = jv_string_value(st);
	for (i = 0; s[i] != '\0' && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)s[i]);
	lower[i] = '\0';
	jv_free(st);
	data = jv_object_set(jv_object(), jv_string("status"),
	    jv_string(lower));
	data = jv_object_set(data, jv_string("message_ids"), ids);
	data = take(data, "phone", d, "phone");
	*out = take_moment(data, d);
	return 0;
}

int
zapi_is_callback(jv data)
{
	jv t;
	size_t n;
	int is;

	if (jv_get_kind(data) != JV_KIND_OBJECT)
		return 0;
	t = string_of(data, "type");
	is = jv_is_valid(t) && (n = (size_t)jv_string_length_bytes(jv_copy(t)))
	    > 8 && strcmp(jv_string_value(t) + n - 8, "Callback") == 0;
	jv_free(t);
	return is;
}

int
zapi_inbound(jv data, const char **type, jv *out, char *err, size_t errsz)
{
	jv t = string_of(data, "type");
	int rc;

	if (!jv_is_valid(t)) {
		snprintf(err, errsz, "field 'type': not a Z-API callback");
		rc = -1;
	} else if (strcmp(jv_string_value(t), "ReceivedCallback") == 0)
		rc = message(data, type, out, err, errsz);
	else if (strcmp(jv_string_value(t), "MessageStatusCallback") == 0) {
		*type = "whatsapp.status";
		rc = status(data, out, err, errsz);
	} else {
		snprintf(err, errsz, "Z-API callback '%.64s' is not one that"
		    " integra reads (ReceivedCallback, MessageStatusCallback)",
		    jv_string_value(t));
		rc = -1;
	}
	jv_free(t);
	jv_free(data);
	return rc;
}
