/*
 * confcheck: the deep check of a configuration.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "confcheck.h"
#include "map.h"
#include "schema.h"

int
confcheck(const struct cfg *cfg, struct buf *err)
{
	struct schema_set *schemas;
	struct buf dir = BUF_INIT;
	const char *file = cfg->path != NULL ? cfg->path : "config";
	char msg[1024];
	struct map m;
	char *secret;
	size_t i;

	if (map_init(&m, cfg, err) == 0)
		map_release(&m);
	else
		buf_addc(err, '\n');
	buf_addf(&dir, "%s/schemas", cfg_datadir(cfg));
	if ((schemas = schema_load(dir.data, msg, sizeof(msg))) == NULL)
		buf_addf(err, "schemas: %s\n", msg);
	for (i = 0; schemas != NULL && i < cfg->nroutes; i++)
		if (!schema_has(schemas, cfg->routes[i].on))
			buf_addf(err, "%s:%d: route '%s' takes event type '%s',"
			    " which is not in the catalogue (%s)\n", file,
			    cfg->routes[i].line, cfg->routes[i].name,
			    cfg->routes[i].on, dir.data);
	for (i = 0; i < cfg->ntargets; i++) {
		if (cfg->targets[i].auth_header == NULL)
			continue;
		if ((secret = cfg_secret(&cfg->targets[i], msg,
		    sizeof(msg))) == NULL)
			buf_addf(err, "%s:%d: %s\n", file,
			    cfg->targets[i].line, msg);
		else {
			explicit_bzero(secret, strlen(secret));
			free(secret);
		}
	}
	schema_free(schemas);
	buf_free(&dir);
	if (err->len > 0 && err->data[err->len - 1] == '\n')
		err->data[--err->len] = '\0';
	return err->len > 0 ? -1 : 0;
}
