/*
 * integra-sink: a test HTTP server that records every request it gets and
 * answers as it is told.  Tests and benchmarks of integra-dispatch deliver
 * to it.
 *
 * Build and run:
 *	cc -std=c11 -D_GNU_SOURCE -O2 -o integra-sink tests/sink.c \
 *	    -lmicrohttpd -lpthread
 *	integra-sink -P /tmp/sink.port -o /tmp/sink.log -R /crm/fail=500
 *
 * It listens on 127.0.0.1 only, accepts any method and path, reads the
 * whole body (at most 8 MiB, else 413) and appends one JSON line per
 * request to the log:
 *	{"time_ms":...,"method":"POST","path":"/crm/leads?x=1","status":200,
 *	"idempotency_key":"..."|null,"event":"..."|null,
 *	"headers":{"content-type":"application/json",...},"body":"..."}
 * path is the request target exactly as sent (not decoded, query included);
 * -R and -D prefixes are matched against it, first match wins.  time_ms is
 * when the request line arrived; the line is written just before the
 * answer, after any -D delay.  Repeated headers are joined with ", ".  A
 * body refused with 413 is logged as "".  Requests that MHD rejects itself
 * (malformed: 400) or that the client abandons before the body is complete
 * are not logged.  204 and 304 answers carry no body; others carry
 * {"ok":true} (or -b's body) or {"error":"sink answered N"}, and with -e
 * a 2xx one is {"ok":true,"id":KEY,"messageId":KEY}, KEY the request's
 * Idempotency-Key, so that a test can see an answer's data used (and a
 * Z-API message id that status callbacks can name).
 *
 * With -G N it also plays a paged remote API (a CRM, an ERP) for tests
 * and benchmarks of integra-sync: every GET gets a page of N generated
 * records of collection C, C the path's last segment (before any '?')
 * with all but [A-Za-z0-9_-] dropped and cut at 32 bytes (none left: 404
 * {"error":"no such collection"}).  Record i, from
 * 0, is
 *	{"id":"C-%06d","name":"Name %d","email":"user%d@example.com",
 *	"phone":"+55119%08d","amount":A,"addons":[{"name":"noturno",
 *	"amount":X},{"name":"feriado","amount":Y}],"rev":R,"updated_at":"T"}
 * with R = G (-g) if G > 1 and i % 10 == 0, else 1; A = i % 500 + 100 +
 * (R - 1) * 10, X = i % 7 * 10, Y = i % 3 * 5; and T
 * 2026-01-01T00:00:00.000Z plus i seconds if R == 1, else
 * 2026-06-01T00:00:00.000Z plus R - 1 days plus i seconds: generation 2
 * changes a tenth of the records (their amount, rev and updated_at), each
 * to a time after every unchanged one.  Records are served by (updated_at, i).  The
 * answer is {"data":[...],"total":T,"next_cursor":NC}, T the number of
 * records that match updated_since, NC the cursor of the rest or null if
 * this page is the last (a page past the end has "data":[]).  Query
 * parameters are percent-decoded; the first of each name counts, unknown
 * ones are ignored and a bad value is 400 {"error":"bad NAME"}:
 *	updated_since=T	only records updated after T, which is
 *			YYYY-MM-DDTHH:MM:SS[.f]Z, 1 to 9 digits of fraction
 *	cursor=NC	page from a next_cursor ("": the start)
 *	offset=O	page from position O (from 0)
 *	page=P		page P (from 1)
 *	limit=L, per_page=L	page size, 1..1000
 * The first of cursor, offset and page present chooses the paging (none:
 * page 1).  The size is limit for cursor and offset and per_page for
 * page; without it the other one, without either 100.  A cursor is a
 * position in the filtered order and is good only with the collection and
 * updated_since it came with: the client sends the same filter with every
 * page, or gets 400 {"error":"bad cursor"}.  With -A only page requests
 * that carry that header (name in any case) with exactly that value
 * (blanks around it aside) are served, others get 401
 * {"error":"unauthorized"}.  With -X K the K-th page request and every
 * later one get 503 {"error":"sink answered 503"}, to play a remote that
 * fails in the middle of a run.  Page requests are logged as any request.
 * 413, -R and -f answer them as any request, and those answers are not
 * counted by -X; -D and -a apply to them; -s, -b and -e do not.  Other
 * methods (the upserts a sync leads to) are answered as any request.
 *
 * Each connection has its own thread, so a delay holds up only its own
 * connection.  The port goes to the -P file (written atomically) or,
 * without -P, to standard output.  SIGTERM or SIGINT cut pending delays
 * short, stop the daemon and exit 0.
 */

#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#define PROGNAME	"integra-sink"
#define MAXBODY		(8 * 1024 * 1024)
#define CONN_LIMIT	4096
#define CONN_TIMEOUT	300		/* seconds */
#define CONN_MEMORY	(128 * 1024)	/* per connection, bounds headers */
#define STACK_SIZE	(256 * 1024)
#define MAXDELAY	3600000		/* ms */
#define MAXRECORDS	2000000
#define MAXGEN		1000
#define MAXCOLL		32		/* bytes of a collection name */
#define PAGESIZE	100		/* default records per page */
#define MAXPAGESIZE	1000
#define RECMAX		384		/* bytes of a record, with room */
#define CURSORMAX	32
#define OLDTIME		1767225600	/* 2026-01-01T00:00:00Z */
#define NEWTIME		1780272000	/* 2026-06-01T00:00:00Z */

struct rule {
	const char	*prefix;
	size_t		 len;
	long		 value;		/* status or delay in ms */
};

struct answer {
	unsigned int		 status;
	struct MHD_Response	*resp;
	char			 body[64];
};

struct req {
	char		*uri;		/* raw request target */
	int64_t		 time_ms;
	int		 started;
	int		 answered;
	int		 toobig;
	char		*body;
	size_t		 len;
	size_t		 cap;
};

struct sbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 err;
};

struct hdr {
	const char	*name;
	size_t		 nlen;
	const char	*value;
	size_t		 vlen;
};

struct hdrs {
	struct hdr	*v;
	size_t		 n;
	size_t		 cap;
	int		 heap;		/* v was allocated, not the caller's */
	int		 err;
};

/* What a page request asks for. */
struct pageq {
	int64_t		 since;		/* ms; INT64_MIN: no filter */
	int		 has_cursor;
	char		 cursor[CURSORMAX];
	long		 limit;		/* -1: not given */
	long		 offset;	/* -1: not given */
	long		 page;		/* 1 if not given */
	long		 per_page;	/* -1: not given */
};

static void	usage(FILE *, int) __attribute__((__noreturn__));
static long	numarg(const char *, char, long, long);
static void	rulearg(struct rule *, size_t *, const char *, char, long,
		    long);
static void	autharg(const char *);
static const struct rule *match(const struct rule *, size_t, const char *);
static int	add_headers(struct MHD_Response *, unsigned int);
static int	add_answer(unsigned int);
static struct answer *find_answer(unsigned int);
static uint64_t	rnd(void);
static int64_t	now_ms(void);
static void	delay(long);
static int	write_portfile(const char *, unsigned int);
static void	sb_grow(struct sbuf *, size_t);
static void	sb_add(struct sbuf *, const void *, size_t);
static void	sb_adds(struct sbuf *, const char *);
static void	sb_addjson(struct sbuf *, const char *, size_t, int);
static void	sb_addjsonz(struct sbuf *, const char *);
static int64_t	days_from_civil(int, unsigned int, unsigned int);
static void	civil_from_days(int64_t, int *, unsigned int *,
		    unsigned int *);
static long	rec_rev(unsigned int);
static int64_t	rec_time(unsigned int);
static int	make_order(void);
static long	first_after(int64_t);
static void	sb_addrecord(struct sbuf *, const char *, unsigned int);
static int	hexval(int);
static int	pct_decode(const char *, size_t, char *, size_t);
static int	qnum(const char *, long, long, long *);
static int	parse_time(const char *, int64_t *);
static const char *parse_query(const char *, struct pageq *);
static void	make_cursor(char *, size_t, long, int64_t, const char *);
static int	parse_cursor(const char *, int64_t, const char *, long *);
static unsigned int serve_page(struct MHD_Connection *, const char *,
		    struct sbuf *);
static enum MHD_Result collect(void *, enum MHD_ValueKind, const char *,
		    size_t, const char *, size_t);
static int	log_request(struct MHD_Connection *, struct req *, const char *,
		    unsigned int);
static void	*uri_cb(void *, const char *, struct MHD_Connection *);
static void	done_cb(void *, struct MHD_Connection *, void **,
		    enum MHD_RequestTerminationCode);
static enum MHD_Result queue_json(struct MHD_Connection *, unsigned int,
		    struct sbuf *);
static enum MHD_Result echo_answer(struct MHD_Connection *, unsigned int);
static enum MHD_Result finish(struct MHD_Connection *, struct req *,
		    const char *);
static enum MHD_Result handler(void *, struct MHD_Connection *, const char *,
		    const char *, const char *, const char *, size_t *, void **);
static void	mhd_logger(void *, const char *, va_list);

static unsigned int	 def_status = 200;
static unsigned int	 fail_status = 503;
static long		 fail_percent;
static long		 retry_after = -1;
static int		 echo_key;
static const char	*ok_body;	/* -b: 2xx answers' body */
static struct rule	*status_rules;
static size_t		 nstatus_rules;
static struct rule	*delay_rules;
static size_t		 ndelay_rules;
static struct answer	*answers;
static size_t		 nanswers;

static long		 gen_n = -1;	/* -G: records served, -1: none */
static long		 gen = 1;	/* -g */
static uint32_t		*order;		/* record numbers by (updated_at, i) */
static char		*auth_name;	/* -A */
static char		*auth_value;
static long		 fail_after;	/* -X, 0: never */
static atomic_long	 npages;	/* page requests counted by -X */

static _Atomic uint64_t	 rng_state;

static FILE		*logfp;
static pthread_mutex_t	 log_mtx = PTHREAD_MUTEX_INITIALIZER;
static atomic_int	 log_failed;

static pthread_mutex_t	 stop_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 stop_cv;
static int		 stopping;

static void
usage(FILE *fp, int status)
{
	fprintf(fp, "usage: %s [-h] [-p port] [-P portfile] [-o logfile] "
	    "[-s status]\n"
	    "\t[-f percent] [-F failstatus] [-S seed] [-R prefix=status]...\n"
	    "\t[-D prefix=ms]... [-a retry_after_seconds] [-e] [-b body]\n"
	    "\t[-G records [-g generation] [-A 'Name: value'] [-X k]]\n"
	    "  -p port      TCP port on 127.0.0.1 (default 0: any free port)\n"
	    "  -P portfile  write the port there once listening "
	    "(else to stdout)\n"
	    "  -o logfile   append one JSON line per request\n"
	    "  -s status    default answer (default 200)\n"
	    "  -f percent   answer failstatus to this share of requests, "
	    "at random\n"
	    "  -F status    status for -f (default 503)\n"
	    "  -S seed      seed for -f (default: time)\n"
	    "  -R prefix=status  status for paths starting with prefix "
	    "(first match)\n"
	    "  -D prefix=ms      delay answers to paths starting with prefix\n"
	    "  -a seconds   Retry-After header on non-2xx answers\n"
	    "  -b body      2xx answers carry body instead of {\"ok\":true}\n"
	    "  -e           2xx answers are {\"ok\":true,\"id\":KEY,"
	    "\"messageId\":KEY},\n"
	    "               KEY the request's Idempotency-Key\n"
	    "  -G records   serve that many generated records (0..2000000) "
	    "in pages\n"
	    "               on every GET: .../COLLECTION\n"
	    "  -g gen       their generation, 1..1000 (default 1); above 1, "
	    "a tenth of\n"
	    "               them has rev gen and a later updated_at\n"
	    "  -A 'Name: value'  page requests without this header get 401\n"
	    "  -X k         the k-th page request and all later ones get "
	    "503\n",
	    PROGNAME);
	exit(status);
}

/* Parses a whole decimal number in [min, max] or exits with usage. */
static long
numarg(const char *s, char opt, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || v < min ||
	    v > max) {
		fprintf(stderr, "%s: -%c: bad number '%s' (want %ld..%ld)\n",
		    PROGNAME, opt, s, min, max);
		usage(stderr, EX_USAGE);
	}
	return v;
}

static void
rulearg(struct rule *rules, size_t *n, const char *arg, char opt, long min,
    long max)
{
	const char	*eq;

	if ((eq = strrchr(arg, '=')) == NULL) {
		fprintf(stderr, "%s: -%c: want prefix=value, not '%s'\n",
		    PROGNAME, opt, arg);
		usage(stderr, EX_USAGE);
	}
	rules[*n].prefix = arg;
	rules[*n].len = eq - arg;
	rules[*n].value = numarg(eq + 1, opt, min, max);
	(*n)++;
}

/* -A 'Name: value': the value without blanks around it. */
static void
autharg(const char *arg)
{
	const char	*v, *e;
	size_t		 n;

	n = strcspn(arg, ": \t");
	if (n == 0 || arg[n] != ':') {
		fprintf(stderr, "%s: -A: want 'Name: value', not '%s'\n",
		    PROGNAME, arg);
		usage(stderr, EX_USAGE);
	}
	for (v = arg + n + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	free(auth_name);
	free(auth_value);
	if ((auth_name = strndup(arg, n)) == NULL ||
	    (auth_value = strndup(v, e - v)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", PROGNAME);
		exit(EX_OSERR);
	}
}

static const struct rule *
match(const struct rule *rules, size_t n, const char *path)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strncmp(path, rules[i].prefix, rules[i].len) == 0)
			return &rules[i];
	return NULL;
}

/* Headers of every answer: the type and -a's Retry-After. */
static int
add_headers(struct MHD_Response *resp, unsigned int status)
{
	char	 ra[32];

	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json") == MHD_NO)
		return -1;
	if (retry_after >= 0 && (status < 200 || status >= 300)) {
		snprintf(ra, sizeof(ra), "%ld", retry_after);
		if (MHD_add_response_header(resp,
		    MHD_HTTP_HEADER_RETRY_AFTER, ra) == MHD_NO)
			return -1;
	}
	return 0;
}

/* Prepares the one shared response for a status, if not done yet. */
static int
add_answer(unsigned int status)
{
	struct answer	*a;
	size_t		 blen;

	if (find_answer(status) != NULL)
		return 0;
	a = &answers[nanswers];
	a->status = status;
	if (status >= 200 && status < 300)
		snprintf(a->body, sizeof(a->body), "{\"ok\":true}");
	else
		snprintf(a->body, sizeof(a->body),
		    "{\"error\":\"sink answered %u\"}", status);
	/* These must not carry a body. */
	blen = (status == 204 || status == 304) ? 0 : strlen(a->body);
	if (ok_body != NULL && status >= 200 && status < 300 && blen > 0)
		a->resp = MHD_create_response_from_buffer(strlen(ok_body),
		    (void *)ok_body, MHD_RESPMEM_PERSISTENT);
	else
		a->resp = MHD_create_response_from_buffer(blen, a->body,
		    MHD_RESPMEM_PERSISTENT);
	if (a->resp == NULL || add_headers(a->resp, status) == -1)
		return -1;
	nanswers++;
	return 0;
}

static struct answer *
find_answer(unsigned int status)
{
	size_t	 i;

	for (i = 0; i < nanswers; i++)
		if (answers[i].status == status)
			return &answers[i];
	return NULL;
}

/* splitmix64 over an atomic counter: lock-free and seedable. */
static uint64_t
rnd(void)
{
	uint64_t	 z;

	z = atomic_fetch_add(&rng_state, UINT64_C(0x9e3779b97f4a7c15)) +
	    UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps ms milliseconds, or less if we are told to stop. */
static void
delay(long ms)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&stop_mtx);
	while (!stopping)
		if (pthread_cond_timedwait(&stop_cv, &stop_mtx, &ts) ==
		    ETIMEDOUT)
			break;
	pthread_mutex_unlock(&stop_mtx);
}

static int
write_portfile(const char *path, unsigned int port)
{
	FILE	*fp;
	char	*tmp;
	size_t	 n;
	int	 bad;

	n = strlen(path) + sizeof(".tmp");
	if ((tmp = malloc(n)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", PROGNAME);
		return -1;
	}
	snprintf(tmp, n, "%s.tmp", path);
	if ((fp = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", PROGNAME, tmp,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	bad = fprintf(fp, "%u\n", port) < 0;
	bad |= fflush(fp) != 0;
	bad |= fclose(fp) != 0;
	if (bad) {
		fprintf(stderr, "%s: %s: %s\n", PROGNAME, tmp,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		fprintf(stderr, "%s: rename %s: %s\n", PROGNAME, path,
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static void
sb_grow(struct sbuf *sb, size_t more)
{
	size_t	 ncap;
	char	*np;

	if (sb->err)
		return;
	if (sb->cap - sb->len >= more)
		return;
	if (more > SIZE_MAX / 2 - sb->len) {
		sb->err = 1;
		return;
	}
	ncap = sb->cap == 0 ? 1024 : sb->cap;
	while (ncap - sb->len < more)
		ncap *= 2;
	if ((np = realloc(sb->p, ncap)) == NULL) {
		sb->err = 1;
		return;
	}
	sb->p = np;
	sb->cap = ncap;
}

static void
sb_add(struct sbuf *sb, const void *p, size_t n)
{
	sb_grow(sb, n);
	if (sb->err)
		return;
	memcpy(sb->p + sb->len, p, n);
	sb->len += n;
}

static void
sb_adds(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

/*
 * Appends s[0..n) as a JSON string.  Valid UTF-8 is copied as is; each byte
 * that is not part of a valid sequence becomes \u00XX.  With lower, ASCII
 * letters are lower-cased.
 */
static void
sb_addjson(struct sbuf *sb, const char *s, size_t n, int lower)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	unsigned char		 c, c1, lo, hi;
	char			*o;
	size_t			 i, k, need;

	/* Worst case 6 bytes out for each byte in. */
	if (n > (SIZE_MAX - 2) / 6) {
		sb->err = 1;
		return;
	}
	sb_grow(sb, n * 6 + 2);
	if (sb->err)
		return;
	o = sb->p + sb->len;
	*o++ = '"';
	for (i = 0; i < n; ) {
		c = p[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*o++ = (lower && c >= 'A' && c <= 'Z') ? c + 32 : c;
			i++;
			continue;
		}
		if (c < 0x80) {
			*o++ = '\\';
			switch (c) {
			case '"':
			case '\\':
				*o++ = c;
				break;
			case '\n':
				*o++ = 'n';
				break;
			case '\r':
				*o++ = 'r';
				break;
			case '\t':
				*o++ = 't';
				break;
			default:
				goto esc;
			}
			i++;
			continue;
		}
		/* Lead byte: sequence length and bounds of the 2nd byte. */
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			need = 2;
		else if (c >= 0xe0 && c <= 0xef) {
			need = 3;
			if (c == 0xe0)
				lo = 0xa0;	/* overlong */
			else if (c == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 4;
			if (c == 0xf0)
				lo = 0x90;	/* overlong */
			else if (c == 0xf4)
				hi = 0x8f;	/* above U+10FFFF */
		} else
			need = 0;
		if (need != 0 && n - i >= need) {
			c1 = p[i + 1];
			if (c1 >= lo && c1 <= hi) {
				for (k = 2; k < need; k++)
					if ((p[i + k] & 0xc0) != 0x80)
						break;
				if (k == need) {
					memcpy(o, p + i, need);
					o += need;
					i += need;
					continue;
				}
			}
		}
		*o++ = '\\';
esc:
		*o++ = 'u';
		*o++ = '0';
		*o++ = '0';
		*o++ = hex[c >> 4];
		*o++ = hex[c & 0xf];
		i++;
	}
	*o++ = '"';
	sb->len = o - sb->p;
}

static void
sb_addjsonz(struct sbuf *sb, const char *s)
{
	if (s == NULL)
		sb_adds(sb, "null");
	else
		sb_addjson(sb, s, strlen(s), 0);
}

/* Days from 1970-01-01 to a proleptic Gregorian date (after H. Hinnant). */
static int64_t
days_from_civil(int y, unsigned int m, unsigned int d)
{
	int64_t		 era;
	unsigned int	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse, without gmtime_r()'s lock on the time zone. */
static void
civil_from_days(int64_t z, int *y, unsigned int *m, unsigned int *d)
{
	int64_t		 era;
	unsigned int	 doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned int)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Generation gen changes every tenth record, the same ones each time. */
static long
rec_rev(unsigned int i)
{
	return gen > 1 && i % 10 == 0 ? gen : 1;
}

/* updated_at of record i, in seconds since the epoch. */
static int64_t
rec_time(unsigned int i)
{
	long	 rev;

	if ((rev = rec_rev(i)) == 1)
		return OLDTIME + (int64_t)i;
	return NEWTIME + (int64_t)(rev - 1) * 86400 + i;
}

/*
 * Orders the records by (updated_at, i) without sorting: unchanged ones
 * fall in 2026-01-01..24 (i < 2000000 seconds) and changed ones after
 * 2026-06-01, all with the same rev, so each group is in i order.
 */
static int
make_order(void)
{
	size_t		 k = 0;
	unsigned int	 i;
	int		 changed;

	if (gen_n == 0)
		return 0;
	if ((order = malloc(gen_n * sizeof(*order))) == NULL)
		return -1;
	for (changed = 0; changed <= 1; changed++)
		for (i = 0; i < (unsigned int)gen_n; i++)
			if ((rec_rev(i) != 1) == changed)
				order[k++] = i;
	return 0;
}

/* The position in order of the first record updated after since (ms). */
static long
first_after(int64_t since)
{
	long	 lo = 0, hi = gen_n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rec_time(order[mid]) * 1000 > since)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Appends record i of collection coll, whose bytes need no escaping. */
static void
sb_addrecord(struct sbuf *sb, const char *coll, unsigned int i)
{
	int64_t		 t;
	unsigned int	 m, d, s;
	int		 y, n;

	sb_grow(sb, RECMAX);
	if (sb->err)
		return;
	t = rec_time(i);
	civil_from_days(t / 86400, &y, &m, &d);
	s = t % 86400;
	n = snprintf(sb->p + sb->len, RECMAX, "{\"id\":\"%s-%06u\","
	    "\"name\":\"Name %u\",\"email\":\"user%u@example.com\","
	    "\"phone\":\"+55119%08u\",\"amount\":%u,"
	    "\"addons\":[{\"name\":\"noturno\",\"amount\":%u},"
	    "{\"name\":\"feriado\",\"amount\":%u}],\"rev\":%ld,"
	    "\"updated_at\":\"%04d-%02u-%02uT%02u:%02u:%02u.000Z\"}",
	    coll, i, i, i, i, (unsigned int)(i % 500 + 100 +
	    (rec_rev(i) - 1) * 10), i % 7 * 10, i % 3 * 5, rec_rev(i), y, m,
	    d, s / 3600, s / 60 % 60, s % 60);
	if (n < 0 || n >= RECMAX) {
		sb->err = 1;
		return;
	}
	sb->len += n;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes the %XX escapes of s[0..n) into out, NUL-terminated.  Fails on
 * a bad escape, on a NUL or if it does not fit.
 */
static int
pct_decode(const char *s, size_t n, char *out, size_t size)
{
	size_t	 i, o = 0;
	int	 c, hi, lo;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (n - i < 3 || (hi = hexval(s[i + 1])) == -1 ||
			    (lo = hexval(s[i + 2])) == -1)
				return -1;
			c = hi << 4 | lo;
			i += 2;
		}
		if (c == '\0' || o + 1 >= size)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* Parses a whole unsigned decimal number in [min, max]. */
static int
qnum(const char *s, long min, long max, long *v)
{
	long	 n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || n > (max - (*s - '0')) / 10)
			return -1;
		n = n * 10 + (*s - '0');
	}
	if (n < min)
		return -1;
	*v = n;
	return 0;
}

/* Parses YYYY-MM-DDTHH:MM:SS[.f...]Z into ms since the epoch, cut to ms. */
static int
parse_time(const char *s, int64_t *ms)
{
	static const char	 pat[] = "dddd-dd-ddTdd:dd:dd";
	unsigned int		 m, d, dm, dd, hh, mm, ss, frac, k;
	int			 y, dy;
	int64_t			 days;
	size_t			 i;

	for (i = 0; pat[i] != '\0'; i++)
		if (pat[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != pat[i])
			return -1;
#define DIG(j)	((unsigned int)(s[j] - '0'))
	y = DIG(0) * 1000 + DIG(1) * 100 + DIG(2) * 10 + DIG(3);
	m = DIG(5) * 10 + DIG(6);
	d = DIG(8) * 10 + DIG(9);
	hh = DIG(11) * 10 + DIG(12);
	mm = DIG(14) * 10 + DIG(15);
	ss = DIG(17) * 10 + DIG(18);
#undef DIG
	s += i;
	frac = 0;
	if (*s == '.') {
		/* Keep ms: records are on whole ms, so "after" still holds. */
		for (k = 0, s++; *s >= '0' && *s <= '9'; k++, s++)
			if (k < 3)
				frac = frac * 10 + (*s - '0');
		if (k == 0 || k > 9)
			return -1;
		for (; k < 3; k++)
			frac *= 10;
	}
	if (s[0] != 'Z' || s[1] != '\0')
		return -1;
	if (m < 1 || m > 12 || d < 1 || hh > 23 || mm > 59 || ss > 59)
		return -1;
	/* A day past the end of its month comes back as another date. */
	days = days_from_civil(y, m, d);
	civil_from_days(days, &dy, &dm, &dd);
	if (dy != y || dm != m || dd != d)
		return -1;
	*ms = ((days * 86400 + hh * 3600 + mm * 60 + ss) * 1000) + frac;
	return 0;
}

/* Fills pq from a raw query; NULL, or the name of a bad parameter. */
static const char *
parse_query(const char *q, struct pageq *pq)
{
	enum { SINCE, CURSOR, LIMIT, OFFSET, PAGE, PER_PAGE, NNAMES };
	static const char *const names[NNAMES] = {
		[SINCE] = "updated_since", [CURSOR] = "cursor",
		[LIMIT] = "limit", [OFFSET] = "offset", [PAGE] = "page",
		[PER_PAGE] = "per_page"
	};
	char		 key[16], val[64];
	const char	*e, *eq;
	int		 seen[NNAMES] = { 0 };
	int		 k, bad;

	pq->since = INT64_MIN;
	pq->has_cursor = 0;
	pq->limit = -1;
	pq->offset = -1;
	pq->page = 1;
	pq->per_page = -1;
	for (; *q != '\0'; q = *e == '\0' ? e : e + 1) {
		e = q + strcspn(q, "&");
		if ((eq = memchr(q, '=', e - q)) == NULL)
			eq = e;
		if (pct_decode(q, eq - q, key, sizeof(key)) == -1)
			continue;	/* not one of ours */
		for (k = 0; k < NNAMES && strcmp(key, names[k]) != 0; k++)
			;
		if (k == NNAMES || seen[k])
			continue;
		seen[k] = 1;
		if (pct_decode(eq == e ? e : eq + 1, eq == e ? 0 : e - eq - 1,
		    val, sizeof(val)) == -1)
			return names[k];
		switch (k) {
		case SINCE:
			bad = parse_time(val, &pq->since);
			break;
		case CURSOR:
			pq->has_cursor = 1;
			bad = strlen(val) >= sizeof(pq->cursor);
			if (!bad)
				strcpy(pq->cursor, val);
			break;
		case LIMIT:
			bad = qnum(val, 1, MAXPAGESIZE, &pq->limit);
			break;
		case OFFSET:
			bad = qnum(val, 0, LONG_MAX, &pq->offset);
			break;
		case PAGE:
			bad = qnum(val, 1, LONG_MAX, &pq->page);
			break;
		case PER_PAGE:
			bad = qnum(val, 1, MAXPAGESIZE, &pq->per_page);
			break;
		}
		if (bad)
			return names[k];
	}
	return NULL;
}

/*
 * A cursor is a position in the filtered order and an FNV-1a of what it
 * is good for, so that garbage and a cursor sent with another filter or
 * collection are refused rather than served from the wrong place.
 */
static void
make_cursor(char *buf, size_t size, long pos, int64_t since,
    const char *coll)
{
	char		 s[MAXCOLL + 64];
	uint32_t	 h = 2166136261U;
	int		 i, n;

	n = snprintf(s, sizeof(s), "%ld %lld %s", pos, (long long)since,
	    coll);
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619U;
	}
	snprintf(buf, size, "%lx.%08lx", pos, (unsigned long)h);
}

static int
parse_cursor(const char *s, int64_t since, const char *coll, long *pos)
{
	char		 want[CURSORMAX];
	const char	*c;
	long		 p = 0;
	int		 v;

	if (*s == '\0') {
		*pos = 0;
		return 0;
	}
	/* We never hand out a position past MAXRECORDS. */
	for (c = s; (v = hexval(*c)) != -1 && p <= MAXRECORDS; c++)
		p = p * 16 + v;
	make_cursor(want, sizeof(want), p, since, coll);
	if (strcmp(s, want) != 0)
		return -1;
	*pos = p;
	return 0;
}

/*
 * A GET with -G: puts the answer in sb and returns its status,
 * or leaves sb empty for the shared answer to the status returned.
 */
static unsigned int
serve_page(struct MHD_Connection *conn, const char *uri, struct sbuf *sb)
{
	struct pageq	 pq;
	char		 coll[MAXCOLL + 1], cur[CURSORMAX], num[64];
	const char	*p, *q, *v, *bad;
	unsigned int	 status;
	long		 start, total, off, size, k;
	size_t		 n, alen;

	if (fail_after > 0 && atomic_fetch_add(&npages, 1) + 1 >= fail_after)
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	/* MHD keeps trailing blanks, which are not part of the value. */
	alen = auth_value == NULL ? 0 : strlen(auth_value);
	if (auth_name != NULL && ((v = MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, auth_name)) == NULL ||
	    strncmp(v, auth_value, alen) != 0 ||
	    v[alen + strspn(v + alen, " \t")] != '\0')) {
		status = MHD_HTTP_UNAUTHORIZED;
		sb_adds(sb, "{\"error\":\"unauthorized\"}");
		goto out;
	}
	q = uri + strcspn(uri, "?");
	for (p = q; p > uri && p[-1] != '/'; p--)
		;
	n = 0;
	for (; p < q && n < MAXCOLL; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')
			coll[n++] = *p;
	coll[n] = '\0';
	if (n == 0) {
		status = MHD_HTTP_NOT_FOUND;
		sb_adds(sb, "{\"error\":\"no such collection\"}");
		goto out;
	}
	if ((bad = parse_query(*q == '?' ? q + 1 : q, &pq)) != NULL) {
		status = MHD_HTTP_BAD_REQUEST;
		sb_adds(sb, "{\"error\":\"bad ");
		sb_adds(sb, bad);
		sb_adds(sb, "\"}");
		goto out;
	}

	start = first_after(pq.since);
	total = gen_n - start;
	/* A size asked for under the other name beats the default. */
	if (pq.limit == -1)
		pq.limit = pq.per_page == -1 ? PAGESIZE : pq.per_page;
	if (pq.per_page == -1)
		pq.per_page = pq.limit;
	if (pq.has_cursor) {
		if (parse_cursor(pq.cursor, pq.since, coll, &off) == -1) {
			status = MHD_HTTP_BAD_REQUEST;
			sb_adds(sb, "{\"error\":\"bad cursor\"}");
			goto out;
		}
		size = pq.limit;
	} else if (pq.offset >= 0) {
		off = pq.offset;
		size = pq.limit;
	} else {
		size = pq.per_page;
		/* Far pages are past the end, without overflowing. */
		off = pq.page - 1 > total / size ? total :
		    (pq.page - 1) * size;
	}
	if (off > total)
		off = total;
	if (size > total - off)
		size = total - off;

	status = MHD_HTTP_OK;
	sb_grow(sb, 64 + (size_t)size * RECMAX);
	sb_adds(sb, "{\"data\":[");
	for (k = 0; k < size; k++) {
		if (k > 0)
			sb_add(sb, ",", 1);
		sb_addrecord(sb, coll, order[start + off + k]);
	}
	snprintf(num, sizeof(num), "],\"total\":%ld,\"next_cursor\":", total);
	sb_adds(sb, num);
	if (off + size < total) {
		make_cursor(cur, sizeof(cur), off + size, pq.since, coll);
		sb_add(sb, "\"", 1);
		sb_adds(sb, cur);
		sb_add(sb, "\"}", 2);
	} else
		sb_adds(sb, "null}");
out:
	if (sb->err) {
		free(sb->p);
		memset(sb, 0, sizeof(*sb));
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	return status;
}

static enum MHD_Result
collect(void *cls, enum MHD_ValueKind kind, const char *key, size_t klen,
    const char *value, size_t vlen)
{
	struct hdrs	*h = cls;
	struct hdr	*nv;
	size_t		 ncap;

	(void)kind;
	if (h->n == h->cap) {
		ncap = h->cap == 0 ? 32 : h->cap * 2;
		if ((nv = realloc(h->heap ? h->v : NULL, ncap * sizeof(*nv))) ==
		    NULL) {
			h->err = 1;
			return MHD_NO;
		}
		if (!h->heap && h->n > 0)
			memcpy(nv, h->v, h->n * sizeof(*nv));
		h->v = nv;
		h->cap = ncap;
		h->heap = 1;
	}
	h->v[h->n].name = key;
	h->v[h->n].nlen = klen;
	h->v[h->n].value = value == NULL ? "" : value;
	h->v[h->n].vlen = value == NULL ? 0 : vlen;
	h->n++;
	return MHD_YES;
}

/* Appends the JSON line for this request to the log. */
static int
log_request(struct MHD_Connection *conn, struct req *r, const char *method,
    unsigned int status)
{
	struct hdr	 stackv[32];
	struct hdrs	 h;
	struct sbuf	 sb = { NULL, 0, 0, 0 };
	struct sbuf	 val = { NULL, 0, 0, 0 };
	char		 num[64];
	size_t		 i, j;
	int		 first, rc = 0;

	snprintf(num, sizeof(num), "{\"time_ms\":%lld,\"method\":",
	    (long long)r->time_ms);
	sb_grow(&sb, 512 + (r->toobig ? 0 : r->len * 6));
	sb_adds(&sb, num);
	sb_addjsonz(&sb, method);
	sb_adds(&sb, ",\"path\":");
	sb_addjsonz(&sb, r->uri);
	snprintf(num, sizeof(num), ",\"status\":%u,\"idempotency_key\":",
	    status);
	sb_adds(&sb, num);
	sb_addjsonz(&sb, MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Idempotency-Key"));
	sb_adds(&sb, ",\"event\":");
	sb_addjsonz(&sb, MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Integra-Event"));
	sb_adds(&sb, ",\"headers\":{");

	/* collect() moves off the stack array if there are many headers. */
	h.v = stackv;
	h.n = 0;
	h.cap = sizeof(stackv) / sizeof(stackv[0]);
	h.heap = 0;
	h.err = 0;
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, collect, &h);
	first = 1;
	for (i = 0; i < h.n && !h.err; i++) {
		for (j = 0; j < i; j++)
			if (h.v[j].nlen == h.v[i].nlen && strncasecmp(
			    h.v[j].name, h.v[i].name, h.v[i].nlen) == 0)
				break;
		if (j < i)
			continue;	/* already written with the first */
		if (!first)
			sb_add(&sb, ",", 1);
		first = 0;
		sb_addjson(&sb, h.v[i].name, h.v[i].nlen, 1);
		sb_add(&sb, ":", 1);
		val.len = 0;
		sb_add(&val, h.v[i].value, h.v[i].vlen);
		for (j = i + 1; j < h.n; j++)
			if (h.v[j].nlen == h.v[i].nlen && strncasecmp(
			    h.v[j].name, h.v[i].name, h.v[i].nlen) == 0) {
				sb_add(&val, ", ", 2);
				sb_add(&val, h.v[j].value, h.v[j].vlen);
			}
		if (val.err)
			sb.err = 1;
		else
			sb_addjson(&sb, val.p, val.len, 0);
	}
	sb_adds(&sb, "},\"body\":");
	if (r->toobig)
		sb_adds(&sb, "\"\"");
	else
		sb_addjson(&sb, r->body, r->len, 0);
	sb_adds(&sb, "}\n");

	if (sb.err || h.err) {
		fprintf(stderr, "%s: out of memory logging a request\n",
		    PROGNAME);
		rc = -1;
	} else {
		pthread_mutex_lock(&log_mtx);
		if (fwrite(sb.p, 1, sb.len, logfp) != sb.len ||
		    fflush(logfp) != 0) {
			if (atomic_exchange(&log_failed, 1) == 0)
				fprintf(stderr, "%s: write log: %s\n",
				    PROGNAME, strerror(errno));
			clearerr(logfp);
		}
		pthread_mutex_unlock(&log_mtx);
	}
	if (h.heap)
		free(h.v);
	free(val.p);
	free(sb.p);
	return rc;
}

/* Called with the raw request target: starts the request's state. */
static void *
uri_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct req	*r;

	(void)cls;
	(void)conn;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->uri = strdup(uri)) == NULL) {
		free(r);
		return NULL;
	}
	r->time_ms = now_ms();
	return r;
}

static void
done_cb(void *cls, struct MHD_Connection *conn, void **ctx,
    enum MHD_RequestTerminationCode toe)
{
	struct req	*r = *ctx;

	(void)cls;
	(void)conn;
	(void)toe;
	if (r == NULL)
		return;
	free(r->uri);
	free(r->body);
	free(r);
	*ctx = NULL;
}

/* The whole request is in (or refused): decide, wait, record, answer. */
static enum MHD_Result
finish(struct MHD_Connection *conn, struct req *r, const char *method)
{
	const struct rule	*rule;
	struct answer		*a;
	struct sbuf		 page = { NULL, 0, 0, 0 };
	unsigned int		 status;

	if (r->answered) {
		/* Refused early; MHD should not call again, but be safe. */
		return MHD_YES;
	}
	r->answered = 1;
	if (r->toobig)
		status = MHD_HTTP_CONTENT_TOO_LARGE;
	else if ((rule = match(status_rules, nstatus_rules, r->uri)) != NULL)
		status = rule->value;
	else if (fail_percent > 0 && (long)(rnd() % 100) < fail_percent)
		status = fail_status;
	else if (gen_n >= 0 && strcmp(method, MHD_HTTP_METHOD_GET) == 0)
		status = 0;		/* a page, after any delay */
	else
		status = def_status;
	if ((rule = match(delay_rules, ndelay_rules, r->uri)) != NULL &&
	    rule->value > 0)
		delay(rule->value);
	if (status == 0)
		status = serve_page(conn, r->uri, &page);
	if (logfp != NULL && log_request(conn, r, method, status) == -1) {
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		free(page.p);
		page.p = NULL;
	}
	if (page.p != NULL)
		return queue_json(conn, status, &page);
	if (echo_key && status >= 200 && status < 300 && status != 204)
		return echo_answer(conn, status);
	a = find_answer(status);
	return MHD_queue_response(conn, a->status, a->resp);
}

/* Answers with the JSON built in sb, whose buffer MHD then frees. */
static enum MHD_Result
queue_json(struct MHD_Connection *conn, unsigned int status, struct sbuf *sb)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 rc;

	if (sb->err) {
		free(sb->p);
		return MHD_NO;
	}
	resp = MHD_create_response_from_buffer(sb->len, sb->p,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(sb->p);
		return MHD_NO;
	}
	if (add_headers(resp, status) == -1) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	rc = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/*
 * -e: {"ok":true,"id":KEY,"messageId":KEY}, KEY the request's
 * Idempotency-Key or null.
 */
static enum MHD_Result
echo_answer(struct MHD_Connection *conn, unsigned int status)
{
	struct sbuf		 sb = { NULL, 0, 0, 0 };
	const char		*key;

	key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Idempotency-Key");
	sb_adds(&sb, "{\"ok\":true,\"id\":");
	sb_addjsonz(&sb, key);
	sb_adds(&sb, ",\"messageId\":");
	sb_addjsonz(&sb, key);
	sb_adds(&sb, "}");
	return queue_json(conn, status, &sb);
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	struct req		*r = *ctx;
	const char		*cl, *expect;
	char			*nb, *end;
	unsigned long long	 clen;
	size_t			 n, ncap;

	(void)cls;
	(void)url;
	(void)version;
	if (r == NULL)
		return MHD_NO;		/* out of memory in uri_cb */
	if (!r->started) {
		r->started = 1;
		/* Size the body buffer once if the length is announced. */
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL) {
			errno = 0;
			clen = strtoull(cl, &end, 10);
			if (errno == 0 && *end == '\0' && clen > 0) {
				if (clen > MAXBODY)
					r->toobig = 1;
				else if ((r->body = malloc(clen)) != NULL)
					r->cap = clen;
			}
		}
		/*
		 * A client waiting for "100 Continue" can be refused before
		 * it sends the body; any other must be read to the end, or
		 * it may see a reset instead of our answer.
		 */
		expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_EXPECT);
		if (r->toobig && expect != NULL &&
		    strcasecmp(expect, "100-continue") == 0)
			return finish(conn, r, method);
		return MHD_YES;
	}
	if (*upload_size != 0) {
		n = *upload_size;
		*upload_size = 0;
		if (r->toobig)
			return MHD_YES;
		if (n > MAXBODY - r->len) {
			r->toobig = 1;
			free(r->body);
			r->body = NULL;
			r->len = r->cap = 0;
			return MHD_YES;
		}
		if (r->cap - r->len < n) {
			ncap = r->cap == 0 ? 4096 : r->cap;
			while (ncap - r->len < n)
				ncap *= 2;
			if (ncap > MAXBODY)
				ncap = MAXBODY;
			if ((nb = realloc(r->body, ncap)) == NULL)
				return MHD_NO;
			r->body = nb;
			r->cap = ncap;
		}
		memcpy(r->body + r->len, upload, n);
		r->len += n;
		return MHD_YES;
	}
	return finish(conn, r, method);
}

static void
mhd_logger(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fprintf(stderr, "%s: ", PROGNAME);
	vfprintf(stderr, fmt, ap);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	struct MHD_Daemon	*d;
	const union MHD_DaemonInfo *info;
	pthread_condattr_t	 ca;
	struct rlimit		 rl;
	sigset_t		 sigs;
	const char		*portfile = NULL, *logfile = NULL;
	unsigned int		 port = 0, limit;
	size_t			 i;
	long			 seed = -1;
	int			 ch, sig, pageopt = 0;

	status_rules = calloc(argc, sizeof(*status_rules));
	delay_rules = calloc(argc, sizeof(*delay_rules));
	/* The fixed answers (see below) and one per -R at most. */
	answers = calloc(argc + 5, sizeof(*answers));
	if (status_rules == NULL || delay_rules == NULL || answers == NULL) {
		fprintf(stderr, "%s: out of memory\n", PROGNAME);
		return EX_OSERR;
	}

	while ((ch = getopt(argc, argv, "a:A:b:D:ef:F:g:G:ho:p:P:R:s:S:X:")) !=
	    -1) {
		switch (ch) {
		case 'a':
			retry_after = numarg(optarg, ch, 0, INT_MAX);
			break;
		case 'A':
			autharg(optarg);
			pageopt = ch;
			break;
		case 'D':
			rulearg(delay_rules, &ndelay_rules, optarg, ch, 0,
			    MAXDELAY);
			break;
		case 'b':
			ok_body = optarg;
			break;
		case 'e':
			echo_key = 1;
			break;
		case 'f':
			fail_percent = numarg(optarg, ch, 0, 100);
			break;
		case 'F':
			fail_status = numarg(optarg, ch, 200, 599);
			break;
		case 'g':
			gen = numarg(optarg, ch, 1, MAXGEN);
			pageopt = ch;
			break;
		case 'G':
			gen_n = numarg(optarg, ch, 0, MAXRECORDS);
			break;
		case 'h':
			usage(stdout, EX_OK);
			break;
		case 'o':
			logfile = optarg;
			break;
		case 'p':
			port = numarg(optarg, ch, 0, 65535);
			break;
		case 'P':
			portfile = optarg;
			break;
		case 'R':
			rulearg(status_rules, &nstatus_rules, optarg, ch, 200,
			    599);
			break;
		case 's':
			def_status = numarg(optarg, ch, 200, 599);
			break;
		case 'S':
			seed = numarg(optarg, ch, 0, LONG_MAX);
			break;
		case 'X':
			fail_after = numarg(optarg, ch, 1, LONG_MAX);
			pageopt = ch;
			break;
		default:
			usage(stderr, EX_USAGE);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", PROGNAME,
		    argv[optind]);
		usage(stderr, EX_USAGE);
	}
	if (pageopt != 0 && gen_n < 0) {
		fprintf(stderr, "%s: -%c is for pages: give -G too\n",
		    PROGNAME, pageopt);
		usage(stderr, EX_USAGE);
	}

	if (seed == -1)
		seed = (long)time(NULL) ^ ((long)getpid() << 16);
	atomic_store(&rng_state, (uint64_t)seed);

	if (add_answer(def_status) == -1 || add_answer(fail_status) == -1 ||
	    add_answer(MHD_HTTP_CONTENT_TOO_LARGE) == -1 ||
	    add_answer(MHD_HTTP_INTERNAL_SERVER_ERROR) == -1 ||
	    add_answer(MHD_HTTP_SERVICE_UNAVAILABLE) == -1) {
		fprintf(stderr, "%s: cannot make responses\n", PROGNAME);
		return EX_OSERR;
	}
	for (i = 0; i < nstatus_rules; i++)
		if (add_answer(status_rules[i].value) == -1) {
			fprintf(stderr, "%s: cannot make responses\n",
			    PROGNAME);
			return EX_OSERR;
		}

	if (gen_n >= 0 && make_order() == -1) {
		fprintf(stderr, "%s: out of memory\n", PROGNAME);
		return EX_OSERR;
	}

	if (logfile != NULL && (logfp = fopen(logfile, "ae")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", PROGNAME, logfile,
		    strerror(errno));
		return EX_CANTCREAT;
	}

	if (pthread_condattr_init(&ca) != 0 ||
	    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&stop_cv, &ca) != 0) {
		fprintf(stderr, "%s: cannot set up a condition variable\n",
		    PROGNAME);
		return EX_OSERR;
	}
	pthread_condattr_destroy(&ca);

	/* One thread and descriptor per connection: allow plenty. */
	limit = CONN_LIMIT;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < limit + 64)
			limit = rl.rlim_cur > 128 ? rl.rlim_cur - 64 : 64;
	}

	/* Only this thread takes the signals; MHD threads inherit the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0) {
		fprintf(stderr, "%s: cannot block signals\n", PROGNAME);
		return EX_OSERR;
	}
	signal(SIGPIPE, SIG_IGN);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL | MHD_USE_ERROR_LOG,
	    port, NULL, NULL, handler, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,	/* must be first */
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    /* A sink started again on its port (down, then back) binds. */
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1U,
	    MHD_OPTION_CONNECTION_LIMIT, limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
	    MHD_OPTION_THREAD_STACK_SIZE, (size_t)STACK_SIZE,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_cb, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, done_cb, NULL,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "%s: cannot start the daemon on "
		    "127.0.0.1:%u\n", PROGNAME, port);
		return EX_UNAVAILABLE;
	}
	if ((info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) ==
	    NULL || info->port == 0) {
		fprintf(stderr, "%s: cannot find the port listened on\n",
		    PROGNAME);
		MHD_stop_daemon(d);
		return EX_OSERR;
	}
	port = info->port;
	if (portfile != NULL) {
		if (write_portfile(portfile, port) == -1) {
			MHD_stop_daemon(d);
			return EX_CANTCREAT;
		}
	} else {
		printf("%u\n", port);
		fflush(stdout);
	}

	for (;;) {
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig == SIGTERM || sig == SIGINT)
			break;
	}

	/* Cut delays short so that connection threads can finish. */
	pthread_mutex_lock(&stop_mtx);
	stopping = 1;
	pthread_cond_broadcast(&stop_cv);
	pthread_mutex_unlock(&stop_mtx);
	MHD_stop_daemon(d);

	for (i = 0; i < nanswers; i++)
		MHD_destroy_response(answers[i].resp);
	free(answers);
	free(status_rules);
	free(delay_rules);
	free(order);
	free(auth_name);
	free(auth_value);
	if (logfp != NULL && fclose(logfp) != 0) {
		fprintf(stderr, "%s: %s: %s\n", PROGNAME, logfile,
		    strerror(errno));
		return EX_IOERR;
	}
	return EX_OK;
}
