/*
 * jvparse: the tree jvparse builds of text json_validate accepted equals
 * libjq 1.6's own (jvparse.h), and text it did not accept is never read
 * out of bounds.
 */
#include <stdlib.h>

#include <jv.h>

#include "json/jsonscan.h"
#include "json/jvparse.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	jv		 ours, theirs;

	ours = jvparse(s, size);
	if (json_validate(s, size, NULL, NULL) == JSON_INVALID) {
		jv_free(ours);
		return 0;
	}
	theirs = jv_parse_sized(s, (int)size);
	FUZZ_CHECK(jv_is_valid(ours));
	FUZZ_CHECK(jv_is_valid(theirs));
	if (!jv_equal(jv_copy(ours), jv_copy(theirs))) {
		jv a = jv_dump_string(ours, JV_PRINT_SORTED);
		jv b = jv_dump_string(theirs, JV_PRINT_SORTED);

		fuzz_fail("jvparse %s, jq %s", jv_string_value(a),
		    jv_string_value(b));
	}
	jv_free(ours);
	jv_free(theirs);
	return 0;
}
