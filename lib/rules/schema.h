/*
 * schema: what each event type's data must hold, as data files.
 *
 * One file a type, DIR/TYPE.json, in a subset of JSON Schema: "type"
 * (a name or a list of names), "required", "properties" (nested),
 * "anyOf" of {"required": [...]}, "enum", "minLength", and "format":
 * "email" (lower-cased and checked) and "phone" (rewritten to E.164).
 * Members not named in "properties" pass through untouched.
 *
 * Ownership: a schema_set owns its schemas; schema_apply consumes its data
 * and hands back the canonical data in *out, which the caller frees.
 */
#ifndef INTEGRA_RULES_SCHEMA_H
#define INTEGRA_RULES_SCHEMA_H

#include <stddef.h>

#include <jv.h>

struct schema_set;

/*
 * Loads every .json file of the n directories dirs, a type's first file
 * winning: the user's directory before the shipped one.  NULL with
 * "FILE: reason" in err on failure.
 */
struct schema_set	*schema_load(const char *const dirs[], size_t n,
			    char *err, size_t errsz);
void			 schema_free(struct schema_set *);
size_t			 schema_count(const struct schema_set *);
/* The i-th type name, in name order. */
const char		*schema_type(const struct schema_set *, size_t i);
/* 1 if type has a schema. */
int			 schema_has(const struct schema_set *, const char *type);
/*
 * Checks data (consumed) against type's schema, with phones in E.164 using
 * calling_code for numbers without one.  Returns 0 with *out set, or -1
 * with the reason, naming the field ("field 'phone': ..."), in err.
 */
int			 schema_apply(const struct schema_set *,
			    const char *type, jv data, const char *calling_code,
			    jv *out, char *err, size_t errsz);

#endif
