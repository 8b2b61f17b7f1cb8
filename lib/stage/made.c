/*
 * made: the events integra makes itself.  See made.h.
 */
#include <stdio.h>

#include "base/buf.h"
#include "base/clock.h"
#include "json/event.h"
#include "base/ids.h"
#include "journal/journal.h"
#include "journal/events.h"
#include "stage/made.h"

int
made_event(struct journal *j, const struct made *m, struct buf *line)
{
	struct buf env = BUF_INIT;
	struct journal_event je;
	char id[ID_LEN + 1], dup[ID_LEN + 1], time[RFC3339_LEN + 1];
	int rc;

	id_new(id);
	clock_rfc3339(m->now, time);
	event_write(&env, &(struct event_head){ .id = id, .source = m->source,
	    .type = m->type, .time = time, .subject = m->subject,
	    .tenant = m->tenant, .idempotencykey = m->key, .group = m->group },
	    m->data, m->len);
	je = (struct journal_event){ .id = id, .source = m->source,
	    .type = m->type, .tenant = m->tenant, .subject = m->subject,
	    .time = time, .idempotency_key = m->key, .envelope = env.data,
	    .envelope_len = env.len, .canonical = 1, .received_at = m->now };
	if ((rc = journal_event_add(j, &je, dup, NULL)) == 0) {
		if (line != NULL) {
			buf_add(line, env.data, env.len);
			buf_addc(line, '\n');
		}
		if (m->id != NULL)
			snprintf(m->id, ID_LEN + 1, "%s", id);
	} else if (rc == 1) {
		rc = 0;		/* made before */
		if (m->id != NULL)
			m->id[0] = '\0';
	}
	buf_release(&env);
	return rc;
}
