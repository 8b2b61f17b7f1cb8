/*
 * mail: the e-mail message a delivery to an SMTP target sends, built from
 * its body, a JSON object:
 *	{"to": ADDRESS or [ADDRESS...], "subject": TEXT,
 *	 "text": TEXT, "html": TEXT, "reply_to": ADDRESS}
 * with at least one of text and html.  The message is MIME: one part, or
 * multipart/alternative with the plain text first; UTF-8 in base64; the
 * subject and the sender's name encoded as RFC 2047 words where they are
 * not ASCII.  Its Message-ID is made of the delivery's id, so a retried
 * message is known as the same one.  Nothing from the body reaches a
 * header unchecked: an address is one address, a line break is refused.
 *
 * Ownership: mail_build fills m with copies it owns; mail_release frees
 * them and zeroes m.  A failed mail_build has released m already.  The
 * body, sender, reply_to and id are only read.
 */
#ifndef INTEGRA_TRANSPORT_MAIL_H
#define INTEGRA_TRANSPORT_MAIL_H

#include <stddef.h>
#include <stdint.h>

#define MAIL_RCPT_MAX	50

struct mail {
	char	*message;	/* CRLF lines, ready for DATA */
	size_t	 len;
	char	*from;		/* the sender's address, for MAIL FROM */
	char	*rcpt[MAIL_RCPT_MAX + 1];	/* NULL-terminated */
};

/*
 * Builds m from body[0..len), from the sender from ("Name <address>" or
 * an address) at now (ms), with Reply-To reply_to (NULL: none) unless the
 * body gives one.  Returns 0, or -1 with the reason in err: the body is
 * not such an object, or an address is not one.
 */
int	mail_build(struct mail *m, const char *body, size_t len,
	    const char *from, const char *reply_to, const char *id,
	    int64_t now, char *err, size_t errsz);
void	mail_release(struct mail *m);

#endif
