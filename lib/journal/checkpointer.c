/*
 * checkpointer: the WAL copied from a thread of its own.  See
 * checkpointer.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/buf.h"
#include "journal/checkpointer.h"
#include "journal/journal.h"
#include "base/log.h"

struct checkpointer {
	struct journal	*journal;	/* its own connection */
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;
	int		 stop;
};

static void *
run(void *arg)
{
	struct checkpointer *c = arg;
	struct timespec ts;
	int left, failed = 0;

	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += CHECKPOINTER_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&c->wake, &c->lock, &ts);
		if (c->stop)
			break;
		pthread_mutex_unlock(&c->lock);
		/* A busy journal is tried again next time; say a failure once. */
		if (journal_checkpoint(c->journal, &left) != 0 &&
		    !journal_busy(c->journal) && !failed++)
			log_warn(NULL, "%s", journal_error(c->journal));
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

struct checkpointer *
checkpointer_start(const struct journal *j, char *err, size_t errsz)
{
	struct checkpointer *c = xcalloc(1, sizeof(*c));

	if ((c->journal = journal_open_again(j, err, errsz)) == NULL) {
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	if (pthread_create(&c->thread, NULL, run, c) != 0) {
		snprintf(err, errsz, "cannot start the checkpoint thread");
		journal_close(c->journal);
		pthread_cond_destroy(&c->wake);
		pthread_mutex_destroy(&c->lock);
		free(c);
		return NULL;
	}
	return c;
}

void
checkpointer_stop(struct checkpointer *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = 1;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	journal_close(c->journal);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
