/*
 * mapcmd: integra-map's commands over the versioned mappings (list, show,
 * versions, add, rollback, seed, test), beside its filter.
 */
#ifndef INTEGRA_MAPCMD_H
#define INTEGRA_MAPCMD_H

extern const char mapcmd_usage[];

/*
 * Runs the command argv[0] with its arguments; cfgpath and jpath are the
 * -c and -j given before it, or NULL.  Returns an exit status.
 */
int	mapcmd_main(int argc, char *argv[], const char *cfgpath,
	    const char *jpath);

#endif
