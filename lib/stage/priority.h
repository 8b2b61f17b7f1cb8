/*
 * priority: the classes deliveries are claimed in, highest first.  A
 * route gives its deliveries' class (high for critical webhooks, low for
 * sync batches); a delivery tried and due again is in the retry class,
 * after every first try, unless it is high.  Numbers, because the journal
 * keeps and orders them (journal.c writes them into its SQL).
 *
 * Ownership: nothing here allocates; priority_name returns a static
 * string.
 */
#ifndef INTEGRA_STAGE_PRIORITY_H
#define INTEGRA_STAGE_PRIORITY_H

#define PRIORITY_HIGH		0
#define PRIORITY_DEFAULT	1
#define PRIORITY_NOTIFICATION	2
#define PRIORITY_LOW		3
#define PRIORITY_RETRY		4
#define PRIORITY_COUNT		5

/* A route's class by name (not retry): 0 and *p set, or -1. */
int		 priority_parse(const char *name, int *p);
/* The class's name; "default" for what is out of range. */
const char	*priority_name(int p);

#endif
