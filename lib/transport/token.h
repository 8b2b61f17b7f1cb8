/*
 * token: a target's auth fetched, not read from a secret: OAuth2's client
 * credentials grant (RFC 6749 4.4), or a request to another target whose
 * answer a jq program picks the token from (struct cfg_token).
 *
 * A token is fetched once per expiry for all the processes of the host.
 * Each target has a cache file, TARGET.json in the tokens directory
 * (mode 0600, the directory 0700), read and written under flock(2) on
 * TARGET.lock: a process that needs a token takes the lock, reads the
 * cache and fetches only if the token there is missing or due; it writes
 * the new one atomically (a temporary file renamed) and lets go, and the
 * processes that were blocked on the lock read that one.  In memory a
 * process keeps the token with its expiry and reads the file again only
 * when the token is due.  A token is due margin before it expires, but
 * not before half its life has passed: one that lives less than twice
 * the margin is not fetched for every request.
 *
 * A fetch that fails (no answer, not 2xx, not JSON, no token in it) is
 * the target's failure, not its deliveries': it is written in the cache
 * with a backoff (30 s, doubling up to 10 min) before which no process
 * fetches again.  Failures in a row are one episode; the process whose
 * fetch began it is told so, to alert once.
 *
 * A token never goes to the journal, a log line or an error message, and
 * neither does the endpoint's answer, which may hold secrets: only its
 * status does.
 *
 * Ownership: token_new returns a token to free with token_free, which
 * wipes the secrets it holds (the client's secret, the source's auth
 * line, the token and its header line) before freeing them.  token_line
 * and token_base point into the token until its next token_ready or
 * token_drop.  The pick of a generic source runs in jq, whose copies of
 * the answer and of the token libjq frees without wiping them.  Every
 * function runs on the thread that runs jq programs (json/jqprog.h).
 */
#ifndef INTEGRA_TRANSPORT_TOKEN_H
#define INTEGRA_TRANSPORT_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
struct cfg_target;
struct token;

/* Why a target has no token, and until when. */
struct token_failure {
	int	 http_status;		/* the endpoint's; 0: no answer */
	char	 error[256];		/* never the answer's body */
	int64_t	 since;			/* the episode's first failure */
	int64_t	 retry_at;		/* no fetch before then */
	int	 asked;			/* this call asked the endpoint */
	int	 first;			/* this call began the episode */
};

/*
 * The tokens directory of the journal at journal_path, appended to dir:
 * its directory's tokens/, or for a PostgreSQL journal the host's
 * $TMPDIR/integra-tokens.UID (each host, and each user, keeps its own).
 */
void		 token_dir(const char *journal_path, struct buf *dir);
/*
 * The token source of target t (t->token.kind is not CFG_TOKEN_NONE),
 * its cache in dir, made if missing.  Its secrets are read and its jq
 * programs compiled now: NULL with the reason in err if one cannot be.
 */
struct token	*token_new(const struct cfg_target *t, const char *dir,
		    char *err, size_t errsz);
void		 token_free(struct token *);

/* What an answer of the endpoint gave. */
struct token_answer {
	struct buf	 token;		/* wiped by token_answer_release */
	struct buf	 base;		/* base_url, if the target names one */
	int64_t		 life_ms;	/* left as it was if not given */
};

/*
 * The token in the endpoint's answer text[0..len), as the target's kind
 * reads it (OAuth2's access_token and expires_in, or its pick and
 * expires_in): 0 with a filled, or -1 with why in f, status (the answer's
 * HTTP status) kept there.  What token_ready does with each answer, and
 * what tests/fuzz/token reads answers through.
 */
int		 token_answer_read(const struct token *, const char *text,
		    size_t len, int status, struct token_answer *a,
		    struct token_failure *f);
void		 token_answer_release(struct token_answer *);
/*
 * Makes sure the token has one that is not due at now: kept, read from
 * the cache, or fetched.  0, or -1 with f filled (the fetch failed now, or
 * the backoff of an earlier failure has not passed).
 */
int		 token_ready(struct token *, int64_t now,
		    struct token_failure *f);
/* The auth header line with the token, "Header: [scheme ]token". */
const char	*token_line(const struct token *);
/* The base URL the token's answer gave, or NULL. */
const char	*token_base(const struct token *);
/* Which token token_line is: it changes with every one taken. */
unsigned	 token_gen(const struct token *);
/*
 * A request with token gen was refused (401): forgets it, and drops it
 * from the cache if it is still the one there (another process may have
 * put a fresh one), so that the next token_ready takes another.  Nothing
 * if the token is already another one.
 */
void		 token_drop(struct token *, unsigned gen);

#endif
