/*
 * mappings: the versioned mappings, listed, shown, added, rolled back and
 * seeded from share/mappings.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "json/event.h"
#include "json/jqprog.h"
#include "journal/journal.h"
#include "journal/mappings.h"
#include "ops/mappings.h"
#include "stage/map.h"
#include "stage/mapstore.h"

static int
check_pair(const char *type, const char *system, struct buf *err)
{
	if (!event_name_valid(type)) {
		buf_addf(err, "'%s' is not a valid event type", type);
		return OPS_MAPPINGS_REFUSED;
	}
	if (!event_name_valid(system)) {
		buf_addf(err, "'%s' is not a valid target name", system);
		return OPS_MAPPINGS_REFUSED;
	}
	return 0;
}

static void
add_pair(struct buf *out, const struct journal_mapping *m)
{
	buf_adds(out, "{\"type\":");
	buf_add_json_string(out, m->type, strlen(m->type));
	buf_adds(out, ",\"system\":");
	buf_add_json_string(out, m->system, strlen(m->system));
	buf_addf(out, ",\"version\":%d,\"latest\":%d,\"updated_at\":%lld}",
	    m->head, m->latest, (long long)m->updated_at);
}

static void
add_version(struct buf *out, const struct journal_mapping *m)
{
	buf_adds(out, "{\"type\":");
	buf_add_json_string(out, m->type, strlen(m->type));
	buf_adds(out, ",\"system\":");
	buf_add_json_string(out, m->system, strlen(m->system));
	buf_addf(out, ",\"version\":%d,\"current\":%s,\"origin\":",
	    m->version, m->version == m->head ? "true" : "false");
	if (m->origin != NULL)
		buf_add_json_string(out, m->origin, strlen(m->origin));
	else
		buf_adds(out, "null");
	buf_addf(out, ",\"created_at\":%lld,\"program\":",
	    (long long)m->created_at);
	buf_add_json_string(out, m->program, strlen(m->program));
	buf_addc(out, '}');
}

/* A journal_mapping_fn adding each pair to an array being written. */
static int
list_row(void *ctx, const struct journal_mapping *m)
{
	struct buf *out = ctx;

	if (out->data[out->len - 1] != '[')
		buf_addc(out, ',');
	add_pair(out, m);
	return 0;
}

static int
version_row(void *ctx, const struct journal_mapping *m)
{
	struct buf *out = ctx;

	if (out->data[out->len - 1] != '[')
		buf_addc(out, ',');
	add_version(out, m);
	return 0;
}

static int
one_version(void *ctx, const struct journal_mapping *m)
{
	add_version(ctx, m);
	return 0;
}

int
ops_mappings_list(struct journal *j, struct buf *out)
{
	int rc;

	buf_addc(out, '[');
	if ((rc = journal_mapping_heads(j, list_row, out)) != 0)
		return rc;
	buf_addc(out, ']');
	return 0;
}

int
ops_mappings_show(struct journal *j, const char *type, const char *system,
    int version, struct buf *out, int *found)
{
	return journal_mapping_get(j, type, system, version, one_version, out,
	    found);
}

int
ops_mappings_versions(struct journal *j, const char *type, const char *system,
    struct buf *out, int *found)
{
	int rc;

	buf_addc(out, '[');
	if ((rc = journal_mapping_versions(j, type, system, version_row, out,
	    found)) != 0)
		return rc;
	buf_addc(out, ']');
	return 0;
}

static int
compiles(const char *program, const char *what, struct buf *err)
{
	struct buf msg = BUF_INIT;
	struct jqprog *p;

	if ((p = jqprog_compile(program, &msg)) == NULL) {
		buf_addf(err, "%s does not compile: %s", what, msg.data);
		buf_release(&msg);
		return OPS_MAPPINGS_REFUSED;
	}
	jqprog_free(p);
	buf_release(&msg);
	return 0;
}

int
ops_mappings_add(struct journal *j, const char *type, const char *system,
    const char *program, const char *origin, struct buf *out,
    struct buf *err)
{
	int rc, version, found;

	if ((rc = check_pair(type, system, err)) != 0 ||
	    (rc = compiles(program, "the program", err)) != 0)
		return rc;
	if ((rc = journal_begin(j)) != 0)
		return rc;
	if ((rc = journal_mapping_add(j, type, system, program, origin,
	    clock_ms(), &version)) != 0 || (rc = journal_commit(j)) != 0) {
		journal_rollback(j);
		return rc;
	}
	return ops_mappings_show(j, type, system, version, out, &found);
}

int
ops_mappings_rollback(struct journal *j, const char *type, const char *system,
    int version, struct buf *out, struct buf *err)
{
	int rc, done, found;

	if ((rc = journal_mapping_rollback(j, type, system, version,
	    clock_ms(), &done)) != 0)
		return rc;
	if (!done) {
		buf_addf(err, "%s/%s has no version %d", type, system,
		    version);
		return OPS_MAPPINGS_REFUSED;
	}
	return ops_mappings_show(j, type, system, version, out, &found);
}

/* The text of the file at path, or NULL with the reason in err. */
static char *
read_file(const char *path, struct buf *err)
{
	struct buf text = BUF_INIT;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		buf_addf(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (buf_read(&text, f, 0) != 0) {
		buf_addf(err, "%s: %s", path, strerror(errno));
		fclose(f);
		buf_release(&text);
		return NULL;
	}
	fclose(f);
	if (text.data == NULL)
		buf_adds(&text, "");
	return buf_detach(&text);
}

/* The seeds of one event type: its directory's SYSTEM.jq files. */
static int
seed_type(struct journal *j, const char *dir, const char *type, int64_t now,
    int *seeded, struct buf *err)
{
	struct buf path = BUF_INIT, system = BUF_INIT;
	struct dirent *e;
	char *program;
	size_t n;
	DIR *d;
	int rc = 0, added;

	buf_addf(&path, "%s/%s", dir, type);
	if ((d = opendir(path.data)) == NULL) {
		buf_release(&path);
		return 0;	/* not a directory: not a type's */
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (n <= 3 || strcmp(e->d_name + n - 3, ".jq") != 0)
			continue;
		buf_reset(&system);
		buf_add(&system, e->d_name, n - 3);
		buf_reset(&path);
		buf_addf(&path, "%s/%s/%s", dir, type, e->d_name);
		if ((rc = check_pair(type, system.data, err)) != 0)
			break;
		if ((program = read_file(path.data, err)) == NULL) {
			rc = OPS_MAPPINGS_REFUSED;
			break;
		}
		if ((rc = compiles(program, path.data, err)) == 0 &&
		    (rc = journal_mapping_seed(j, type, system.data, program,
		    path.data, now, &added)) == 0)
			*seeded += added;
		free(program);
	}
	closedir(d);
	buf_release(&path);
	buf_release(&system);
	return rc;
}

int
ops_mappings_seed(struct journal *j, const char *datadir, int *seeded,
    struct buf *err)
{
	struct buf dir = BUF_INIT;
	struct dirent *e;
	DIR *d;
	int rc = 0;

	*seeded = 0;
	buf_addf(&dir, "%s/mappings", datadir);
	if ((d = opendir(dir.data)) == NULL) {
		buf_addf(err, "%s: %s", dir.data, strerror(errno));
		buf_release(&dir);
		return OPS_MAPPINGS_REFUSED;
	}
	if ((rc = journal_begin(j)) == 0) {
		while (rc == 0 && (e = readdir(d)) != NULL)
			if (e->d_name[0] != '.')
				rc = seed_type(j, dir.data, e->d_name,
				    clock_ms(), seeded, err);
		if (rc == 0)
			rc = journal_commit(j);
		if (rc != 0) {
			journal_rollback(j);
			*seeded = 0;
		}
	}
	closedir(d);
	buf_release(&dir);
	return rc;
}

int
ops_mappings_test(struct journal *j, const struct cfg *cfg, const char *type,
    const char *system, jv event, struct buf *out, int *n, struct buf *err)
{
	struct map m;
	char serr[512];
	jv t;
	int same;

	t = jv_object_get(jv_copy(event), jv_string("type"));
	same = jv_get_kind(t) == JV_KIND_STRING &&
	    strcmp(jv_string_value(t), type) == 0;
	jv_free(t);
	if (!same) {
		jv_free(event);
		buf_addf(err, "the event's type is not '%s'", type);
		return OPS_MAPPINGS_REFUSED;
	}
	if (map_init(&m, cfg, err) != 0) {
		jv_free(event);
		return OPS_MAPPINGS_CONFIG;
	}
	if ((m.store = mapstore_open(j, serr,
	    sizeof(serr))) == NULL) {
		jv_free(event);
		map_release(&m);
		buf_adds(err, serr);
		return -1;
	}
	*n = map_test(&m, event, system, out, err);
	mapstore_close(m.store);
	map_release(&m);
	return *n < 0 ? OPS_MAPPINGS_REFUSED : 0;
}
