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
 * -R and -D prefixes, and those of -r's routes, are matched against it,
 * first match wins.  time_ms is when the request line arrived; the line is
 * written just before the answer, after any delay (-D or a route's).
 * Repeated headers are joined with ", ".  A body refused with 413 is logged
 * as "".  Requests that MHD rejects itself (malformed: 400) or that the
 * client abandons before the body is complete are not logged.  204 and 304
 * answers carry no body; others carry {"ok":true} (or -b's body) or
 * {"error":"sink answered N"}, and with -e a 2xx one is
 * {"ok":true,"id":KEY,"messageId":KEY}, KEY the request's Idempotency-Key,
 * so that a test can see an answer's data used (and a Z-API message id
 * that status callbacks can name).
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
 * With -r FILE it plays any provider by data, not C: FILE holds routes,
 * one JSON object a line (blank lines and lines whose first non-blank is
 * '#' are skipped), read at start.  A line that is no good route, or a
 * file that cannot be read, makes the sink exit 2 before it listens,
 * naming the file and line ("integra-sink: FILE:LINE: what").  Every
 * request but a 413 one is tried against the routes in file order before
 * anything else, and the first that matches answers it alone: -R, -D,
 * -f, -a, -b, -e and -G with its options do not touch that answer.  A
 * request no route matches is answered as without -r.  A route's members
 * (any other is refused):
 *	method		the request's method, exactly (default: any)
 *	prefix		what the request target starts with, as for -R
 *			(required)
 *	header		{"Name":"value",...}: for each, one of the request's
 *			headers of that name (in any case) has that value
 *			(blanks after it aside)
 *	body_contains	a string the request's body holds
 *	times		N: the route answers the first N requests that match
 *			it, then is passed over (default: all of them)
 *	status		the answer's status, 200..599 (default 200)
 *	body		the answer's body: a string, or any other JSON value
 *			sent as it is written on the line (default: the
 *			usual {"ok":true} or {"error":"sink answered N"}; 204
 *			and 304 take no body)
 *	headers		{"Name":"value",...}: headers of the answer, added to
 *			Content-Type: application/json unless they name one;
 *			one whose value is or comes out empty is left out
 *	delay_ms	wait that long before answering, 0..3600000
 * In body and in the values of headers, {{idempotency_key}} is the
 * request's Idempotency-Key ("" if none) and {{path}} its target, both
 * escaped for a JSON string (without the quotes); {{n}} is the number of
 * requests the route has taken, this one included; {{count}} the number
 * of requests the sink has had, this one included; {{now}} and {{now_ms}}
 * the time of the answer (after the delay) in s and in ms since the
 * epoch; {{base}} the sink's own http://127.0.0.1:PORT (an OAuth2
 * answer's instance URL).  A "{{" that opens none of these is refused.  The counts hold
 * across connections' threads.  A request a route answers is logged as
 * any other, its line with "route":LINE after "status", LINE the route's
 * line in FILE (from 1).
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
#define EX_ROUTES	2		/* a -r file that will not do */
#define MAXDEPTH	64		/* of a route's JSON body */

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

/* A name and its value: a header to match, or one to send. */
struct kv {
	char	*name;
	char	*value;
};

/* A line of the -r file: the requests it takes and how it answers. */
struct route {
	long		 line;		/* in the file, from 1 */
	char		*method;	/* NULL: any */
	char		*prefix;
	size_t		 plen;
	struct kv	*match;		/* header */
	size_t		 nmatch;
	char		*contains;	/* body_contains, NULL: none */
	size_t		 clen;
	long		 times;		/* -1: no limit */
	unsigned int	 status;
	char		*body;		/* NULL: the usual one */
	struct kv	*headers;
	size_t		 nheaders;
	long		 delay_ms;
	atomic_long	 hits;		/* requests that matched */
};

/* A header a route wants, and whether the request has it. */
struct hdrmatch {
	const struct kv	*want;
	int		 found;
};

/* A line of the -r file being read; the reason for a failure goes in err. */
struct jp {
	const char	*line;
	const char	*p;
	char		*err;
	size_t		 errsz;
};

/* What the placeholders of a route stand for in one answer. */
struct vars {
	const char	*key;		/* Idempotency-Key, NULL: none */
	const char	*path;
	long		 n;
	long		 count;
	int64_t		 ms;
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
static long	jp_col(const struct jp *);
static int	jp_fail(struct jp *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));
static void	jp_ws(struct jp *);
static int	jp_hex4(struct jp *, unsigned long *);
static int	jp_str(struct jp *, char **);
static int	jp_keystr(struct jp *, const char *, char **);
static int	jp_int(struct jp *, const char *, long, long, long *);
static int	jp_num(struct jp *);
static int	jp_value(struct jp *, int);
static int	jp_strmap(struct jp *, const char *, struct kv **, size_t *);
static int	is_token(const char *);
static int	route_check(struct jp *, const struct route *);
static int	route_parse(struct route *, const char *, long, char *,
		    size_t);
static void	route_release(struct route *);
static int	load_routes(const char *);
static void	free_routes(void);
static enum MHD_Result hdr_eq(void *, enum MHD_ValueKind, const char *,
		    const char *);
static int	has_header(struct MHD_Connection *, const struct kv *);
static int	body_has(const struct req *, const char *, size_t);
static struct route *route_find(struct MHD_Connection *, const struct req *,
		    const char *, long *);
static int	expand(struct sbuf *, const char *, const struct vars *,
		    const char **);
static enum MHD_Result route_answer(struct MHD_Connection *, struct req *,
		    const char *, struct route *, long, long);
static int	add_headers(struct MHD_Response *, unsigned int);
static int	add_answer(unsigned int);
static struct answer *find_answer(unsigned int);
static uint64_t	rnd(void);
static int64_t	now_ms(void);
static void	delay(long);
static int	write_portfile(const char *, unsigned int);
static unsigned int	listen_port;	/* for {{base}} */
static void	sb_grow(struct sbuf *, size_t);
static void	sb_add(struct sbuf *, const void *, size_t);
static void	sb_adds(struct sbuf *, const char *);
static void	sb_addjson(struct sbuf *, const char *, size_t, int);
static void	sb_addjsonz(struct sbuf *, const char *);
static void	sb_addjsonbare(struct sbuf *, const char *);
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
		    unsigned int, long);
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

static struct route	*routes;	/* -r */
static size_t		 nroutes;
static atomic_long	 nrequests;	/* {{count}} */

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
	    "\t[-G records [-g generation] [-A 'Name: value'] [-X k]] "
	    "[-r routes]\n"
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
	    "503\n"
	    "  -r routes    answers by data: a file of routes, one JSON object "
	    "a line\n"
	    "               (blank and # lines skipped), tried first, in "
	    "order; the first\n"
	    "               that matches answers, else the options above do.\n"
	    "               Matching: method, prefix (required), header "
	    "{\"Name\":\"value\"},\n"
	    "               body_contains, times N (only the first N "
	    "matches).\n"
	    "               Answer: status (200), body (a string or JSON), "
	    "headers\n"
	    "               {\"Name\":\"value\"} (Content-Type: "
	    "application/json), delay_ms.\n"
	    "               In body and header values: {{idempotency_key}} "
	    "{{path}} (both\n"
	    "               JSON-escaped), {{n}} (the route's matches), "
	    "{{count}} (all\n"
	    "               requests), {{now}} {{now_ms}} {{base}}.  Logged "
	    "with \"route\":LINE.\n"
	    "               A bad line: exit 2, naming it\n",
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

/* Column of where j is, from 1, for messages. */
static long
jp_col(const struct jp *j)
{
	return (long)(j->p - j->line) + 1;
}

/* Puts the reason in j->err; returns -1. */
static int
jp_fail(struct jp *j, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(j->err, j->errsz, fmt, ap);
	va_end(ap);
	return -1;
}

static void
jp_ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' ||
	    *j->p == '\n')
		j->p++;
}

static int
jp_hex4(struct jp *j, unsigned long *u)
{
	int	 i, v;

	*u = 0;
	for (i = 0; i < 4; i++) {
		if ((v = hexval(j->p[i])) == -1)
			return -1;
		*u = *u << 4 | v;
	}
	j->p += 4;
	return 0;
}

/*
 * A JSON string, decoded into *out (allocated, NUL-terminated).  \u0000
 * and a lone surrogate are refused: a C string holds neither.
 */
static int
jp_str(struct jp *j, char **out)
{
	struct sbuf	 sb = { NULL, 0, 0, 0 };
	unsigned long	 u, lo;
	unsigned char	 c, utf[4];
	size_t		 n;

	if (*j->p != '"')
		return jp_fail(j, "want a string at column %ld", jp_col(j));
	for (j->p++; (c = *j->p) != '"'; ) {
		if (c == '\0') {
			free(sb.p);
			return jp_fail(j, "unterminated string");
		}
		if (c < 0x20) {
			free(sb.p);
			return jp_fail(j, "control character in a string at "
			    "column %ld", jp_col(j));
		}
		if (c != '\\') {
			sb_add(&sb, j->p++, 1);
			continue;
		}
		c = *++j->p;
		if (c != '\0')
			j->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			sb_add(&sb, &c, 1);
			continue;
		case 'b':
			sb_add(&sb, "\b", 1);
			continue;
		case 'f':
			sb_add(&sb, "\f", 1);
			continue;
		case 'n':
			sb_add(&sb, "\n", 1);
			continue;
		case 'r':
			sb_add(&sb, "\r", 1);
			continue;
		case 't':
			sb_add(&sb, "\t", 1);
			continue;
		case 'u':
			break;
		default:
			goto bad;
		}
		if (jp_hex4(j, &u) == -1 || (u >= 0xdc00 && u <= 0xdfff))
			goto bad;
		if (u == 0) {
			free(sb.p);
			return jp_fail(j, "\\u0000 in a string at column %ld",
			    jp_col(j));
		}
		if (u >= 0xd800 && u <= 0xdbff) {
			if (j->p[0] != '\\' || j->p[1] != 'u')
				goto bad;
			j->p += 2;
			if (jp_hex4(j, &lo) == -1 || lo < 0xdc00 || lo > 0xdfff)
				goto bad;
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		}
		if (u < 0x80) {
			utf[0] = u;
			n = 1;
		} else if (u < 0x800) {
			utf[0] = 0xc0 | u >> 6;
			utf[1] = 0x80 | (u & 0x3f);
			n = 2;
		} else if (u < 0x10000) {
			utf[0] = 0xe0 | u >> 12;
			utf[1] = 0x80 | (u >> 6 & 0x3f);
			utf[2] = 0x80 | (u & 0x3f);
			n = 3;
		} else {
			utf[0] = 0xf0 | u >> 18;
			utf[1] = 0x80 | (u >> 12 & 0x3f);
			utf[2] = 0x80 | (u >> 6 & 0x3f);
			utf[3] = 0x80 | (u & 0x3f);
			n = 4;
		}
		sb_add(&sb, utf, n);
	}
	j->p++;
	sb_add(&sb, "", 1);
	if (sb.err) {
		free(sb.p);
		return jp_fail(j, "out of memory");
	}
	*out = sb.p;
	return 0;
bad:
	free(sb.p);
	return jp_fail(j, "bad escape in a string at column %ld", jp_col(j));
}

/* The string value of member key. */
static int
jp_keystr(struct jp *j, const char *key, char **out)
{
	if (*j->p != '"')
		return jp_fail(j, "'%s': want a string", key);
	return jp_str(j, out);
}

/* The whole-number value of member key, in [min, max]. */
static int
jp_int(struct jp *j, const char *key, long min, long max, long *v)
{
	const char	*s = j->p;
	long		 n = 0;
	int		 neg;

	if ((neg = *s == '-'))
		s++;
	if (*s < '0' || *s > '9')
		goto bad;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (LONG_MAX - (*s - '0')) / 10)
			goto bad;
		n = n * 10 + (*s - '0');
	}
	if (*s == '.' || *s == 'e' || *s == 'E')
		goto bad;
	if (neg)
		n = -n;
	if (n < min || n > max)
		goto bad;
	j->p = s;
	*v = n;
	return 0;
bad:
	return jp_fail(j, "'%s': want a whole number in %ld..%ld", key, min,
	    max);
}

/* Skips a JSON number. */
static int
jp_num(struct jp *j)
{
	const char	*s = j->p;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		s += strspn(s, "0123456789");
	else
		goto bad;
	if (*s == '.') {
		if (*++s < '0' || *s > '9')
			goto bad;
		s += strspn(s, "0123456789");
	}
	if (*s == 'e' || *s == 'E') {
		if (*++s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			goto bad;
		s += strspn(s, "0123456789");
	}
	j->p = s;
	return 0;
bad:
	return jp_fail(j, "bad JSON at column %ld", jp_col(j));
}

/* Skips any JSON value, checking it, nested at most MAXDEPTH deep. */
static int
jp_value(struct jp *j, int depth)
{
	static const char *const lits[] = { "true", "false", "null" };
	char		*s;
	size_t		 i, n;
	int		 close;

	if (depth > MAXDEPTH)
		return jp_fail(j, "nested too deep at column %ld", jp_col(j));
	switch (*j->p) {
	case '"':
		if (jp_str(j, &s) == -1)
			return -1;
		free(s);
		return 0;
	case '{':
	case '[':
		close = *j->p++ == '{' ? '}' : ']';
		jp_ws(j);
		if (*j->p == close) {
			j->p++;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				if (jp_str(j, &s) == -1)
					return -1;
				free(s);
				jp_ws(j);
				if (*j->p != ':')
					goto bad;
				j->p++;
				jp_ws(j);
			}
			if (jp_value(j, depth + 1) == -1)
				return -1;
			jp_ws(j);
			if (*j->p == close) {
				j->p++;
				return 0;
			}
			if (*j->p != ',')
				goto bad;
			j->p++;
			jp_ws(j);
		}
	}
	for (i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		n = strlen(lits[i]);
		if (strncmp(j->p, lits[i], n) == 0) {
			j->p += n;
			return 0;
		}
	}
	return jp_num(j);
bad:
	return jp_fail(j, "bad JSON at column %ld", jp_col(j));
}

/* The value of member key, an object of strings, appended to *v. */
static int
jp_strmap(struct jp *j, const char *key, struct kv **v, size_t *n)
{
	struct kv	*nv;
	char		*name, *value;

	if (*j->p != '{')
		return jp_fail(j, "'%s': want an object of strings", key);
	j->p++;
	jp_ws(j);
	if (*j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		if (jp_str(j, &name) == -1)
			return -1;
		jp_ws(j);
		if (*j->p != ':') {
			free(name);
			return jp_fail(j, "bad JSON at column %ld", jp_col(j));
		}
		j->p++;
		jp_ws(j);
		if (jp_keystr(j, key, &value) == -1) {
			free(name);
			return -1;
		}
		if ((nv = reallocarray(*v, *n + 1, sizeof(**v))) == NULL) {
			free(name);
			free(value);
			return jp_fail(j, "out of memory");
		}
		*v = nv;
		nv[*n].name = name;
		nv[*n].value = value;
		(*n)++;
		jp_ws(j);
		if (*j->p == '}') {
			j->p++;
			return 0;
		}
		if (*j->p != ',')
			return jp_fail(j, "bad JSON at column %ld", jp_col(j));
		j->p++;
		jp_ws(j);
	}
}

/* An HTTP token (RFC 9110): a method or a header's name. */
static int
is_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') ||
		    strchr("!#$%&'*+-.^_`|~", *s) != NULL))
			return 0;
	return 1;
}

/* What a well-formed route must also be. */
static int
route_check(struct jp *j, const struct route *rt)
{
	struct MHD_Response	*resp;
	const char		*bad;
	size_t			 i;
	int			 rc = 0;

	if (rt->prefix == NULL)
		return jp_fail(j, "no prefix");
	if (rt->method != NULL && !is_token(rt->method))
		return jp_fail(j, "'method': bad method '%s'", rt->method);
	for (i = 0; i < rt->nmatch; i++)
		if (!is_token(rt->match[i].name))
			return jp_fail(j, "'header': bad name '%s'",
			    rt->match[i].name);
	if (rt->body != NULL && (rt->status == 204 || rt->status == 304))
		return jp_fail(j, "'body': a %u answer has none", rt->status);
	if (rt->body != NULL && expand(NULL, rt->body, NULL, &bad) == -1)
		return jp_fail(j, "'body': bad placeholder '%.32s'", bad);
	for (i = 0; i < rt->nheaders; i++) {
		if (!is_token(rt->headers[i].name))
			return jp_fail(j, "'headers': bad name '%s'",
			    rt->headers[i].name);
		if (expand(NULL, rt->headers[i].value, NULL, &bad) == -1)
			return jp_fail(j, "'headers': '%s': bad placeholder "
			    "'%.32s'", rt->headers[i].name, bad);
	}
	/* What MHD will not send (Content-Length, CR or LF in a value). */
	if ((resp = MHD_create_response_from_buffer(0, NULL,
	    MHD_RESPMEM_PERSISTENT)) == NULL)
		return jp_fail(j, "cannot make a response");
	for (i = 0; i < rt->nheaders && rc == 0; i++)
		if (rt->headers[i].value[0] != '\0' &&
		    MHD_add_response_header(resp, rt->headers[i].name,
		    rt->headers[i].value) == MHD_NO)
			rc = jp_fail(j, "'headers': libmicrohttpd will not "
			    "send '%s'", rt->headers[i].name);
	MHD_destroy_response(resp);
	return rc;
}

/*
 * Reads one line of the -r file into rt, or fails with the reason in
 * err; either way rt is then for route_release().
 */
static int
route_parse(struct route *rt, const char *line, long lineno, char *err,
    size_t errsz)
{
	enum { METHOD, PREFIX, HEADER, CONTAINS, TIMES, STATUS, BODY,
	    HEADERS, DELAY, NKEYS };
	static const char *const keys[NKEYS] = {
		[METHOD] = "method", [PREFIX] = "prefix", [HEADER] = "header",
		[CONTAINS] = "body_contains", [TIMES] = "times",
		[STATUS] = "status", [BODY] = "body", [HEADERS] = "headers",
		[DELAY] = "delay_ms"
	};
	struct jp	 j;
	const char	*start;
	char		*key;
	int		 seen[NKEYS] = { 0 };
	int		 k, rc = 0;
	long		 v;

	memset(rt, 0, sizeof(*rt));
	rt->line = lineno;
	rt->times = -1;
	rt->status = MHD_HTTP_OK;
	j.line = j.p = line;
	j.err = err;
	j.errsz = errsz;

	jp_ws(&j);
	if (*j.p != '{')
		return jp_fail(&j, "want a JSON object");
	j.p++;
	jp_ws(&j);
	while (*j.p != '}') {
		if (jp_str(&j, &key) == -1)
			return -1;
		for (k = 0; k < NKEYS && strcmp(key, keys[k]) != 0; k++)
			;
		if (k == NKEYS) {
			jp_fail(&j, "unknown member '%.64s'", key);
			free(key);
			return -1;
		}
		free(key);
		if (seen[k]++)
			return jp_fail(&j, "'%s' given twice", keys[k]);
		jp_ws(&j);
		if (*j.p != ':')
			return jp_fail(&j, "bad JSON at column %ld",
			    jp_col(&j));
		j.p++;
		jp_ws(&j);
		switch (k) {
		case METHOD:
			rc = jp_keystr(&j, keys[k], &rt->method);
			break;
		case PREFIX:
			if ((rc = jp_keystr(&j, keys[k], &rt->prefix)) == 0)
				rt->plen = strlen(rt->prefix);
			break;
		case HEADER:
			rc = jp_strmap(&j, keys[k], &rt->match, &rt->nmatch);
			break;
		case CONTAINS:
			if ((rc = jp_keystr(&j, keys[k], &rt->contains)) == 0)
				rt->clen = strlen(rt->contains);
			break;
		case TIMES:
			rc = jp_int(&j, keys[k], 0, LONG_MAX, &rt->times);
			break;
		case STATUS:
			if ((rc = jp_int(&j, keys[k], 200, 599, &v)) == 0)
				rt->status = v;
			break;
		case BODY:
			if (*j.p == '"') {
				rc = jp_str(&j, &rt->body);
				break;
			}
			start = j.p;
			if ((rc = jp_value(&j, 0)) == 0 && (rt->body =
			    strndup(start, j.p - start)) == NULL)
				rc = jp_fail(&j, "out of memory");
			break;
		case HEADERS:
			rc = jp_strmap(&j, keys[k], &rt->headers,
			    &rt->nheaders);
			break;
		case DELAY:
			rc = jp_int(&j, keys[k], 0, MAXDELAY, &rt->delay_ms);
			break;
		}
		if (rc == -1)
			return -1;
		jp_ws(&j);
		if (*j.p == ',') {
			j.p++;
			jp_ws(&j);
			if (*j.p == '}')
				return jp_fail(&j, "bad JSON at column %ld",
				    jp_col(&j));
		} else if (*j.p != '}')
			return jp_fail(&j, "bad JSON at column %ld",
			    jp_col(&j));
	}
	j.p++;
	jp_ws(&j);
	if (*j.p != '\0')
		return jp_fail(&j, "more after the object, at column %ld",
		    jp_col(&j));
	return route_check(&j, rt);
}

static void
route_release(struct route *rt)
{
	size_t	 i;

	for (i = 0; i < rt->nmatch; i++) {
		free(rt->match[i].name);
		free(rt->match[i].value);
	}
	for (i = 0; i < rt->nheaders; i++) {
		free(rt->headers[i].name);
		free(rt->headers[i].value);
	}
	free(rt->method);
	free(rt->prefix);
	free(rt->match);
	free(rt->contains);
	free(rt->body);
	free(rt->headers);
	memset(rt, 0, sizeof(*rt));
}

/* Reads the -r file into routes, or says why not and fails. */
static int
load_routes(const char *path)
{
	FILE		*fp;
	struct route	*nr;
	char		*line = NULL, err[256];
	const char	*s;
	size_t		 cap = 0;
	ssize_t		 len;
	long		 lineno = 0;
	int		 rc = 0;

	if ((fp = fopen(path, "re")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", PROGNAME, path,
		    strerror(errno));
		return -1;
	}
	while (rc == 0 && (len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		s = line + strspn(line, " \t\r\n");
		if (*s == '#' || (*s == '\0' && s == line + len))
			continue;
		if (strlen(line) != (size_t)len) {
			fprintf(stderr, "%s: %s:%ld: a NUL byte\n", PROGNAME,
			    path, lineno);
			rc = -1;
		} else if ((nr = reallocarray(routes, nroutes + 1,
		    sizeof(*routes))) == NULL) {
			fprintf(stderr, "%s: out of memory\n", PROGNAME);
			rc = -1;
		} else {
			routes = nr;
			if (route_parse(&routes[nroutes], line, lineno, err,
			    sizeof(err)) == 0)
				nroutes++;
			else {
				fprintf(stderr, "%s: %s:%ld: %s\n", PROGNAME,
				    path, lineno, err);
				route_release(&routes[nroutes]);
				rc = -1;
			}
		}
	}
	if (rc == 0 && ferror(fp)) {
		fprintf(stderr, "%s: %s: %s\n", PROGNAME, path,
		    strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(fp);
	return rc;
}

static void
free_routes(void)
{
	size_t	 i;

	for (i = 0; i < nroutes; i++)
		route_release(&routes[i]);
	free(routes);
	routes = NULL;
	nroutes = 0;
}

/* Stops at the header the route wants, if this is it. */
static enum MHD_Result
hdr_eq(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct hdrmatch	*m = cls;
	size_t		 n;

	(void)kind;
	if (value == NULL || strcasecmp(key, m->want->name) != 0)
		return MHD_YES;
	/* MHD keeps trailing blanks, which are not part of the value. */
	n = strlen(m->want->value);
	if (strncmp(value, m->want->value, n) == 0 &&
	    value[n + strspn(value + n, " \t")] == '\0') {
		m->found = 1;
		return MHD_NO;
	}
	return MHD_YES;
}

static int
has_header(struct MHD_Connection *conn, const struct kv *want)
{
	struct hdrmatch	 m = { want, 0 };

	MHD_get_connection_values(conn, MHD_HEADER_KIND, hdr_eq, &m);
	return m.found;
}

static int
body_has(const struct req *r, const char *s, size_t n)
{
	if (n == 0)
		return 1;
	return r->len >= n && memmem(r->body, r->len, s, n) != NULL;
}

/*
 * The first route that takes this request, with the number of requests
 * it has taken in *n, or NULL.  A route with times counts every request
 * that matches it, so that exactly that many are its, whatever threads
 * they come on.
 */
static struct route *
route_find(struct MHD_Connection *conn, const struct req *r,
    const char *method, long *n)
{
	struct route	*rt;
	size_t		 i, k;

	for (i = 0; i < nroutes; i++) {
		rt = &routes[i];
		if ((rt->method != NULL && strcmp(method, rt->method) != 0) ||
		    strncmp(r->uri, rt->prefix, rt->plen) != 0 ||
		    (rt->contains != NULL && !body_has(r, rt->contains,
		    rt->clen)))
			continue;
		for (k = 0; k < rt->nmatch; k++)
			if (!has_header(conn, &rt->match[k]))
				break;
		if (k < rt->nmatch)
			continue;
		*n = atomic_fetch_add(&rt->hits, 1) + 1;
		if (rt->times >= 0 && *n > rt->times)
			continue;
		return rt;
	}
	return NULL;
}

/*
 * Appends t to sb with each {{name}} in it replaced as v says; with sb
 * NULL, only checks t.  Fails at a "{{" that opens no placeholder, which
 * *bad then points at.
 */
static int
expand(struct sbuf *sb, const char *t, const struct vars *v,
    const char **bad)
{
	enum { KEY, PATH, N, COUNT, NOW, NOW_MS, BASE, NPH };
	static const char *const names[NPH] = {
		[KEY] = "idempotency_key", [PATH] = "path", [N] = "n",
		[COUNT] = "count", [NOW] = "now", [NOW_MS] = "now_ms",
		[BASE] = "base"
	};
	const char	*p, *e;
	char		 num[32];
	size_t		 n;
	int		 k;

	for (; (p = strstr(t, "{{")) != NULL; t = e + 2) {
		if (sb != NULL)
			sb_add(sb, t, p - t);
		e = strstr(p + 2, "}}");
		n = e == NULL ? 0 : (size_t)(e - p - 2);
		for (k = 0; k < NPH; k++)
			if (e != NULL && strlen(names[k]) == n &&
			    strncmp(p + 2, names[k], n) == 0)
				break;
		if (k == NPH) {
			*bad = p;
			return -1;
		}
		if (sb == NULL)
			continue;
		switch (k) {
		case KEY:
			if (v->key != NULL)
				sb_addjsonbare(sb, v->key);
			break;
		case PATH:
			sb_addjsonbare(sb, v->path);
			break;
		case N:
		case COUNT:
			snprintf(num, sizeof(num), "%ld",
			    k == N ? v->n : v->count);
			sb_adds(sb, num);
			break;
		case NOW:
		case NOW_MS:
			snprintf(num, sizeof(num), "%lld",
			    (long long)(k == NOW ? v->ms / 1000 : v->ms));
			sb_adds(sb, num);
			break;
		case BASE:
			snprintf(num, sizeof(num), "http://127.0.0.1:%u",
			    listen_port);
			sb_adds(sb, num);
			break;
		}
	}
	if (sb != NULL)
		sb_adds(sb, t);
	return 0;
}

/* Answers as route rt says, the n-th request it takes, count-th in all. */
static enum MHD_Result
route_answer(struct MHD_Connection *conn, struct req *r, const char *method,
    struct route *rt, long n, long count)
{
	struct MHD_Response	*resp;
	struct answer		*a;
	struct sbuf		 body = { NULL, 0, 0, 0 };
	struct sbuf		 val = { NULL, 0, 0, 0 };
	struct vars		 v;
	enum MHD_Result		 rc = MHD_NO;
	const char		*bad;
	char			 dflt[64];
	size_t			 i;
	int			 ctype = 0;

	if (rt->delay_ms > 0)
		delay(rt->delay_ms);
	v.key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Idempotency-Key");
	v.path = r->uri;
	v.n = n;
	v.count = count;
	v.ms = now_ms();
	if (rt->body != NULL)
		expand(&body, rt->body, &v, &bad);
	else if (rt->status != 204 && rt->status != 304) {
		if (rt->status >= 200 && rt->status < 300)
			snprintf(dflt, sizeof(dflt), "{\"ok\":true}");
		else
			snprintf(dflt, sizeof(dflt),
			    "{\"error\":\"sink answered %u\"}", rt->status);
		sb_adds(&body, dflt);
	}
	if (body.err || (logfp != NULL &&
	    log_request(conn, r, method, rt->status, rt->line) == -1)) {
		free(body.p);
		a = find_answer(MHD_HTTP_INTERNAL_SERVER_ERROR);
		return MHD_queue_response(conn, a->status, a->resp);
	}
	if ((resp = MHD_create_response_from_buffer(body.len, body.p,
	    MHD_RESPMEM_MUST_FREE)) == NULL) {
		free(body.p);
		return MHD_NO;
	}
	for (i = 0; i < rt->nheaders; i++) {
		val.len = 0;
		expand(&val, rt->headers[i].value, &v, &bad);
		sb_add(&val, "", 1);
		if (val.err)
			goto out;
		/* MHD sends no empty value: {{idempotency_key}} of none. */
		if (val.p[0] == '\0')
			continue;
		if (MHD_add_response_header(resp, rt->headers[i].name,
		    val.p) == MHD_NO)
			goto out;
		if (strcasecmp(rt->headers[i].name,
		    MHD_HTTP_HEADER_CONTENT_TYPE) == 0)
			ctype = 1;
	}
	if (!ctype && MHD_add_response_header(resp,
	    MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") == MHD_NO)
		goto out;
	rc = MHD_queue_response(conn, rt->status, resp);
out:
	MHD_destroy_response(resp);
	free(val.p);
	return rc;
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
	if (n == 0)
		return;		/* sb->p may still be NULL */
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

/* Appends s escaped for a JSON string, without the quotes. */
static void
sb_addjsonbare(struct sbuf *sb, const char *s)
{
	size_t	 start = sb->len;

	sb_addjson(sb, s, strlen(s), 0);
	if (sb->err)
		return;
	memmove(sb->p + start, sb->p + start + 1, sb->len - start - 2);
	sb->len -= 2;
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

/* Appends the JSON line for this request to the log; route 0: none. */
static int
log_request(struct MHD_Connection *conn, struct req *r, const char *method,
    unsigned int status, long route)
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
	snprintf(num, sizeof(num), ",\"status\":%u,", status);
	sb_adds(&sb, num);
	if (route > 0) {
		snprintf(num, sizeof(num), "\"route\":%ld,", route);
		sb_adds(&sb, num);
	}
	sb_adds(&sb, "\"idempotency_key\":");
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
	struct route		*rt;
	struct answer		*a;
	struct sbuf		 page = { NULL, 0, 0, 0 };
	unsigned int		 status;
	long			 n, count;

	if (r->answered) {
		/* Refused early; MHD should not call again, but be safe. */
		return MHD_YES;
	}
	r->answered = 1;
	count = atomic_fetch_add(&nrequests, 1) + 1;
	if (!r->toobig && nroutes > 0 &&
	    (rt = route_find(conn, r, method, &n)) != NULL)
		return route_answer(conn, r, method, rt, n, count);
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
	if (logfp != NULL && log_request(conn, r, method, status, 0) == -1) {
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
	const char		*routefile = NULL;
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

	while ((ch = getopt(argc, argv,
	    "a:A:b:D:ef:F:g:G:ho:p:P:r:R:s:S:X:")) != -1) {
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
		case 'r':
			routefile = optarg;
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

	if (routefile != NULL && load_routes(routefile) == -1) {
		free_routes();
		return EX_ROUTES;
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
	port = listen_port = info->port;
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
	free_routes();
	if (logfp != NULL && fclose(logfp) != 0) {
		fprintf(stderr, "%s: %s: %s\n", PROGNAME, logfile,
		    strerror(errno));
		return EX_IOERR;
	}
	return EX_OK;
}
