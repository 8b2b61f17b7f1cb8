/*
 * integra-sync-crm: runs the scheduled syncs whose runner is crm,
 * the CRM's: those that read from it or feed it (CRM to operations,
 * caregivers to CRM).  See stage/syncjobs.h and sync.h.
 */
#include "stage/syncjobs.h"

int
main(int argc, char *argv[])
{
	return syncjobs_main(argc, argv, "crm");
}
