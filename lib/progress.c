/*
 * progress: a progress line for terminals.
 */
#include <stdio.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "progress.h"

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
	char line[160];
	int64_t now, ms;
	int len;

	if (!p->on || (now = clock_mono_ms()) - p->shown < PROGRESS_EVERY_MS)
		return;
	p->shown = now;
	ms = now - p->start;
	len = snprintf(line, sizeof(line), "\r\033[K%s: %ld %s, %ld/s\r",
	    log_prog(), n, p->unit, ms > 0 ? (long)(n * 1000 / ms) : 0L);
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
