/*
 * journal/sqlite: the SQLite backend (private.h's struct journal_backend),
 * the one file that knows SQLite: the journal is a file in WAL mode with
 * synchronous=FULL, a busy timeout and foreign keys on; its schema
 * version is PRAGMA user_version, migrated forward by whichever program
 * opens it first (migrations/, schema.sql); sealed values are sealed and
 * opened by SQL functions (integra_seal, integra_open) the statements
 * call.  A statement is SQLite's own, prepared at its first use and kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/keyindex.h"
#include "journal/private.h"
#include "journal/seal.h"
#include "journal/sqlite.h"

#define BUSY_TIMEOUT_MS	30000
/*
 * SQLite's 4 KB pages, set when the journal is created (SQLite ignores it
 * on an existing one).  Each event with a random key dirties one page of
 * the key index at random (keyindex.h), and a commit writes such pages whole:
 * 16 KB pages held it to 22-24k events/s, 4 KB pages give 29-32k
 * (bench/README.md), while ingest, which once gained 11% from 16 KB
 * pages, keeps 117-125k/s since the stream frees work where it was made.
 */
#define JOURNAL_PAGE_SIZE	"4096"
/*
 * Pages of WAL before a checkpoint copies them into the database: 32 MB
 * rather than SQLite's 4 MB, so a page a stream rewrites commit after
 * commit is copied once, not eight times.  The receiver also copies the
 * WAL from a thread of its own (checkpointer.h), so that the commit that
 * reaches this size has little left to copy.
 */
#define WAL_CHECKPOINT_PAGES	"8000"
/*
 * 8 MB of page cache, not SQLite's 2 MB: the random inserts into the key
 * index find their pages in memory (bench/run: ingest 4-5%
 * faster; peak RSS 16 -> 22 MB of the 30 MB allowed).
 */
#define CACHE_KIB	"-8192"

struct lite_stmt {
	struct journal_stmt	 base;
	sqlite3_stmt		*st;
};

/* A journal's connection: j->conn. */
struct lite {
	sqlite3			*db;
	struct lite_stmt	 stmt[JOURNAL_NSQL];	/* st NULL until the
							   first use */
};

static sqlite3 *
db_of(const struct journal *j)
{
	return j->conn != NULL ? ((struct lite *)j->conn)->db : NULL;
}

static sqlite3_stmt *
lite(struct journal_stmt *st)
{
	return ((struct lite_stmt *)st)->st;
}

sqlite3 *
journal_sqlite_db(struct journal *j)
{
	return db_of(j);
}

static int
lite_fail(struct journal *j, const char *what)
{
	int code = db_of(j) != NULL ? sqlite3_extended_errcode(db_of(j)) :
	    SQLITE_NOMEM;

	snprintf(j->err, sizeof(j->err), "journal '%s': %s: %s", j->path,
	    what, db_of(j) != NULL ? sqlite3_errmsg(db_of(j)) : "out of memory");
	j->busy = (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED;
	/*
	 * What it means to the program's caller: locked or full, try again
	 * later (with space freed, the --pending runs finish the work); the
	 * disk failing, an I/O error; anything else, a statement of ours.
	 */
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
		j->failure = EX_TEMPFAIL;
		break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		j->failure = EX_IOERR;
		break;
	default:
		j->failure = EX_SOFTWARE;
		break;
	}
	return j->busy ? JOURNAL_BUSY : -1;
}

static int
exec(struct journal *j, const char *sql)
{
	if (sqlite3_exec(db_of(j), sql, NULL, NULL, NULL) != SQLITE_OK)
		return lite_fail(j, sql);
	return 0;
}

/*
 * SQL's names for keyindex.h, for migration 12 and retention, which make
 * the index form of keys already in the journal.
 */
static void
sql_key_index(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char *key = (const char *)sqlite3_value_text(argv[0]);
	size_t len = (size_t)sqlite3_value_bytes(argv[0]);
	unsigned char *out;

	(void)argc;
	if (key == NULL) {
		sqlite3_result_null(cx);
		return;
	}
	out = xmalloc(len + 1);
	sqlite3_result_blob(cx, out, (int)key_index(key, len, out), free);
}

static void
sql_key_retained(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char *source = (const char *)sqlite3_value_text(argv[0]);
	const char *key = (const char *)sqlite3_value_text(argv[1]);
	unsigned char out[KEY_INDEX_RETAINED_LEN];

	(void)argc;
	if (source == NULL || key == NULL) {
		sqlite3_result_null(cx);
		return;
	}
	key_index_retained(source, key, (size_t)sqlite3_value_bytes(argv[1]),
	    out);
	sqlite3_result_blob(cx, out, sizeof(out), SQLITE_TRANSIENT);
}

/*
 * A plain BLOB (bytes kept as they came: a rejected payload) that needs
 * it is kept behind the escape byte (private.h); integra_open takes it
 * off.
 */
static int
needs_escape(sqlite3_value *v)
{
	return sqlite3_value_type(v) == SQLITE_BLOB &&
	    journal_needs_escape(sqlite3_value_blob(v),
	    (size_t)sqlite3_value_bytes(v));
}

/*
 * integra_seal(value, aad): value sealed bound to aad (journal/seal.h) if
 * the journal has a current key, else as it is (escaped if need be).
 * NULL stays NULL.
 */
static void
sql_seal(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct journal *j = sqlite3_user_data(cx);
	const void *v = sqlite3_value_blob(argv[0]);
	size_t n = (size_t)sqlite3_value_bytes(argv[0]);
	const void *aad = sqlite3_value_blob(argv[1]);
	size_t aadlen = (size_t)sqlite3_value_bytes(argv[1]);

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(cx);
		return;
	}
	if (!seal_on(j->seal) && needs_escape(argv[0])) {
		buf_reset(&j->sealed);
		buf_addc(&j->sealed, (char)JOURNAL_PLAIN_ESCAPE);
		buf_add(&j->sealed, v, n);
		sqlite3_result_blob(cx, j->sealed.data, (int)j->sealed.len,
		    SQLITE_TRANSIENT);
		return;
	}
	if (!seal_on(j->seal)) {
		sqlite3_result_value(cx, argv[0]);
		return;
	}
	buf_reset(&j->sealed);
	if (seal_value(j->seal, v != NULL ? v : "", n, aad, aadlen,
	    &j->sealed) != 0) {
		sqlite3_result_error(cx, "a value could not be sealed", -1);
		return;
	}
	sqlite3_result_blob(cx, j->sealed.data, (int)j->sealed.len,
	    SQLITE_TRANSIENT);
}

/*
 * integra_open(value, aad): a sealed value opened, as text; any other as
 * it is, so that one statement reads a journal sealed, not, or half
 * rekeyed.  A sealed value that does not open (its key unknown, or not
 * its row's) is an error: nothing silently read as empty.
 */
static void
sql_open(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct journal *j = sqlite3_user_data(cx);
	const void *v = sqlite3_value_blob(argv[0]);
	size_t n = (size_t)sqlite3_value_bytes(argv[0]);
	const void *aad = sqlite3_value_blob(argv[1]);
	size_t aadlen = (size_t)sqlite3_value_bytes(argv[1]);

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_BLOB && n > 0 &&
	    *(const unsigned char *)v == JOURNAL_PLAIN_ESCAPE) {
		sqlite3_result_blob(cx, (const char *)v + 1, (int)n - 1,
		    SQLITE_TRANSIENT);
		return;
	}
	if (sqlite3_value_type(argv[0]) != SQLITE_BLOB ||
	    !seal_is_sealed(v, n)) {
		sqlite3_result_value(cx, argv[0]);
		return;
	}
	buf_reset(&j->sealed);
	if (seal_open(j->seal, v, n, aad, aadlen, &j->sealed, NULL,
	    NULL) != 0) {
		sqlite3_result_error(cx, "a sealed value does not open: its"
		    " key is not known, or it is not this row's", -1);
		return;
	}
	sqlite3_result_text(cx, j->sealed.data, (int)j->sealed.len,
	    SQLITE_TRANSIENT);
}

/*
 * integra_sealed_by(value): the id of the key a sealed value names; NULL
 * for any other value.
 */
static void
sql_sealed_by(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char *id;
	size_t idlen;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_BLOB ||
	    seal_key_id(sqlite3_value_blob(argv[0]),
	    (size_t)sqlite3_value_bytes(argv[0]), &id, &idlen) != 0) {
		sqlite3_result_null(cx);
		return;
	}
	sqlite3_result_text(cx, id, (int)idlen, SQLITE_TRANSIENT);
}

static int
add_functions(struct journal *j)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;

	if (sqlite3_create_function(db_of(j), "integra_key_index", 1, flags,
	    NULL, sql_key_index, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db_of(j), "integra_key_retained", 2, flags,
	    NULL, sql_key_retained, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db_of(j), "integra_open", 2, flags, j,
	    sql_open, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db_of(j), "integra_sealed_by", 1, flags,
	    NULL, sql_sealed_by, NULL, NULL) != SQLITE_OK ||
	    /* Not deterministic: a nonce each call. */
	    sqlite3_create_function(db_of(j), "integra_seal", 2, SQLITE_UTF8 |
	    SQLITE_DIRECTONLY, j, sql_seal, NULL, NULL) != SQLITE_OK)
		return lite_fail(j, "add SQL functions");
	return 0;
}

/*
 * 0 if no row breaks a foreign key, as if they had been on, and every
 * envelope has its event, which no foreign key says since migration 18:
 * each check's rows are foreign_key_check's (table, rowid, parent, ...).
 */
static int
foreign_keys_hold(struct journal *j)
{
	static const char *const checks[] = {
		"PRAGMA foreign_key_check",
		"SELECT 'raw_envelopes', event, 'events' FROM raw_envelopes"
		" WHERE event NOT IN (SELECT seq FROM events) UNION ALL"
		" SELECT 'canonical_envelopes', event, 'events'"
		" FROM canonical_envelopes"
		" WHERE event NOT IN (SELECT seq FROM events) LIMIT 1",
	};
	sqlite3_stmt *st;
	size_t i;
	int rc = SQLITE_DONE;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]) &&
	    rc == SQLITE_DONE; i++) {
		if (sqlite3_prepare_v2(db_of(j), checks[i], -1, &st,
		    NULL) != SQLITE_OK)
			return lite_fail(j, "check foreign keys");
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			snprintf(j->err, sizeof(j->err), "journal '%s': a row"
			    " of %s refers to a row of %s that is not there",
			    j->path, (const char *)sqlite3_column_text(st, 0),
			    (const char *)sqlite3_column_text(st, 2));
		else if (rc != SQLITE_DONE)
			lite_fail(j, "check foreign keys");
		sqlite3_finalize(st);
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
migrate(struct journal *j)
{
	sqlite3_stmt *st;
	int version, rc;
	size_t v;

	if ((rc = exec(j, "BEGIN IMMEDIATE")) != 0)
		return rc;
	if (sqlite3_prepare_v2(db_of(j), "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		rc = lite_fail(j, "read schema version");
		sqlite3_finalize(st);
		goto out;
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version < 0 || (size_t)version > journal_nmigrations) {
		snprintf(j->err, sizeof(j->err), "journal '%s': schema version"
		    " %d is newer than this program knows (%zu): upgrade"
		    " integra", j->path, version, journal_nmigrations);
		rc = -1;
		goto out;
	}
	for (v = (size_t)version; v < journal_nmigrations; v++)
		if (sqlite3_exec(db_of(j), journal_migrations[v], NULL, NULL,
		    NULL) != SQLITE_OK) {
			char what[64];

			/* The statement would hide SQLite's reason. */
			snprintf(what, sizeof(what), "migrate the schema from"
			    " version %zu", v);
			rc = lite_fail(j, what);
			goto out;
		}
	if ((size_t)version < journal_nmigrations) {
		char sql[64];

		/* Migration 12 made events again with the foreign keys off. */
		if ((rc = foreign_keys_hold(j)) != 0)
			goto out;

		snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu",
		    journal_nmigrations);
		if ((rc = exec(j, sql)) != 0)
			goto out;
	}
	return exec(j, "COMMIT");
out:
	sqlite3_exec(db_of(j), "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/*
 * A journal is used by one thread at a time, so SQLite's global memory
 * statistics, which take a lock around every allocation, buy nothing:
 * turned off (bench/run: map 9% faster).  No page cache allocated in
 * bulk: each statement's temporary table (a claim's UPDATE ... RETURNING)
 * has a cache of its own, and its bulk of ~100 KB, freed at the heap's
 * top, made glibc give it back to the kernel and fault it in again each
 * claim (dispatch: 700,000 page faults for 100,000 deliveries, a third
 * of its time in the kernel).  sqlite3_config works only before
 * SQLite initialises, so a caller must open its first journal before it
 * starts a thread that uses SQLite.
 */
static void
configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

static int
lite_open(struct journal *j)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct lite *l;
	size_t i;
	int fd;

	pthread_once(&once, configure_sqlite);
	j->conn = l = xcalloc(1, sizeof(*l));
	for (i = 0; i < JOURNAL_NSQL; i++)
		l->stmt[i].base.be = &journal_sqlite;
	/*
	 * A journal holds personal data: made 0600 whatever the umask
	 * (SQLite would make it 0644 less the umask); its -wal and -shm
	 * take its mode.  Only a new one: closing a descriptor of a file
	 * this process has open would drop the POSIX locks SQLite holds on
	 * it, and one there already keeps its own mode.
	 */
	if ((fd = open(j->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) != -1)
		close(fd);
	if (sqlite3_open_v2(j->path, &l->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return lite_fail(j, "open");
	sqlite3_extended_result_codes(l->db, 1);
	sqlite3_busy_timeout(l->db, BUSY_TIMEOUT_MS);
	/*
	 * WAL lets readers go on while one process writes; FULL makes each
	 * commit durable, which group commit keeps affordable.
	 */
	if (exec(j, "PRAGMA page_size = " JOURNAL_PAGE_SIZE) != 0 ||
	    exec(j, "PRAGMA journal_mode = WAL") != 0 ||
	    exec(j, "PRAGMA synchronous = FULL") != 0 ||
	    exec(j, "PRAGMA wal_autocheckpoint = " WAL_CHECKPOINT_PAGES) != 0 ||
	    exec(j, "PRAGMA cache_size = " CACHE_KIB) != 0 ||
	    add_functions(j) != 0 || migrate(j) != 0 ||
	    exec(j, "PRAGMA foreign_keys = ON") != 0)
		return -1;
	return 0;
}

static void
lite_close(struct journal *j)
{
	struct lite *l = j->conn;
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < JOURNAL_NSQL; i++)
		sqlite3_finalize(l->stmt[i].st);
	sqlite3_close(l->db);
	free(l);
	j->conn = NULL;
}

static int
lite_begin(struct journal *j)
{
	return exec(j, "BEGIN IMMEDIATE");
}

static int
lite_commit(struct journal *j)
{
	return exec(j, "COMMIT");
}

static void
lite_rollback(struct journal *j)
{
	sqlite3_exec(db_of(j), "ROLLBACK", NULL, NULL, NULL);
}

static int
lite_set_lax(struct journal *j)
{
	return exec(j, "PRAGMA synchronous = NORMAL");
}

static int
lite_checkpoint(struct journal *j, int *left)
{
	int log = 0, done = 0;

	if (sqlite3_wal_checkpoint_v2(db_of(j), NULL,
	    SQLITE_CHECKPOINT_PASSIVE, &log, &done) != SQLITE_OK)
		return lite_fail(j, "checkpoint");
	*left = log > done ? log - done : 0;
	return 0;
}

/* Every statement has its answer at once: a ticket is its changes. */
static int64_t
lite_changes_ticket(struct journal *j)
{
	return sqlite3_changes(db_of(j));
}

static int64_t
lite_ticket_changes(struct journal *j, int64_t ticket, const char *what)
{
	(void)j;
	(void)what;
	return ticket;
}

static struct journal_stmt *
lite_sql(struct journal *j, enum journal_sql which)
{
	struct lite_stmt *ls = &((struct lite *)j->conn)->stmt[which];

	if (ls->st == NULL) {
		if (sqlite3_prepare_v3(db_of(j), journal_sql_text[which], -1,
		    SQLITE_PREPARE_PERSISTENT, &ls->st, NULL) != SQLITE_OK) {
			lite_fail(j, "prepare");
			return NULL;
		}
	} else {
		sqlite3_reset(ls->st);
		sqlite3_clear_bindings(ls->st);
	}
	return &ls->base;
}

static void
lite_bind_int64(struct journal_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(lite(st), i, v);
}

static void
lite_bind_double(struct journal_stmt *st, int i, double v)
{
	sqlite3_bind_double(lite(st), i, v);
}

static void
lite_bind_null(struct journal_stmt *st, int i)
{
	sqlite3_bind_null(lite(st), i);
}

static void
lite_bind_text(struct journal_stmt *st, int i, const char *s, size_t n,
    int copy)
{
	sqlite3_bind_text(lite(st), i, s, (int)n, copy ? SQLITE_TRANSIENT :
	    SQLITE_STATIC);
}

static void
lite_bind_blob(struct journal_stmt *st, int i, const void *p, size_t n)
{
	sqlite3_bind_blob(lite(st), i, p, (int)n, SQLITE_STATIC);
}

static int
lite_bind_count(struct journal_stmt *st)
{
	return sqlite3_bind_parameter_count(lite(st));
}

static int
lite_step(struct journal_stmt *st)
{
	return sqlite3_step(lite(st));
}

static void
lite_reset(struct journal_stmt *st)
{
	sqlite3_reset(lite(st));
}

static int
lite_column_count(struct journal_stmt *st)
{
	return sqlite3_column_count(lite(st));
}

static int
lite_column_null(struct journal_stmt *st, int i)
{
	return sqlite3_column_type(lite(st), i) == SQLITE_NULL;
}

static int64_t
lite_column_int64(struct journal_stmt *st, int i)
{
	return sqlite3_column_int64(lite(st), i);
}

static double
lite_column_double(struct journal_stmt *st, int i)
{
	return sqlite3_column_double(lite(st), i);
}

static const char *
lite_column_text(struct journal_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(lite(st), i);
}

static const void *
lite_column_blob(struct journal_stmt *st, int i)
{
	return sqlite3_column_blob(lite(st), i);
}

static size_t
lite_column_bytes(struct journal_stmt *st, int i)
{
	return (size_t)sqlite3_column_bytes(lite(st), i);
}

static enum journal_type
lite_column_type(struct journal_stmt *st, int i)
{
	return (enum journal_type)sqlite3_column_type(lite(st), i);
}

static struct journal_stmt *
lite_prepare(struct journal *j, const char *sql)
{
	struct lite_stmt *ls = xcalloc(1, sizeof(*ls));

	ls->base.be = &journal_sqlite;
	if (sqlite3_prepare_v2(db_of(j), sql, -1, &ls->st, NULL) !=
	    SQLITE_OK) {
		lite_fail(j, "prepare");
		sqlite3_finalize(ls->st);
		free(ls);
		return NULL;
	}
	return &ls->base;
}

static void
lite_finalize(struct journal_stmt *st)
{
	sqlite3_finalize(lite(st));
	free(st);
}

/* A declared type's affinity (SQLite's "Datatypes In SQLite", 3.1). */
static enum journal_type
affinity(const char *declared)
{
	char up[64];
	size_t i;

	if (declared == NULL)
		declared = "";
	for (i = 0; declared[i] != '\0' && i + 1 < sizeof(up); i++)
		up[i] = (char)(declared[i] >= 'a' && declared[i] <= 'z' ?
		    declared[i] - 'a' + 'A' : declared[i]);
	up[i] = '\0';
	if (strstr(up, "INT") != NULL)
		return JOURNAL_INTEGER;
	if (strstr(up, "CHAR") != NULL || strstr(up, "CLOB") != NULL ||
	    strstr(up, "TEXT") != NULL)
		return JOURNAL_TEXT;
	if (strstr(up, "BLOB") != NULL || up[0] == '\0')
		return JOURNAL_BLOB;
	if (strstr(up, "REAL") != NULL || strstr(up, "FLOA") != NULL ||
	    strstr(up, "DOUB") != NULL)
		return JOURNAL_FLOAT;
	return JOURNAL_INTEGER;		/* NUMERIC */
}

static int
lite_schema(struct journal *j, journal_column_fn fn, void *ctx)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (sqlite3_prepare_v2(db_of(j), "SELECT m.name, p.name,"
	    " p.type, p.pk FROM sqlite_schema m, pragma_table_info(m.name) p"
	    " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%'"
	    " ESCAPE '\\' ORDER BY m.name, p.cid", -1, &st, NULL) !=
	    SQLITE_OK)
		return lite_fail(j, "read the schema");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    (stop = fn(ctx, (const char *)sqlite3_column_text(st, 0),
	    (const char *)sqlite3_column_text(st, 1),
	    affinity((const char *)sqlite3_column_text(st, 2)),
	    sqlite3_column_int(st, 3))) == 0)
		;
	if (stop == 0 && rc != SQLITE_DONE)
		stop = lite_fail(j, "read the schema");
	sqlite3_finalize(st);
	return stop;
}

_Static_assert(JOURNAL_ROW == SQLITE_ROW && JOURNAL_DONE == SQLITE_DONE,
    "lite_step passes SQLite's codes through");
_Static_assert(JOURNAL_INTEGER == SQLITE_INTEGER && JOURNAL_FLOAT ==
    SQLITE_FLOAT && JOURNAL_TEXT == SQLITE_TEXT && JOURNAL_BLOB ==
    SQLITE_BLOB && JOURNAL_NULL == SQLITE_NULL,
    "lite_column_type passes SQLite's types through");

const struct journal_backend journal_sqlite = {
	.name = "sqlite",
	.mark = '?',
	.open = lite_open,
	.close = lite_close,
	.fail = lite_fail,
	.begin = lite_begin,
	.commit = lite_commit,
	.rollback = lite_rollback,
	.set_lax = lite_set_lax,
	.checkpoint = lite_checkpoint,
	.changes_ticket = lite_changes_ticket,
	.ticket_changes = lite_ticket_changes,
	.sql = lite_sql,
	.bind_int64 = lite_bind_int64,
	.bind_double = lite_bind_double,
	.bind_null = lite_bind_null,
	.bind_text = lite_bind_text,
	.bind_blob = lite_bind_blob,
	.bind_count = lite_bind_count,
	.step = lite_step,
	.reset = lite_reset,
	.column_count = lite_column_count,
	.column_null = lite_column_null,
	.column_int64 = lite_column_int64,
	.column_double = lite_column_double,
	.column_text = lite_column_text,
	.column_blob = lite_column_blob,
	.column_bytes = lite_column_bytes,
	.column_type = lite_column_type,
	.prepare = lite_prepare,
	.finalize = lite_finalize,
	.schema = lite_schema,
};
