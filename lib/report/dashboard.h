/*
 * dashboard: the hub on one self-contained HTML page (no script, font or
 * picture from elsewhere), for integra-report dashboard and the receiver's
 * GET /dashboard: its health, the figures of integra-report stats -w 24h
 * as tiles, charts of the window by hour (inline SVG), the targets, the
 * sync runs and the alerts firing.  Every figure of a tile carries an id
 * and its value in data-value, for a program to read back.
 *
 * Ownership: dashboard_write appends to the caller's out, which the
 * caller releases with buf_release; it only reads the journal and cfg,
 * and frees what it loads (the report, the series) before it returns.
 */
#ifndef INTEGRA_REPORT_DASHBOARD_H
#define INTEGRA_REPORT_DASHBOARD_H

#include <stdint.h>

struct buf;
struct cfg;
struct journal;

/* Appends the page as it stands at now; 0, or the journal's failure. */
int	dashboard_write(struct journal *, const struct cfg *, int64_t now,
	    struct buf *out);

#endif
