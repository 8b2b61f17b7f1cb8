/*
 * progress: a progress line for terminals.
 */
#include <stdio.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/progress.h"

#define PROGRESS_EVERY_MS	250

void
progress_init(struct progress *p, const char *unit)
{
	p->on = isatty(STDERR_FILENO);
	p->unit = unit;
	p->start = p->shown = clock_mono_ms();
}

void
progress_update(struct progress *p, long n)
{
	progress_pages(p, n, -1, -1);
}

void
progress_pages(struct progress *p, long n, long total, long pages)
{
	char line[200];
	int64_t now, ms;
	long rate;
	int len;

	if (!p->on || (now = clock_mono_ms()) - p->shown < PROGRESS_EVERY_MS)
		return;
	p->shown = now;
	ms = now - p->start;
	rate = ms > 0 ? (long)(n * 1000 / ms) : 0L;
	len = snprintf(line, sizeof(line), "\r\033[K%s: %ld", log_prog(), n);
	if (total >= n)
		len += snprintf(line + len, sizeof(line) - (size_t)len,
		    " of %ld", total);
	len += snprintf(line + len, sizeof(line) - (size_t)len, " %s",
	    p->unit);
	if (pages >= 0)
		len += snprintf(line + len, sizeof(line) - (size_t)len,
		    ", %ld pages", pages);
	len += snprintf(line + len, sizeof(line) - (size_t)len, ", %ld/s",
	    rate);
	if (total >= n && rate > 0)
		len += snprintf(line + len, sizeof(line) - (size_t)len,
		    ", %ld s left", (total - n) / rate);
	len += snprintf(line + len, sizeof(line) - (size_t)len, "\r");
	if (len > 0)
		(void)write(STDERR_FILENO, line, (size_t)len < sizeof(line) ?
		    (size_t)len : sizeof(line) - 1);
}

void
progress_done(struct progress *p)
{
	if (p->on && p->shown > p->start)
		(void)write(STDERR_FILENO, "\r\033[K", 4);
}
