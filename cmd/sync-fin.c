/*
 * integra-sync-fin: runs the scheduled syncs whose runner is fin,
 * finance's: those that feed it (operations to finance, CRM to
 * finance).  See stage/syncjobs.h and sync.h.
 */
#include "stage/syncjobs.h"

int
main(int argc, char *argv[])
{
	return syncjobs_main(argc, argv, "fin");
}
