/*
 * httpd/status: how the hub is doing, over HTTP.  See httpd/status.h.
 */
#include <sys/statvfs.h>

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "httpd/reply.h"
#include "httpd/status.h"
#include "journal/journal.h"
#include "journal/counts.h"
#include "report/dashboard.h"
#include "report/report.h"

enum MHD_Result
httpd_status_health(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;

	if (!c->journal_ok)
		return httpd_reply_fail(c->conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "unavailable", "the journal failed", NULL, NULL);
	buf_adds(&b, "{\"status\":\"ok\"}");
	return httpd_reply_result(c->conn, c->reader, 0, NULL, MHD_HTTP_OK,
	    &b);
}

enum MHD_Result
httpd_status_counts(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	int rc;

	buf_addf(&b, "{\"version\":\"%s\",\"counts\":", PACKAGE_VERSION);
	rc = journal_status(c->reader, clock_ms(), &b);
	buf_addc(&b, '}');
	return httpd_reply_result(c->conn, c->reader, rc, NULL, c->journal_ok ?
	    MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, &b);
}

enum MHD_Result
httpd_status_detailed(const struct httpd_call *c)
{
	struct statvfs vfs;
	struct buf b = BUF_INIT, dir = BUF_INIT;
	const char *path = journal_path(c->reader), *slash;
	int rc, ok = c->journal_ok;

	slash = strrchr(path, '/');
	if (slash == NULL)
		buf_addc(&dir, '.');
	else
		buf_add(&dir, path, slash > path ? (size_t)(slash - path) : 1);
	buf_addf(&b, "{\"status\":\"%s\",\"journal\":{\"writable\":%s",
	    ok ? "ok" : "failing", ok ? "true" : "false");
	/* A server's journal: its disk is the server's, not seen here. */
	if (journal_is_file(path) && statvfs(dir.data, &vfs) == 0)
		buf_addf(&b, ",\"disk_free_bytes\":%llu",
		    (unsigned long long)vfs.f_bavail * vfs.f_frsize);
	buf_adds(&b, "},\"targets\":");
	rc = journal_targets_last(c->reader, &b);
	buf_addc(&b, '}');
	buf_release(&dir);
	return httpd_reply_result(c->conn, c->reader, rc, NULL, ok ?
	    MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, &b);
}

enum MHD_Result
httpd_status_dashboard(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	enum MHD_Result ret;

	if (dashboard_write(c->reader, c->cfg, clock_ms(), &b) != 0) {
		buf_release(&b);
		return httpd_reply_journal_failed(c->reader, c->conn);
	}
	/* Nothing from elsewhere, and no script: say so to the browser. */
	ret = httpd_reply_text(c->conn, &b, "text/html; charset=utf-8",
	    "Content-Security-Policy",
	    "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
	buf_release(&b);
	return ret;
}

enum MHD_Result
httpd_status_metrics(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	struct report r;
	enum MHD_Result ret;

	if (report_load(&r, c->reader, clock_ms(), 0) != 0) {
		report_release(&r);
		return httpd_reply_journal_failed(c->reader, c->conn);
	}
	report_metrics(&r, &b);
	report_release(&r);
	/* The text exposition format's media type. */
	ret = httpd_reply_text(c->conn, &b,
	    "text/plain; version=0.0.4; charset=utf-8", NULL, NULL);
	buf_release(&b);
	return ret;
}
