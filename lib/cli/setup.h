/*
 * setup: what every program does before its work: read the configuration
 * and open the journal.  Each function logs what went wrong and returns
 * the exit code to end with, or EX_OK.
 *
 * Ownership: on EX_OK, setup_config hands the caller a struct cfg to free
 * with cfg_free, and setup_journal a journal to close with journal_close.
 * The paths given are only read during the call.
 */
#ifndef INTEGRA_CLI_SETUP_H
#define INTEGRA_CLI_SETUP_H

struct cfg;
struct journal;

/*
 * -c path (or NULL); a missing default config means built-in defaults.
 * First, SIGPIPE is ignored: a closed pipe is a write error (74).
 */
int	setup_config(const char *path, struct cfg **);
/*
 * Waits until fd has input (or its end).  A consumer reading a pipe calls it
 * before setup_journal: every stage of a pipeline starts at once, and the
 * journal that ingest creates exists by the time ingest writes anything.
 */
void	setup_wait_input(int fd);
/* -j path (or NULL); only a program that creates the journal passes create. */
int	setup_journal(const struct cfg *, const char *path, int create,
	    struct journal **);
/*
 * The journal at path, without a config's keys: a file must exist unless
 * create is given (EX_NOINPUT), and one that does not open is EX_IOERR,
 * or EX_CANTCREAT with create.
 */
int	setup_journal_at(const char *path, int create, struct journal **);

/*
 * A failure of the journal, logged: the transaction rolled back and the
 * exit status it means (journal_abort).
 */
int	setup_journal_failed(struct journal *);

/*
 * The end of every main: stdout is closed and checked, so a full disk or a
 * broken pipe while writing records is an error.  Returns rc, or EX_IOERR.
 */
int	setup_finish(int rc);

#endif
