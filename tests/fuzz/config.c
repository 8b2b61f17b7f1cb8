/*
 * config: integra.yaml read as the programs read it (cfg_open of the
 * file given with -c, config.h), from any bytes, in a folder of its own
 * made for each input and removed after it.  It loads, and cfg_free
 * frees it all, or it is refused with "FILE:LINE: reason", FILE the
 * file and LINE one of its lines; either way nothing is left in the
 * folder.  Loading reads no secret and no other file, and starts no
 * transfer or process: only the time zones a cadence names are looked
 * up in the system's database (zone_known, a stat(2)).  The environment
 * the loader could read (INTEGRA_*, TZDIR) is unset first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "conf/config.h"

#include "fuzz.h"

extern char	**environ;

/* Unsets every INTEGRA_* variable and TZDIR, once. */
static void
environment_clear(void)
{
	static int	 done;
	char		**e, name[256];
	size_t		 n;
	int		 again;

	if (done)
		return;
	done = 1;
	do {
		again = 0;
		for (e = environ; e != NULL && *e != NULL; e++) {
			if (strncmp(*e, "INTEGRA_", 8) != 0 &&
			    strncmp(*e, "TZDIR=", 6) != 0)
				continue;
			n = strcspn(*e, "=");
			if (n >= sizeof(name))
				continue;
			memcpy(name, *e, n);
			name[n] = '\0';
			unsetenv(name);
			again = 1;
			break;
		}
	} while (again);
}

/*
 * The lines of data[0..size) at most, counting every byte that may end
 * one (YAML also takes NEL, U+2028 and U+2029), and one after the last.
 */
static unsigned long
lines_at_most(const uint8_t *data, size_t size)
{
	unsigned long	 lines = 2;
	size_t		 i;

	for (i = 0; i < size; i++)
		if (data[i] == '\n' || data[i] == '\r' || data[i] == 0x85 ||
		    data[i] == 0xa8 || data[i] == 0xa9)
			lines++;
	return lines;
}

/* Checks that err is "path:LINE: reason", LINE from 1 to max. */
static void
check_refusal(const char *err, const char *path, unsigned long max)
{
	const char	*p;
	char		*end;
	unsigned long	 line;
	size_t		 n = strlen(path);

	if (strncmp(err, path, n) != 0 || err[n] != ':' ||
	    err[n + 1] < '0' || err[n + 1] > '9')
		fuzz_fail("refused without FILE:LINE: '%s'", err);
	p = err + n + 1;
	errno = 0;
	line = strtoul(p, &end, 10);
	if (errno != 0 || line < 1 || line > max)
		fuzz_fail("refused at line %lu of at most %lu: '%s'", line,
		    max, err);
	if (end[0] != ':' || end[1] != ' ' || end[2] == '\0')
		fuzz_fail("refused without a reason: '%s'", err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 dir = BUF_INIT, path = BUF_INIT;
	struct cfg	*cfg;
	const char	*tmp;
	char		 err[1024];	/* setup_config's */
	FILE		*f;

	environment_clear();
	tmp = getenv("TMPDIR");
	buf_addf(&dir, "%s/fuzz-config.XXXXXX", tmp != NULL && *tmp != '\0' ?
	    tmp : "/tmp");
	if (mkdtemp(dir.data) == NULL)
		fuzz_fail("mkdtemp %s: %s", dir.data, strerror(errno));
	buf_addf(&path, "%s/integra.yaml", dir.data);
	if ((f = fopen(path.data, "wb")) == NULL ||
	    fwrite(data, 1, size, f) != size || fclose(f) != 0)
		fuzz_fail("%s: %s", path.data, strerror(errno));

	err[0] = '\0';
	if ((cfg = cfg_open(path.data, err, sizeof(err))) != NULL) {
		FUZZ_CHECK(cfg->path != NULL &&
		    strcmp(cfg->path, path.data) == 0);
		cfg_free(cfg);
	} else
		check_refusal(err, path.data, lines_at_most(data, size));

	/* Nothing but the config is left in the folder. */
	if (unlink(path.data) != 0 || rmdir(dir.data) != 0)
		fuzz_fail("%s: %s", dir.data, strerror(errno));
	buf_release(&path);
	buf_release(&dir);
	return 0;
}
