/*
 * template: unit tests of lib/rules/template: message templates parsed and
 * rendered.
 */
#include <string.h>

#include "base/buf.h"
#include "rules/template.h"

#include "tap.h"

/* template_value_fn over a NULL-ended list of name, value pairs. */
static const char *
pair_value(void *ctx, const char *name)
{
	const char *const *kv = ctx;

	for (; kv[0] != NULL; kv += 2)
		if (strcmp(kv[0], name) == 0)
			return kv[1];
	return NULL;
}

static void
test_template(void)
{
	static const char *const vals[] = { "first_name", "Ana <b>&'\"",
	    "brand.name", "Cuidar", "n", "3", NULL };
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct template *t;
	const char *text = "Olá {{first_name}}! {{ brand.name }} tem {{n}}"
	    " vagas. {{first_name}}";

	t = template_parse(text, strlen(text), 0, &err);
	ok(t != NULL, "template: parses");
	ok(t != NULL && template_nvars(t) == 3 &&
	    strcmp(template_var(t, 0), "first_name") == 0 &&
	    strcmp(template_var(t, 1), "brand.name") == 0 &&
	    template_var(t, 3) == NULL, "template: its names, each once");
	ok(t != NULL && template_render(t, pair_value, (void *)vals, &out,
	    &err) == 0 && strcmp(out.data, "Olá Ana <b>&'\"! Cuidar tem 3"
	    " vagas. Ana <b>&'\"") == 0, "template: text, values as they are");
	template_free(t);
	buf_reset(&out);
	t = template_parse("<p>{{first_name}}</p>", 21, 1, &err);
	ok(t != NULL && template_render(t, pair_value, (void *)vals, &out,
	    &err) == 0 && strcmp(out.data,
	    "<p>Ana &lt;b&gt;&amp;&#39;&quot;</p>") == 0,
	    "template: HTML escapes every value");
	template_free(t);
	buf_reset(&out);
	t = template_parse("a {{missing}} b", 15, 0, &err);
	ok(t != NULL && template_render(t, pair_value, (void *)vals, &out,
	    &err) == -1 && strstr(err.data, "{{missing}} has no value") !=
	    NULL, "template: a variable without a value fails, no blank");
	template_free(t);
	buf_reset(&err);
	t = template_parse("x\ny {{a b}}", 11, 0, &err);
	ok(t == NULL && strstr(err.data, "line 2: {{a b}} is not a name") !=
	    NULL, "template: a name that is not one, with its line");
	buf_reset(&err);
	t = template_parse("x {{a\n}}", 8, 0, &err);
	ok(t == NULL && strstr(err.data, "line 1: {{ is not closed") != NULL,
	    "template: {{ not closed on its line");
	buf_reset(&err);
	/* The trust issue's finding 4: the copy stopped at the NUL while
	 * the pieces kept the whole length (ASan: heap over-read). */
	t = template_parse("a\n{{x}}\0 {{y}} and more", 23, 0, &err);
	ok(t == NULL && strstr(err.data, "line 2: holds a NUL byte") != NULL,
	    "template: a NUL byte is refused, with its line");
	buf_reset(&err);
	t = template_parse("no braces } { here", 18, 0, &err);
	buf_reset(&out);
	ok(t != NULL && template_nvars(t) == 0 && template_render(t,
	    pair_value, (void *)vals, &out, &err) == 0 &&
	    strcmp(out.data, "no braces } { here") == 0,
	    "template: text without names is itself");
	template_free(t);
	buf_release(&out);
	buf_release(&err);
}

int
main(void)
{
	test_template();
	return tap_done();
}
