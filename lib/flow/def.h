/*
 * flow/def: the config's flows with their jq programs compiled, for the
 * programs that move instances (flow/run) and that see events pass
 * (flow/arrive).  Every program runs in the jq sandbox (jqprog.h).
 *
 * Ownership: a struct flow_defs owns its definitions and their programs
 * and borrows cfg, which must outlive it; flow_def_release frees them (a
 * failed flow_def_init has already).  flow_def_find points into it.
 */
#ifndef INTEGRA_FLOW_DEF_H
#define INTEGRA_FLOW_DEF_H

#include <stddef.h>

#include <jv.h>

struct buf;
struct cfg;
struct cfg_flow;
struct cfg_flow_step;
struct jqprog;
struct map_step;

struct flow_def_step {
	const struct cfg_flow_step	*cfg;
	struct map_step			*action;	/* NULL: an await */
	struct jqprog			**save;		/* on [instance, answer
							   or event] */
	struct jqprog			*match;		/* on the event */
	struct jqprog			*equals;	/* on the instance */
};

struct flow_def {
	const struct cfg_flow	*cfg;
	struct jqprog		*key;		/* on the start event */
	struct jqprog		*tenant;	/* NULL: the event's */
	struct jqprog		*settings_from;
	struct jqprog		*repeat_days;	/* on the instance */
	struct jqprog		**cancel;	/* each cancel_on's match */
	struct map_step		*actions;	/* cfg->route's steps */
	struct flow_def_step	*steps;
};

struct flow_defs {
	const struct cfg	*cfg;
	struct flow_def		*defs;
	size_t			 n;
};

/*
 * Compiles every flow of cfg.  Returns 0, or -1 with
 * "FILE:LINE: flow 'NAME' ...: jq: ..." in err.
 */
int		 flow_def_init(struct flow_defs *, const struct cfg *,
		    struct buf *err);
void		 flow_def_release(struct flow_defs *);
struct flow_def	*flow_def_find(const struct flow_defs *, const char *name);
/* The index of the step called id, or -1. */
int		 flow_def_step(const struct flow_def *, const char *id);
/*
 * What a match, equals or key gives, as the text the journal compares: a
 * string as it is, a number or anything else as JSON.  Consumes out;
 * NULL (nothing to compare) for null, false or a string over 512 bytes.
 */
char		*flow_def_value(jv out);
/* The flow's settings as their defaults say, an object. */
jv		 flow_def_defaults(const struct cfg_flow *);
/*
 * base (an object of settings) with given (an object, or null: nothing)
 * over it, each value of its default's kind: 0 and *out, or -1 with the
 * reason in err for a name that is not a setting or a value of another
 * kind.  Consumes base and given.
 */
int		 flow_def_settings(const struct cfg_flow *, jv base, jv given,
		    jv *out, struct buf *err);

#endif
