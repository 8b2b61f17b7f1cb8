/*
 * buf: a growable byte buffer, always NUL-terminated.
 *
 * Ownership: a struct buf owns its data; buf_release releases it, buf_detach
 * hands it to the caller (who frees it with free(3)).  Out of memory aborts
 * the process: there is nothing sane a filter can do without memory.
 */
#ifndef INTEGRA_BASE_BUF_H
#define INTEGRA_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

void	 buf_init(struct buf *);
void	 buf_release(struct buf *);
/* buf_release, what it held cleared first: a secret, personal data. */
void	 buf_wipe(struct buf *);
char	*buf_detach(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_grow(struct buf *, size_t);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vaddf(struct buf *, const char *, va_list);
/* Appends s[0..n) as a quoted JSON string, escaping as RFC 8259 requires. */
void	 buf_add_json_string(struct buf *, const char *, size_t);
/* s as HTML text or an attribute's value: & < > " ' escaped. */
void	 buf_add_html(struct buf *, const char *s);
/*
 * Appends what f holds up to its end: 0, -1 if reading failed (errno),
 * or -2 past max bytes (0: no limit).
 */
int	 buf_read(struct buf *, FILE *f, size_t max);

/*
 * Out of memory: says so on stderr and aborts, the one answer every
 * x-allocator (and a library's allocation that cannot fail softly) gives.
 */
_Noreturn void	 buf_oom(void);
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

#endif
