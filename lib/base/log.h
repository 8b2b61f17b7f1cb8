/*
 * log: one JSON object a line on stderr.
 *
 *   {"time":"2026-11-23T15:12:02.123Z","level":"error","prog":"integra-map",
 *    "msg":"integra-map: route 'crm': jq: ...","line":3,"event":"0193..."}
 *
 * The message starts with the program name, lower case, no full stop.
 * Ids go in the fields, never personal data or secrets.  INTEGRA_LOG
 * (debug, info, warn, error) sets the lowest level written; default info.
 *
 * Ownership: log_init copies the program name into a static buffer, and
 * log_prog returns that buffer, which the next log_init rewrites.  The
 * file of INTEGRA_LOG_COPY stays open for the life of the process.
 * log_msg only reads its arguments; nothing is handed back to free.
 */
#ifndef INTEGRA_BASE_LOG_H
#define INTEGRA_BASE_LOG_H

enum log_level { LOGL_DEBUG, LOGL_INFO, LOGL_WARN, LOGL_ERROR };

/* What a log line is about; fields that are 0 or NULL are left out. */
struct log_ids {
	long		 line;
	const char	*event;
	const char	*delivery;
	const char	*target;
};

void		 log_init(const char *prog);
const char	*log_prog(void);
int		 log_enabled(enum log_level);
void		 log_msg(enum log_level, const struct log_ids *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

#define log_error(ids, ...)	log_msg(LOGL_ERROR, ids, __VA_ARGS__)
#define log_warn(ids, ...)	log_msg(LOGL_WARN, ids, __VA_ARGS__)
#define log_info(ids, ...)	log_msg(LOGL_INFO, ids, __VA_ARGS__)
#define log_debug(ids, ...)	log_msg(LOGL_DEBUG, ids, __VA_ARGS__)

#endif
