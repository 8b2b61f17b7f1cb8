/*
 * ops/rekey: the journal's sealed values rewritten and counted.  See
 * ops/rekey.h.
 */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "journal/seal.h"
#include "ops/rekey.h"

struct unknown {
	const struct seal	*seal;
	struct buf		 ids;	/* 'k0', 'k1' */
	int			 n;
};

/* Names, once each, a key that sealed values and that the seal lacks. */
static int
unknown_key(void *ctx, const char *column, const char *key_id, int64_t n)
{
	struct unknown *u = ctx;
	char quoted[64];

	if (key_id == NULL || seal_knows(u->seal, key_id, strlen(key_id)))
		return 0;
	snprintf(quoted, sizeof(quoted), "'%s'", key_id);
	if (u->n == 0 || strstr(u->ids.data, quoted) == NULL)
		buf_addf(&u->ids, "%s%s", u->n++ > 0 ? ", " : "", quoted);
	(void)column;
	(void)n;
	return 0;
}

int
ops_rekey(struct journal *j, int batch, struct ops_rekey *out,
    struct buf *err)
{
	struct unknown u = { journal_seal(j), BUF_INIT, 0 };
	struct journal_rekey at;
	enum journal_sealed_table t;
	int64_t n;
	int end, rc;

	memset(out, 0, sizeof(*out));
	rc = journal_sealed_count(j, unknown_key, &u);
	if (rc == 0 && u.n > 0) {
		buf_addf(err, "values are sealed with key%s %s, which"
		    " encryption: does not list: a rekey must open them",
		    u.n == 1 ? "" : "s", u.ids.data);
		rc = OPS_REKEY_UNKNOWN;
	}
	buf_release(&u.ids);
	if (rc != 0)
		return rc;
	for (t = 0; t < JOURNAL_SEALED_TABLES; t++) {
		at = (struct journal_rekey)JOURNAL_REKEY_INIT;
		do {
			if ((rc = journal_begin(j)) != 0 ||
			    (rc = journal_rekey_batch(j, t, &at, batch, &n,
			    &end)) != 0 || (rc = journal_commit(j)) != 0) {
				journal_rekey_release(&at);
				return rc;
			}
			out->rewritten[t] += n;
		} while (!end);
		journal_rekey_release(&at);
		log_info(NULL, "rekey: %s: %lld row%s rewritten",
		    journal_sealed_table_name(t), (long long)out->rewritten[t],
		    out->rewritten[t] == 1 ? "" : "s");
	}
	return 0;
}

int
ops_rekey_sealed(struct journal *j, journal_sealed_fn fn, void *ctx)
{
	return journal_sealed_count(j, fn, ctx);
}
