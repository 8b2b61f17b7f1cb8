/*
 * integra-sync-crm: runs the scheduled syncs whose runner is crm,
 * the CRM's: those that read from it or feed it (CRM to operations,
 * caregivers to CRM).  See syncprog.h and sync.h.
 */
#include "syncprog.h"

int
main(int argc, char *argv[])
{
	return syncprog_main(argc, argv, "crm");
}
