/*
 * event: CloudEvents 1.0 envelopes in structured JSON mode, integra's
 * event record.  Besides the required attributes integra uses three
 * extensions: tenant, idempotencykey and group (the group of deliveries,
 * journal/groups.h, whose answer became the event).
 *
 * Ownership: event_parse consumes the jv it is given and keeps it in
 * ev->root; the attribute strings point into that root and live as long as
 * it does.  event_release releases it.
 */
#ifndef INTEGRA_JSON_EVENT_H
#define INTEGRA_JSON_EVENT_H

#include <stddef.h>

#include <jv.h>

struct buf;

struct event {
	jv		 root;
	const char	*id;
	const char	*source;
	const char	*type;
	const char	*time;		/* NULL if absent */
	const char	*subject;	/* NULL if absent */
	const char	*tenant;	/* NULL if absent */
	const char	*idempotencykey;	/* NULL if absent */
	const char	*group;		/* NULL if absent */
};

/* The attributes integra writes in front of data, in this order. */
struct event_head {
	const char	*id;
	const char	*source;
	const char	*type;
	const char	*time;
	const char	*subject;	/* may be NULL */
	const char	*tenant;
	const char	*idempotencykey;
	const char	*group;		/* may be NULL */
};

/*
 * Checks that v (consumed) is a CloudEvent 1.0 in structured mode and fills
 * ev.  Returns 0, or -1 with the reason in err (and ev->root invalid).
 */
int	event_parse(struct event *ev, jv v, char *err, size_t errsz);
/*
 * The same from the text s[0..n) of a valid JSON object, without building
 * a tree of it: ev->root holds only the attributes integra reads, and
 * *data_start, *data_end the range of data in s (both 0 if there is none).
 */
int	event_scan(struct event *ev, const char *s, size_t n,
	    size_t *data_start, size_t *data_end, char *err, size_t errsz);
void	event_release(struct event *ev);
/* 1 if s is usable as an event type, source, tenant or target name. */
int	event_name_valid(const char *s);
/*
 * Appends an envelope: head's attributes, then "data" with the JSON text
 * data[0..n) embedded as it is (it must be valid JSON already).  This is
 * the fast path: no jv is built and nothing is serialised twice.
 */
void	event_write(struct buf *out, const struct event_head *head,
	    const char *data, size_t n);

#endif
