/*
 * jvdump: compact JSON from a jv.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "json/jvdump.h"

/* jq writes infinities as the largest double, and NaN as null. */
static void
number(struct buf *out, double d)
{
	char text[32];
	int digits;

	if (isnan(d)) {
		buf_adds(out, "null");
		return;
	}
	if (isinf(d)) {
		buf_adds(out, d < 0 ? "-1.7976931348623157e+308" :
		    "1.7976931348623157e+308");
		return;
	}
	if (d == floor(d) && fabs(d) < 1e17) {
		buf_addf(out, "%.0f", d);
		return;
	}
	for (digits = 15; digits < 17; digits++) {
		snprintf(text, sizeof(text), "%.*g", digits, d);
		if (strtod(text, NULL) == d)
			break;
	}
	if (digits == 17)
		snprintf(text, sizeof(text), "%.17g", d);
	buf_adds(out, text);
}

static void	dump_sorted(struct buf *, jv);

/* Writes v, which it borrows; with sorted, members by their names. */
static void
dump(struct buf *out, jv v, int sorted)
{
	int i, n, first;

	switch (jv_get_kind(v)) {
	case JV_KIND_NULL:
		buf_adds(out, "null");
		break;
	case JV_KIND_TRUE:
		buf_adds(out, "true");
		break;
	case JV_KIND_FALSE:
		buf_adds(out, "false");
		break;
	case JV_KIND_NUMBER:
		number(out, jv_number_value(v));
		break;
	case JV_KIND_STRING:
		buf_add_json_string(out, jv_string_value(v),
		    (size_t)jv_string_length_bytes(jv_copy(v)));
		break;
	case JV_KIND_ARRAY:
		buf_addc(out, '[');
		n = jv_array_length(jv_copy(v));
		for (i = 0; i < n; i++) {
			jv e = jv_array_get(jv_copy(v), i);

			if (i > 0)
				buf_addc(out, ',');
			dump(out, e, sorted);
			jv_free(e);
		}
		buf_addc(out, ']');
		break;
	case JV_KIND_OBJECT:
		if (sorted) {
			dump_sorted(out, v);
			break;
		}
		buf_addc(out, '{');
		first = 1;
		for (i = jv_object_iter(v); jv_object_iter_valid(v, i);
		    i = jv_object_iter_next(v, i)) {
			jv k = jv_object_iter_key(v, i);
			jv e = jv_object_iter_value(v, i);

			if (!first)
				buf_addc(out, ',');
			first = 0;
			dump(out, k, 0);
			buf_addc(out, ':');
			dump(out, e, 0);
			jv_free(k);
			jv_free(e);
		}
		buf_addc(out, '}');
		break;
	default:
		/* An invalid jv has no JSON form; jq writes it as null. */
		buf_adds(out, "null");
		break;
	}
}

/* An object, borrowed, its members in the order of jv_keys: sorted. */
static void
dump_sorted(struct buf *out, jv v)
{
	jv keys = jv_keys(jv_copy(v));
	int i, n = jv_array_length(jv_copy(keys));

	buf_addc(out, '{');
	for (i = 0; i < n; i++) {
		jv k = jv_array_get(jv_copy(keys), i);
		jv e = jv_object_get(jv_copy(v), jv_copy(k));

		if (i > 0)
			buf_addc(out, ',');
		dump(out, k, 0);
		buf_addc(out, ':');
		dump(out, e, 1);
		jv_free(k);
		jv_free(e);
	}
	buf_addc(out, '}');
	jv_free(keys);
}

void
jvdump(struct buf *out, jv v)
{
	dump(out, v, 0);
	jv_free(v);
}

void
jvdump_sorted(struct buf *out, jv v)
{
	dump(out, v, 1);
	jv_free(v);
}

int
jvdump_key(struct buf *out, jv v)
{
	size_t start = out->len;

	if (jv_get_kind(v) == JV_KIND_STRING) {
		buf_add(out, jv_string_value(v),
		    (size_t)jv_string_length_bytes(jv_copy(v)));
		return out->len > start && strlen(out->data + start) ==
		    out->len - start ? 0 : -1;
	}
	if (jv_get_kind(v) == JV_KIND_NUMBER) {
		jvdump(out, jv_copy(v));
		return 0;
	}
	return -1;
}
