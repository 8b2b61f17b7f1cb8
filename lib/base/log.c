/*
 * log: one JSON object a line on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/utf8.h"

#define LOG_PROG_MAX	64
/*
 * A write(2) of at most PIPE_BUF bytes to a pipe is atomic: lines of
 * processes sharing a stderr pipe never mix.  Longer messages are cut.
 */
#define LOG_LINE_MAX	PIPE_BUF
#define LOG_CUT_MARK	"..."

static const char *const log_levels[] = { "debug", "info", "warn", "error" };

static char		log_progname[LOG_PROG_MAX] = "integra";
static enum log_level	log_min = LOGL_INFO;
static int		log_copy = -1;	/* INTEGRA_LOG_COPY's file */

/* ASCII only: the result must not depend on the locale. */
static int
log_level_is(const char *s, const char *name)
{
	char	c;

	for (; *s != '\0' && *name != '\0'; s++, name++) {
		c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
		if (c != *name)
			return 0;
	}
	return *s == '\0' && *name == '\0';
}

/*
 * The copy's descriptor, above stderr: with stdout closed, open(2) would
 * give 1, and the program's records would go into the copy.
 */
static int
log_open_copy(const char *path)
{
	int fd, high;

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1 || fd > STDERR_FILENO)
		return fd;
	high = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	close(fd);
	return high;
}

void
log_init(const char *prog)
{
	const char	*env, *slash;
	size_t		 i, n;

	if (prog != NULL && *prog != '\0') {
		/* argv[0] may be a path; the name is its last component. */
		if ((slash = strrchr(prog, '/')) != NULL && slash[1] != '\0')
			prog = slash + 1;
		n = utf8_prefix(prog, strlen(prog), sizeof(log_progname) - 1);
		memcpy(log_progname, prog, n);
		log_progname[n] = '\0';
	}
	log_min = LOGL_INFO;
	/*
	 * Every line also to a file of its own, whatever becomes of stderr:
	 * for an audit, and for the test suite, which reads every line its
	 * programs wrote for personal data.
	 */
	if (log_copy == -1 && (env = getenv("INTEGRA_LOG_COPY")) != NULL &&
	    *env != '\0')
		log_copy = log_open_copy(env);
	if ((env = getenv("INTEGRA_LOG")) == NULL)
		return;
	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
		if (log_level_is(env, log_levels[i]))
			log_min = (enum log_level)i;
}

const char *
log_prog(void)
{
	return log_progname;
}

int
log_enabled(enum log_level level)
{
	return level >= log_min;
}

/*
 * Appends s[0..n) as a JSON string.  A message may quote input that is
 * not UTF-8; its bad bytes become "?" so the line stays valid JSON.
 */
static void
log_add_string(struct buf *b, const char *s, size_t n)
{
	struct buf	 clean = BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t		 i, len;

	if (utf8_valid(s, n)) {
		buf_add_json_string(b, s, n);
		return;
	}
	for (i = 0; i < n; i += len) {
		if (p[i] < 0x80)
			len = 1;
		else if (p[i] >= 0xc2 && p[i] <= 0xdf)
			len = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			len = 3;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			len = 4;
		else
			len = 0;
		/* NUL is not valid for utf8_valid but JSON escapes it. */
		if (len == 1 || (len > 0 && len <= n - i &&
		    utf8_valid(s + i, len)))
			buf_add(&clean, s + i, len);
		else {
			buf_addc(&clean, '?');
			len = 1;
		}
	}
	buf_add_json_string(b, clean.data, clean.len);
	buf_release(&clean);
}

/*
 * The length of the longest prefix of the escaped JSON string text
 * s[0..n) that is at most max bytes and cuts neither an escape nor a
 * UTF-8 character.
 */
static size_t
log_cut(const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	i, len;

	for (i = 0; i < n; i += len) {
		if (p[i] == '\\')
			len = i + 1 < n && p[i + 1] == 'u' ? 6 : 2;
		else if (p[i] >= 0xf0)
			len = 4;
		else if (p[i] >= 0xe0)
			len = 3;
		else if (p[i] >= 0xc0)
			len = 2;
		else
			len = 1;
		if (i + len > max)
			break;
	}
	return i < n ? i : n;
}

/* The whole line in one write(2) to fd when the kernel allows. */
static void
log_write_to(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return;		/* nowhere left to report it */
		p += w;
		n -= (size_t)w;
	}
}

static void
log_write(const char *p, size_t n)
{
	log_write_to(STDERR_FILENO, p, n);
	if (log_copy != -1)
		log_write_to(log_copy, p, n);
}

void
log_msg(enum log_level level, const struct log_ids *ids, const char *fmt, ...)
{
	struct buf	 line = BUF_INIT, text = BUF_INIT, msg = BUF_INIT;
	struct buf	 tail = BUF_INIT;
	char		 ts[RFC3339_LEN + 1];
	va_list		 ap;
	size_t		 fixed, cut;
	int		 saved;

	if ((unsigned int)level > LOGL_ERROR)
		level = LOGL_ERROR;
	if (!log_enabled(level))
		return;
	/* Callers log and then look at errno. */
	saved = errno;

	buf_addf(&text, "%s: ", log_progname);
	va_start(ap, fmt);
	buf_vaddf(&text, fmt, ap);
	va_end(ap);
	log_add_string(&msg, text.data, text.len);

	clock_rfc3339(clock_ms(), ts);
	buf_addf(&line, "{\"time\":\"%s\",\"level\":\"%s\",\"prog\":", ts,
	    log_levels[level]);
	log_add_string(&line, log_progname, strlen(log_progname));
	buf_adds(&line, ",\"msg\":");

	if (ids != NULL) {
		if (ids->line != 0)
			buf_addf(&tail, ",\"line\":%ld", ids->line);
		if (ids->event != NULL) {
			buf_adds(&tail, ",\"event\":");
			log_add_string(&tail, ids->event, strlen(ids->event));
		}
		if (ids->delivery != NULL) {
			buf_adds(&tail, ",\"delivery\":");
			log_add_string(&tail, ids->delivery,
			    strlen(ids->delivery));
		}
		if (ids->target != NULL) {
			buf_adds(&tail, ",\"target\":");
			log_add_string(&tail, ids->target, strlen(ids->target));
		}
	}
	buf_adds(&tail, "}\n");

	/*
	 * Cut the message, inside its quotes, to keep the line atomic; not
	 * when the other fields alone take most of the room.
	 */
	fixed = line.len + tail.len + 2 + strlen(LOG_CUT_MARK);
	if (line.len + msg.len + tail.len > LOG_LINE_MAX &&
	    fixed < LOG_LINE_MAX / 2) {
		cut = log_cut(msg.data + 1, msg.len - 2, LOG_LINE_MAX - fixed);
		buf_addc(&line, '"');
		buf_add(&line, msg.data + 1, cut);
		buf_adds(&line, LOG_CUT_MARK "\"");
	} else
		buf_add(&line, msg.data, msg.len);
	buf_add(&line, tail.data, tail.len);

	log_write(line.data, line.len);
	buf_release(&line);
	buf_release(&text);
	buf_release(&msg);
	buf_release(&tail);
	errno = saved;
}
