/*
 * jsonscan: json_validate, json_skip and the member walk on any bytes,
 * with libjq as the oracle: text that json_validate accepts, jq 1.6 must
 * parse to a value of the same type (the promise behind JSON_MAX_DEPTH),
 * and the walk must agree with the validation.
 */
#include <string.h>

#include <jv.h>

#include "json/jsonscan.h"

#include "fuzz.h"

/* The type jq gives a value (consumed), as jsonscan names it. */
static enum json_type
jq_type(jv v)
{
	jv_kind	kind = jv_get_kind(v);

	jv_free(v);
	switch (kind) {
	case JV_KIND_OBJECT:
		return JSON_OBJECT;
	case JV_KIND_ARRAY:
		return JSON_ARRAY;
	case JV_KIND_STRING:
		return JSON_STRING;
	case JV_KIND_NUMBER:
		return JSON_NUMBER;
	case JV_KIND_TRUE:
		return JSON_TRUE;
	case JV_KIND_FALSE:
		return JSON_FALSE;
	case JV_KIND_NULL:
		return JSON_NULL;
	default:
		return JSON_INVALID;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*s = (const char *)data, *why = NULL;
	struct json_span	 m;
	enum json_type		 t;
	size_t			 errpos = (size_t)-1, pos, i, vs, ve, members;
	int			 rc;
	jv			 v;

	t = json_validate(s, size, &errpos, &why);
	if (t == JSON_INVALID) {
		FUZZ_CHECK(errpos <= size && why != NULL);
		return 0;
	}
	v = jv_parse_sized(s, (int)size);
	if (!jv_is_valid(v)) {
		jv msg = jv_invalid_get_msg(v);

		fuzz_fail("json_validate took what jq refuses: %s",
		    jv_get_kind(msg) == JV_KIND_STRING ?
		    jv_string_value(msg) : "?");
	}
	FUZZ_CHECK(jq_type(jv_copy(v)) == t);

	/* The value spans the text but its surrounding whitespace. */
	for (i = 0; i < size && strchr(" \t\r\n", s[i]) != NULL; i++)
		;
	FUZZ_CHECK(json_skip(s, size, i) != (size_t)-1);
	FUZZ_CHECK(json_skip(s, size, i) <= size);

	/* The walk of an object ends in 0, one member a name jq counts. */
	if (t == JSON_OBJECT) {
		pos = 0;
		members = 0;
		while ((rc = json_next_member(s, size, &pos, &m)) == 1) {
			FUZZ_CHECK(m.name_start < m.name_end &&
			    m.name_end <= m.value_start &&
			    m.value_start < m.value_end && m.value_end <= size);
			members++;
		}
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK(members >= (size_t)jv_object_length(jv_copy(v)));
		FUZZ_CHECK(json_member(s, size, "a", &vs, &ve) ==
		    jv_object_has(jv_copy(v), jv_string("a")));
	} else
		FUZZ_CHECK(json_member(s, size, "a", &vs, &ve) == -1);
	jv_free(v);
	return 0;
}
