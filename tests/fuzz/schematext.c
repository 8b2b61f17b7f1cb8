/*
 * schematext: schema_load on any text as a type's schema file, written as
 * fuzz.type.json alone in a fresh folder (removed after): it loads as that
 * one type, or fails with a reason that names the file (schema.h), and
 * never aborts or leaks.  A schema that loads is then applied to a few
 * fixed data values, which must keep schema_apply's promises: 0 with an
 * object in *out, or -1 with a reason that names the field or the data.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jv.h>

#include "rules/schema.h"

#include "fuzz.h"

#define TYPE		"fuzz.type"
#define CALLING_CODE	"55"

/* Data to apply a schema that loads to: each kind, at each depth. */
static const char *const samples[] = {
	"{}",
	"{\"a\":\"x\",\"b\":1,\"c\":2.5,\"d\":true,\"e\":null,\"f\":[1,\"2\"],"
	    "\"g\":{\"a\":\"\",\"b\":{\"c\":\"abcdef\"}}}",
	"{\"name\":\"Ana\",\"email\":\" Ana@Example.COM \","
	    "\"phone\":\"(11) 98765-4321\",\"n\":50000000000000000000}",
	"{\"email\":\"not an address\",\"phone\":\"call me\",\"n\":1e999,"
	    "\"a\":{\"email\":\"A@B.CO\",\"phone\":\"+1 202 555 0100\"}}",
	"[\"a\",\"b\"]",
};

/* A folder of its own under TMPDIR, in dir; dies if there is none. */
static void
folder_make(char *dir, size_t dirsz)
{
	const char	*tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, dirsz, "%s/schematext.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL)
		fuzz_fail("mkdtemp %s: %s", dir, strerror(errno));
}

/* Writes data[0..size) to path; dies if it cannot. */
static void
file_write(const char *path, const uint8_t *data, size_t size)
{
	FILE	*f;

	if ((f = fopen(path, "wb")) == NULL)
		fuzz_fail("%s: %s", path, strerror(errno));
	if ((size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		fuzz_fail("%s: write failed", path);
}

/* Applies the one type of set to the text sample, checking the promises. */
static void
apply_sample(const struct schema_set *set, const char *sample)
{
	char	 err[512];
	jv	 event, canon;
	int	 rc;

	event = jv_parse(sample);
	FUZZ_CHECK(jv_is_valid(event));
	memset(err, 'x', sizeof(err));
	canon = jv_invalid();
	rc = schema_apply(set, TYPE, event, CALLING_CODE, &canon, err,
	    sizeof(err));
	if (rc == 0)
		FUZZ_CHECK(jv_get_kind(canon) == JV_KIND_OBJECT);
	else {
		FUZZ_CHECK(rc == -1);
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		FUZZ_CHECK(strncmp(err, "field '", 7) == 0 ||
		    strncmp(err, "data ", 5) == 0);
	}
	jv_free(canon);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schema_set	*set;
	const char		*dirs[1];
	char			 dir[4096], path[4200], err[4400];
	size_t			 i;

	folder_make(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/" TYPE ".json", dir);
	file_write(path, data, size);
	dirs[0] = dir;
	memset(err, 'x', sizeof(err));
	set = schema_load(dirs, 1, err, sizeof(err));
	if (unlink(path) != 0 || rmdir(dir) != 0)
		fuzz_fail("%s: %s", dir, strerror(errno));
	if (set == NULL) {
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		FUZZ_CHECK(strncmp(err, path, strlen(path)) == 0 &&
		    strncmp(err + strlen(path), ": ", 2) == 0 &&
		    err[strlen(path) + 2] != '\0');
		return 0;
	}
	FUZZ_CHECK(schema_count(set) == 1);
	FUZZ_CHECK(strcmp(schema_type(set, 0), TYPE) == 0);
	FUZZ_CHECK(schema_has(set, TYPE) && !schema_has(set, "fuzz"));
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		apply_sample(set, samples[i]);
	schema_free(set);
	return 0;
}
