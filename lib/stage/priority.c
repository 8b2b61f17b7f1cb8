/*
 * priority: the delivery classes' names.  See priority.h.
 */
#include <string.h>

#include "stage/priority.h"

static const char *const names[PRIORITY_COUNT] = {
	[PRIORITY_HIGH] = "high",
	[PRIORITY_DEFAULT] = "default",
	[PRIORITY_NOTIFICATION] = "notification",
	[PRIORITY_LOW] = "low",
	[PRIORITY_RETRY] = "retry",
};

int
priority_parse(const char *name, int *p)
{
	int i;

	for (i = 0; i < PRIORITY_RETRY; i++)
		if (strcmp(names[i], name) == 0) {
			*p = i;
			return 0;
		}
	return -1;
}

const char *
priority_name(int p)
{
	return p >= 0 && p < PRIORITY_COUNT ? names[p] :
	    names[PRIORITY_DEFAULT];
}
