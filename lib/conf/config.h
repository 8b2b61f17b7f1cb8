/*
 * config: integra.yaml, the one configuration file.
 *
 * cfg_load reads and checks the whole file; on any problem it returns NULL
 * with "FILE:LINE: reason" in err, so a bad config is refused at start.
 * The struct cfg it returns owns every string in it; cfg_free releases it
 * all.  Secrets are never in the file: a target names an environment
 * variable or a file, read by cfg_secret when it is needed.
 *
 * Ownership: cfg_load, cfg_open and cfg_defaults return a struct cfg to
 * free with cfg_free; cfg_target, cfg_route, cfg_source, cfg_sync,
 * cfg_flow and cfg_flow_label point into it until then.  The secrets and
 * the lines made with them are malloc'd: the caller clears them and frees
 * them with free(3).  cfg_path,
 * cfg_journal and cfg_datadir return the path given, the environment's,
 * the config's or a built-in one: nothing to free.
 */
#ifndef INTEGRA_CONF_CONFIG_H
#define INTEGRA_CONF_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct buf;

struct cfg_header {
	char	*name;
	char	*value;
};

#define CFG_RETRY_DELAYS_MAX	16
#define CFG_RETRY_ON_MAX	16

/*
 * When to try a failed delivery again: exponential backoff (base, factor,
 * cap) or, when ndelays > 0, an explicit schedule.  Fixed arrays, so that
 * a target inherits the defaults' policy by a plain copy.
 */
struct cfg_retry {
	int	 max_attempts;	/* tries in all, the first one included */
	int64_t	 base_ms;	/* the first backoff */
	double	 factor;
	int64_t	 cap_ms;	/* no backoff is longer */
	int64_t	 delays[CFG_RETRY_DELAYS_MAX];	/* the wait after try n+1 */
	size_t	 ndelays;
	int	 retry_on[CFG_RETRY_ON_MAX];	/* 4xx answers retried anyway */
	size_t	 nretry_on;
};

/*
 * When a target's circuit opens (circuit.h): failures failed tries in a
 * row, while error_rate percent of the last window's tries failed.  It
 * takes no delivery for cooldown, then one probe; an answer closes it.
 * failures 0: it never opens.
 */
struct cfg_circuit {
	int	 failures;
	int	 error_rate;	/* percent */
	int64_t	 window_ms;
	int64_t	 cooldown_ms;
};

/*
 * The alerts integra-report alerts raises (alerts.h): when each of the
 * seed's rules fires, and how long a posted alert keeps another of its
 * kind from being posted.
 */
struct cfg_alerts {
	int64_t	 cooldown_ms;
	long	 retry_backlog;		/* failed deliveries waiting, over */
	int64_t	 dlq_window_ms;		/* deliveries died within it */
	int	 error_rate;		/* percent of the attempts, over, */
	int64_t	 error_window_ms;	/* within it, */
	long	 error_min;		/* of at least that many */
};

/*
 * LGPD retention (retention.h): after after_ms, the personal members
 * (fields, by name, anywhere in an event's data, a delivery's body or a
 * synced record) are replaced by their salted hash, the salt a secret.
 * on is 0 without a retention section: nothing is ever replaced.
 */
struct cfg_retention {
	int	 on;
	int64_t	 after_ms;
	char	*salt_env;
	char	*salt_file;
	char	**fields;
	size_t	 nfields;
	int	 line;
};

/*
 * A webhook signature scheme: how the receiver knows a webhook comes from
 * its source (a source's auth), and how dispatch signs what it sends to a
 * target (a target's signing: hmac or standard-webhooks).
 */
enum cfg_auth_scheme {
	CFG_AUTH_NONE,
	CFG_AUTH_HMAC,			/* HMAC-SHA256 of the body in a header */
	CFG_AUTH_STANDARD_WEBHOOKS,	/* webhook-id, -timestamp, -signature */
	CFG_AUTH_TOKEN,			/* a shared token in a header (Z-API) */
	CFG_AUTH_GOOGLE_RBM		/* RCS Business Messaging's events */
};

struct cfg_webhook_auth {
	enum cfg_auth_scheme	 scheme;
	char			*header;	/* hmac: the signature's; token:
						   the token's (Client-Token) */
	int			 base64;	/* hmac: base64, else hex */
	char			*prefix;	/* hmac: before it ("sha256=") */
	char			*secret_env;
	char			*secret_file;
	char			*previous_env;	/* a second secret, also taken */
	char			*previous_file;	/* while secrets are rotated */
	int64_t			 tolerance_ms;	/* standard-webhooks' clock */
};

/* A member of an OAuth2 token request (params:), a number in JSON if
   number. */
struct cfg_param {
	char			*name;
	char			*value;
	int			 number;
};

/*
 * A token source (transport/token.h): the target's auth is a token that
 * dispatch fetches, OAuth2's client credentials grant (RFC 6749 4.4) at
 * token_url, or a request to another target whose answer pick (jq) reads.
 * It goes in the target's auth_header with its auth_scheme, as a secret
 * would.
 */
enum cfg_token_kind {
	CFG_TOKEN_NONE,
	CFG_TOKEN_OAUTH2,
	CFG_TOKEN_REQUEST
};

struct cfg_token {
	enum cfg_token_kind	 kind;
	/* oauth2 */
	char			*token_url;
	char			*client_id;	/* or from _env or _file */
	char			*client_id_env;
	char			*client_id_file;
	char			*client_secret_env;
	char			*client_secret_file;
	char			*scope;		/* NULL: none sent */
	int			 json;		/* the grant as JSON, else a
						   form */
	int			 basic;		/* the client in HTTP Basic (RFC
						   6749 2.3.1), else the body */
	struct cfg_param	*params;	/* more members of the grant */
	size_t			 nparams;
	char			*base_url;	/* the answer's member that is
						   the target's base URL; NULL:
						   none */
	/* a request */
	char			*from;		/* the target whose url,
						   headers and auth reach the
						   endpoint */
	const struct cfg_target	*source;
	char			*method;	/* GET or POST */
	char			*path;
	char			*body;		/* jq on null; NULL: none */
	char			*pick;		/* jq on the answer: the
						   token */
	char			*expires_in;	/* jq on it: seconds; NULL:
						   3600 */
	int64_t			 margin_ms;	/* refreshed so long before
						   it expires */
	int			 line;
	int			 body_line;
	int			 pick_line;
	int			 expires_line;
};

struct cfg_target {
	char			*name;
	char			*url;		/* base URL; a route's path is appended */
	char			*auth_header;	/* NULL: no authentication */
	char			*auth_scheme;	/* "Bearer", or NULL for the bare secret */
	char			*secret_env;
	char			*secret_file;
	struct cfg_token	 token;		/* the auth's source, if not a
						   secret */
	/*
	 * An e-mail server (smtp:// or smtps://): deliveries are messages
	 * (dispatch's mail.h), from from (default: the branding's sender),
	 * over STARTTLS unless starttls is 0, authenticated as username
	 * with the secret, if any.
	 */
	int			 smtp;
	int			 starttls;
	char			*from;
	char			*reply_to;	/* an e-mail's, unless its body
						   gives one; NULL: none */
	char			*ca_file;	/* the CAs its certificate may come
						   from; NULL: the system's */
	char			*username;
	/*
	 * Z-API: requests go to url/instances/INSTANCE/token/TOKEN/path,
	 * the token read from zapi_token_env or _file when dispatch starts,
	 * so that no delivery in the journal holds it.
	 */
	char			*zapi_instance;
	char			*zapi_token_env;
	char			*zapi_token_file;
	/*
	 * A sync (sync.h): a delivery to it starts a run of the sync, its
	 * body the key of a record of the sync's set (syncrun.h); no url.
	 */
	char			*sync;
	struct cfg_header	*headers;
	size_t			 nheaders;
	long			 timeout_ms;
	long			 connect_timeout_ms;
	int			 concurrency;
	/*
	 * Requests a second; 0: no limit.  A target with a rate, or said
	 * exclusive, is paced: one process at a time sends to it
	 * (journal_target_hold), so that its rate and concurrency hold
	 * across processes.
	 */
	double			 rate;
	int			 exclusive;
	/*
	 * ordering: subject: its deliveries of events with the same subject
	 * go one at a time, in the order the events were received.
	 */
	int			 ordered;
	struct cfg_retry	 retry;
	struct cfg_circuit	 circuit;
	struct cfg_webhook_auth	 signing;	/* of what is sent to it */
	unsigned		 outcomes;	/* made events: OUTCOME_ bits */
	int			 line;
};

/*
 * One request of a route.  Step 0 is the route's own, made when its event
 * is mapped.  The steps of the route's "then" list follow one another: each
 * is made when the one before it is delivered, and waits delay_ms.  A
 * step's fallback is made when that step dies.  The programs of every step
 * after the first also see $response, the answer to the step before.
 */
struct cfg_step {
	char			*target;
	const struct cfg_target	*to;
	char			*when;		/* jq condition, or NULL */
	char			*body;		/* jq program; NULL sends the event */
	char			*method;
	char			*path;		/* "\(...)" in it: interpolated */
	int			 path_line;
	struct cfg_header	*headers;
	size_t			 nheaders;
	int			 priority;	/* its deliveries' class */
	char			*template;	/* under templates/, or NULL */
	struct cfg_header	*vars;		/* the template's: name, jq */
	size_t			 nvars;
	char			**sign;		/* vars that are links, signed
						   (link.h) */
	size_t			 nsign;
	int64_t			 delay_ms;	/* from the event, or the step before */
	int			 next;		/* made when it is delivered; 0: none */
	int			 fallback;	/* made when it dies; 0: none */
	/*
	 * When it is delivered, its answer becomes an event of type
	 * emit_type: data emit_data's output (jq, with $response), or the
	 * answer's body.
	 */
	char			*emit_type;	/* NULL: none */
	char			*emit_data;
	int			 emit_line;
	int			 line;
	int			 body_line;
	int			 when_line;
};

/*
 * A route takes events of type on.  Its deliveries may be labelled with a
 * group (fan-out and groups: map.h): group's output on the event, else
 * the event's own group.  With each, the event makes one delivery of its
 * first step an output of each, the item ($item in the step's programs),
 * named by key's output on it (default: its place in the outputs).
 */
struct cfg_route {
	const char		*kind;		/* "route", or "flow" for a
						   flow's actions: in messages */
	char			*name;		/* unique; default "TYPE:TARGET" */
	char			*on;		/* event type */
	struct cfg_step		*steps;		/* at least one */
	size_t			 nsteps;
	char			*group;		/* jq, or NULL */
	char			*each;		/* jq, or NULL */
	char			*key;		/* jq on an item, or NULL */
	int			 progress;	/* percent between the group's
						   integra.group.progress
						   events; 0: none */
	char			*cadence;	/* a cadence's channel: it takes */
	char			*cadence_step;	/* that cadence's events of that
						   step only; else NULL */
	int			 group_line;
	int			 each_line;
	int			 key_line;
	int			 line;
};

/*
 * A kind of record a sync's record holds (each:): a patient's contracts,
 * their installments.  records is a jq program on the record that the
 * page gave, each of its outputs one of the kind's; a sync without each:
 * has one kind, with no name, whose records are "." and whose key,
 * transform and event are the sync's.
 */
struct cfg_sync_kind {
	char			*name;		/* NULL: the sync's one */
	char			*records;
	char			*key;		/* what names one, in its kind */
	char			*transform;	/* what its event carries */
	char			*event;		/* its events' type */
	int			 line;
};

/*
 * A scheduled sync (sync.h): the records of a system's API, read a page at
 * a time; each one new or changed since the last run becomes an event of
 * type event, for the pipeline to route.  A sync over another record set
 * (the coverage, or another sync's records) runs once for each of its
 * records, that record its programs' $param.
 */
struct cfg_sync {
	char			*name;
	char			*runner;	/* "crm" or "fin": integra-sync-crm
						   or integra-sync-fin runs it */
	char			*schedule;	/* cron's five fields, as
						   etc/cron.d/integra has it */
	char			*from;		/* the target whose url and auth
						   reach the API */
	const struct cfg_target	*source;
	char			*path;		/* GET; the query is added; with
						   \( a string on $param */
	char			*over;		/* NULL, or the record set a run
						   is made for each record of */
	enum cfg_paging {
		CFG_PAGING_PAGE,	/* page=N&per_page=SIZE, from 1 */
		CFG_PAGING_OFFSET,	/* offset=N&limit=SIZE */
		CFG_PAGING_CURSOR,	/* cursor=C&limit=SIZE */
		CFG_PAGING_LINK		/* per_page=SIZE, then the URL
					   that next gives, on the target */
	}			 paging;
	long			 page_size;
	long			 max_pages;	/* a run stops, failed, there */
	enum cfg_incremental {
		CFG_INCREMENTAL_NONE,		/* every record, every run */
		CFG_INCREMENTAL_UPDATED_SINCE,	/* since_param=the latest
						   watermark seen */
		CFG_INCREMENTAL_CURSOR		/* from the last cursor */
	}			 incremental;
	char			*since_param;
	/* jq programs: on a page, */
	char			*records;	/* its records, an array */
	char			*next;		/* the next page's cursor */
	char			*total;		/* how many records in all */
	/* and on a record. */
	char			*watermark;	/* when it last changed */
	char			*key;		/* what names it */
	char			*transform;	/* what the event carries */
	char			*event;		/* the events' type */
	struct cfg_sync_kind	*kinds;		/* at least one */
	size_t			 nkinds;
	int			 line;
};

/*
 * The keys the journal's personal data is sealed with (journal/seal.h),
 * each from the environment or a file, never the config; current seals,
 * all open.
 */
#define CFG_ENCRYPTION_ID_MAX	32
struct cfg_encryption_key {
	char	*id;
	char	*env;
	char	*file;
	int	 line;
};
struct cfg_encryption {
	int				 on;
	char				*current;	/* a key's id; NULL */
	struct cfg_encryption_key	*keys;
	size_t				 nkeys;
	int				 line;
};

/*
 * The coverage (coverage.h): what integra serves of a system's records
 * (the clinics of a network), each added by an admin by its name, looked
 * up as GET path?param=NAME on from.  A match becomes a record of the
 * record set "coverage" (its key and transform as a sync's), an event of
 * type event, and a run of sync, which may be over it.
 */
struct cfg_coverage {
	char			*from;
	const struct cfg_target	*source;
	char			*path;
	char			*param;		/* the query's name for NAME */
	char			*field;		/* POST /api/coverage's for NAME */
	/* jq programs: on the answer, */
	char			*records;	/* the matches, an array */
	/* and on a match. */
	char			*name;		/* its name, which NAME may equal */
	char			*key;
	char			*transform;
	char			*event;		/* a record added */
	char			*removed;	/* a record removed: its type */
	char			*sync;		/* run for a record added; NULL */
	const struct cfg_sync	*first_sync;
	int			 line;
};

/*
 * A cadence (cadence.h): steps relative to a date of each record of a
 * sync's (of one kind), each due on the record's anchor day plus its
 * offset, journaled as an event of type event once for each record, and
 * then sent through its channels: routes made of the channels' steps, one
 * a step and channel, named CADENCE/STEP/CHANNEL.  A step that emits
 * journals an event of that type instead (an escalation).
 */
struct cfg_cadence_step {
	char			*id;
	int			 offset;	/* days from the anchor */
	char			*condition;	/* jq on the record, or NULL */
	char			*after;		/* a step that must have gone */
	int			 after_index;	/* its index; -1: none */
	char			**channels;
	size_t			 nchannels;
	char			*emit;		/* an event type, or NULL */
	char			*data;		/* jq: the emitted event's data */
	int			 line;
};

enum cfg_catch_up {
	CFG_CATCH_UP_LATEST,	/* of the steps due, only the latest */
	CFG_CATCH_UP_ALL,	/* every step due, in order */
	CFG_CATCH_UP_NONE	/* only a step due today */
};

struct cfg_cadence {
	char			*name;
	char			*over;		/* a sync, whose records */
	const struct cfg_sync	*sync;
	char			*kind;		/* of this kind; NULL: all */
	char			*anchor;	/* jq: a date, YYYY-MM-DD... */
	char			*stop;		/* jq: true once it is over */
	char			*contact;	/* jq: whom it concerns, or NULL */
	char			*amount;	/* jq: what it is worth, or NULL */
	char			*by;		/* jq: what it is reported by */
	char			*timezone;	/* of the days and the window */
	int			 window_from;	/* minutes after midnight: */
	int			 window_to;	/* sent from, until; 0, 0: any */
	enum cfg_catch_up	 catch_up;
	char			*event;		/* its steps' events' type */
	struct cfg_cadence_step	*steps;		/* by offset */
	size_t			 nsteps;
	char			**channels;	/* the names its steps use */
	size_t			 nchannels;
	int			 line;
};

/*
 * The collections' report (report/collections.h): the delinquency of a
 * cadence's records (their amounts, by), what was recovered, the
 * messages its channels sent, the escalations; weekly to the managers.
 */
struct cfg_collections {
	char			*cadence;
	const struct cfg_cadence *cd;
	char			*escalated;	/* the escalations' event type */
	char			**to;		/* who gets it by e-mail */
	size_t			 nto;
	int			 line;
};

/*
 * A flow (flow.h): an instance started by an event of type on, named by
 * key, numbered per tenant and year, that goes through its steps one
 * after the other.  An action is a request, as a route's step is (its
 * struct cfg_step is route.steps[action]); an await waits for an event
 * of its type whose match equals the instance's equals, for at most
 * timeout, then does on_timeout's next item (the last one again once
 * they are used up).  Every jq program of a flow runs on the instance:
 * {"id","flow","number","key","tenant","status","label","settings",
 * "vars","event"}, event the one that started it.
 */
enum cfg_flow_end {
	CFG_FLOW_GOTO,		/* to step goto */
	CFG_FLOW_FAIL,
	CFG_FLOW_CANCEL,
	CFG_FLOW_CONTINUE	/* to the next step, without the event */
};

struct cfg_flow_timeout {
	enum cfg_flow_end	 what;
	char			*step;		/* CFG_FLOW_GOTO's */
	int			 to;		/* its index */
};

struct cfg_flow_step {
	char			*id;		/* stable: instances stand on it */
	char			*label;		/* the instance's once it is
						   done; NULL: none */
	int			 action;	/* index in route.steps; -1: an
						   await */
	struct cfg_header	*save;		/* vars: name, jq on the instance
						   with $response or $event */
	size_t			 nsave;
	char			*await;		/* event type */
	char			*match;		/* jq on that event */
	char			*equals;	/* jq on the instance */
	int64_t			 timeout_ms;
	struct cfg_flow_timeout	*on_timeout;
	size_t			 non_timeout;
	int			 line;
};

/* An event that cancels the instance whose key its match gives. */
struct cfg_flow_cancel {
	char			*on;
	char			*match;
	int			 line;
};

struct cfg_flow {
	char			*name;		/* not a route's too */
	char			*on;		/* the start event's type */
	char			*key;		/* jq on the start event */
	char			*tenant;	/* jq on it; NULL: its tenant */
	char			*number;	/* {year} {seq} {seq:N} {tenant} */
	struct cfg_header	*settings;	/* name: default, as JSON */
	size_t			 nsettings;
	char			*settings_from;	/* jq on the start event: an
						   object over the defaults */
	struct cfg_header	*labels;	/* started, completed, cancelled,
						   failed: what people see */
	size_t			 nlabels;
	struct cfg_flow_step	*steps;
	size_t			 nsteps;
	struct cfg_flow_cancel	*cancel_on;
	size_t			 ncancel_on;
	char			*repeat_days;	/* jq on the instance: once it
						   completes, the days until it
						   runs again from repeat_from;
						   null or 0: it does not */
	char			*repeat_from;
	int			 repeat_to;	/* its index */
	struct cfg_route	 route;		/* its actions, named as it is */
	int			 line;
};

/* A system that posts webhooks to the receiver (integra-ingest --listen). */
struct cfg_source {
	char			*name;	/* the events' source attribute */
	char			*path;	/* where it posts; /webhooks/NAME */
	char			*type;	/* the event type of its payloads */
	char			*key;	/* member with the idempotency key */
	long			 rate_limit;	/* requests a minute; 0: none */
	enum cfg_normalizer {
		CFG_NORMALIZER_NONE,	/* its payloads are the data */
		CFG_NORMALIZER_ZAPI	/* Z-API's callbacks: zapiin.h */
	}			 normalizer;
	struct cfg_links {		/* GET of a signed link (link.h) */
		int		 on;
		char		**choices;	/* members left to the reader */
		size_t		 nchoices;
		char		**numbers;	/* members that are numbers */
		size_t		 nnumbers;
		char		*redirect;	/* where the reader goes next */
	}			 links;
	struct cfg_webhook_auth	 auth;
	int			 line;
};

struct cfg {
	char			*path;		/* NULL: built-in defaults */
	char			*journal;	/* NULL: not set in the file */
	char			*tenant;
	char			*country;	/* ISO 3166-1 alpha-2, for phones */
	char			*datadir;	/* NULL: the installed share/ */
	char			*schemas;	/* the user's event types, a
						   directory searched before
						   the shipped catalogue, its
						   path from the config's own
						   directory; NULL: none */
	char			**tenants;
	size_t			 ntenants;
	long			 timeout_ms;
	long			 connect_timeout_ms;
	int			 concurrency;
	struct cfg_retry	 retry;
	struct cfg_circuit	 circuit;
	unsigned		 outcomes;
	struct cfg_target	*targets;
	size_t			 ntargets;
	struct cfg_route	*routes;
	size_t			 nroutes;
	struct cfg_source	*sources;
	size_t			 nsources;
	struct cfg_header	*branding;	/* {{brand.NAME}} in templates */
	size_t			 nbranding;
	char			*link_secret_env;	/* what signs links */
	char			*link_secret_file;
	struct cfg_sync		*syncs;
	size_t			 nsyncs;
	struct cfg_coverage	*coverage;	/* NULL: none */
	struct cfg_cadence	*cadences;
	size_t			 ncadences;
	struct cfg_collections	*collections;	/* NULL: none */
	struct cfg_flow		*flows;
	size_t			 nflows;
	struct cfg_alerts	 alerts;
	struct cfg_retention	 retention;
	struct cfg_encryption	 encryption;	/* on 0: kept as it is */
	char			**weekly_to;	/* who gets the weekly summary */
	size_t			 nweekly_to;
	int			 weekly_line;
};

/*
 * Which file to read: path if not NULL, else $INTEGRA_CONFIG, else the
 * installed default.  *explicit is 1 unless it is the installed default,
 * which may be missing (then built-in defaults apply).
 */
const char		*cfg_path(const char *path, int *explicit);
struct cfg		*cfg_load(const char *path, char *err, size_t errsz);
/* Built-in defaults: no targets, no routes. */
struct cfg		*cfg_defaults(void);
/* cfg_path + cfg_load, with the missing-default case handled. */
struct cfg		*cfg_open(const char *path, char *err, size_t errsz);
void			 cfg_free(struct cfg *);
const struct cfg_target	*cfg_target(const struct cfg *, const char *name);
const struct cfg_route	*cfg_route(const struct cfg *, const char *name);
const struct cfg_source	*cfg_source(const struct cfg *, const char *name);
const struct cfg_sync	*cfg_sync(const struct cfg *, const char *name);
const struct cfg_cadence *cfg_cadence(const struct cfg *, const char *name);
/* 1 if name is a record set: a sync's records, or the coverage's. */
int			 cfg_record_set(const struct cfg *, const char *name);
const struct cfg_flow	*cfg_flow(const struct cfg *, const char *name);
/*
 * What people see of status (started, completed, cancelled, failed): the
 * flow's label for it, else status itself.
 */
const char		*cfg_flow_label(const struct cfg_flow *,
			    const char *status);
/* The links' secret (caller frees), or NULL with the reason in err. */
char			*cfg_link_secret(const struct cfg *, char *err,
			    size_t errsz);
/*
 * A secret from the environment variable env or else the file file, for
 * owner (as "source 'crm'") in messages; NULL with the reason in err.
 */
char			*cfg_secret_read(const char *owner, const char *env,
			    const char *file, char *err, size_t errsz);
/* The retention's salt (caller frees), or NULL with the reason in err. */
char			*cfg_retention_salt(const struct cfg *, char *err,
			    size_t errsz);
/* The target's secret (caller frees), or NULL with the reason in err. */
char			*cfg_secret(const struct cfg_target *, char *err,
			    size_t errsz);
/*
 * With its secret, so the caller clears and frees it: a target's auth
 * header line ("Header: [scheme ]secret"), or a Z-API target's base URL
 * (url/instances/INSTANCE/token/TOKEN).  NULL with the reason in err,
 * and for a target whose auth is a token source (transport/token.h).
 */
char			*cfg_auth_line(const struct cfg_target *, char *err,
			    size_t errsz);
char			*cfg_zapi_base(const struct cfg_target *, char *err,
			    size_t errsz);
/*
 * The journal to open: path if not NULL, else $INTEGRA_JOURNAL, else the
 * config's, else the installed default.
 */
const char		*cfg_journal(const struct cfg *, const char *path);
/* The share/ directory: $INTEGRA_DATADIR, the config's, or the installed. */
const char		*cfg_datadir(const struct cfg *);
/*
 * The directories of the event catalogue, the user's (schemas) first,
 * then share/schemas (which shipped goes to; the caller releases it): how
 * many, 1 or 2, in dirs.
 */
size_t			 cfg_schema_dirs(const struct cfg *, struct buf *shipped,
			    const char *dirs[2]);

#endif
