/*
 * httpd/syncs: /api/sync on the receiver.  See httpd/syncs.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "httpd/syncs.h"
#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "httpd/reply.h"
#include "transport/syncrun.h"
#include "journal/journal.h"
#include "journal/syncs.h"
#include "base/log.h"
#include "ops/syncs.h"
#include "json/jvparse.h"

#define JOB_RUNS	20	/* the runs GET /api/sync/jobs/NAME shows */

enum MHD_Result
httpd_syncs_jobs(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	int rc;

	buf_adds(&b, "{\"jobs\":");
	rc = ops_syncs_jobs(c->cfg, c->reader, &b);
	buf_addc(&b, '}');
	return httpd_reply_result(c->conn, c->reader, rc, NULL, MHD_HTTP_OK,
	    &b);
}

/* The job and its last runs. */
enum MHD_Result
httpd_syncs_job(const struct httpd_call *c)
{
	const struct cfg_sync *sy = cfg_sync(c->cfg, c->arg[0]);
	struct buf b = BUF_INIT;
	int rc;

	if (sy == NULL)
		return httpd_reply_fail(c->conn, MHD_HTTP_NOT_FOUND, "not_found",
		    "no such sync", NULL, NULL);
	if ((rc = ops_syncs_job(sy, c->reader, &b)) == 0) {
		b.data[--b.len] = '\0';	/* the job's closing brace */
		buf_adds(&b, ",\"runs\":");
		rc = ops_syncs_runs(c->reader, sy->name, JOB_RUNS, &b);
		buf_addc(&b, '}');
	}
	return httpd_reply_result(c->conn, c->reader, rc, NULL, MHD_HTTP_OK,
	    &b);
}

enum MHD_Result
httpd_syncs_stats(const struct httpd_call *c)
{
	struct buf b = BUF_INIT;
	const char *v;
	int64_t window = 7 * 86400000LL;

	v = MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND,
	    "window");
	if (v != NULL && (clock_duration(v, &window) != 0 || window == 0))
		return httpd_reply_fail(c->conn, MHD_HTTP_BAD_REQUEST,
		    "invalid_query", "window is a duration such as 1h or 7d",
		    NULL, NULL);
	return httpd_reply_result(c->conn, c->reader,
	    ops_syncs_stats(c->reader, clock_ms() - window, &b), NULL,
	    MHD_HTTP_OK, &b);
}

enum MHD_Result
httpd_syncs_start(const struct httpd_call *c)
{
	struct MHD_Connection *conn = c->conn;
	struct journal *reader = c->reader;
	const struct cfg *cfg = c->cfg;
	struct journal_sync_job state = { BUF_INIT, BUF_INIT, 0 };
	const struct cfg_sync *sy = NULL;
	struct buf b = BUF_INIT, run = BUF_INIT;
	const char *key = NULL;
	jv v, name, full, param;
	int rc;

	v = jvparse_text(c->body, c->body_len);
	name = jv_get_kind(v) == JV_KIND_OBJECT ? jv_object_get(jv_copy(v),
	    jv_string("job")) : jv_invalid();
	/* Absent, it is jq's invalid: the same as null, false. */
	full = jv_get_kind(v) == JV_KIND_OBJECT ? jv_object_get(jv_copy(v),
	    jv_string("full")) : jv_null();
	param = jv_get_kind(v) == JV_KIND_OBJECT ? jv_object_get(jv_copy(v),
	    jv_string("key")) : jv_null();
	jv_free(v);
	if (jv_get_kind(name) != JV_KIND_STRING ||
	    (jv_get_kind(full) != JV_KIND_INVALID &&
	    jv_get_kind(full) != JV_KIND_NULL &&
	    jv_get_kind(full) != JV_KIND_TRUE &&
	    jv_get_kind(full) != JV_KIND_FALSE) ||
	    (jv_get_kind(param) != JV_KIND_INVALID &&
	    jv_get_kind(param) != JV_KIND_NULL &&
	    jv_get_kind(param) != JV_KIND_STRING)) {
		jv_free(name);
		jv_free(full);
		jv_free(param);
		return httpd_reply_fail(conn, MHD_HTTP_BAD_REQUEST, "invalid",
		    "the body must be {\"job\": NAME, \"full\": false,"
		    " \"key\": KEY}, key only for a job over a record set",
		    NULL, NULL);
	}
	if ((sy = cfg_sync(cfg, jv_string_value(name))) == NULL) {
		jv_free(name);
		jv_free(full);
		jv_free(param);
		return httpd_reply_fail(conn, MHD_HTTP_NOT_FOUND, "not_found",
		    "no such sync", NULL, NULL);
	}
	jv_free(name);
	if (jv_get_kind(param) == JV_KIND_STRING)
		key = jv_string_value(param);
	if (key != NULL && (sy->over == NULL || key[0] == '\0' ||
	    strchr(key, '/') != NULL)) {
		jv_free(full);
		jv_free(param);
		return httpd_reply_fail(conn, MHD_HTTP_BAD_REQUEST, "invalid",
		    sy->over == NULL ? "the sync is over no record set: key"
		    " names none of its records" : "key is not a record's",
		    NULL, NULL);
	}
	/* A run holding the lock would make the new one exit at once. */
	buf_addf(&run, "%s%s%s", sy->name, key != NULL ? "/" : "",
	    key != NULL ? key : "");
	if ((rc = journal_sync_job(reader, run.data, &state)) != 0 ||
	    (state.lock_owner.len > 0 && state.lock_until > clock_ms())) {
		buf_release(&state.watermark);
		buf_release(&state.lock_owner);
		buf_release(&run);
		jv_free(full);
		jv_free(param);
		if (rc != 0)
			return httpd_reply_journal_failed(reader, conn);
		return httpd_reply_fail(conn, MHD_HTTP_CONFLICT, "running",
		    "a run of this sync holds its lock", NULL, NULL);
	}
	buf_release(&state.watermark);
	buf_release(&state.lock_owner);
	if (syncrun_spawn(cfg->path, journal_path(reader), sy->name, key,
	    jv_get_kind(full) == JV_KIND_TRUE) != 0) {
		jv_free(full);
		jv_free(param);
		log_error(NULL, "api: sync '%s': cannot start integra-sync",
		    run.data);
		buf_release(&run);
		return httpd_reply_fail(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "internal", "the sync could not be started", NULL, NULL);
	}
	jv_free(full);
	jv_free(param);
	log_info(NULL, "api: sync '%s' started", run.data);
	buf_adds(&b, "{\"job\":");
	buf_add_json_string(&b, sy->name, strlen(sy->name));
	if (key != NULL) {
		buf_adds(&b, ",\"run\":");
		buf_add_json_string(&b, run.data, run.len);
	}
	buf_adds(&b, ",\"started\":true}");
	buf_release(&run);
	return httpd_reply_result(conn, reader, 0, NULL, MHD_HTTP_ACCEPTED,
	    &b);
}
