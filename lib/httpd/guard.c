/*
 * guard: deadlines for the receiver's requests.  See httpd/guard.h.
 */
#include <sys/socket.h>

#include <pthread.h>
#include <stdlib.h>

#include "base/buf.h"
#include "base/clock.h"
#include "httpd/guard.h"

struct conn {
	int		 fd;
	int64_t		 deadline;	/* clock_mono_ms; 0: none (busy) */
	int		 cut;		/* shut down already */
	struct conn	*prev;
	struct conn	*next;
};

struct guard {
	pthread_mutex_t	 lock;
	int64_t		 timeout_ms;
	struct conn	*open;
	long		 count;
};

struct guard *
guard_new(int timeout_s)
{
	struct guard *g;

	g = xcalloc(1, sizeof(*g));
	pthread_mutex_init(&g->lock, NULL);
	g->timeout_ms = (int64_t)timeout_s * 1000;
	return g;
}

void
guard_free(struct guard *g)
{
	struct conn *c, *next;

	if (g == NULL)
		return;
	for (c = g->open; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	pthread_mutex_destroy(&g->lock);
	free(g);
}

/* The record of conn, which guard_opened made. */
static struct conn *
record(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info;

	info = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return info != NULL ? info->socket_context : NULL;
}

void
guard_opened(struct guard *g, struct MHD_Connection *conn, void **socket_ctx)
{
	const union MHD_ConnectionInfo *info;
	struct conn *c;

	c = xcalloc(1, sizeof(*c));
	info = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CONNECTION_FD);
	c->fd = info != NULL ? info->connect_fd : -1;
	pthread_mutex_lock(&g->lock);
	c->deadline = clock_mono_ms() + g->timeout_ms;
	c->next = g->open;
	if (g->open != NULL)
		g->open->prev = c;
	g->open = c;
	g->count++;
	pthread_mutex_unlock(&g->lock);
	*socket_ctx = c;
}

void
guard_closed(struct guard *g, void **socket_ctx)
{
	struct conn *c = *socket_ctx;

	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		g->open = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	g->count--;
	pthread_mutex_unlock(&g->lock);
	free(c);
	*socket_ctx = NULL;
}

void
guard_busy(struct guard *g, struct MHD_Connection *conn)
{
	struct conn *c = record(conn);

	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	c->deadline = 0;
	pthread_mutex_unlock(&g->lock);
}

void
guard_idle(struct guard *g, struct MHD_Connection *conn)
{
	struct conn *c = record(conn);

	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	c->deadline = clock_mono_ms() + g->timeout_ms;
	pthread_mutex_unlock(&g->lock);
}

long
guard_count(struct guard *g)
{
	long n;

	pthread_mutex_lock(&g->lock);
	n = g->count;
	pthread_mutex_unlock(&g->lock);
	return n;
}

long
guard_sweep(struct guard *g, int64_t now_ms)
{
	struct conn *c;
	long n = 0;

	pthread_mutex_lock(&g->lock);
	for (c = g->open; c != NULL; c = c->next)
		if (!c->cut && c->deadline != 0 && c->deadline <= now_ms &&
		    c->fd != -1) {
			/* The fd stays open (and ours) until closed. */
			shutdown(c->fd, SHUT_RDWR);
			c->cut = 1;
			n++;
		}
	pthread_mutex_unlock(&g->lock);
	return n;
}
