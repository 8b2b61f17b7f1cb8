/*
 * journal/private: what the journal's own source files share, and nothing
 * outside them may use.  The schema is SQL: migrations/NNNN-what.sql,
 * compiled in as journal_migrations (embed-sql.sh), the current state in
 * schema.sql.  Every statement is in one registry: enum journal_sql
 * names it, statements.c holds its text, journal_sql() prepares it on
 * first use (pg/statements.c has PostgreSQL's).  journal.c is the core,
 * sqlite.c the SQLite backend and pg.c the PostgreSQL one (struct
 * journal_backend), each the one file that knows its engine.
 * A file a subject (events.c, deliveries.c, keys.c, dlq.c, targets.c,
 * mappings.c, contacts.c, counts.c, syncs.c, alerts.c, retention.c,
 * flows.c, groups.c, cadences.c, rekey.c) keeps the rest, through the
 * statement interface below.
 *
 * Ownership: a struct journal owns its connection, path, statements,
 * tally, key_form, sealed and ids; journal_close frees them.
 * journal_sql returns the statement the journal keeps: never finalize
 * it.  journal_bind_text, _textn and _blob bind without a copy (the
 * bytes must live until the last step), journal_bind_text_copy and
 * journal_bind_opt with one.  A tally's key is malloc'd; flush and drop
 * free it.
 */
#ifndef INTEGRA_JOURNAL_PRIVATE_H
#define INTEGRA_JOURNAL_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "journal/journal.h"

struct journal_attempt;
struct journal_event;
struct journal_stmt;

/* The counts' hours (migration 8) are ms / JOURNAL_HOUR_MS. */
#define JOURNAL_HOUR_MS	3600000

/*
 * What a sealed value is bound to (journal/seal.h): its table and column
 * here, its row's id after them (SQL appends it with ||, aad_id in C):
 * the event's id for an envelope, the delivery's for its headers and
 * body.  Ids, not seqs, so that a thread that prepares a row can seal its
 * values before the journal numbers it (journal_event_seal).
 */
#define AAD_RAW		"raw_envelopes:"
#define AAD_CANONICAL	"canonical_envelopes:"
#define AAD_HEADERS	"deliveries.headers:"
#define AAD_BODY	"deliveries.body:"

/* The lead a tenant's contact belongs to, or NULL: both backends' SQL. */
#define LEAD_OF(tenant, contact)					\
	"(SELECT lead_id FROM lead_contacts WHERE tenant = " tenant	\
	" AND contact = " contact ")"

/*
 * v[0..n) sealed into out (reset first) bound to the row id of the column
 * whose AAD_ prefix is given, as the statements bind it: 0, or -1.
 */
int		 journal_seal_row(struct seal *, const char *prefix,
		    const char *id, const void *v, size_t n, struct buf *out);

/*
 * A plain value kept where sealed ones are, that starts with this byte or
 * as a sealed value does (journal_needs_escape), is kept behind this
 * byte, so that no sender's bytes pass for sealed.  An escaped value
 * starts with the byte and then 0xE0 or SEAL_VERSION, which no UTF-8 text
 * does (journal_escaped): a text that starts with 0xE0, kept as it is,
 * is never taken for one.
 */
#define JOURNAL_PLAIN_ESCAPE	0xE0

int		 journal_needs_escape(const void *v, size_t n);
int		 journal_escaped(const void *v, size_t n);
/*
 * The associated data a sealed value is bound to, into out (reset
 * first): prefix (an AAD_ one) and a; or, prefix NULL, a sync record's
 * json_array('sync_records', a, b), as SQLite writes it.
 */
void		 journal_aad(struct buf *out, const char *prefix,
		    const char *a, size_t alen, const char *b, size_t blen);

/*
 * Sets member name of the JSON object that starts at obj's byte at,
 * null where the statement wrote it, to v[0..n) (a value the statement
 * opened, in a column of its own, as a backend that seals in C cannot
 * open it inside SQL): as JSON where it is JSON, written as SQLite's
 * json() writes it (no blank outside strings); where it is not, as a
 * string (JSON_PUT_OR_TEXT) or left null (JSON_PUT_OR_NULL).
 * JSON_PUT_TEXT: always as a string.  v NULL leaves it null.
 */
enum journal_json_as {
	JSON_PUT_OR_NULL,
	JSON_PUT_OR_TEXT,
	JSON_PUT_TEXT
};
void		 journal_json_put(struct buf *obj, size_t at,
		    const char *name, const char *v, size_t n,
		    enum journal_json_as);
/* Column c of st put as journal_json_put does. */
void		 journal_json_put_column(struct buf *obj, size_t at,
		    const char *name, struct journal_stmt *st, int c,
		    enum journal_json_as);

/*
 * What a backend that seals in C (pg.c: the server never holds a key)
 * seals and opens for a statement, where SQLite's text calls integra_seal
 * and integra_open: a value's aad is journal_aad's of prefix and the
 * values a and b (b only for a record) name.  Parameters and columns are
 * numbered from 1; 0 is none.
 */
struct journal_aad_of {
	const char	*prefix;	/* "" for a value that is all of it */
	int		 a, b;
};
#define JOURNAL_SEALS_MAX	2
struct journal_seals {
	/* Sealed, with the aad of these parameters... */
	struct {
		int			param;
		struct journal_aad_of	aad;
	} seal[JOURNAL_SEALS_MAX];
	/* ...unless this parameter says they came sealed (nonzero). */
	int		 came_sealed;
	/* Opened, with the aad of these columns of its row. */
	struct {
		int			column;
		struct journal_aad_of	aad;
	} open[JOURNAL_SEALS_MAX];
};

/* Every statement the journal prepares: statements.c has their text. */
enum journal_sql {
	/* journal.c */
	SQL_EVENT_ADD,
	SQL_RAW_ADD,
	SQL_CANONICAL_NEW,
	SQL_EVENT_BY_KEY,
	SQL_RETAINED_ANY,
	SQL_EVENT_STATUS,
	SQL_EVENT_NORMALIZE,
	SQL_EVENT_RETYPE,
	SQL_CANONICAL_ADD,
	SQL_EVENT_FIND,
	SQL_EVENT_MAP,
	SQL_EVENT_REJECT,
	SQL_EVENTS_IN,
	SQL_DELIVERY_ADD,
	SQL_CLAIM_IDS,
	SQL_CLAIM_IDS_MISSED,
	SQL_CLAIM_DUE,
	SQL_CLAIM_PROBE,
	SQL_ATTEMPT_ADD,
	SQL_DELIVERY_DONE,
	SQL_CLAIM_RELEASE,
	SQL_KEY_ADD,
	SQL_KEY_FIND,
	SQL_KEY_LIST,
	SQL_KEY_REVOKE,
	SQL_RATE_HIT,
	SQL_RATE_COUNT,
	SQL_EVENTS_QUERY,
	SQL_EVENT_DETAIL,
	SQL_EVENT_RETRY,
	SQL_DELIVERIES_RETRY,
	SQL_EVENTS_RETRY_MATCH,
	SQL_EVENT_RETRYABLE,
	SQL_EVENT_REDELIVER,
	SQL_STATUS,
	SQL_TARGETS_LAST,
	/* dlq.c */
	SQL_DLQ_QUERY,
	SQL_DLQ_DETAIL,
	SQL_DLQ_STATS,
	SQL_DLQ_RETRY,
	SQL_DLQ_ARCHIVE,
	SQL_DLQ_FIND,
	SQL_ATTEMPTS_DELETE,
	SQL_DELIVERY_DELETE,
	SQL_DLQ_SWEEP,
	SQL_DLQ_MATCH,
	/* targets.c */
	SQL_TARGET_DISABLE,
	SQL_TARGET_ENABLE,
	SQL_TARGET_STATES,
	SQL_TARGET_CIRCUIT_GET,
	SQL_TARGET_CIRCUIT_PUT,
	SQL_TARGET_PROBES_TAKE,
	SQL_TARGET_PROBE_GIVE_BACK,
	SQL_TARGET_HOLD,
	SQL_TARGET_UNHOLD,
	/* mappings.c */
	SQL_MAPPING_ADD,
	SQL_MAPPING_SEED,
	SQL_MAPPING_HEAD,
	SQL_MAPPING_GET,
	SQL_MAPPING_HEADS,
	SQL_MAPPING_VERSIONS,
	SQL_MAPPING_ROLLBACK,
	/* contacts.c */
	SQL_LEAD_FIND,
	SQL_LEAD_LINK,
	SQL_MESSAGE_STATUS,
	/* counts.c */
	SQL_COUNT_ADD,
	SQL_COUNT_READ,
	SQL_COUNT_TARGETS,
	SQL_COUNT_WAITING,
	SQL_COUNT_SYNCS,
	SQL_COUNT_HOURLY,
	SQL_COUNT_DEAD,
	SQL_COUNT_FLOWS,
	/* syncs.c */
	SQL_SYNC_JOB_ADD,
	SQL_SYNC_LOCK,
	SQL_SYNC_STEAL,
	SQL_SYNC_ABANDON,
	SQL_SYNC_JOB_READ,
	SQL_SYNC_UNLOCK,
	SQL_SYNC_RUN_START,
	SQL_SYNC_RUN_UPDATE,
	SQL_SYNC_RECORD_GET,
	SQL_SYNC_RECORD_PUT,
	SQL_SYNC_RECORDS,
	SQL_SYNC_RECORD_DELETE,
	SQL_SYNC_RUNS,
	SQL_SYNC_RUN_GET,
	SQL_SYNC_JOB_STATE,
	SQL_SYNC_STATS,
	/* alerts.c */
	SQL_ALERT_INPUTS,
	SQL_ALERT_STATES,
	SQL_ALERT_PUT,
	/* retention.c */
	SQL_RETAIN_EVENTS,
	SQL_RETAIN_EVENT,
	SQL_RETAIN_RAW_DROP,
	SQL_RETAIN_CANONICAL,
	SQL_RETAIN_DELIVERIES,
	SQL_RETAIN_DELIVERY,
	SQL_RETAIN_EXCERPTS,
	SQL_RETAIN_CONTACTS,
	SQL_RETAIN_CONTACT_ADD,
	SQL_RETAIN_CONTACT_DROP,
	SQL_RETAIN_RECORDS,
	SQL_RETAIN_RECORD,
	/* flows.c */
	SQL_FLOW_NUMBER,
	SQL_FLOW_ADD,
	SQL_FLOW_PUT,
	SQL_FLOW_GET,
	SQL_FLOW_BY_KEY,
	SQL_FLOW_BY_DELIVERY,
	SQL_FLOW_DUE,
	SQL_FLOW_WAITING,
	SQL_FLOW_ARRIVAL_ADD,
	SQL_FLOW_ARRIVAL_TAKE,
	SQL_FLOW_LOG_ADD,
	SQL_FLOW_DELIVERY_DROP,
	SQL_FLOW_DELIVERY_STATE,
	SQL_FLOW_QUERY,
	SQL_FLOW_DETAIL,
	SQL_FLOW_COUNTS,
	SQL_FLOW_DURATIONS,
	SQL_FLOW_DURATION_AT,
	SQL_FLOW_LONGEST,
	SQL_FLOW_UNMATCHED,
	SQL_FLOW_UNMATCHED_COUNT,
	SQL_FLOW_STANDING,
	SQL_FLOW_REQUEST,
	/* groups.c */
	SQL_GROUP_ADD,
	SQL_GROUP_SEAL,
	SQL_GROUP_EMIT,
	SQL_GROUP_TOLD,
	SQL_GROUP_SETTLE,
	SQL_GROUP_GET,
	SQL_GROUP_LIST,
	SQL_GROUP_UNSETTLED,
	SQL_GROUP_COUNTS,
	SQL_GROUP_DEAD_CLASSES,
	SQL_GROUP_DEAD,
	SQL_GROUP_CANCEL,
	SQL_GROUP_CANCELLED_AT,
	SQL_GROUP_RETRY,
	SQL_GROUP_REOPEN,
	SQL_GROUP_IS_CANCELLED,
	SQL_COUNT_SYNC_TIMES,
	SQL_CADENCE_VERSION,
	SQL_CADENCE_INDEXED,
	SQL_CADENCE_ITEM_NEXT,
	SQL_CADENCE_ITEM_PUT,
	SQL_CADENCE_ITEM_MOVE,
	SQL_CADENCE_DUE,
	SQL_CADENCE_STEP_TAKE,
	SQL_CADENCE_STEP_STATUS,
	SQL_CADENCE_STEP_STOPPED,
	SQL_CADENCE_MANUAL_ADD,
	SQL_CADENCE_RECORDS,
	SQL_CADENCE_HISTORY,
	SQL_CADENCE_ITEM_GET,
	SQL_CADENCE_DELINQUENCY,
	SQL_CADENCE_MESSAGES,
	SQL_CADENCE_EVENTS,
	SQL_CADENCE_COUNTS,
	/* rekey.c */
	SQL_REKEY_RAW,
	SQL_REKEY_RAW_PUT,
	SQL_REKEY_CANONICAL,
	SQL_REKEY_CANONICAL_PUT,
	SQL_REKEY_DELIVERIES,
	SQL_REKEY_DELIVERIES_PUT,
	SQL_REKEY_RECORDS,
	SQL_REKEY_RECORDS_PUT,
	SQL_SEALED_COUNT,
	JOURNAL_NSQL
};
extern const char *const	journal_sql_text[JOURNAL_NSQL];
/*
 * The same statements for PostgreSQL (pg/statements.c); NULL: one it does
 * another way.
 */
extern const char *const	journal_pg_sql_text[JOURNAL_NSQL];
/* And what pg.c seals and opens for each. */
extern const struct journal_seals	journal_pg_seals[JOURNAL_NSQL];
/* Events added as one statement (pg.c's event_add); outcomes too. */
extern const char			journal_pg_event_batch[];
extern const char			journal_pg_outcome_batch[];

/*
 * journal_migrations[v] takes a journal from user_version v to v + 1;
 * there are journal_nmigrations.  A migration that has shipped is never
 * edited: the next one is added.
 */
extern const char *const	journal_migrations[];
extern const size_t		journal_nmigrations;
/*
 * PostgreSQL's (pg/migrations/): the same numbers, from the first that
 * makes its whole schema; the last is journal_pg_last_migration.
 */
extern const char *const	journal_pg_migrations[];
extern const size_t		journal_pg_nmigrations;
extern const int		journal_pg_last_migration;

/* One count a transaction adds to: see journal_count. */
struct journal_tally {
	int64_t		 hour;
	char		*key;		/* kind, a, b and c, each NUL-ended */
	size_t		 keylen;
	uint32_t	 hash;
	int64_t		 n;
	int64_t		 total;
};

/* A count waiting for its ticket: see journal_count_if. */
struct journal_tally_if {
	int64_t		 ticket;
	int64_t		 hour;
	const char	*key;		/* its tally's */
	uint32_t	 hash;
	int64_t		 n;
	int64_t		 total;
};

struct journal_backend;

/* A value's type as a backend reads it, and a column's as declared. */
enum journal_type {
	JOURNAL_INTEGER = 1,
	JOURNAL_FLOAT,
	JOURNAL_TEXT,
	JOURNAL_BLOB,
	JOURNAL_NULL
};

/*
 * A column of the journal's schema, as journal_schema hands it: its
 * table, name, declared type (a bytea or BLOB column is JOURNAL_BLOB) and
 * place in its table's primary key (from 1; 0: not in it).
 */
typedef int (*journal_column_fn)(void *ctx, const char *table,
    const char *column, enum journal_type, int key);

struct journal {
	const struct journal_backend *be;
	void		*conn;		/* the backend's connection */
	char		*path;
	int		 in_tx;
	int		 busy;		/* the last failure was the journal
					   staying locked */
	int		 failure;	/* the last failure's exit status */
	struct journal_tally *tally;	/* open addressing, key NULL: free */
	size_t		 ntally;	/* slots */
	size_t		 tally_used;
	struct journal_tally_if *tally_if;
	size_t		 ntally_if;
	size_t		 tally_if_cap;
	struct buf	 key_form;	/* a key's index form (keyindex.h) */
	int		 news;		/* in this transaction: what to tell
					   (JOURNAL_NEWS_ bits) */
	struct key_cache *keys;		/* the keys found, while the
					   journal is told of their changes
					   (journal_key_cache) */
	int		 retained;	/* in this transaction: whether an event
					   was retained, -1: not looked yet */
	struct seal	*seal;		/* the keys values are sealed with;
					   NULL: none */
	struct buf	 sealed;	/* integra_seal's and _open's */
	struct buf	 ids;		/* journal_claim_ids's JSON array */
	char		 err[512];
};

/*
 * A backend: the engine a journal is kept in, as curl's vtls has a TLS
 * library.  journal.c is the core every backend shares (the journal's
 * state, transactions' counts, the statement interface below); a
 * backend's file (sqlite.c) is all that knows its engine.  Each function
 * returns as the journal's do: 0, or journal_fail()'s -1 or JOURNAL_BUSY.
 */
struct journal_backend {
	const char	*name;
	/* What comes before a parameter's number in a statement: ? or $. */
	char		 mark;
	/* Connects to where and migrates its schema; j->path is where. */
	int		(*open)(struct journal *);
	/* Frees the connection and its statements; j->conn may be NULL. */
	void		(*close)(struct journal *);
	/* Sets j->err, busy and failure from the engine's last error. */
	int		(*fail)(struct journal *, const char *what);
	int		(*begin)(struct journal *);
	int		(*commit)(struct journal *);
	void		(*rollback)(struct journal *);
	int		(*set_lax)(struct journal *);
	int		(*checkpoint)(struct journal *, int *left);
	/*
	 * Adds ev (its row, and its envelope if the row is new; key_form
	 * its key's index form), *ticket telling SQL_EVENT_ADD's changes:
	 * a backend that sends many events as one statement.  NULL: the
	 * core runs SQL_EVENT_ADD and SQL_RAW_ADD (or SQL_CANONICAL_NEW)
	 * for each.
	 */
	int		(*event_add)(struct journal *,
			    const struct journal_event *, const void *key_form,
			    size_t formlen, int64_t *ticket);
	/*
	 * Adds a's attempt and finishes its delivery if owner holds its
	 * lease, *ticket telling SQL_DELIVERY_DONE's changes, as event_add
	 * does events.  NULL: the core runs SQL_ATTEMPT_ADD and
	 * SQL_DELIVERY_DONE.
	 */
	int		(*attempt_add)(struct journal *,
			    const struct journal_attempt *, const char *owner,
			    int64_t *ticket);
	/* journal_changes_ticket's and journal_ticket_changes's. */
	int64_t		(*changes_ticket)(struct journal *);
	int64_t		(*ticket_changes)(struct journal *, int64_t ticket,
			    const char *what);
	struct journal_stmt *(*sql)(struct journal *, enum journal_sql);
	void		(*bind_int64)(struct journal_stmt *, int, int64_t);
	void		(*bind_double)(struct journal_stmt *, int, double);
	void		(*bind_null)(struct journal_stmt *, int);
	/* n bytes of text at s; copy: the backend keeps its own copy. */
	void		(*bind_text)(struct journal_stmt *, int, const char *s,
			    size_t n, int copy);
	void		(*bind_blob)(struct journal_stmt *, int, const void *,
			    size_t);
	int		(*bind_count)(struct journal_stmt *);
	int		(*step)(struct journal_stmt *);
	void		(*reset)(struct journal_stmt *);
	int		(*column_count)(struct journal_stmt *);
	int		(*column_null)(struct journal_stmt *, int);
	int64_t		(*column_int64)(struct journal_stmt *, int);
	double		(*column_double)(struct journal_stmt *, int);
	const char	*(*column_text)(struct journal_stmt *, int);
	const void	*(*column_blob)(struct journal_stmt *, int);
	size_t		(*column_bytes)(struct journal_stmt *, int);
	/* The value's type in the current row. */
	enum journal_type (*column_type)(struct journal_stmt *, int);
	/*
	 * A statement not in the registry, for journal_copy, which the
	 * caller finalizes; NULL with the reason set.
	 */
	struct journal_stmt *(*prepare)(struct journal *, const char *sql);
	void		(*finalize)(struct journal_stmt *);
	/* Calls fn with each column of each table, table by table. */
	int		(*schema)(struct journal *, journal_column_fn, void *);
	/*
	 * After rows came into table with their keys given: numbers the
	 * next row past them.  NULL: the engine does it by itself.
	 */
	int		(*copied)(struct journal *, const char *table);
	/*
	 * Reads the answers of the statements sent without waiting for
	 * them (pg.c), a failure among them told as what's.  NULL: none is.
	 */
	int		(*settle)(struct journal *, const char *what);
	/*
	 * The news' notification (JOURNAL_NEWS_ bits), sent with the
	 * transaction (or at once outside one); journal_listen's and
	 * journal_told's.  NULL: the backend tells nothing, and listeners
	 * poll.
	 */
	int		(*notify)(struct journal *, int news);
	int		(*listen)(struct journal *, int news, int *fd);
	int		(*told)(struct journal *);
};

extern const struct journal_backend	journal_sqlite, journal_pg;

/* Sets the error from the backend's; returns JOURNAL_BUSY or -1. */
int		 journal_fail(struct journal *, const char *what);
/*
 * Sets the error, "journal 'PATH': " and the rest as printf's, and the
 * exit status it means (sysexits); returns -1.
 */
int		 journal_refuse(struct journal *, int status, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
/*
 * News (JOURNAL_NEWS_ bits) for those listening, told when the
 * transaction commits, or at once outside one.
 */
void		 journal_tell(struct journal *, int news);

/*
 * The statement interface.  Every file of a subject reads and writes the
 * journal through it, whatever the backend.  Parameters are numbered from
 * 1 as the statements' ?N are, columns from 0.  A backend's statement
 * begins with this struct, which names the backend.
 */
struct journal_stmt {
	const struct journal_backend *be;
};

/* What journal_step returns, besides a failure's code. */
#define JOURNAL_ROW	100	/* a row to read */
#define JOURNAL_DONE	101	/* no more */

/* The statement which, reset and cleared, prepared at its first use. */
struct journal_stmt *journal_sql(struct journal *, enum journal_sql which);
void		 journal_bind_int64(struct journal_stmt *, int i, int64_t);
void		 journal_bind_double(struct journal_stmt *, int i, double);
void		 journal_bind_null(struct journal_stmt *, int i);
/* Binds s, or NULL if s is NULL; s must live until the last step. */
void		 journal_bind_text(struct journal_stmt *, int i, const char *s);
/* Binds n bytes of text at s, which must live until the last step. */
void		 journal_bind_textn(struct journal_stmt *, int i, const char *s,
		    size_t n);
/* Binds a copy of s: for a buffer the caller changes while stepping. */
void		 journal_bind_text_copy(struct journal_stmt *, int i,
		    const char *s);
/* Binds a copy of s, or NULL if s is NULL or empty. */
void		 journal_bind_opt(struct journal_stmt *, int i, const char *s);
/* Binds n bytes at p, or NULL if p is NULL. */
void		 journal_bind_blob(struct journal_stmt *, int i, const void *p,
		    size_t n);
/* How many parameters the statement has. */
int		 journal_bind_count(struct journal_stmt *);
/* JOURNAL_ROW, JOURNAL_DONE, or a failure for journal_step_end. */
int		 journal_step(struct journal_stmt *);
void		 journal_reset(struct journal_stmt *);
/*
 * The current row's columns.  A text or blob lives until the next step
 * or reset; a NULL column reads as NULL text, 0 bytes, 0.
 */
int		 journal_column_count(struct journal_stmt *);
int		 journal_column_null(struct journal_stmt *, int i);
int64_t		 journal_column_int64(struct journal_stmt *, int i);
int		 journal_column_int(struct journal_stmt *, int i);
double		 journal_column_double(struct journal_stmt *, int i);
const char	*journal_column_text(struct journal_stmt *, int i);
const void	*journal_column_blob(struct journal_stmt *, int i);
size_t		 journal_column_bytes(struct journal_stmt *, int i);
enum journal_type journal_column_type(struct journal_stmt *, int i);
/*
 * A statement of sql, with the backend's mark before each parameter's
 * number (j->be->mark), outside the registry: journal_finalize frees it.
 * NULL with the reason set.
 */
struct journal_stmt *journal_prepare(struct journal *, const char *sql);
void		 journal_finalize(struct journal_stmt *);
/*
 * 0 once every statement stepped so far has had its answer, or the
 * failure among them, told as what's: a backend may send a statement that
 * returns no row and read its answer later (pg.c).
 */
int		 journal_settle(struct journal *, const char *what);
/* The backend's schema function: fn with each column of each table. */
int		 journal_schema(struct journal *, journal_column_fn, void *ctx);
/*
 * The rows the statement just stepped changes, without waiting for them:
 * a ticket, which journal_ticket_changes turns into the rows, reading
 * the answers sent before it if they have not been read (a failure among
 * them told as what's: -1, or JOURNAL_BUSY as a negative).  A ticket
 * holds until the transaction ends.
 */
int64_t		 journal_changes_ticket(struct journal *);
int64_t		 journal_ticket_changes(struct journal *, int64_t ticket,
		    const char *what);

/* Steps a statement that returns no row. */
int		 journal_step_done(struct journal *, struct journal_stmt *,
		    const char *what);
/*
 * Steps a statement that returns no row; *changed gets the rows it
 * changed, read from the server if it was sent without waiting, a failure
 * told as what's.
 */
int		 journal_step_count(struct journal *, struct journal_stmt *,
		    const char *what, int64_t *changed);
/* Steps a change to at most one row; *done says whether it made it. */
int		 journal_step_changed(struct journal *, struct journal_stmt *,
		    const char *what, int *done);
/*
 * Ends a statement whose last step returned rc: 0 if it went well (done,
 * or a row where the caller stopped early), else the failure.
 */
int		 journal_step_end(struct journal *, struct journal_stmt *, int rc,
		    const char *what);
/*
 * Steps st, calling fn with each row's first column and its second (text
 * and length), until fn returns non-zero: returns that, else 0 at the end
 * or the failure.  fn may write to the journal meanwhile: SQLite lets a
 * statement stay open while the same connection writes.
 */
int		 journal_step_rows(struct journal *, struct journal_stmt *,
		    journal_row_fn, void *ctx, const char *what);

/*
 * Adds n (and total) to the count of kind, a, b, c for the hour at_ms
 * falls in (NULL names count as "").  In a transaction the counts wait in
 * memory for journal_commit, which writes them with the rest, or for
 * journal_rollback, which drops them; outside one they are written at
 * once.  So a count goes with the change it counts, and a commit of
 * thousands of changes writes a few rows of counts, not a row each.
 */
int		 journal_count(struct journal *, int64_t at_ms, const char *kind,
		    const char *a, const char *b, const char *c, int64_t n,
		    int64_t total);
/*
 * journal_count, if the statement whose changes ticket tells (a ticket of
 * this transaction, journal_changes_ticket) changed one row: known at the
 * commit, so that nothing waits for its answer before then.
 */
int		 journal_count_if(struct journal *, int64_t ticket,
		    int64_t at_ms, const char *kind, const char *a,
		    const char *b, const char *c, int64_t n, int64_t total);
/* Writes the counts waiting; on failure they are dropped all the same. */
int		 journal_count_flush(struct journal *);
/* Drops the counts waiting, and (with all) the memory that held them. */
void		 journal_count_drop(struct journal *, int all);
/*
 * Counts a delivery delivered: its event's time from receipt (the time
 * of event_id, a UUIDv7 made at receipt) to at_ms, in a latency bucket.
 */
int		 journal_count_latency(struct journal *, const char *target,
		    const char *event_id, int64_t at_ms);

#endif
