/*
 * flow/round: the due instances, a batch a transaction.  See
 * flow/round.h.
 */
#include <string.h>

#include "base/log.h"
#include "flow/def.h"
#include "flow/instance.h"
#include "flow/round.h"
#include "flow/run.h"
#include "journal/journal.h"
#include "journal/flows.h"

#define BATCH	100

int
flow_round(const struct flow_defs *defs, struct journal *jn, int64_t now,
    struct flow_round_stats *st)
{
	char ids[BATCH][ID_LEN + 1];
	struct journal_flow_ids due = { .ids = ids, .max = BATCH };
	struct flow_run fr = { .defs = defs, .journal = jn };
	struct flow_instance fi;
	size_t i, moved;
	int rc, found;

	memset(st, 0, sizeof(*st));
	do {
		moved = 0;
		if ((rc = journal_begin(jn)) != 0)
			return rc;
		if ((rc = journal_flow_due(jn, now, &due)) != 0)
			goto fail;
		for (i = 0; i < due.n; i++) {
			if ((rc = flow_instance_read(jn, defs->cfg, ids[i], &fi,
			    &found)) != 0)
				goto fail;
			if (found < 0) {
				st->gone++;
				log_warn(NULL, "flow instance %s: its flow or"
				    " step is not in the config: left as it"
				    " is", ids[i]);
				continue;
			}
			if (found == 0)
				continue;
			rc = flow_run_process(&fr, &fi, now, 0);
			flow_instance_release(&fi);
			if (rc != 0)
				goto fail;
			moved++;
		}
		if ((rc = journal_commit(jn)) != 0)
			goto fail;
		st->instances += (long)moved;
	} while (due.n == BATCH && moved > 0);
	st->steps = fr.steps;
	st->transitions = fr.transitions;
	return 0;
fail:
	journal_rollback(jn);
	return rc;
}
