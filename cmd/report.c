/*
 * integra-report: what the journal says of the hub.  stats over a window,
 * metrics for Prometheus, and a health check for Nagios-style monitors,
 * each from the counts the journal's writers keep (report.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/alerts.h"
#include "base/buf.h"
#include "base/clock.h"
#include "conf/config.h"
#include "report/dashboard.h"
#include "ops/events.h"
#include "base/exitcode.h"
#include "journal/journal.h"
#include "journal/events.h"
#include "base/log.h"
#include "cli/options.h"
#include "report/report.h"
#include "report/retention.h"
#include "cli/setup.h"
#include "report/collections.h"
#include "report/weekly.h"

enum cmd { STATS, METRICS, HEALTH, ALERTS, DASHBOARD, RETENTION, WEEKLY,
    EVENTS, COLLECTIONS };


/* The alerts evaluated, their events written; an exit code. */
static int
alerts(struct journal *journal, const struct cfg *cfg, int64_t now)
{
	struct alerts_result res;
	int rc;

	if ((rc = alerts_run(journal, cfg, now, stdout, &res)) == 1) {
		log_error(NULL, "write: standard output");
		return EX_IOERR;
	}
	if (rc != 0) {
		return setup_journal_failed(journal);
	}
	log_info(NULL, "alerts: %ld firing; %ld posted, %ld resolved",
	    res.firing, res.posted, res.resolved);
	return EX_OK;
}

/*
 * The page written whole to a new file beside path (a name of its own, so
 * that runs at once do not mix), then renamed over it, so that a browser
 * or a web server never reads half of one.
 */
static int
dashboard(struct journal *journal, const struct cfg *cfg, int64_t now,
    const char *path)
{
	struct buf page = BUF_INIT, tmp = BUF_INIT;
	mode_t mask;
	int rc = EX_OK, fd, ok;
	ssize_t n;
	size_t off;

	if (dashboard_write(journal, cfg, now, &page) != 0) {
		rc = setup_journal_failed(journal);
		goto out;
	}
	if (path == NULL) {
		if (fwrite(page.data, 1, page.len, stdout) != page.len ||
		    fflush(stdout) != 0) {
			log_error(NULL, "write: standard output");
			rc = EX_IOERR;
		}
		goto out;
	}
	buf_addf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp.data)) == -1) {
		log_error(NULL, "%s: %s", tmp.data, strerror(errno));
		rc = EX_CANTCREAT;
		goto out;
	}
	/* A page to serve: readable as a file made with the umask would be. */
	mask = umask(0);
	umask(mask);
	for (off = 0; off < page.len; off += (size_t)n)
		if ((n = write(fd, page.data + off, page.len - off)) <= 0)
			break;
	ok = off == page.len && fchmod(fd, 0666 & ~mask) == 0;
	if (close(fd) != 0)
		ok = 0;
	if (!ok || rename(tmp.data, path) != 0) {
		log_error(NULL, "write: %s: %s", path, strerror(errno));
		unlink(tmp.data);
		rc = EX_IOERR;
	}
out:
	buf_release(&page);
	buf_release(&tmp);
	return rc;
}

/*
 * events: the journal's events, filtered, a page at a time: what
 * integra-events list prints, for the admin who is in integra-report.
 */
static int
events(const struct journal_filter *f, const char *cfgpath,
    const char *jpath)
{
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct buf out = BUF_INIT;
	int rc;

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK)
		goto out;
	if (ops_events_list(journal, f, &out) != 0) {
		rc = setup_journal_failed(journal);
	} else
		printf("%s\n", out.data);
out:
	buf_release(&out);
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}

/* The week's summary made an event, for map to route to the managers. */
static int
weekly(struct journal *journal, const struct cfg *cfg, int64_t now)
{
	int rc, made;

	if (cfg->nweekly_to == 0) {
		log_error(NULL, "weekly: the config has no weekly: to");
		return EX_CONFIG;
	}
	if ((rc = weekly_run(journal, cfg, now, stdout, &made)) == 1) {
		log_error(NULL, "write: standard output");
		return EX_IOERR;
	}
	if (rc != 0) {
		return setup_journal_failed(journal);
	}
	log_info(NULL, made ? "weekly: the summary is made" : "weekly: made"
	    " today already");
	return EX_OK;
}

/*
 * The collections' delinquency report: as text or JSON on stdout, or
 * made the day's event for map to mail to the managers.
 */
static int
collections(struct journal *journal, const struct cfg *cfg, int64_t now,
    int64_t window, int json, int event)
{
	struct buf out = BUF_INIT;
	int rc, made;

	if (cfg->collections == NULL) {
		log_error(NULL, "collections: the config has no collections");
		return EX_CONFIG;
	}
	if (event && cfg->collections->nto == 0) {
		log_error(NULL, "collections: the config has no collections:"
		    " to, whom the report goes to");
		return EX_CONFIG;
	}
	if (event) {
		if ((rc = collections_event(journal, cfg, now, window, stdout,
		    &made)) == 1) {
			log_error(NULL, "write: standard output");
			return EX_IOERR;
		}
		if (rc != 0)
			return setup_journal_failed(journal);
		log_info(NULL, made ? "collections: the report is made" :
		    "collections: made today already");
		return EX_OK;
	}
	if ((rc = collections_report(journal, cfg, now, window, json,
	    &out)) != 0) {
		buf_release(&out);
		return setup_journal_failed(journal);
	}
	fwrite(out.data, 1, out.len, stdout);
	if (json)
		putchar('\n');
	buf_release(&out);
	return EX_OK;
}

/* What retention replaced, or would: one line on stdout. */
static int
retention(struct journal *journal, const struct cfg *cfg, int64_t now,
    int dry_run)
{
	struct retention_result res;
	char err[512], before[RFC3339_LEN + 1], *salt;
	int rc;

	if (!cfg->retention.on) {
		log_error(NULL, "retention: the config has no retention");
		return EX_CONFIG;
	}
	if ((salt = cfg_retention_salt(cfg, err, sizeof(err))) == NULL) {
		log_error(NULL, "%s", err);
		return EX_CONFIG;
	}
	rc = retention_run(journal, cfg, salt, now, dry_run, &res, err,
	    sizeof(err));
	explicit_bzero(salt, strlen(salt));
	free(salt);
	if (rc != EX_OK) {
		log_error(NULL, "%s", err);
		return rc;
	}
	clock_rfc3339(now - cfg->retention.after_ms, before);
	printf("%s%ld events, %ld deliveries, %ld contacts and %ld synced"
	    " records from before %s%s\n", dry_run ? "would replace: " :
	    "replaced: ", res.events, res.deliveries, res.contacts,
	    res.records, before, dry_run ? " (nothing changed)" : "");
	return EX_OK;
}

/*
 * stats, metrics or health: read from the counts and the work waiting.
 * health exits as a monitor wants: 0, 1 or 2, and 2 if it cannot read.
 */
static int
counted(struct journal *journal, enum cmd cmd, int64_t now, int64_t window,
    int json, const struct report_limits *limits)
{
	struct report report;
	struct buf out = BUF_INIT;
	enum report_status status = REPORT_OK;
	int rc = EX_OK;

	if (report_load(&report, journal, now, cmd == STATS ? now - window :
	    0) != 0) {
		rc = setup_journal_failed(journal);
		if (cmd == HEALTH) {
			printf("CRITICAL: the journal cannot be read\n");
			rc = REPORT_CRITICAL;
		}
		goto out;
	}
	if (cmd == STATS)
		report_stats(&report, json, &out);
	else if (cmd == METRICS)
		report_metrics(&report, &out);
	else
		status = report_health(&report, limits, &out);
	if (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0) {
		log_error(NULL, "write: standard output");
		rc = EX_IOERR;
		goto out;
	}
	rc = cmd == HEALTH ? (int)status : EX_OK;
out:
	report_release(&report);
	buf_release(&out);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct report_limits limits = { REPORT_WARN_AGE_MS,
	    REPORT_CRIT_AGE_MS, REPORT_WARN_RETRIES };
	const char *cfgpath = NULL, *jpath = NULL, *output = NULL;
	struct journal *journal = NULL;
	struct cfg *cfg = NULL;
	struct journal_filter f;
	int64_t window = 24 * 3600000LL, week = 7 * 86400000LL, now;
	long retries = REPORT_WARN_RETRIES;
	enum cmd cmd;
	int c, i, rc, json = 0, dry_run = 0, event = 0;
	const struct options_spec opts[] = {
		OPTIONS_SETUP(&cfgpath, &jpath),
		OPTIONS_END
	}, stats_opts[] = {
		OPTIONS_DURATION('w', "window", "window", &window, 1),
		OPTIONS_FLAG(0, "json", &json),
		OPTIONS_END
	}, health_opts[] = {
		OPTIONS_DURATION('W', "warn-age", "age", &limits.warn_age_ms,
		    0),
		OPTIONS_DURATION('C', "crit-age", "age", &limits.crit_age_ms,
		    0),
		OPTIONS_NUMBER('r', "retries", "retries", &retries, 0, LONG_MAX,
		    NULL),
		OPTIONS_END
	}, dashboard_opts[] = {
		OPTIONS_STRING('o', "output", "file", &output),
		OPTIONS_END
	}, retention_opts[] = {
		OPTIONS_FLAG('n', "dry-run", &dry_run),
		OPTIONS_END
	}, collections_opts[] = {
		OPTIONS_DURATION('w', "window", "window", &week, 1),
		OPTIONS_FLAG(0, "json", &json),
		OPTIONS_FLAG('e', "event", &event),
		OPTIONS_END
	}, events_opts[] = {
		OPS_EVENTS_FILTER_OPTIONS(&f),
		OPTIONS_END
	};
	const struct options_command cmds[] = {
		[STATS] = { "stats", stats_opts, NULL },
		[METRICS] = { "metrics", NULL, NULL },
		[HEALTH] = { "health", health_opts, NULL },
		[ALERTS] = { "alerts", NULL, NULL },
		[DASHBOARD] = { "dashboard", dashboard_opts, NULL },
		[RETENTION] = { "retention", retention_opts, NULL },
		[WEEKLY] = { "weekly", NULL, NULL },
		[EVENTS] = { "events", events_opts, NULL },
		[COLLECTIONS] = { "collections", collections_opts, NULL },
		OPTIONS_COMMANDS_END
	};
	const struct options_program prog = { .name = "integra-report",
	    .opts = opts, .commands = cmds };

	log_init("integra-report");
	ops_events_filter_init(&f);
	if ((c = options_command(&prog, argc, argv, &i, &rc)) < 0)
		return rc;
	cmd = (enum cmd)c;
	if (i != argc)
		return options_usage(&prog);
	limits.warn_retries = retries;
	if (cmd == EVENTS)
		return events(&f, cfgpath, jpath);

	if ((rc = setup_config(cfgpath, &cfg)) != EX_OK ||
	    (rc = setup_journal(cfg, jpath, 0, &journal)) != EX_OK) {
		/* A monitor reads no journal as the worst. */
		if (cmd == HEALTH)
			printf("CRITICAL: the journal cannot be read\n");
		rc = cmd == HEALTH ? REPORT_CRITICAL : rc;
		goto out;
	}
	now = clock_ms();
	switch (cmd) {
	case ALERTS:
		rc = alerts(journal, cfg, now);
		break;
	case DASHBOARD:
		rc = dashboard(journal, cfg, now, output);
		break;
	case RETENTION:
		rc = retention(journal, cfg, now, dry_run);
		break;
	case WEEKLY:
		rc = weekly(journal, cfg, now);
		break;
	case COLLECTIONS:
		rc = collections(journal, cfg, now, week, json, event);
		break;
	default:
		rc = counted(journal, cmd, now, window, json, &limits);
		break;
	}
out:
	journal_close(journal);
	cfg_free(cfg);
	return setup_finish(rc);
}
