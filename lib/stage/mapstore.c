/*
 * mapstore: the heads of the versioned mappings, refreshed, and their
 * programs compiled once a version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "json/jqprog.h"
#include "journal/journal.h"
#include "journal/mappings.h"
#include "stage/mapstore.h"

struct head {
	char		*type;
	char		*system;
	int		 version;
	char		*program;
	struct jqprog	*compiled;	/* NULL until first used */
	int		 seen;		/* in the last read */
};

struct mapstore {
	struct journal	*journal;
	struct head	*heads;
	size_t		 nheads;
	int64_t		 read_at;	/* mono ms; 0: never */
	char		 err[512];
	int		 failed;	/* the last read failed */
};

struct mapstore *
mapstore_open(const struct journal *j, char *err, size_t errsz)
{
	struct mapstore *ms;

	ms = xcalloc(1, sizeof(*ms));
	if ((ms->journal = journal_open_again(j, err, errsz)) == NULL) {
		free(ms);
		return NULL;
	}
	return ms;
}

static void
head_release(struct head *h)
{
	free(h->type);
	free(h->system);
	free(h->program);
	jqprog_free(h->compiled);
}

void
mapstore_close(struct mapstore *ms)
{
	size_t i;

	if (ms == NULL)
		return;
	for (i = 0; i < ms->nheads; i++)
		head_release(&ms->heads[i]);
	free(ms->heads);
	journal_close(ms->journal);
	free(ms);
}

static struct head *
lookup(struct mapstore *ms, const char *type, const char *system)
{
	size_t i;

	for (i = 0; i < ms->nheads; i++)
		if (strcmp(ms->heads[i].type, type) == 0 &&
		    strcmp(ms->heads[i].system, system) == 0)
			return &ms->heads[i];
	return NULL;
}

/* A journal_mapping_fn: one pair's head, kept if its version changed. */
static int
take_head(void *ctx, const struct journal_mapping *m)
{
	struct mapstore *ms = ctx;
	struct head *h;

	if ((h = lookup(ms, m->type, m->system)) == NULL) {
		ms->heads = xrealloc(ms->heads, (ms->nheads + 1) *
		    sizeof(*ms->heads));
		h = &ms->heads[ms->nheads++];
		memset(h, 0, sizeof(*h));
		h->type = xstrdup(m->type);
		h->system = xstrdup(m->system);
	} else if (h->version != m->version) {
		free(h->program);
		jqprog_free(h->compiled);
		h->compiled = NULL;
	}
	if (h->program == NULL || h->version != m->version) {
		h->version = m->version;
		h->program = xstrdup(m->program);
	}
	h->seen = 1;
	return 0;
}

static void
refresh(struct mapstore *ms)
{
	int64_t now = clock_mono_ms();
	size_t i, n;

	if (ms->read_at != 0 && now - ms->read_at < MAPSTORE_REFRESH_MS)
		return;
	ms->read_at = now;
	for (i = 0; i < ms->nheads; i++)
		ms->heads[i].seen = 0;
	if (journal_mapping_heads(ms->journal, take_head, ms) != 0) {
		snprintf(ms->err, sizeof(ms->err), "%s",
		    journal_error(ms->journal));
		ms->failed = 1;
		return;
	}
	ms->failed = 0;
	/* A pair gone from the journal (it was restored from a copy). */
	for (i = n = 0; i < ms->nheads; i++) {
		if (ms->heads[i].seen)
			ms->heads[n++] = ms->heads[i];
		else
			head_release(&ms->heads[i]);
	}
	ms->nheads = n;
}

struct jqprog *
mapstore_find(struct mapstore *ms, const char *type, const char *system,
    int *version, struct buf *err)
{
	struct head *h;
	struct buf msg = BUF_INIT;

	*version = 0;
	refresh(ms);
	if (ms->failed) {
		buf_addf(err, "mappings: %s", ms->err);
		*version = MAPSTORE_UNREAD;
		return NULL;
	}
	if ((h = lookup(ms, type, system)) == NULL)
		return NULL;
	if (h->compiled == NULL &&
	    (h->compiled = jqprog_compile(h->program, &msg)) == NULL) {
		buf_addf(err, "mapping %s/%s version %d: %s", type, system,
		    h->version, msg.data);
		buf_release(&msg);
		*version = MAPSTORE_BROKEN;
		return NULL;
	}
	*version = h->version;
	return h->compiled;
}
