/*
 * schema: schema_apply on event data as the receiver hands it over (text
 * json_validate accepted, parsed by jvparse), against the shipped
 * catalogue ($top_srcdir/share/schemas): the first byte picks the type
 * (one past the last: a type not in it), the rest is the data.  It holds
 * the promises of schema.h: 0 with the canonical data in *out, an object
 * that checks again to itself; or -1 with a reason in err, a string that
 * names the field or the data; the data consumed either way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "json/jsonscan.h"
#include "json/jvparse.h"
#include "rules/schema.h"

#include "fuzz.h"

#define CALLING_CODE	"55"

/* The catalogue, loaded on the first input and kept for the process. */
static struct schema_set	*catalogue;

static const struct schema_set *
catalogue_get(void)
{
	const char	*top;
	const char	*dirs[1];
	char		 dir[4096], err[512];

	if (catalogue != NULL)
		return catalogue;
	top = getenv("top_srcdir") != NULL ? getenv("top_srcdir") : ".";
	snprintf(dir, sizeof(dir), "%s/share/schemas", top);
	dirs[0] = dir;
	if ((catalogue = schema_load(dirs, 1, err, sizeof(err))) == NULL)
		fuzz_fail("schema_load: %s", err);
	if (schema_count(catalogue) == 0)
		fuzz_fail("schema_load: no type in %s", dir);
	return catalogue;
}

/* Checks a refusal's reason in err[0..errsz). */
static void
check_reason(const char *err, size_t errsz)
{
	FUZZ_CHECK(memchr(err, '\0', errsz) != NULL);
	FUZZ_CHECK(strncmp(err, "field '", 7) == 0 ||
	    strncmp(err, "data ", 5) == 0 ||
	    strncmp(err, "event type '", 12) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct schema_set	*set = catalogue_get();
	const char		*text = (const char *)data + 1, *type;
	size_t			 ntypes = schema_count(set), len, pick;
	char			 err[512], again_err[512];
	jv			 event, canon, again;
	int			 rc;

	if (size < 1)
		return 0;
	len = size - 1;
	pick = data[0] % (ntypes + 1);
	type = pick < ntypes ? schema_type(set, pick) : "no.such.type";
	FUZZ_CHECK(schema_has(set, type) == (pick < ntypes));
	if (json_validate(text, len, NULL, NULL) == JSON_INVALID)
		return 0;
	event = jvparse(text, len);
	FUZZ_CHECK(jv_is_valid(event));

	memset(err, 'x', sizeof(err));
	canon = jv_invalid();
	rc = schema_apply(set, type, event, CALLING_CODE, &canon, err,
	    sizeof(err));
	if (rc != 0) {
		FUZZ_CHECK(rc == -1);
		check_reason(err, sizeof(err));
		FUZZ_CHECK(pick < ntypes || strncmp(err, "event type '",
		    12) == 0);
		jv_free(canon);
		return 0;
	}
	FUZZ_CHECK(pick < ntypes);
	FUZZ_CHECK(jv_get_kind(canon) == JV_KIND_OBJECT);

	/* The canonical form is canonical: it checks again to itself. */
	memset(again_err, 'x', sizeof(again_err));
	again = jv_invalid();
	if (schema_apply(set, type, jv_copy(canon), CALLING_CODE, &again,
	    again_err, sizeof(again_err)) != 0) {
		check_reason(again_err, sizeof(again_err));
		fuzz_fail("canonical data refused: %s", again_err);
	}
	if (!jv_equal(jv_copy(canon), jv_copy(again))) {
		jv a = jv_dump_string(canon, JV_PRINT_SORTED);
		jv b = jv_dump_string(again, JV_PRINT_SORTED);

		fuzz_fail("canonical %s checks to %s", jv_string_value(a),
		    jv_string_value(b));
	}
	jv_free(canon);
	jv_free(again);
	return 0;
}
