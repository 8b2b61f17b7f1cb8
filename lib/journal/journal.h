/*
 * journal: the SQLite file every integra program shares.  It is the truth;
 * the pipe between programs is only the fast path.
 *
 * One module owns the schema: every SQL statement lives in journal.c and
 * journal/dlq.c.  The file is in WAL mode with synchronous=FULL, a busy
 * timeout and foreign keys on; its schema version is PRAGMA user_version,
 * migrated forward by whichever program opens it first.
 *
 * Ownership: strings passed in are copied by SQLite (or only read during
 * the call).  Rows handed to a callback are valid during that call only.
 * Every function returns 0 on success and -1 on failure, with the reason
 * in journal_error(); JOURNAL_BUSY means the database stayed locked past
 * the busy timeout (try again later).
 */
#ifndef INTEGRA_JOURNAL_JOURNAL_H
#define INTEGRA_JOURNAL_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/ids.h"

#define JOURNAL_BUSY		(-2)

struct journal;

/* An event as ingest stores it. */
struct journal_event {
	const char	*id;
	const char	*source;
	const char	*type;
	const char	*tenant;
	const char	*subject;	/* may be NULL */
	const char	*time;
	const char	*idempotency_key;
	const char	*envelope;	/* the raw envelope, as written on stdout */
	size_t		 envelope_len;
	const char	*rejected;	/* NULL; or why it is kept as rejected,
					   envelope being the bytes as they came */
	int64_t		 received_at;	/* ms since the epoch */
};

/* A delivery as map creates it. */
struct journal_delivery {
	const char	*id;
	const char	*event_id;
	const char	*target;
	const char	*route;
	int		 step;
	const char	*method;
	const char	*url;
	const char	*headers;	/* JSON object, without secrets */
	const char	*body;
	size_t		 body_len;
	int64_t		 created_at;
	int64_t		 not_before;	/* due from then */
	int		 priority;	/* its class: priority.h */
	int		 mapping_version;	/* that built its body; 0: none */
	const char	*dead;		/* NULL; or why it cannot be sent: it
					   is added dead, in the queue */
};

/* A delivery claimed for sending. */
struct journal_claim {
	const char	*id;
	const char	*event_id;
	const char	*target;
	const char	*route;
	int		 step;		/* in its route */
	const char	*method;
	const char	*url;
	const char	*headers;
	const char	*body;
	size_t		 body_len;
	int		 attempts;	/* attempts made before this one */
	int		 priority;	/* its class: priority.h */
	const char	*event_type;	/* its event's; NULL if it is gone */
	const char	*tenant;
};

/* The outcome of one try. */
struct journal_attempt {
	const char	*delivery_id;
	int		 attempt;	/* 1 for the first try */
	int64_t		 started_at;
	int64_t		 duration_ms;
	int		 http_status;	/* 0 if no answer */
	const char	*error_class;	/* NULL on success */
	const char	*error;		/* NULL on success */
	const char	*excerpt;	/* redacted, may be NULL */
	const char	*remote_id;	/* the id the target gave the message
					   (Z-API's messageId), or NULL */
	const char	*target;	/* the delivery's, and its event's id, */
	const char	*event_id;	/* for the counts */
	/* What becomes of the delivery. */
	const char	*status;	/* "delivered", "failed", "dead", or
					   "pending" (its target is disabled) */
	int64_t		 not_before;	/* for "failed": when to try again */
};

enum journal_event_status {
	JOURNAL_RECEIVED,
	JOURNAL_NORMALIZED,
	JOURNAL_MAPPED,
	JOURNAL_REJECTED,
	JOURNAL_UNKNOWN		/* no such event */
};

typedef int (*journal_row_fn)(void *ctx, const char *id, const char *text,
    size_t len);
typedef int (*journal_claim_fn)(void *ctx, const struct journal_claim *);

/*
 * Copies what it can of the WAL into the database without waiting for
 * anyone (SQLite's PASSIVE checkpoint); *left gets the frames not copied.
 */
int	journal_checkpoint(struct journal *, int *left);

/* Opens (creating if need be) and migrates the journal at path. */
struct journal	*journal_open(const char *path, char *err, size_t errsz);
void		 journal_close(struct journal *);
const char	*journal_error(const struct journal *);
/* 1 if the last failure was the journal staying locked (try again later). */
int		 journal_busy(const struct journal *);
/*
 * After a failure: rolls back the transaction it left open, if any, and
 * returns the exit status it means (sysexits), EX_TEMPFAIL when the
 * journal stayed locked (try again later), EX_SOFTWARE otherwise.  The
 * failure's text stays in journal_error().
 */
int		 journal_abort(struct journal *);
const char	*journal_path(const struct journal *);

/* A write transaction (BEGIN IMMEDIATE): group many records in one commit. */
int	journal_begin(struct journal *);
int	journal_commit(struct journal *);
void	journal_rollback(struct journal *);
int	journal_in_transaction(const struct journal *);

/*
 * Stores a new event.  Returns 0 if stored, 1 if the source already sent
 * this idempotency key: then dup_id gets the original event's id and
 * dup_envelope (if not NULL) its envelope, or nothing if retention has
 * dropped it.
 */
int	journal_event_add(struct journal *, const struct journal_event *,
	    char dup_id[ID_LEN + 1], struct buf *dup_envelope);
/* Status of an event; canonical (if not NULL) gets its canonical envelope. */
int	journal_event_status(struct journal *, const char *id,
	    enum journal_event_status *, struct buf *canonical);
/*
 * received -> normalized with its canonical envelope, and type its type if
 * not NULL (normalize may find that a lead.created updates a lead).  *done
 * is 1 if the event moved, 0 if it was not in state received (see
 * journal_event_status).
 */
int	journal_event_normalize(struct journal *, const char *id,
	    const char *type, const char *canonical, size_t len, int *done);
/*
 * normalized -> mapped; *done is 1 if it moved or was mapped already.
 * type and source are the event's, for the counts.
 */
int	journal_event_map(struct journal *, const char *id, const char *type,
	    const char *source, int *done);
/* from (received or normalized) -> rejected, with the reason. */
int	journal_event_reject(struct journal *, const char *id,
	    enum journal_event_status from, const char *reason);
/*
 * Calls fn for at most limit events in state status (JOURNAL_RECEIVED: the
 * raw envelope; JOURNAL_NORMALIZED: the canonical one) with ids after
 * after_id (NULL: from the start), in id order.  fn returning non-zero
 * stops the walk and is returned.
 */
int	journal_events_in(struct journal *, enum journal_event_status status,
	    const char *after_id, int limit, journal_row_fn fn, void *ctx);

/* Adds a delivery; *added is 0 if a delivery with that id exists. */
int	journal_delivery_add(struct journal *,
	    const struct journal_delivery *, int *added);
/*
 * Claims one delivery for owner until lease_until if it is due (pending or
 * failed with not_before <= now, or in flight with an expired lease) and
 * calls fn with it.  *claimed says whether it was.
 */
int	journal_claim_id(struct journal *, const char *id, const char *owner,
	    int64_t now, int64_t lease_until, journal_claim_fn fn, void *ctx,
	    int *claimed);
/*
 * Claims at most limit due deliveries, oldest first, calling fn for each;
 * none of a disabled target's, or of one whose circuit is not closed.
 */
int	journal_claim_due(struct journal *, int limit, const char *owner,
	    int64_t now, int64_t lease_until, journal_claim_fn fn, void *ctx,
	    int *nclaimed);
/*
 * Claims one delivery to target that is due or whose lease ran out,
 * whatever its circuit: the probe of a half-open circuit.
 */
int	journal_claim_probe(struct journal *, const char *target,
	    const char *owner, int64_t now, int64_t lease_until,
	    journal_claim_fn fn, void *ctx, int *claimed);
/*
 * Records one try and moves its delivery to a->status, if owner still holds
 * the lease (*kept says whether it did; the attempt is recorded either way).
 */
int	journal_attempt_add(struct journal *, const struct journal_attempt *,
	    const char *owner, int *kept);
/* Gives back owner's claim on a delivery not tried: due again at once. */
int	journal_claim_release(struct journal *, const char *id,
	    const char *owner, int64_t now);

/*
 * API keys.  A key itself is never stored: only its SHA-256
 * (JOURNAL_KEY_HASH_LEN bytes) and its first characters, to tell keys
 * apart in a listing.  The strings of a journal_key are the caller's for
 * journal_key_add; filled in, they point into the struct's own buffers.
 */
#define JOURNAL_KEY_HASH_LEN	32

struct journal_key {
	const char	*name;
	const char	*tenant;
	const char	*scopes;	/* space-separated */
	const char	*prefix;
	int64_t		 created_at;	/* ms since the epoch */
	int64_t		 revoked_at;	/* 0: in force */
	long		 rate_limit;	/* requests a minute; 0: no limit */
	char		 name_buf[129];
	char		 tenant_buf[129];
	char		 scopes_buf[257];
	char		 prefix_buf[17];
};

/* Stores a key; *added is 0 if the name is taken. */
int	journal_key_add(struct journal *, const struct journal_key *,
	    const unsigned char hash[JOURNAL_KEY_HASH_LEN], int *added);
/* The key in force with this hash, if *found. */
int	journal_key_find(struct journal *,
	    const unsigned char hash[JOURNAL_KEY_HASH_LEN],
	    struct journal_key *, int *found);
/* Calls fn for each key, by name, until it returns non-zero. */
typedef int (*journal_key_fn)(void *ctx, const struct journal_key *);
int	journal_key_list(struct journal *, journal_key_fn, void *ctx);
/* Revokes the key called name; *done is 0 if there is none in force. */
int	journal_key_revoke(struct journal *, const char *name, int64_t now,
	    int *done);
/*
 * Counts one request of bucket (a key or a source) in the window that
 * starts at window (ms); *count is the number so far in it, this one
 * included.  Inside the caller's transaction, so that processes sharing
 * the journal share the count.
 */
int	journal_rate_hit(struct journal *, const char *bucket, int64_t window,
	    long *count);

/* What journal_events_query lists; NULL, empty or 0 filters nothing. */
struct journal_filter {
	const char	*type;
	const char	*source;
	const char	*status;
	const char	*tenant;
	int64_t		 since;		/* received at or after, ms */
	int64_t		 until;		/* received before, ms */
	const char	*after;		/* ids after this one: the cursor */
	int		 limit;
};

/* Calls fn with each event's id and a JSON object of its attributes, by
 * id, until it returns non-zero. */
typedef int (*journal_row_fn)(void *ctx, const char *id, const char *json,
    size_t len);
int	journal_events_query(struct journal *, const struct journal_filter *,
	    journal_row_fn, void *ctx);
/*
 * The event called id, if *found, as a JSON object appended to out: its
 * attributes, its raw and canonical envelopes, its deliveries and each
 * one's attempts (as "tries").
 */
int	journal_event_detail(struct journal *, const char *id, struct buf *out,
	    int *found);
/*
 * Has the event mapped again (*remap: 1 if it was normalized or mapped)
 * and its failed or dead deliveries sent again from now (*redeliver: how
 * many), by the next --pending runs.
 */
int	journal_event_retry(struct journal *, const char *id, int64_t now,
	    int *remap, int *redeliver);

/*
 * For /status: a JSON object of the events and deliveries by status, the
 * backlogs, the age of the oldest undelivered delivery, the dead letters,
 * the disabled targets and the circuits not closed.
 * Counting reads every row: it costs what the journal's size does.
 */
int	journal_status(struct journal *, int64_t now, struct buf *out);
/* For /health/detailed: each target's last attempt, a JSON object. */
int	journal_targets_last(struct journal *, struct buf *out);

/*
 * The dead-letter queue: deliveries that died (out of attempts, or refused
 * by their target), kept with every attempt until an admin retries,
 * archives or deletes them.  Archived ones stay dead but leave the queue.
 */
struct journal_dlq_filter {
	const char	*type;		/* the event's type */
	const char	*target;
	int64_t		 since;		/* died at or after, ms; 0: any */
	int		 archived;	/* 0: the queue, 1: archived, -1: both */
	const char	*after;		/* delivery ids after this: the cursor */
	int		 limit;		/* 0: no limit */
};

/*
 * Calls fn with each dead letter's id and a JSON object (id, event, type,
 * target, route, attempts, error_class, last_error, dead_at,
 * archived_at), by id, until fn returns non-zero.  With full, the object
 * also has the request (step, method, url, headers, body): a line of an
 * export.
 */
int	journal_dlq_query(struct journal *, const struct journal_dlq_filter *,
	    int full, journal_row_fn fn, void *ctx);
/*
 * The dead letter called id, if *found, as a JSON object appended to out:
 * as an export's line, with its event's attributes and every attempt (as
 * "tries").
 */
int	journal_dlq_detail(struct journal *, const char *id, struct buf *out,
	    int *found);
/* Counts by event type, target and error class, and the oldest's age. */
int	journal_dlq_stats(struct journal *, int64_t now, struct buf *out);
/* Back to pending, its attempts reset; *done is 0 if id is not dead. */
int	journal_dlq_retry(struct journal *, const char *id, int64_t now,
	    int *done);
/* Out of the queue, kept; *done is 0 if id is not in the queue. */
int	journal_dlq_archive(struct journal *, const char *id, int64_t now,
	    int *done);
enum journal_dlq_deleted {
	JOURNAL_DLQ_DELETED,
	JOURNAL_DLQ_NOT_DEAD,		/* no dead letter has that id */
	JOURNAL_DLQ_NOT_ARCHIVED	/* refused: archive it, or force */
};
/* Deletes a dead letter and its attempts: an archived one, or any with
 * force. */
int	journal_dlq_delete(struct journal *, const char *id, int force,
	    enum journal_dlq_deleted *result);
/*
 * Moves target's failed deliveries with max_attempts or more attempts to
 * the queue (the policy may have been lowered since they failed);
 * *moved counts them.
 */
int	journal_dlq_sweep(struct journal *, const char *target,
	    int max_attempts, int64_t now, int *moved);

/*
 * The targets' state, which every process sees: disabled (by a 410 Gone
 * or an admin) or not, and each target's circuit breaker (circuit.h).
 * While a circuit is open no delivery to its target is claimed; once
 * open_until has passed it is half-open: one process takes the probe and
 * claims one delivery with journal_claim_probe.
 */
struct circuit_state;

struct journal_target_state {
	const char	*target;
	int64_t		 disabled_at;	/* 0: enabled */
	const char	*reason;	/* why it was disabled, or NULL */
	int		 failures;	/* consecutive failed tries */
	int64_t		 opened_at;	/* when its circuit opened; 0: closed */
	int64_t		 open_until;	/* open until then, half-open after */
	long		 waiting;	/* deliveries pending or failed */
	long		 dead;		/* in the dead-letter queue */
};

/*
 * Versioned mappings: the jq program that builds a target system's request
 * body from an event of a type.  Each (type, system) pair has versions 1,
 * 2, ... and a head, the version in force.  The strings of a
 * journal_mapping are valid during the callback only.
 */
struct journal_mapping {
	const char	*type;
	const char	*system;
	int		 version;	/* this one */
	int		 head;		/* the pair's version in force */
	int		 latest;	/* the pair's highest */
	const char	*program;
	const char	*origin;	/* the file it came from, or NULL */
	int64_t		 created_at;	/* of this version */
	int64_t		 updated_at;	/* of the pair's head */
};
typedef int (*journal_mapping_fn)(void *ctx, const struct journal_mapping *);
/* Adds a version and makes it the head; *version gets its number. */
int	journal_mapping_add(struct journal *, const char *type,
	    const char *system, const char *program, const char *origin,
	    int64_t now, int *version);
/* Adds version 1, the head, if the pair has none (*added says so). */
int	journal_mapping_seed(struct journal *, const char *type,
	    const char *system, const char *program, const char *origin,
	    int64_t now, int *added);
/* Calls fn with the pair's version (0: its head), if *found. */
int	journal_mapping_get(struct journal *, const char *type,
	    const char *system, int version, journal_mapping_fn fn, void *ctx,
	    int *found);
/* Calls fn with each pair's head, by type and system. */
int	journal_mapping_heads(struct journal *, journal_mapping_fn fn,
	    void *ctx);
/* Calls fn with each version of the pair, oldest first; *n counts them. */
int	journal_mapping_versions(struct journal *, const char *type,
	    const char *system, journal_mapping_fn fn, void *ctx, int *n);
/* Makes version the pair's head; *done is 0 if it has no such version. */
int	journal_mapping_rollback(struct journal *, const char *type,
	    const char *system, int version, int64_t now, int *done);
/*
 * Leads' contacts: a tenant's phone ("tel:+5511987654321") or e-mail
 * address ("mailto:ana@example.com") and the lead it belongs to.
 * journal_lead_find sets lead_id to the lead of the first of contacts[]
 * that has one (NULL entries skipped) and *found to 1; else *found is 0.
 */
int	journal_lead_find(struct journal *, const char *tenant,
	    const char *const contacts[], size_t n,
	    char lead_id[ID_LEN + 1], int *found);
/* Links contact to lead_id, unless it is some lead's already. */
int	journal_lead_link(struct journal *, const char *tenant,
	    const char *contact, const char *lead_id, int64_t now);
/*
 * A channel's report on a message it was given (status "sent",
 * "received", "read" or "played", in that order): recorded on the
 * deliveries whose remote id is remote_id and that have no status as far
 * on.  *changed counts them.
 */
int	journal_message_status(struct journal *, const char *remote_id,
	    const char *status, int64_t at, int *changed);

/*
 * What integra-report reads, one query each (journal/counts.c):
 * - JOURNAL_REPORT_COUNTS: the counts of what happened (integra(7),
 *   "counts") from the hour since_ms falls in on, summed by kind, a, b
 *   and c, which are name[0..3]; num[0] is n, num[1] total.
 * - JOURNAL_REPORT_TARGETS: each target with a state, name[0]; num[0] 1
 *   if it is disabled, num[1] its circuit at since_ms (0 closed, 1 open,
 *   2 half-open: its cooldown over, a probe to come).
 * - JOURNAL_REPORT_WAITING: one row, for now = since_ms: num[0] events
 *   received and not normalized, [1] normalized and not mapped; the
 *   deliveries [2] pending, [3] failed (to be tried again), [4] in
 *   flight, [5] dead and not archived; [6] the oldest waiting event's
 *   time and [7] the oldest due delivery's, in ms (0: none).
 * - JOURNAL_REPORT_SYNCS: each sync job that has run, name[0], and
 *   name[1] its last ended run's status ("running" if none has ended); num[0] its runs ok, [1] failed, [2]
 *   running, [3] when the last ok one ended (ms, 0: never), [4] records
 *   read, [5] new or changed, [6] refused, by the runs started since
 *   since_ms (the counts) or ever (the rest).
 * - JOURNAL_REPORT_HOURLY: the counts of events, deliveries and attempts
 *   by hour from the one since_ms falls in: name[0] the kind, name[1]
 *   the status reached or the outcome; num[0] the hour (ms / 3600000),
 *   num[1] n.
 * - JOURNAL_REPORT_DEAD: why deliveries died since since_ms, the five
 *   reasons most of them died of: name[0] the target, [1] the error
 *   class, [2] the error; num[0] how many.
 * fn returning non-zero stops the walk and is returned.
 */
enum journal_report {
	JOURNAL_REPORT_COUNTS,
	JOURNAL_REPORT_TARGETS,
	JOURNAL_REPORT_WAITING,
	JOURNAL_REPORT_SYNCS,
	JOURNAL_REPORT_HOURLY,
	JOURNAL_REPORT_DEAD
};
struct journal_report_row {
	const char	*name[4];
	int64_t		 num[8];
};
typedef int (*journal_report_fn)(void *ctx,
    const struct journal_report_row *);
int	journal_report(struct journal *, enum journal_report, int64_t since_ms,
	    journal_report_fn fn, void *ctx);
/*
 * The bounds in ms of the latency buckets of the counts; a time over the
 * last one counts as "inf".
 */
#define JOURNAL_LATENCY_BUCKETS	14
extern const int64_t journal_latency_bounds[JOURNAL_LATENCY_BUCKETS];

/*
 * The scheduled syncs (sync.h).  A job's lock is a lease: taken when it is
 * free, its lease is out, or owner holds it already (a renewal); *got
 * says whether.  state, if not NULL, gets the job's watermark (empty if
 * none) and who holds it until when.
 */
struct journal_sync_job {
	struct buf	 watermark;
	struct buf	 lock_owner;
	int64_t		 lock_until;
};
int	journal_sync_lock(struct journal *, const char *job, const char *owner,
	    int64_t now, int64_t until, int *got, struct journal_sync_job *);
int	journal_sync_job(struct journal *, const char *job,
	    struct journal_sync_job *);
/*
 * Takes the lock from dead, a holder known to be gone, if it still holds
 * it; and marks the job's runs still "running" failed, once the lock is
 * the caller's.
 */
int	journal_sync_steal(struct journal *, const char *job, const char *dead,
	    const char *owner, int64_t now, int64_t until, int *got);
int	journal_sync_abandon(struct journal *, const char *job, int64_t now);
/* Lets go of owner's lock, setting the watermark if it is not NULL. */
int	journal_sync_unlock(struct journal *, const char *job,
	    const char *owner, const char *watermark, int64_t now);
/* A run as it stands; status is "running", "ok" or "failed". */
struct journal_sync_run {
	int64_t		 id;
	const char	*status;
	int64_t		 ended_at;	/* 0: not yet */
	long		 pages;
	long		 read;		/* records on them */
	long		 changed;	/* new or changed */
	long		 sent;		/* made events */
	long		 failed;	/* refused: no key, a failed transform */
	const char	*watermark_to;	/* NULL: none */
	const char	*error;		/* NULL: none */
};
int	journal_sync_run_start(struct journal *, const char *job, int64_t now,
	    int full, const char *watermark, int64_t *id);
int	journal_sync_run_update(struct journal *,
	    const struct journal_sync_run *);
/* A record as last sent on: the SHA-256 of its JSON, and the JSON. */
#define JOURNAL_SYNC_HASH_LEN	32
int	journal_sync_record_get(struct journal *, const char *job,
	    const char *key, unsigned char hash[JOURNAL_SYNC_HASH_LEN],
	    struct buf *record, int *found);
int	journal_sync_record_put(struct journal *, const char *job,
	    const char *key, const unsigned char hash[JOURNAL_SYNC_HASH_LEN],
	    const char *record, size_t len, int64_t now);
/*
 * As JSON (integra-sync(1) shows the shapes): the runs of job (NULL: of
 * every job), newest first, at most limit (0: all), each its id and its
 * JSON to fn; one run; a job's state (watermark, lock, records kept, its
 * last run and last success); and, by job, what the runs since since did.
 */
int	journal_sync_runs(struct journal *, const char *job, int limit,
	    journal_row_fn fn, void *ctx);
int	journal_sync_run_get(struct journal *, int64_t id, struct buf *out,
	    int *found);
int	journal_sync_job_state(struct journal *, const char *job,
	    struct buf *out);
int	journal_sync_stats(struct journal *, int64_t since, journal_row_fn fn,
	    void *ctx);

/*
 * The alerts (alerts.h).  journal_alert_inputs counts the deliveries that
 * died since died_since, and of the last 200,000 attempts those made since
 * tried_since and those of them that failed.
 */
int	journal_alert_inputs(struct journal *, int64_t died_since,
	    int64_t tried_since, int64_t *died, int64_t *tried,
	    int64_t *failed);
struct journal_alert {
	const char	*alert;
	int		 firing;
	int64_t		 since;
	const char	*message;
	int64_t		 posted_at;	/* 0: never */
	int		 posted_firing;
};
typedef int (*journal_alert_fn)(void *ctx, const struct journal_alert *);
int	journal_alerts(struct journal *, journal_alert_fn fn, void *ctx);
int	journal_alert_put(struct journal *, const struct journal_alert *);

/*
 * LGPD retention (retention.h).  The events journal_retain_events hands
 * out are those before before_ms (by their ids' time), done with (mapped
 * or rejected), not retained yet, and with no delivery open or dead: at
 * most limit, oldest first, each with its subject (NULL if none), its
 * idempotency key and its canonical envelope (NULL if it has none).  journal_retain_event replaces its canonical envelope (if
 * not NULL), subject and idempotency key, drops its raw envelope and
 * marks it retained.  Its deliveries come with their bodies; a delivery's
 * body is replaced (NULL: dropped) and its attempts' response excerpts
 * dropped.  The leads' contacts made before before_ms and not hashed yet
 * ("h:" prefix), and the synced records not updated since, not retained
 * yet, come likewise.
 */
typedef int (*journal_retain_fn)(void *ctx, int64_t seq, const char *id,
    const char *subject, const char *key, const char *text, size_t len);
int	journal_retain_events(struct journal *, int64_t before_ms, int limit,
	    journal_retain_fn, void *ctx);
int	journal_retain_event(struct journal *, int64_t seq,
	    const char *canonical, size_t len, const char *subject,
	    const char *key, int64_t now);
int	journal_retain_deliveries(struct journal *, const char *event_id,
	    journal_row_fn, void *ctx);
int	journal_retain_delivery(struct journal *, const char *id,
	    const char *body, size_t len);
typedef int (*journal_contact_fn)(void *ctx, const char *tenant,
    const char *contact);
int	journal_retain_contacts(struct journal *, int64_t before_ms,
	    int limit, journal_contact_fn, void *ctx);
int	journal_retain_contact(struct journal *, const char *tenant,
	    const char *contact, const char *hashed);
typedef int (*journal_record_fn)(void *ctx, const char *job,
    const char *key, const char *record, size_t len);
int	journal_retain_records(struct journal *, int64_t before_ms, int limit,
	    journal_record_fn, void *ctx);
int	journal_retain_record(struct journal *, const char *job,
	    const char *key, const char *record, size_t len, int64_t now);

/*
 * A paced target (one with a rate limit) is sent to by one process at a
 * time, so that its rate and concurrency hold whatever the number of
 * processes.  owner holds target until held_until, if no one else holds
 * it (*held says whether it does), and claims no more of its deliveries
 * until claim_after (0: it wants more now).  Others claim none of them
 * while it holds the target.
 */
int	journal_target_hold(struct journal *, const char *target,
	    const char *owner, int64_t now, int64_t held_until,
	    int64_t claim_after, int *held);
/* owner lets go of target, if it holds it. */
int	journal_target_unhold(struct journal *, const char *target,
	    const char *owner, int64_t now);
/* Disables target (kept while disabled: the first time and reason). */
int	journal_target_disable(struct journal *, const char *target,
	    const char *reason, int64_t now);
/*
 * Enables target again and closes its circuit; *done is 0 if it was
 * neither disabled nor open.
 */
int	journal_target_enable(struct journal *, const char *target,
	    int64_t now, int *done);
/*
 * Calls fn for each target with deliveries or a state, by name, until it
 * returns non-zero.  It reads every delivery.
 */
typedef int (*journal_target_fn)(void *ctx,
    const struct journal_target_state *);
int	journal_target_states(struct journal *, journal_target_fn fn,
	    void *ctx);

/*
 * Target's circuit (zeroed, closed and nothing counted, if the journal
 * has none for it), and written back.
 */
int	journal_circuit_get(struct journal *, const char *target,
	    struct circuit_state *s);
int	journal_circuit_put(struct journal *, const char *target,
	    const struct circuit_state *s, int64_t now);
/*
 * Takes the probe of each half-open circuit of an enabled target (open
 * until now or before), keeping the others off it until probe_until, and
 * calls fn with each such target's name.
 */
typedef int (*journal_name_fn)(void *ctx, const char *name);
int	journal_circuit_probes(struct journal *, int64_t now,
	    int64_t probe_until, journal_name_fn fn, void *ctx);
/* Gives back a probe taken until probe_until: half-open again at now. */
int	journal_circuit_unprobe(struct journal *, const char *target,
	    int64_t probe_until, int64_t now);

#endif
