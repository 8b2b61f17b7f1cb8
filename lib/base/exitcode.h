/*
 * exitcode: the exit codes of every integra program, from sysexits(3).
 *
 *   0  EX_OK           all went through
 *   64 EX_USAGE        bad command line
 *   65 EX_DATAERR      some input record was rejected (the rest went on)
 *   69 EX_UNAVAILABLE  a service (target, remote API) is unavailable
 *   70 EX_SOFTWARE     an internal error
 *   73 EX_CANTCREAT    the journal cannot be created
 *   74 EX_IOERR        reading input or writing output failed
 *   75 EX_TEMPFAIL     temporary failure: run again later
 *   78 EX_CONFIG       bad configuration
 *
 * Ownership: constants only; nothing here allocates.
 */
#ifndef INTEGRA_BASE_EXITCODE_H
#define INTEGRA_BASE_EXITCODE_H

#include <sysexits.h>

#endif
