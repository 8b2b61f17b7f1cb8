/*
 * zapiin: what Z-API posts to a webhook, as integra's events.
 *
 * A ReceivedCallback is a message.  From a person it is whatsapp.inbound,
 * unless it is a press on a rating button (or list row) that a feedback
 * request offered: then it is feedback.received for the service the
 * button names.  One the business sent from its own phone is
 * whatsapp.outbound, one in a group whatsapp.group: both are kept, and no
 * sample route takes them.  A MessageStatusCallback says how far messages
 * the business sent have got: whatsapp.status.
 *
 * Phones are left as Z-API writes them (digits, with the country code)
 * for the type's schema to put in E.164.
 *
 * Ownership: zapi_inbound consumes the payload and hands back the data in
 * *out, which the caller frees.
 */
#ifndef INTEGRA_RULES_ZAPIIN_H
#define INTEGRA_RULES_ZAPIIN_H

#include <stddef.h>

#include <jv.h>

/*
 * The id a feedback request's buttons carry: "feedback:SERVICE:RATING",
 * RATING one digit from 1 to 5.
 */
#define ZAPI_FEEDBACK_PREFIX	"feedback:"

/* 1 if data (borrowed) is a Z-API callback: its "type" ends in "Callback". */
int	zapi_is_callback(jv data);
/*
 * Turns the callback data into an event's type (a static string) and data.
 * Returns 0, or -1 with the reason in err: a callback integra does not
 * read (presence, connection), or a message without its id or phone.
 */
int	zapi_inbound(jv data, const char **type, jv *out, char *err,
	    size_t errsz);

#endif
