/*
 * replay: the plain main a harness is linked with for make check, in place
 * of libFuzzer's (fuzz.h).  Runs every file of its corpus through the
 * harness, one TAP test a file, in name order:
 *
 *   tests/fuzz/NAME [FILE|DIR...]
 *
 * Without arguments, the corpus is $top_srcdir/tests/fuzz/corpus/NAME
 * (NAME the program's own).  A file that breaks a promise or trips a
 * sanitizer ends the program there, which the TAP driver reports.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#include "fuzz.h"

static int	ntests;

/* Runs the file at path through the harness, as the test called name. */
static void
replay_file(const char *path, const char *name)
{
	struct buf	 data = BUF_INIT;
	uint8_t		*copy;
	FILE		*f;
	char		 chunk[65536];
	size_t		 n;

	if ((f = fopen(path, "rb")) == NULL) {
		printf("not ok %d - %s: %s\n", ++ntests, name,
		    strerror(errno));
		return;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&data, chunk, n);
	fclose(f);
	/* A copy of its exact size, so that ASan sees a read past it. */
	copy = xmalloc(data.len > 0 ? data.len : 1);
	if (data.len > 0)
		memcpy(copy, data.data, data.len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(copy, data.len);
	printf("ok %d - %s (%zu bytes)\n", ++ntests, name, data.len);
	free(copy);
	buf_release(&data);
}

/* Runs path: a file, or every file of a folder in name order. */
static void
replay(const char *path)
{
	struct dirent	**names;
	struct stat	  st;
	char		 *file;
	int		  i, n;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		replay_file(path, path);
		return;
	}
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		printf("not ok %d - %s: %s\n", ++ntests, path,
		    strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			if (asprintf(&file, "%s/%s", path,
			    names[i]->d_name) < 0)
				abort();
			replay_file(file, names[i]->d_name);
			free(file);
		}
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	const char	*name, *top;
	char		*corpus;
	int		 i;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			replay(argv[i]);
	} else {
		name = strrchr(argv[0], '/') != NULL ?
		    strrchr(argv[0], '/') + 1 : argv[0];
		top = getenv("top_srcdir") != NULL ? getenv("top_srcdir") :
		    ".";
		if (asprintf(&corpus, "%s/tests/fuzz/corpus/%s", top,
		    name) < 0)
			abort();
		replay(corpus);
		free(corpus);
	}
	if (ntests == 0)
		printf("not ok 1 - no corpus file found\n"), ntests = 1;
	printf("1..%d\n", ntests);
	return 0;
}
