/*
 * journal/pg: the PostgreSQL backend (private.h's struct journal_backend),
 * the one file that knows libpq.  A journal's path is a libpq URL
 * (postgresql://...); every host's programs share the one database.
 *
 * Statements are pg/statements.c's texts, prepared on a connection at
 * their first use.  Parameters go as text, but for text and bytea ones,
 * which go as their bytes (binary format: no NUL needed, none taken
 * for the end); results come as text, a bytea column's hex decoded when
 * it is read.
 *
 * In a transaction, a statement that returns no row is sent without
 * waiting for its answer (libpq's pipeline mode), as are those that
 * follow it; their answers are read together, in one round trip, when
 * something needs one: a statement that returns rows (sent with them),
 * the rows a change made (a ticket's, journal_ticket_changes), the
 * commit (sent with them).  So a batch of ingest's events and their
 * envelopes, or a tick of dispatch's attempts, cost a round trip, not
 * one each; and the events, or the attempts and their deliveries'
 * outcomes, go as one statement of arrays (pg_event_add,
 * pg_attempt_add), not two statements a row.  A failure among them is
 * told by the call that reads it, and every call after it fails the
 * same until the transaction is rolled back.  The schema's version is
 * integra_schema's one row, migrated forward under an advisory lock, so
 * that two hosts starting at once migrate once (pg/migrations/,
 * pg/schema.sql).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "base/buf.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/deliveries.h"
#include "journal/events.h"
#include "journal/private.h"
#include "journal/seal.h"

/* The advisory locks migrations and writers hold. */
#define MIGRATE_LOCK	"7596281734497849441"	/* "integra" */
#define WRITE_LOCK	"7596281734497849442"
/*
 * How long a writer waits for the lock (or any lock) before it is busy,
 * SQLite's busy timeout (sqlite.c).
 */
#define LOCK_TIMEOUT	"30s"

/* PostgreSQL's type oids (catalog/pg_type.h, which libpq does not ship). */
#define BOOLOID		16
#define BYTEAOID	17
#define INT8OID		20
#define INT2OID		21
#define INT4OID		23
#define TEXTOID		25
#define JSONOID		114
#define FLOAT4OID	700
#define FLOAT8OID	701
#define UNKNOWNOID	705
#define VARCHAROID	1043
#define NUMERICOID	1700

/*
 * Statements sent in pipeline mode before their answers are read: the
 * server's answers wait in the socket meanwhile, and were they to fill
 * it, the server would stop reading what we send while we wait to send.
 */
#define PIPELINE_MAX	1000

/*
 * Rows a statement of many takes (pg_event_add, pg_attempt_add): past a
 * few hundred, a bigger statement saves the server nothing more.
 */
#define BATCH_MAX	1000

/* The columns of journal_pg_event_batch, each an array parameter. */
enum batch_column {
	B_ID, B_SOURCE, B_TYPE, B_TENANT, B_SUBJECT, B_TIME, B_KEY,
	B_RECEIVED_AT, B_KEY_INDEX, B_REJECTED, B_CANONICAL, B_ENVELOPE,
	B_COLUMNS
};

/* Those of journal_pg_outcome_batch. */
enum outcome_column {
	O_DELIVERY, O_ATTEMPT, O_STARTED_AT, O_DURATION, O_HTTP_STATUS,
	O_ERROR_CLASS, O_ERROR, O_EXCERPT, O_STATUS, O_NOT_BEFORE, O_DONE_AT,
	O_OWNER, O_REMOTE_ID, O_COLUMNS
};

#define COLUMNS_MAX	((int)B_COLUMNS > (int)O_COLUMNS ? (int)B_COLUMNS : \
			    (int)O_COLUMNS)

/* What a statement of many adds: events, or dispatch's outcomes. */
enum batch_kind { BATCH_EVENTS, BATCH_OUTCOMES, BATCH_KINDS };

/* An array's head in PostgreSQL's binary form (array_send). */
#define ARRAY_HEAD	20

/*
 * Rows queued by pg_event_add or pg_attempt_add, of one kind, each
 * column an array in the binary form (its head filled in when sent), and
 * the ticket each row tells.
 */
struct pg_batch {
	enum batch_kind	 kind;
	struct buf	 column[COLUMNS_MAX];
	int		 nulls[COLUMNS_MAX];
	int		 n;
	int64_t		 tickets[BATCH_MAX];
};

/* A batch sent, its answer not read: the tickets of its events. */
struct pg_flown {
	int		 n;
	int64_t		 tickets[BATCH_MAX];
};

/* What pg_step returns when the statement failed (not a JOURNAL_ code). */
#define STEP_FAILED	1

struct pg_param {
	const char	*value;
	int		 length;
	int		 format;	/* 0 text, 1 binary */
	char		 num[32];	/* a number's text */
	char		*copy;		/* a value the statement owns */
};

struct pg_stmt {
	struct journal_stmt	 base;
	struct pg		*pg;
	char			 name[16];
	int			 prepared;
	int			 nparams;
	Oid			*types;		/* each parameter's */
	struct pg_param		*params;
	const char		**values;	/* for PQexecPrepared */
	int			*lengths;
	int			*formats;
	const struct journal_seals *seals;	/* what it seals and opens */
	struct buf		 sealed[JOURNAL_SEALS_MAX];	/* its
						   parameters, sealed */
	PGresult		*res;		/* NULL before the first step */
	int			 nfields;	/* the columns it returns */
	int			 sent;		/* sent, its answer not read:
						   done until reset */
	int			 row;
	int			 ntuples;
	struct buf		*bytea;		/* a column's bytes, decoded */
	char			*decoded;	/* in this row: bytea[i] is
						   column i's */
	int			 nbytea;
};

/* A journal's connection: j->conn. */
struct pg {
	struct journal	*j;
	PGconn		*conn;
	struct pg_stmt	 stmt[JOURNAL_NSQL];
	int64_t		 changes;	/* rows the last command changed */
	struct buf	 aad;		/* a sealed value's (journal_aad) */
	struct buf	 opened;	/* a value seal_open opened */
	char		 sqlstate[6];	/* the last failure's */
	char		 msg[256];
	unsigned	 prepared;	/* statements journal_prepare made */
	int		 in_tx;
	int		 sent;		/* statements whose answers wait */
	int		 broken;	/* one of them failed (msg): until
					   the rollback */
	int		 last_sent;	/* the last statement stepped was sent */
	/* By place among those sent: the ticket its changes go to, or -1. */
	int64_t		 wants[PIPELINE_MAX + 1];
	/* By ticket (pg_changes_ticket): rows changed, -1 not yet told. */
	int64_t		*told;
	/*
	 * Rows queued, not sent; and the tickets of those sent, not
	 * settled: an answer's place in wants is -2 - its index in flown.
	 */
	struct pg_batch	 batch;
	struct pg_stmt	 batch_stmt[BATCH_KINDS];
	struct pg_flown	*flown;
	size_t		 nflown;
	size_t		 flown_cap;
	struct buf	 envelope;	/* an event's, sealed */
	size_t		 ntickets;	/* given in this transaction */
	size_t		 tickets_cap;
};

static void	batch_clear(struct pg_batch *);
static int	flush(struct pg *);
static int	seal_changes(const struct pg *, const char *, size_t);
static int	seal_bytes(struct pg *, const char *, size_t, struct buf *);

static struct pg *
pg_of(const struct journal *j)
{
	return j->conn;
}

/* Keeps a failed result's reason for pg_fail, and frees the result. */
static void
keep_failure(struct pg *pg, PGresult *res)
{
	const char *state = res != NULL ?
	    PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res != NULL ? PQresultErrorMessage(res) : "";
	size_t n;

	snprintf(pg->sqlstate, sizeof(pg->sqlstate), "%s",
	    state != NULL ? state : "");
	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(pg->conn);
	snprintf(pg->msg, sizeof(pg->msg), "%s", msg);
	/* libpq's reasons run over lines: one line, as every log's. */
	for (n = 0; pg->msg[n] != '\0'; n++)
		if (pg->msg[n] == '\n' || pg->msg[n] == '\t')
			pg->msg[n] = ' ';
	while (n > 0 && pg->msg[n - 1] == ' ')
		pg->msg[--n] = '\0';
	PQclear(res);
}

static int
pg_fail(struct journal *j, const char *what)
{
	struct pg *pg = pg_of(j);
	const char *state = pg != NULL ? pg->sqlstate : "";

	snprintf(j->err, sizeof(j->err), "journal '%s': %s: %s", j->path,
	    what, pg != NULL && pg->msg[0] != '\0' ? pg->msg :
	    "out of memory");
	/*
	 * As for SQLite: a lock or a conflict, try again; the server out of
	 * room or gone, try again later; its disk failing, an I/O error;
	 * anything else, a statement of ours.
	 */
	j->busy = strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0;
	if (j->busy || strncmp(state, "53", 2) == 0 ||
	    strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0 ||
	    (pg != NULL && PQstatus(pg->conn) != CONNECTION_OK))
		j->failure = EX_TEMPFAIL;
	else if (strncmp(state, "58", 2) == 0)
		j->failure = EX_IOERR;
	else
		j->failure = EX_SOFTWARE;
	return j->busy ? JOURNAL_BUSY : -1;
}

/*
 * Sends st, with its parameters, or else sql, a statement of none, in
 * pipeline mode (entered for the first statement); its answer waits for
 * settle.  0, or -1 with the reason.
 */
static int
send_stmt(struct pg *pg, struct pg_stmt *st, const char *sql)
{
	int ok;

	if (pg->sent == 0 && PQenterPipelineMode(pg->conn) == 0) {
		keep_failure(pg, NULL);
		return -1;
	}
	if (st != NULL)
		ok = PQsendQueryPrepared(pg->conn, st->name, st->nparams,
		    st->values, st->lengths, st->formats, 0);
	else
		ok = PQsendQueryParams(pg->conn, sql, 0, NULL, NULL, NULL,
		    NULL, 0);
	if (!ok) {
		keep_failure(pg, NULL);
		pg->broken = 1;
		return -1;
	}
	pg->sent++;
	return 0;
}

/*
 * A batch's answer: the places (from 1) in it of the events inserted;
 * the others were duplicates.
 */
static void
tell_batch(struct pg *pg, const struct pg_flown *f, const PGresult *res)
{
	long place;
	int i;

	for (i = 0; i < f->n; i++)
		pg->told[f->tickets[i]] = 0;
	for (i = 0; i < PQntuples(res); i++)
		if ((place = strtol(PQgetvalue(res, i, 0), NULL, 10)) >= 1 &&
		    place <= f->n)
			pg->told[f->tickets[place - 1]] = 1;
}

/*
 * Reads the answers of the statements sent, in one round trip, and
 * leaves pipeline mode: 0, with *last (if given) the last one's result,
 * the caller's to clear; or -1, the first failure kept and the
 * connection broken until the rollback.
 */
static int
settle(struct pg *pg, PGresult **last)
{
	ExecStatusType status;
	PGresult *res;
	int failed = 0, ends = 0, place = 0;

	if (last != NULL)
		*last = NULL;
	if (pg->sent == 0)
		return 0;
	if (PQpipelineSync(pg->conn) == 0) {
		keep_failure(pg, NULL);
		failed = 1;
	} else for (;;) {
		/* A NULL ends each answer; one more, the connection gone. */
		if ((res = PQgetResult(pg->conn)) == NULL) {
			if (++ends <= pg->sent)
				continue;
			if (!failed)
				keep_failure(pg, NULL);
			failed = 1;
			break;
		}
		status = PQresultStatus(res);
		if (status == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
			pg->changes = strtoll(PQcmdTuples(res), NULL, 10);
			if (pg->wants[place] >= 0)
				pg->told[pg->wants[place]] = pg->changes;
			else if (pg->wants[place] <= -2)
				tell_batch(pg, &pg->flown[-2 - pg->wants[place]],
				    res);
			if (last != NULL) {
				PQclear(*last);
				*last = res;
			} else
				PQclear(res);
		} else if (status == PGRES_PIPELINE_ABORTED || failed)
			PQclear(res);
		else {
			keep_failure(pg, res);
			failed = 1;
		}
		if (place < PIPELINE_MAX)
			place++;
	}
	for (place = 0; place < pg->sent; place++)
		pg->wants[place] = -1;
	pg->sent = 0;
	pg->nflown = 0;
	(void)PQexitPipelineMode(pg->conn);
	if (!failed)
		return 0;
	pg->broken = 1;
	if (last != NULL) {
		PQclear(*last);
		*last = NULL;
	}
	return -1;
}

/* The answers of the statements sent read; a failure among them is j's. */
static int
pg_settle(struct journal *j, const char *what)
{
	struct pg *pg = pg_of(j);

	if (!pg->broken && flush(pg) == 0 && settle(pg, NULL) == 0)
		return 0;
	return pg_fail(j, what);
}

/* Before a statement that waits for its answer. */
static int
settled(struct journal *j)
{
	return pg_settle(j, "a statement sent before");
}

/* Runs sql, which returns no row. */
static int
exec(struct journal *j, const char *sql)
{
	struct pg *pg = pg_of(j);
	PGresult *res;

	if (settled(j) != 0)
		return -1;
	res = PQexec(pg->conn, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		keep_failure(pg, res);
		return pg_fail(j, sql);
	}
	PQclear(res);
	return 0;
}

/*
 * Runs sql, which returns rows, with n text parameters: 0 and *res, the
 * caller's to clear; or -1 with the reason, told as what's.
 */
static int
query(struct journal *j, const char *sql, int n, const char *const *params,
    const char *what, PGresult **res)
{
	struct pg *pg = pg_of(j);

	if (settled(j) != 0)
		return -1;
	*res = PQexecParams(pg->conn, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(*res) != PGRES_TUPLES_OK) {
		keep_failure(pg, *res);
		*res = NULL;
		return pg_fail(j, what);
	}
	return 0;
}

/* The schema's version: integra_schema's row, 0 without one. */
static int
schema_version(struct journal *j, int *version)
{
	PGresult *res;

	if (exec(j, "CREATE TABLE IF NOT EXISTS integra_schema"
	    " (version integer NOT NULL)") != 0 ||
	    query(j, "SELECT version FROM integra_schema", 0, NULL,
	    "read schema version", &res) != 0)
		return -1;
	*version = PQntuples(res) > 0 ? atoi(PQgetvalue(res, 0, 0)) : 0;
	PQclear(res);
	return 0;
}

/*
 * Takes the schema forward, each migration in a transaction of its own,
 * under an advisory lock: a second host starting at once waits, then
 * finds the work done.
 */
static int
migrate(struct journal *j)
{
	char sql[96];
	size_t i;
	int version = 0, rc;

	if ((rc = exec(j, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")")) != 0)
		return rc;
	if ((rc = schema_version(j, &version)) != 0)
		goto out;
	if (version > journal_pg_last_migration) {
		snprintf(j->err, sizeof(j->err), "journal '%s': schema version"
		    " %d is newer than this program knows (%d): upgrade"
		    " integra", j->path, version, journal_pg_last_migration);
		rc = -1;
		goto out;
	}
	for (i = 0; i < journal_pg_nmigrations; i++) {
		int v = journal_pg_last_migration -
		    (int)(journal_pg_nmigrations - 1 - i);

		if (v <= version)
			continue;
		if (version == 0)
			snprintf(sql, sizeof(sql), "INSERT INTO integra_schema"
			    " (version) VALUES (%d)", v);
		else
			snprintf(sql, sizeof(sql), "UPDATE integra_schema SET"
			    " version = %d", v);
		if ((rc = exec(j, "BEGIN")) != 0)
			goto out;
		if ((rc = exec(j, journal_pg_migrations[i])) != 0 ||
		    (rc = exec(j, sql)) != 0 || (rc = exec(j, "COMMIT")) != 0) {
			PQclear(PQexec(pg_of(j)->conn, "ROLLBACK"));
			goto out;
		}
		version = v;
	}
out:
	PQclear(PQexec(pg_of(j)->conn, "SELECT pg_advisory_unlock("
	    MIGRATE_LOCK ")"));
	return rc;
}

/*
 * Whether the URL names a password: the config is no place for one (it
 * would be logged with the journal's name).  A URL that does not parse
 * is left to PQconnectdb to refuse.
 */
static int
carries_password(const struct journal *j)
{
	PQconninfoOption *opts, *o;
	int yes = 0;

	if ((opts = PQconninfoParse(j->path, NULL)) == NULL)
		return 0;
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL)
			yes = 1;
	PQconninfoFree(opts);
	return yes;
}

static int
pg_open(struct journal *j)
{
	struct pg *pg;
	size_t i;

	j->conn = pg = xcalloc(1, sizeof(*pg));
	pg->j = j;
	for (i = 0; i <= PIPELINE_MAX; i++)
		pg->wants[i] = -1;
	for (i = 0; i < JOURNAL_NSQL; i++) {
		pg->stmt[i].base.be = &journal_pg;
		pg->stmt[i].pg = pg;
		pg->stmt[i].seals = &journal_pg_seals[i];
		snprintf(pg->stmt[i].name, sizeof(pg->stmt[i].name), "s%zu",
		    i);
	}
	for (i = 0; i < BATCH_KINDS; i++) {
		pg->batch_stmt[i].base.be = &journal_pg;
		pg->batch_stmt[i].pg = pg;
		snprintf(pg->batch_stmt[i].name, sizeof(pg->batch_stmt[i].name),
		    "b%zu", i);
	}
	batch_clear(&pg->batch);
	if (carries_password(j)) {
		/* Not named: its name holds the password. */
		snprintf(j->err, sizeof(j->err), "journal: its URL carries a"
		    " password: give it in PGPASSWORD or a password file"
		    " (PGPASSFILE, ~/.pgpass), never in the config");
		j->failure = EX_CONFIG;
		return -1;
	}
	if ((pg->conn = PQconnectdb(j->path)) == NULL ||
	    PQstatus(pg->conn) != CONNECTION_OK) {
		keep_failure(pg, NULL);
		return pg_fail(j, "connect");
	}
	if (exec(j, "SET client_min_messages = warning") != 0 ||
	    exec(j, "SET synchronous_commit = on") != 0 ||
	    exec(j, "SET lock_timeout = '" LOCK_TIMEOUT "'") != 0)
		return -1;
	return migrate(j);
}

static void
stmt_clear(struct pg_stmt *st)
{
	int i;

	PQclear(st->res);
	st->res = NULL;
	st->sent = 0;
	for (i = 0; i < st->nparams; i++) {
		free(st->params[i].copy);
		st->params[i] = (struct pg_param){ .value = NULL };
	}
}

/* Frees what st holds, not st. */
static void
stmt_release(struct pg_stmt *st)
{
	int k;

	stmt_clear(st);
	for (k = 0; k < st->nbytea; k++)
		buf_wipe(&st->bytea[k]);
	for (k = 0; k < JOURNAL_SEALS_MAX; k++)
		buf_wipe(&st->sealed[k]);
	free(st->bytea);
	free(st->decoded);
	free(st->types);
	free(st->params);
	free(st->values);
	free(st->lengths);
	free(st->formats);
}

static void
pg_close(struct journal *j)
{
	struct pg *pg = pg_of(j);
	size_t i;

	if (pg == NULL)
		return;
	for (i = 0; i < JOURNAL_NSQL; i++)
		stmt_release(&pg->stmt[i]);
	for (i = 0; i < BATCH_KINDS; i++)
		stmt_release(&pg->batch_stmt[i]);
	for (i = 0; i < COLUMNS_MAX; i++)
		buf_wipe(&pg->batch.column[i]);
	buf_wipe(&pg->envelope);
	free(pg->flown);
	PQfinish(pg->conn);
	buf_release(&pg->aad);
	buf_wipe(&pg->opened);
	free(pg->told);
	free(pg);
	j->conn = NULL;
}

static void
pg_rollback(struct journal *j)
{
	struct pg *pg = pg_of(j);

	batch_clear(&pg->batch);
	(void)settle(pg, NULL);
	pg->broken = 0;
	pg->in_tx = 0;
	pg->ntickets = 0;
	PQclear(PQexec(pg->conn, "ROLLBACK"));
}

/*
 * A write transaction holds the journal's one writer lock, as SQLite's
 * BEGIN IMMEDIATE does: every program was written for one writer at a
 * time (a circuit's state read and written back, a flow's next number,
 * a sync's lock), and so each keeps what it promised with several hosts.
 * Readers do not take it, and see the last commit.
 */
static int
pg_begin(struct journal *j)
{
	struct pg *pg = pg_of(j);
	int rc;

	/*
	 * Sent, not waited for: their answers come with the transaction's
	 * first read's (a lock not had in time fails that read, busy).
	 */
	if ((rc = settled(j)) != 0)
		return rc;
	if (send_stmt(pg, NULL, "BEGIN") != 0 ||
	    send_stmt(pg, NULL, "SELECT pg_advisory_xact_lock(" WRITE_LOCK
	    ")") != 0) {
		rc = pg_fail(j, "BEGIN");
		pg_rollback(j);
		return rc;
	}
	pg->in_tx = 1;
	pg->ntickets = 0;
	return 0;
}

static int
pg_commit(struct journal *j)
{
	struct pg *pg = pg_of(j);
	int rc;

	/* After statements sent, with them: one round trip for both. */
	if (!pg->broken && flush(pg) != 0)
		return pg_fail(j, "add events");
	if (pg->sent == 0 || pg->broken)
		rc = exec(j, "COMMIT");
	else if (send_stmt(pg, NULL, "COMMIT") != 0)
		rc = pg_fail(j, "COMMIT");
	else
		rc = pg_settle(j, "COMMIT");
	if (rc == 0)
		pg->in_tx = 0;
	return rc;
}

/* A commit may be lost with the server (still atomic): a rate's count. */
static int
pg_set_lax(struct journal *j)
{
	return exec(j, "SET synchronous_commit = off");
}

/* PostgreSQL checkpoints by itself: nothing is left for a writer. */
static int
pg_checkpoint(struct journal *j, int *left)
{
	(void)j;
	*left = 0;
	return 0;
}

/*
 * A statement sent without waiting has its changes told by settle, into
 * the ticket's place; one that had its answer has them now.
 */
/* A new ticket, not told yet. */
static int64_t
ticket_new(struct pg *pg)
{
	if (pg->ntickets == pg->tickets_cap) {
		pg->tickets_cap = pg->tickets_cap > 0 ? 2 * pg->tickets_cap :
		    256;
		pg->told = xrealloc(pg->told, pg->tickets_cap *
		    sizeof(*pg->told));
	}
	pg->told[pg->ntickets] = -1;
	return (int64_t)pg->ntickets++;
}

static int64_t
pg_changes_ticket(struct journal *j)
{
	struct pg *pg = pg_of(j);
	int64_t ticket = ticket_new(pg);

	if (pg->last_sent)
		pg->wants[pg->sent - 1] = ticket;
	else
		pg->told[ticket] = pg->changes;
	return ticket;
}

static int64_t
pg_ticket_changes(struct journal *j, int64_t ticket, const char *what)
{
	struct pg *pg = pg_of(j);
	int rc;

	if (pg->told[ticket] < 0 && (rc = pg_settle(j, what)) != 0)
		return rc;
	return pg->told[ticket];
}

/* Prepares sql as st, named already, on j's connection. */
static int
prepare(struct journal *j, struct pg_stmt *st, const char *sql)
{
	struct pg *pg = pg_of(j);
	PGresult *res;
	int i;

	if (settled(j) != 0)
		return -1;
	res = PQprepare(pg->conn, st->name, sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		keep_failure(pg, res);
		return pg_fail(j, "prepare");
	}
	PQclear(res);
	res = PQdescribePrepared(pg->conn, st->name);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		keep_failure(pg, res);
		return pg_fail(j, "prepare");
	}
	st->nparams = PQnparams(res);
	st->types = xcalloc((size_t)st->nparams + 1, sizeof(*st->types));
	st->params = xcalloc((size_t)st->nparams + 1, sizeof(*st->params));
	st->values = xcalloc((size_t)st->nparams + 1, sizeof(*st->values));
	st->lengths = xcalloc((size_t)st->nparams + 1, sizeof(*st->lengths));
	st->formats = xcalloc((size_t)st->nparams + 1, sizeof(*st->formats));
	for (i = 0; i < st->nparams; i++)
		st->types[i] = PQparamtype(res, i);
	st->nfields = PQnfields(res);
	PQclear(res);
	st->prepared = 1;
	return 0;
}

static struct journal_stmt *
pg_sql(struct journal *j, enum journal_sql which)
{
	struct pg_stmt *st = &pg_of(j)->stmt[which];

	if (!st->prepared && journal_pg_sql_text[which] == NULL) {
		snprintf(pg_of(j)->msg, sizeof(pg_of(j)->msg), "statement %d"
		    " has no PostgreSQL text", (int)which);
		pg_of(j)->sqlstate[0] = '\0';
		pg_fail(j, "prepare");
		return NULL;
	}
	if (!st->prepared && prepare(j, st, journal_pg_sql_text[which]) != 0)
		return NULL;
	stmt_clear(st);
	return &st->base;
}

/* Parameter i (from 1), or NULL past the statement's. */
static struct pg_param *
param(struct journal_stmt *s, int i)
{
	struct pg_stmt *st = (struct pg_stmt *)s;

	if (i < 1 || i > st->nparams)
		return NULL;
	free(st->params[i - 1].copy);
	st->params[i - 1] = (struct pg_param){ .value = NULL };
	return &st->params[i - 1];
}

static void
pg_bind_int64(struct journal_stmt *s, int i, int64_t v)
{
	struct pg_param *p = param(s, i);

	if (p == NULL)
		return;
	snprintf(p->num, sizeof(p->num), "%lld", (long long)v);
	p->value = p->num;
}

static void
pg_bind_double(struct journal_stmt *s, int i, double v)
{
	struct pg_param *p = param(s, i);

	if (p == NULL)
		return;
	snprintf(p->num, sizeof(p->num), "%.17g", v);
	p->value = p->num;
}

static void
pg_bind_null(struct journal_stmt *s, int i)
{
	(void)param(s, i);
}

/* Whether parameter i's type takes a value as its bytes. */
static int
takes_bytes(struct journal_stmt *s, int i)
{
	Oid t = ((struct pg_stmt *)s)->types[i - 1];

	return t == TEXTOID || t == VARCHAROID || t == BYTEAOID ||
	    t == JSONOID || t == UNKNOWNOID;
}

static void
pg_bind_text(struct journal_stmt *s, int i, const char *v, size_t n,
    int copy)
{
	struct pg_param *p = param(s, i);

	if (p == NULL)
		return;
	/* Another type reads the text: a copy, NUL-ended. */
	if (copy || !takes_bytes(s, i)) {
		p->copy = xmalloc(n + 1);
		memcpy(p->copy, v, n);
		p->copy[n] = '\0';
		v = p->copy;
	}
	p->value = v;
	if (takes_bytes(s, i)) {
		p->length = (int)n;
		p->format = 1;
	}
}

static void
pg_bind_blob(struct journal_stmt *s, int i, const void *v, size_t n)
{
	struct pg_param *p = param(s, i);

	if (p == NULL)
		return;
	p->value = v;
	p->length = (int)n;
	p->format = 1;
}

static int
pg_bind_count(struct journal_stmt *s)
{
	return ((struct pg_stmt *)s)->nparams;
}

/* b emptied, each column's head kept room for. */
static void
batch_clear(struct pg_batch *b)
{
	int c;

	for (c = 0; c < COLUMNS_MAX; c++) {
		buf_reset(&b->column[c]);
		buf_grow(&b->column[c], ARRAY_HEAD);
		b->column[c].len = ARRAY_HEAD;
		b->nulls[c] = 0;
	}
	b->n = 0;
}

static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* An element of column c: v[0..n), or NULL. */
static void
batch_put(struct pg_batch *b, int c, const void *v, size_t n)
{
	unsigned char len[4];

	if (v == NULL) {
		put_be32(len, UINT32_MAX);	/* -1: NULL */
		b->nulls[c] = 1;
		buf_add(&b->column[c], len, 4);
		return;
	}
	put_be32(len, (uint32_t)n);
	buf_add(&b->column[c], len, 4);
	buf_add(&b->column[c], v, n);
}

static void
batch_put_text(struct pg_batch *b, int c, const char *s)
{
	batch_put(b, c, s, s != NULL ? strlen(s) : 0);
}

static void
batch_put_int64(struct pg_batch *b, int c, int64_t v)
{
	unsigned char be[8];

	put_be32(be, (uint32_t)((uint64_t)v >> 32));
	put_be32(be + 4, (uint32_t)v);
	batch_put(b, c, be, sizeof(be));
}

/* Each kind of batch: its statement, and its columns' types. */
static const struct {
	const char	*sql;
	int		 ncolumns;
	Oid		 types[COLUMNS_MAX];
} batch_kinds[BATCH_KINDS] = {
	[BATCH_EVENTS] = { journal_pg_event_batch, B_COLUMNS, {
		[B_ID] = TEXTOID, [B_SOURCE] = TEXTOID, [B_TYPE] = TEXTOID,
		[B_TENANT] = TEXTOID, [B_SUBJECT] = TEXTOID,
		[B_TIME] = TEXTOID, [B_KEY] = TEXTOID,
		[B_RECEIVED_AT] = INT8OID, [B_KEY_INDEX] = BYTEAOID,
		[B_REJECTED] = TEXTOID, [B_CANONICAL] = INT8OID,
		[B_ENVELOPE] = BYTEAOID } },
	[BATCH_OUTCOMES] = { journal_pg_outcome_batch, O_COLUMNS, {
		[O_DELIVERY] = TEXTOID, [O_ATTEMPT] = INT8OID,
		[O_STARTED_AT] = INT8OID, [O_DURATION] = INT8OID,
		[O_HTTP_STATUS] = INT8OID, [O_ERROR_CLASS] = TEXTOID,
		[O_ERROR] = TEXTOID, [O_EXCERPT] = TEXTOID,
		[O_STATUS] = TEXTOID, [O_NOT_BEFORE] = INT8OID,
		[O_DONE_AT] = INT8OID, [O_OWNER] = TEXTOID,
		[O_REMOTE_ID] = TEXTOID } }
};

/*
 * Sends the rows queued as one statement, its answer read by settle
 * (tell_batch): 0, or -1 with the reason.
 */
static int
flush(struct pg *pg)
{
	struct pg_batch *b = &pg->batch;
	struct pg_stmt *st = &pg->batch_stmt[b->kind];
	const Oid *types = batch_kinds[b->kind].types;
	unsigned char *head;
	int c;

	if (b->n == 0)
		return 0;
	if (pg->sent >= PIPELINE_MAX && settle(pg, NULL) != 0)
		return -1;
	for (c = 0; c < batch_kinds[b->kind].ncolumns; c++) {
		head = (unsigned char *)b->column[c].data;
		put_be32(head, 1);			/* dimensions */
		put_be32(head + 4, (uint32_t)b->nulls[c]);
		put_be32(head + 8, types[c]);
		put_be32(head + 12, (uint32_t)b->n);	/* its length */
		put_be32(head + 16, 1);			/* its first index */
		st->values[c] = b->column[c].data;
		st->lengths[c] = (int)b->column[c].len;
		st->formats[c] = 1;
	}
	if (send_stmt(pg, st, NULL) != 0)
		return -1;
	if (pg->nflown == pg->flown_cap) {
		pg->flown_cap = pg->flown_cap > 0 ? 2 * pg->flown_cap : 4;
		pg->flown = xrealloc(pg->flown, pg->flown_cap *
		    sizeof(*pg->flown));
	}
	pg->flown[pg->nflown].n = b->n;
	memcpy(pg->flown[pg->nflown].tickets, b->tickets,
	    (size_t)b->n * sizeof(b->tickets[0]));
	pg->wants[pg->sent - 1] = -2 - (int64_t)pg->nflown++;
	batch_clear(b);
	return 0;
}

/*
 * The batch ready for a row of kind k: its statement prepared, and rows
 * of another kind sent first, as they were added first.  0, or -1.
 */
static int
batch_for(struct journal *j, enum batch_kind k, const char *what)
{
	struct pg *pg = pg_of(j);
	struct pg_stmt *st = &pg->batch_stmt[k];

	if (!st->prepared && prepare(j, st, batch_kinds[k].sql) != 0)
		return -1;
	if (pg->broken || (pg->batch.n > 0 && pg->batch.kind != k &&
	    flush(pg) != 0))
		return pg_fail(j, what);
	pg->batch.kind = k;
	return 0;
}

/* The row just queued, its ticket in *ticket; sent if the batch is full. */
static int
batch_row(struct journal *j, int64_t *ticket, const char *what)
{
	struct pg *pg = pg_of(j);
	struct pg_batch *b = &pg->batch;

	*ticket = b->tickets[b->n++] = ticket_new(pg);
	if (b->n == BATCH_MAX && flush(pg) != 0)
		return pg_fail(j, what);
	return 0;
}

/*
 * The event queued, to go with the next ones as one statement (flush):
 * its row, and its envelope if the row is new; *ticket tells which.
 * Sent one at a time, its two statements cost the server an executor's
 * start each, most of what it spent on an event (perf).
 */
static int
pg_event_add(struct journal *j, const struct journal_event *ev,
    const void *key_form, size_t formlen, int64_t *ticket)
{
	struct pg *pg = pg_of(j);
	struct pg_batch *b = &pg->batch;
	const char *envelope = ev->envelope;
	size_t len = ev->envelope_len;

	if (batch_for(j, BATCH_EVENTS, "add event") != 0)
		return -1;
	if (!ev->sealed && seal_changes(pg, envelope, len)) {
		journal_aad(&pg->aad, ev->canonical ? AAD_CANONICAL : AAD_RAW,
		    ev->id, strlen(ev->id), NULL, 0);
		if (seal_bytes(pg, envelope, len, &pg->envelope) != 0)
			return pg_fail(j, "add event");
		envelope = pg->envelope.data;
		len = pg->envelope.len;
	}
	batch_put_text(b, B_ID, ev->id);
	batch_put_text(b, B_SOURCE, ev->source);
	batch_put_text(b, B_TYPE, ev->type);
	batch_put_text(b, B_TENANT, ev->tenant);
	batch_put_text(b, B_SUBJECT, ev->subject);
	batch_put_text(b, B_TIME, ev->time);
	batch_put_text(b, B_KEY, ev->idempotency_key);
	batch_put_int64(b, B_RECEIVED_AT, ev->received_at);
	batch_put(b, B_KEY_INDEX, key_form, formlen);
	batch_put_text(b, B_REJECTED, ev->rejected);
	batch_put_int64(b, B_CANONICAL, ev->canonical);
	batch_put(b, B_ENVELOPE, envelope, len);
	return batch_row(j, ticket, "add events");
}

/*
 * The attempt queued, and its delivery's outcome, as pg_event_add does
 * an event: a tick's outcomes go as one statement.  *ticket tells
 * whether the delivery was finished (its lease still owner's).
 */
static int
pg_attempt_add(struct journal *j, const struct journal_attempt *a,
    const char *owner, int64_t *ticket)
{
	struct pg_batch *b = &pg_of(j)->batch;

	if (batch_for(j, BATCH_OUTCOMES, "add attempt") != 0)
		return -1;
	batch_put_text(b, O_DELIVERY, a->delivery_id);
	batch_put_int64(b, O_ATTEMPT, a->attempt);
	batch_put_int64(b, O_STARTED_AT, a->started_at);
	batch_put_int64(b, O_DURATION, a->duration_ms);
	if (a->http_status > 0)
		batch_put_int64(b, O_HTTP_STATUS, a->http_status);
	else
		batch_put(b, O_HTTP_STATUS, NULL, 0);
	batch_put_text(b, O_ERROR_CLASS, a->error_class);
	batch_put_text(b, O_ERROR, a->error);
	batch_put_text(b, O_EXCERPT, a->excerpt);
	batch_put_text(b, O_STATUS, a->status);
	batch_put_int64(b, O_NOT_BEFORE, a->not_before);
	batch_put_int64(b, O_DONE_AT, a->started_at + a->duration_ms);
	batch_put_text(b, O_OWNER, owner);
	batch_put_text(b, O_REMOTE_ID, a->remote_id);
	return batch_row(j, ticket, "finish deliveries");
}

/* Parameter i's bytes (from 1), or NULL. */
static const char *
param_bytes(const struct pg_stmt *st, int i, size_t *n)
{
	const struct pg_param *p;

	*n = 0;
	if (i < 1 || i > st->nparams || (p = &st->params[i - 1])->value ==
	    NULL)
		return NULL;
	*n = p->format == 1 ? (size_t)p->length : strlen(p->value);
	return p->value;
}

/* Whether v[0..n) goes as seal_bytes writes it, not as it is. */
static int
seal_changes(const struct pg *pg, const char *v, size_t n)
{
	return seal_on(pg->j->seal) || journal_needs_escape(v, n);
}

/*
 * v[0..n), which seal_changes, into out (reset first) as SQLite's
 * integra_seal writes it: sealed, bound to pg->aad, if the journal has a
 * current key, else escaped (private.h).  0, or -1 if it could not be
 * sealed.
 */
static int
seal_bytes(struct pg *pg, const char *v, size_t n, struct buf *out)
{
	struct seal *seal = pg->j->seal;

	buf_reset(out);
	if (!seal_on(seal)) {
		buf_addc(out, (char)JOURNAL_PLAIN_ESCAPE);
		buf_add(out, v, n);
		return 0;
	}
	if (seal_value(seal, v, n, pg->aad.data, pg->aad.len, out) != 0) {
		snprintf(pg->msg, sizeof(pg->msg), "a value could not be"
		    " sealed");
		pg->sqlstate[0] = '\0';
		return -1;
	}
	return 0;
}

/*
 * The parameters st seals (seal_bytes), into st->sealed and sent from
 * there; what is bound stays as it is, for a statement stepped again.
 * NULL stays NULL.
 */
static int
seal_params(struct pg_stmt *st)
{
	struct pg *pg = st->pg;
	const struct journal_aad_of *aad;
	const char *v, *a, *b;
	size_t n, alen, blen;
	int k, i, flag;

	flag = st->seals->came_sealed;
	if (flag != 0 && (v = param_bytes(st, flag, &n)) != NULL &&
	    strtoll(v, NULL, 10) != 0)
		return 0;
	for (k = 0; k < JOURNAL_SEALS_MAX; k++) {
		if ((i = st->seals->seal[k].param) == 0 ||
		    (v = param_bytes(st, i, &n)) == NULL ||
		    !seal_changes(pg, v, n))
			continue;
		aad = &st->seals->seal[k].aad;
		a = param_bytes(st, aad->a, &alen);
		b = param_bytes(st, aad->b, &blen);
		journal_aad(&pg->aad, aad->prefix, a != NULL ? a : "", alen,
		    b != NULL ? b : "", blen);
		if (seal_bytes(pg, v, n, &st->sealed[k]) != 0)
			return -1;
		st->values[i - 1] = st->sealed[k].data;
		st->lengths[i - 1] = (int)st->sealed[k].len;
		st->formats[i - 1] = 1;
	}
	return 0;
}

static const char	*column(struct journal_stmt *, int, size_t *);

/* Opens sealed v[0..n), of the k-th column st opens, into pg->opened. */
static int
open_sealed(struct pg_stmt *st, int k, const char *v, size_t n)
{
	struct pg *pg = st->pg;
	const struct journal_aad_of *aad = &st->seals->open[k].aad;
	const char *a, *b;
	size_t alen, blen;

	a = column(&st->base, aad->a - 1, &alen);
	b = column(&st->base, aad->b - 1, &blen);
	journal_aad(&pg->aad, aad->prefix, a != NULL ? a : "", alen,
	    b != NULL ? b : "", blen);
	if (seal_open(pg->j->seal, v, n, pg->aad.data, pg->aad.len,
	    &pg->opened, NULL, NULL) != 0) {
		snprintf(pg->msg, sizeof(pg->msg), "a sealed value does not"
		    " open: its key is not known, or it is not this row's");
		pg->sqlstate[0] = '\0';
		return -1;
	}
	return 0;
}

/*
 * The columns st opens in the row it stands on, as SQLite's integra_open
 * does: a sealed value opened, an escaped one unescaped, any other as it
 * is.  A sealed value that does not open (its key unknown, or not its
 * row's) fails the step: nothing silently read as empty.
 */
static int
open_columns(struct pg_stmt *st)
{
	struct pg *pg = st->pg;
	struct buf *out;
	const char *v;
	size_t n;
	int k, i;

	for (k = 0; k < JOURNAL_SEALS_MAX; k++) {
		if ((i = st->seals->open[k].column) == 0 ||
		    (v = column(&st->base, i - 1, &n)) == NULL)
			continue;
		buf_reset(&pg->opened);
		if (journal_escaped(v, n))
			buf_add(&pg->opened, v + 1, n - 1);
		else if (!seal_is_sealed(v, n))
			continue;
		else if (open_sealed(st, k, v, n) != 0)
			return -1;
		out = &st->bytea[i - 1];
		buf_reset(out);
		buf_add(out, pg->opened.data, pg->opened.len);
		buf_addc(out, '\0');
		out->len--;
		st->decoded[i - 1] = 1;
	}
	return 0;
}

static int
pg_step(struct journal_stmt *s)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	struct pg *pg = st->pg;
	ExecStatusType status;
	PGresult *res;
	int i;

	if (st->sent)
		return JOURNAL_DONE;
	if (st->res == NULL) {
		pg->last_sent = 0;
		/* The events queued go first, as they were added first. */
		if (pg->broken || flush(pg) != 0)
			return STEP_FAILED;
		for (i = 0; i < st->nparams; i++) {
			st->values[i] = st->params[i].value;
			st->lengths[i] = st->params[i].length;
			st->formats[i] = st->params[i].format;
		}
		if (st->seals != NULL && seal_params(st) != 0)
			return STEP_FAILED;
		/* No row to wait for: its answer is read with the next. */
		if (pg->in_tx && st->nfields == 0) {
			if ((pg->sent >= PIPELINE_MAX &&
			    settle(pg, NULL) != 0) ||
			    send_stmt(pg, st, NULL) != 0)
				return STEP_FAILED;
			st->sent = pg->last_sent = 1;
			return JOURNAL_DONE;
		}
		if (pg->sent > 0) {
			if (send_stmt(pg, st, NULL) != 0 ||
			    settle(pg, &res) != 0)
				return STEP_FAILED;
		} else {
			res = PQexecPrepared(pg->conn, st->name, st->nparams,
			    st->values, st->lengths, st->formats, 0);
			status = PQresultStatus(res);
			if (status != PGRES_COMMAND_OK &&
			    status != PGRES_TUPLES_OK) {
				keep_failure(pg, res);
				return STEP_FAILED;
			}
		}
		pg->changes = strtoll(PQcmdTuples(res), NULL, 10);
		st->res = res;
		st->ntuples = PQntuples(res);
		st->row = -1;
		if (st->nbytea < PQnfields(res)) {
			st->bytea = xrealloc(st->bytea,
			    (size_t)PQnfields(res) * sizeof(*st->bytea));
			st->decoded = xrealloc(st->decoded,
			    (size_t)PQnfields(res));
			for (i = st->nbytea; i < PQnfields(res); i++)
				buf_init(&st->bytea[i]);
			st->nbytea = PQnfields(res);
		}
	}
	if (st->row + 1 < st->ntuples) {
		st->row++;
		for (i = 0; i < PQnfields(st->res); i++) {
			buf_reset(&st->bytea[i]);
			st->decoded[i] = 0;
		}
		if (st->seals != NULL && open_columns(st) != 0)
			return STEP_FAILED;
		return JOURNAL_ROW;
	}
	st->row = st->ntuples;
	return JOURNAL_DONE;
}

static void
pg_reset(struct journal_stmt *s)
{
	struct pg_stmt *st = (struct pg_stmt *)s;

	PQclear(st->res);
	st->res = NULL;
	st->sent = 0;
}

static int
pg_column_count(struct journal_stmt *s)
{
	struct pg_stmt *st = (struct pg_stmt *)s;

	return st->res != NULL ? PQnfields(st->res) : 0;
}

/* Column i of the current row, or NULL: none, or SQL's NULL. */
static const char *
raw(struct journal_stmt *s, int i)
{
	struct pg_stmt *st = (struct pg_stmt *)s;

	if (st->res == NULL || st->row < 0 || st->row >= st->ntuples ||
	    i < 0 || i >= PQnfields(st->res) ||
	    PQgetisnull(st->res, st->row, i))
		return NULL;
	return PQgetvalue(st->res, st->row, i);
}

static int
pg_column_null(struct journal_stmt *s, int i)
{
	return raw(s, i) == NULL;
}

static int64_t
pg_column_int64(struct journal_stmt *s, int i)
{
	const char *v = raw(s, i);

	if (v == NULL)
		return 0;
	if (PQftype(((struct pg_stmt *)s)->res, i) == BOOLOID)
		return *v == 't';
	return strtoll(v, NULL, 10);
}

static double
pg_column_double(struct journal_stmt *s, int i)
{
	const char *v = raw(s, i);

	return v != NULL ? strtod(v, NULL) : 0;
}

/*
 * Column i's bytes: a bytea decoded by libpq (whichever of its text forms
 * the server's bytea_output gives) into the column's buffer, NUL-ended;
 * any other type's text as it is.
 */
static const char *
column(struct journal_stmt *s, int i, size_t *n)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	const char *v = raw(s, i);
	unsigned char *bytes;
	struct buf *b;
	size_t len;

	*n = 0;
	if (v == NULL)
		return NULL;
	b = &st->bytea[i];
	if (!st->decoded[i] && PQftype(st->res, i) != BYTEAOID) {
		*n = (size_t)PQgetlength(st->res, st->row, i);
		return v;
	}
	if (!st->decoded[i]) {
		if ((bytes = PQunescapeBytea((const unsigned char *)v,
		    &len)) == NULL)
			buf_oom();
		buf_add(b, bytes, len);
		PQfreemem(bytes);
		buf_addc(b, '\0');
		b->len--;
		st->decoded[i] = 1;
	}
	*n = b->len;
	return b->data;
}

static const char *
pg_column_text(struct journal_stmt *s, int i)
{
	size_t n;

	return column(s, i, &n);
}

static const void *
pg_column_blob(struct journal_stmt *s, int i)
{
	size_t n;

	return column(s, i, &n);
}

static size_t
pg_column_bytes(struct journal_stmt *s, int i)
{
	size_t n;

	(void)column(s, i, &n);
	return n;
}

static enum journal_type
pg_column_type(struct journal_stmt *s, int i)
{
	if (raw(s, i) == NULL)
		return JOURNAL_NULL;
	switch (PQftype(((struct pg_stmt *)s)->res, i)) {
	case BOOLOID:
	case INT2OID:
	case INT4OID:
	case INT8OID:
		return JOURNAL_INTEGER;
	case FLOAT4OID:
	case FLOAT8OID:
	case NUMERICOID:
		return JOURNAL_FLOAT;
	case BYTEAOID:
		return JOURNAL_BLOB;
	default:
		return JOURNAL_TEXT;
	}
}

static struct journal_stmt *
pg_prepare(struct journal *j, const char *sql)
{
	struct pg *pg = pg_of(j);
	struct pg_stmt *st = xcalloc(1, sizeof(*st));

	st->base.be = &journal_pg;
	st->pg = pg;
	snprintf(st->name, sizeof(st->name), "x%u", pg->prepared++);
	if (prepare(j, st, sql) != 0) {
		stmt_release(st);
		free(st);
		return NULL;
	}
	return &st->base;
}

static void
pg_finalize(struct journal_stmt *s)
{
	struct pg_stmt *st = (struct pg_stmt *)s;
	char sql[32];

	snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
	(void)settle(st->pg, NULL);
	PQclear(PQexec(st->pg->conn, sql));
	stmt_release(st);
	free(st);
}

/* A column's declared type, by its type's name. */
static enum journal_type
declared(const char *type)
{
	if (strcmp(type, "int2") == 0 || strcmp(type, "int4") == 0 ||
	    strcmp(type, "int8") == 0 || strcmp(type, "bool") == 0)
		return JOURNAL_INTEGER;
	if (strcmp(type, "float4") == 0 || strcmp(type, "float8") == 0 ||
	    strcmp(type, "numeric") == 0)
		return JOURNAL_FLOAT;
	if (strcmp(type, "bytea") == 0)
		return JOURNAL_BLOB;
	return JOURNAL_TEXT;
}

/*
 * The tables of the connection's schema (search_path's first) but
 * integra_schema, which is this backend's own; a column's place in the
 * primary key from 1 (pg_index.indkey counts from 0).
 */
static int
pg_schema(struct journal *j, journal_column_fn fn, void *ctx)
{
	PGresult *res;
	int i, stop = 0;

	if (query(j, "SELECT c.relname, a.attname, t.typname,"
	    " coalesce(array_position(k.indkey::int2[], a.attnum)"
	    " - array_lower(k.indkey::int2[], 1) + 1, 0)"
	    " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
	    " JOIN pg_type t ON t.oid = a.atttypid"
	    " LEFT JOIN pg_index k ON k.indrelid = c.oid AND k.indisprimary"
	    " WHERE c.relkind = 'r' AND c.relnamespace ="
	    " current_schema()::regnamespace AND c.relname <> 'integra_schema'"
	    " AND a.attnum > 0 AND NOT a.attisdropped"
	    " ORDER BY c.relname, a.attnum", 0, NULL, "read the schema",
	    &res) != 0)
		return -1;
	for (i = 0; i < PQntuples(res) && stop == 0; i++)
		stop = fn(ctx, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		    declared(PQgetvalue(res, i, 2)),
		    atoi(PQgetvalue(res, i, 3)));
	PQclear(res);
	return stop;
}

/*
 * An identity column's sequence set past the greatest key copied, so
 * that the next row the journal numbers does not take one of theirs.
 */
static int
pg_copied(struct journal *j, const char *table)
{
	struct pg *pg = pg_of(j);
	const char *param[1] = { table };
	char *qtable, *qcolumn, *ltable, *lcolumn;
	struct buf sql = BUF_INIT;
	PGresult *res;
	int i, rc = 0;

	if (query(j, "SELECT a.attname FROM pg_attribute a"
	    " WHERE a.attrelid = quote_ident($1::text)::regclass"
	    " AND a.attidentity <> '' AND NOT a.attisdropped", 1, param,
	    "read identity columns", &res) != 0)
		return -1;
	for (i = 0; i < PQntuples(res) && rc == 0; i++) {
		const char *column = PQgetvalue(res, i, 0);

		/* The sequence's table is SQL's name, its column as it is. */
		if ((qtable = PQescapeIdentifier(pg->conn, table,
		    strlen(table))) == NULL || (qcolumn = PQescapeIdentifier(
		    pg->conn, column, strlen(column))) == NULL ||
		    (ltable = PQescapeLiteral(pg->conn, qtable,
		    strlen(qtable))) == NULL || (lcolumn = PQescapeLiteral(
		    pg->conn, column, strlen(column))) == NULL)
			buf_oom();
		buf_reset(&sql);
		buf_addf(&sql, "SELECT setval(pg_get_serial_sequence(%s,"
		    " %s), coalesce(max(%s), 0) + 1, false) FROM %s", ltable,
		    lcolumn, qcolumn, qtable);
		PQfreemem(qtable);
		PQfreemem(qcolumn);
		PQfreemem(ltable);
		PQfreemem(lcolumn);
		rc = exec(j, sql.data);
	}
	PQclear(res);
	buf_release(&sql);
	return rc;
}

/* The channel journal_work's notifications go on. */
/* The channel of each kind of news, by its bit. */
static const struct {
	int		 news;
	const char	*name;
	const char	*notify;
	const char	*listen;
} channels[] = {
	{ JOURNAL_NEWS_WORK, "integra_work", "NOTIFY integra_work",
	    "LISTEN integra_work" },
	{ JOURNAL_NEWS_KEYS, "integra_keys", "NOTIFY integra_keys",
	    "LISTEN integra_keys" },
};

static int
pg_notify(struct journal *j, int news)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof(channels) / sizeof(channels[0]); i++) {
		if (!(news & channels[i].news))
			continue;
		/* In a transaction, with its commit. */
		if (!pg_of(j)->in_tx)
			rc = exec(j, channels[i].notify);
		else if ((rc = send_stmt(pg_of(j), NULL,
		    channels[i].notify)) != 0)
			rc = pg_fail(j, channels[i].notify);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
pg_listen(struct journal *j, int news, int *fd)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof(channels) / sizeof(channels[0]); i++)
		if ((news & channels[i].news) &&
		    (rc = exec(j, channels[i].listen)) != 0)
			return rc;
	*fd = PQsocket(pg_of(j)->conn);
	return 0;
}

/*
 * What the server sent since is read, and the notifications among it,
 * and any libpq kept from the results of statements since, counted.
 */
static int
pg_told(struct journal *j)
{
	struct pg *pg = pg_of(j);
	PGnotify *n;
	size_t i;
	int told = 0;

	if (PQconsumeInput(pg->conn) == 0) {
		keep_failure(pg, NULL);
		return pg_fail(j, "read news");
	}
	while ((n = PQnotifies(pg->conn)) != NULL) {
		for (i = 0; i < sizeof(channels) / sizeof(channels[0]); i++)
			if (strcmp(n->relname, channels[i].name) == 0)
				told |= channels[i].news;
		PQfreemem(n);
	}
	return told;
}

const struct journal_backend journal_pg = {
	.name = "postgresql",
	.mark = '$',
	.open = pg_open,
	.close = pg_close,
	.fail = pg_fail,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.set_lax = pg_set_lax,
	.checkpoint = pg_checkpoint,
	.event_add = pg_event_add,
	.attempt_add = pg_attempt_add,
	.changes_ticket = pg_changes_ticket,
	.ticket_changes = pg_ticket_changes,
	.sql = pg_sql,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_null = pg_bind_null,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_count = pg_bind_count,
	.step = pg_step,
	.reset = pg_reset,
	.column_count = pg_column_count,
	.column_null = pg_column_null,
	.column_int64 = pg_column_int64,
	.column_double = pg_column_double,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.column_bytes = pg_column_bytes,
	.column_type = pg_column_type,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.schema = pg_schema,
	.copied = pg_copied,
	.settle = pg_settle,
	.notify = pg_notify,
	.listen = pg_listen,
	.told = pg_told,
};
