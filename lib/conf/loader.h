/*
 * loader: what every section of integra.yaml is read with (config.c and
 * a file a section beside it): the YAML document being read, and getters
 * that check a node and say where it is wrong, once, as "FILE:LINE:
 * reason" in the loader's err.  Each returns 0, or -1 with the reason
 * set (loader_scalar and loader_node: NULL).
 *
 * Ownership: a getter that fills a char ** frees what it held and leaves
 * a malloc'd copy, which cfg_free frees; a list (loader_list,
 * loader_names) is a malloc'd array of malloc'd strings, freed with
 * loader_free_names.  The document and its nodes belong to the loader.
 */
#ifndef INTEGRA_CONF_LOADER_H
#define INTEGRA_CONF_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

struct cfg_header;

struct loader {
	yaml_document_t	 doc;
	const char	*file;
	char		*err;
	size_t		 errsz;
};

/* Says what is wrong with node n (NULL: the file), returns -1. */
int	loader_bad(struct loader *, const yaml_node_t *n, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
yaml_node_t	*loader_node(struct loader *, int);
int	loader_line(const yaml_node_t *);
const char	*loader_scalar(struct loader *, const yaml_node_t *,
	    const char *what);
int	loader_string(struct loader *, const yaml_node_t *, const char *what,
	    char **out);
/* A path, one that is relative taken from the config file's directory. */
int	loader_path(struct loader *, const yaml_node_t *, const char *what,
	    char **out);
int	loader_long(struct loader *, const yaml_node_t *, const char *what,
	    long min, long max, long *out);
/* A duration: milliseconds, or a number with ms, s, m, h or d. */
int	loader_duration(struct loader *, const yaml_node_t *,
	    const char *what, int64_t *out);
int	loader_bool(struct loader *, const yaml_node_t *, const char *what,
	    int *out);
/* One of words, as its index in *out. */
int	loader_word(struct loader *, const yaml_node_t *, const char *what,
	    const char *const words[], int *out);
/* Names: of targets, routes, tenants, event types; no blanks, no quotes. */
int	loader_valid_name(const char *);
/* One e-mail address, alone: mail.h checks it again when it sends. */
int	loader_valid_address(const char *);
/* A list of strings each valid() takes, a kind of thing. */
int	loader_list(struct loader *, const yaml_node_t *, const char *what,
	    int (*valid)(const char *), const char *kind, char ***out,
	    size_t *nout);
int	loader_names(struct loader *, const yaml_node_t *, const char *what,
	    char ***out, size_t *nout);
void	loader_free_names(char **, size_t);
/* A mapping of template names to strings (a step's vars, branding). */
int	loader_named(struct loader *, const yaml_node_t *, const char *what,
	    struct cfg_header **out, size_t *nout);
/* Calls fn for each key: value of mapping n; what names n in messages. */
typedef int (*loader_pair_fn)(struct loader *, void *, const char *key,
    const yaml_node_t *value);
int	loader_each(struct loader *, const yaml_node_t *n, const char *what,
	    loader_pair_fn fn, void *ctx);
/* "unknown key 'key' in what". */
int	loader_unknown(struct loader *, const yaml_node_t *, const char *key,
	    const char *what);

#endif
