/*
 * ndjson: the line reader on any bytes, from memory, against lines cut
 * the plain way: split at each newline, a "\r" before it dropped, empty
 * lines skipped but counted, a line over the limit reported once as too
 * long; every line NUL-terminated at its length.  The first two bytes set
 * the limit (1 to 65536), so that short limits meet lines cut across the
 * reader's buffer.
 */
#include <string.h>

#include "json/ndjson.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s, *line, *nl, *end;
	struct ndjson	*r;
	enum ndjson_rc	 rc;
	size_t		 max_line, n, len, want;
	long		 lineno = 0;

	if (size < 2)
		return 0;
	max_line = ((size_t)data[0] << 8 | data[1]) + 1;
	s = (const char *)data + 2;
	n = size - 2;
	end = s + n;
	r = ndjson_open_mem(s, n, max_line);
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		want = (size_t)((nl != NULL ? nl : end) - s);
		lineno++;
		if (want > 0 && s[want - 1] == '\r')
			want--;
		if (want > 0) {
			rc = ndjson_next(r, &line, &len, -1);
			FUZZ_CHECK(ndjson_lineno(r) == lineno);
			if (want > max_line)
				FUZZ_CHECK(rc == NDJSON_TOOLONG);
			else {
				FUZZ_CHECK(rc == NDJSON_LINE);
				FUZZ_CHECK(len == want);
				FUZZ_CHECK(memcmp(line, s, len) == 0);
				FUZZ_CHECK(line[len] == '\0');
			}
		}
		s = nl != NULL ? nl + 1 : end;
	}
	FUZZ_CHECK(ndjson_next(r, &line, &len, -1) == NDJSON_EOF);
	ndjson_close(r);
	return 0;
}
