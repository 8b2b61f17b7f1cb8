/*
 * template: the message templates under share/templates, in a tiny, safe
 * syntax.  {{name}} stands for a variable's value and {{brand.key}} for a
 * branding setting (blanks inside the braces are allowed); nothing else
 * is special: no logic, no includes, no way for a value to become markup.
 * In an HTML part every value is escaped (& < > " ').
 *
 * Ownership: template_parse copies text; the template it returns owns
 * that copy and its names, and template_free frees it all.  template_var
 * points into the template until then.  template_render appends to the
 * caller's out and only reads the values value() returns.
 */
#ifndef INTEGRA_RULES_TEMPLATE_H
#define INTEGRA_RULES_TEMPLATE_H

#include <stddef.h>

struct buf;
struct template;

/*
 * Parses text, an HTML part if html.  NULL with "line N: reason" in err
 * for a {{ not closed or a name that is not one.
 */
/*
 * Whether s[0..n) is a variable's name: a letter or _, then letters,
 * digits and _, at most 64.
 */
int		 template_name_valid(const char *s, size_t n);
struct template	*template_parse(const char *text, size_t len, int html,
		    struct buf *err);
void		 template_free(struct template *);
/* The names it uses, each once, in order: "first_name", "brand.name". */
size_t		 template_nvars(const struct template *);
const char	*template_var(const struct template *, size_t i);
/* A variable's value, or NULL if it has none. */
typedef const char *(*template_value_fn)(void *ctx, const char *name);
/*
 * Appends the text with each name replaced by value(ctx, name).  -1 with
 * the name in err if one has no value: a template is never sent with a
 * blank where a value should be.
 */
int		 template_render(const struct template *, template_value_fn,
		    void *ctx, struct buf *out, struct buf *err);

#endif
