/*
 * outcome: events of what became of deliveries and targets.  See
 * outcome.h.
 */
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/ids.h"
#include "journal/journal.h"
#include "journal/events.h"
#include "stage/outcome.h"

#define OUTCOME_SOURCE	"integra/dispatch"

static const struct {
	unsigned	 bit;
	const char	*name;
	const char	*type;
} kinds[] = {
	{ OUTCOME_SUCCEEDED, "succeeded", "integra.delivery.succeeded" },
	{ OUTCOME_FAILED, "failed", "integra.delivery.failed" },
	{ OUTCOME_DEAD, "dead", "integra.delivery.dead" },
	{ OUTCOME_DISABLED, "disabled", "integra.target.disabled" },
};

int
outcome_parse(const char *name, unsigned *bit)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0) {
			*bit = kinds[i].bit;
			return 0;
		}
	return -1;
}

int
outcome_type_known(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].type, type) == 0)
			return 1;
	return 0;
}

int
outcome_is_own(const char *type)
{
	return type != NULL && strncmp(type, "integra.", 8) == 0;
}

static void
member(struct buf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	buf_addf(b, ",\"%s\":", name);
	buf_add_json_string(b, value, strlen(value));
}

int
outcome_journal(struct journal *j, const struct outcome *o, int64_t now)
{
	struct buf env = BUF_INIT, key = BUF_INIT;
	struct journal_event ev;
	char id[ID_LEN + 1], time[RFC3339_LEN + 1], due[RFC3339_LEN + 1];
	char dup[ID_LEN + 1];
	const char *type = NULL, *subject;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].bit == o->kind)
			type = kinds[i].type;
	id_new(id);
	clock_rfc3339(now, time);
	subject = o->delivery != NULL ? o->delivery : o->target;
	if (o->delivery != NULL)
		buf_addf(&key, "%s:%d:%s", o->delivery, o->attempt, type);
	else
		buf_addf(&key, "%s:%lld:%s", o->target, (long long)now, type);

	buf_addf(&env, "{\"specversion\":\"1.0\",\"id\":\"%s\",\"source\":\""
	    OUTCOME_SOURCE "\",\"type\":\"%s\",\"subject\":", id, type);
	buf_add_json_string(&env, subject, strlen(subject));
	buf_addf(&env, ",\"time\":\"%s\",\"datacontenttype\":"
	    "\"application/json\"", time);
	member(&env, "tenant", o->tenant);
	member(&env, "idempotencykey", key.data);
	buf_adds(&env, ",\"data\":{\"target\":");
	buf_add_json_string(&env, o->target, strlen(o->target));
	member(&env, "delivery", o->delivery);
	member(&env, "event", o->event);
	member(&env, "route", o->route);
	if (o->delivery != NULL)
		buf_addf(&env, ",\"attempt\":%d", o->attempt);
	if (o->http_status > 0)
		buf_addf(&env, ",\"http_status\":%d", o->http_status);
	member(&env, "error_class", o->error_class);
	member(&env, "error", o->error);
	if (o->kind == OUTCOME_FAILED) {
		clock_rfc3339(o->not_before, due);
		member(&env, "not_before", due);
	}
	buf_adds(&env, "}}");

	ev = (struct journal_event){ .id = id, .source = OUTCOME_SOURCE,
	    .type = type, .tenant = o->tenant, .subject = subject,
	    .time = time, .idempotency_key = key.data,
	    .envelope = env.data, .envelope_len = env.len, .canonical = 1,
	    .received_at = now };
	/* Journaled normalized: it is canonical as made. */
	if ((rc = journal_event_add(j, &ev, dup, NULL)) == 1)
		rc = 0;		/* told already */
	buf_release(&env);
	buf_release(&key);
	return rc;
}
