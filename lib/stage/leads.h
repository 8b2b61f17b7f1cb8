/*
 * leads: what a canonical event leads to besides its envelope, for
 * normalize.  Leads are deduplicated: a lead.created gets a lead_id, its
 * own event id; one whose phone or e-mail is some earlier lead's becomes
 * lead.updated with that lead's id.  A whatsapp.inbound from a number no
 * lead has makes a lead.created too, written after it.  A whatsapp.status
 * is recorded on the deliveries of the messages it names.
 *
 * Like normalize, it works in two halves: leads_note, on the reading
 * thread, notes what an event leads to without the journal; leads_resolve
 * and leads_apply, on the journal's thread, act on it.
 *
 * Ownership: a struct leads owns a hasher of the salt it is given (if
 * any) and two buffers, which leads_release frees.  A struct leads_note owns its
 * strings and ids; leads_note_release frees them.  The text leads_resolve
 * hands back lives in the struct leads until its next call.
 */
#ifndef INTEGRA_STAGE_LEADS_H
#define INTEGRA_STAGE_LEADS_H

#include <jv.h>

#include "base/buf.h"
#include "base/ids.h"
#include "json/event.h"

struct journal;
struct retention_hasher;

struct leads {
	/* retention's salt: the contacts it hashed are looked up too */
	struct retention_hasher	*hasher;	/* NULL: none */
	struct buf		 text;		/* a lead.updated's envelope */
	struct buf		 data;		/* a new lead's data */
};

enum leads_kind {
	LEADS_NONE,	/* the event leads to nothing more */
	LEADS_LEAD,	/* a lead.created: a lead seen before is updated */
	LEADS_MESSAGE,	/* a person's message: a new number makes a lead */
	LEADS_STATUS	/* a message status: recorded on its deliveries */
};

struct leads_span {
	size_t	start;
	size_t	end;
};

/* What an event leads to, noted without the journal. */
struct leads_note {
	enum leads_kind	 kind;
	/*
	 * The strings below, one after another in one buffer and known by
	 * their offsets (LEADS_NONE_AT: absent): a few allocations a record
	 * instead of a dozen, freed by another thread (bench/README.md).
	 */
	struct buf	 strings;
	size_t		 tenant;
	size_t		 contacts[2];	/* LEAD: "tel:+E164", "mailto:...";
					   MESSAGE: its number's */
	size_t		 hashed[2];	/* their hashes, with a retention
					   salt */
	struct leads_span type_at;	/* LEAD: in the canonical text */
	struct leads_span lead_at;
	struct {			/* MESSAGE: the lead it may make */
		size_t	 source;
		size_t	 time;
		size_t	 name;
		size_t	 message;
	}		 lead;
	size_t		 status;	/* STATUS: what, and of which */
	size_t		*ids;
	size_t		 nids;
};

#define LEADS_NONE_AT	((size_t)-1)

void	leads_init(struct leads *, const char *salt);
void	leads_release(struct leads *);

/* An event of tenant (NULL: none), noting nothing yet. */
void	leads_note_init(struct leads_note *, const char *tenant);
void	leads_note_release(struct leads_note *);
/*
 * Notes what the canonical data of ev, of type type, leads to; returns
 * canon (consumed), a lead.created's with its lead_id.  On the thread
 * that prepares records: the only one that uses the leads' hasher.
 */
jv	leads_note(const struct leads *, struct leads_note *,
	    const struct event *ev, const char *type, jv canon);
/* Once canon is written as text: where a lead.created's type and lead_id
 * stand in it. */
void	leads_note_text(struct leads_note *, const struct buf *text);

/*
 * Before event_id is journaled: for a lead.created whose phone or e-mail
 * is some lead's, *text and *len get it as that lead's lead.updated and
 * *type "lead.updated"; lead_id gets the lead's id (event_id for a new
 * one).  0, or the journal's failure.
 */
int	leads_resolve(struct leads *, struct journal *,
	    const struct leads_note *, const char *event_id,
	    const char **text, size_t *len, const char **type,
	    char lead_id[ID_LEN + 1]);
/*
 * Once event_id is journaled: its contacts linked to lead_id, the lead a
 * message from a new number makes journaled and appended to out, the
 * statuses recorded.  0, or the journal's failure.
 */
int	leads_apply(struct leads *, struct journal *, const struct leads_note *,
	    const char *event_id, const char *lead_id, struct buf *out);
/* The id of the lead the message message_id makes. */
void	leads_of_message(const char *message_id, char lead_id[ID_LEN + 1]);

#endif
