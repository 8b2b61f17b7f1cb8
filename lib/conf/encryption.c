/*
 * encryption: the encryption: section of integra.yaml, the keys the
 * journal's personal data is sealed with (journal/seal.h): each by its
 * id, from the environment or a file (base64 of 32 bytes, never in the
 * file itself), and which one seals (none: values are written plain,
 * and those sealed still open).  See sections.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/buf.h"
#include "conf/config.h"
#include "conf/loader.h"
#include "conf/sections.h"

static int
key_pair(struct loader *ld, void *ctx, const char *k, const yaml_node_t *v)
{
	struct cfg_encryption_key *key = ctx;

	if (strcmp(k, "key_env") == 0)
		return loader_string(ld, v, k, &key->env);
	if (strcmp(k, "key_file") == 0)
		return loader_path(ld, v, k, &key->file);
	return loader_unknown(ld, v, k, "an encryption key");
}

static int
keys_pair(struct loader *ld, void *ctx, const char *id, const yaml_node_t *v)
{
	struct cfg_encryption *e = ctx;
	struct cfg_encryption_key *key;
	size_t i;

	if (id[0] == '\0' || strlen(id) > CFG_ENCRYPTION_ID_MAX ||
	    !loader_valid_name(id))
		return loader_bad(ld, v, "encryption: a key's id is 1 to %d"
		    " letters, digits and ._:-/", CFG_ENCRYPTION_ID_MAX);
	for (i = 0; i < e->nkeys; i++)
		if (strcmp(e->keys[i].id, id) == 0)
			return loader_bad(ld, v, "encryption: key '%s' is"
			    " given twice", id);
	e->keys = xrealloc(e->keys, (e->nkeys + 1) * sizeof(*e->keys));
	key = &e->keys[e->nkeys++];
	memset(key, 0, sizeof(*key));
	key->id = xstrdup(id);
	key->line = loader_line(v);
	if (loader_each(ld, v, "an encryption key", key_pair, key) != 0)
		return -1;
	if ((key->env == NULL) == (key->file == NULL))
		return loader_bad(ld, v, "encryption: key '%s' needs one of"
		    " key_env and key_file", id);
	return 0;
}

static int
encryption_pair(struct loader *ld, void *ctx, const char *k,
    const yaml_node_t *v)
{
	struct cfg_encryption *e = ctx;

	if (strcmp(k, "current") == 0)
		return loader_string(ld, v, k, &e->current);
	if (strcmp(k, "keys") == 0)
		return loader_each(ld, v, "encryption keys", keys_pair, e);
	return loader_unknown(ld, v, k, "encryption");
}

int
cfg_encryption_load(struct loader *ld, const yaml_node_t *v, struct cfg *cfg)
{
	struct cfg_encryption *e = &cfg->encryption;
	size_t i;

	e->line = loader_line(v);
	if (loader_each(ld, v, "encryption", encryption_pair, e) != 0)
		return -1;
	if (e->nkeys == 0)
		return loader_bad(ld, v, "encryption: needs keys");
	/* Without a current key, values are only opened: written plain. */
	for (i = 0; e->current != NULL && i < e->nkeys; i++)
		if (strcmp(e->keys[i].id, e->current) == 0)
			break;
	if (e->current != NULL && i == e->nkeys)
		return loader_bad(ld, v, "encryption: current key '%s' is"
		    " not one of keys", e->current);
	e->on = 1;
	return 0;
}

void
cfg_encryption_free(struct cfg *cfg)
{
	struct cfg_encryption *e = &cfg->encryption;
	size_t i;

	for (i = 0; i < e->nkeys; i++) {
		free(e->keys[i].id);
		free(e->keys[i].env);
		free(e->keys[i].file);
	}
	free(e->keys);
	free(e->current);
	memset(e, 0, sizeof(*e));
}
