/*
 * options: the programs' options, read and shown from their tables.  See
 * cli/options.h.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/exitcode.h"
#include "base/log.h"
#include "cli/options.h"

#define WIDTH		80	/* a usage line is narrower */
#define LONG_ONLY	256	/* getopt_long's value for a long option */

/* An option as getopt_long is told of it. */
struct slot {
	const struct options_spec	*spec;
	int				 val;
	int				 extra;	/* not the program's own */
};

/* A usage line as it is written: the column and where a new line starts. */
struct wrap {
	FILE	*f;
	size_t	 col;
	size_t	 indent;
};

static const struct options_spec builtins[] = {
	{ .letter = 'V', .name = "version", .kind = OPTIONS_KIND_VERSION },
	{ .letter = 'h', .name = "help", .kind = OPTIONS_KIND_HELP },
	OPTIONS_END
};

static int
end(const struct options_command *c)
{
	return c->name == NULL && c->opts == NULL && c->operands == NULL;
}

/* The line called name, or with name NULL the first without a command. */
static const struct options_command *
find(const struct options_program *p, const char *name)
{
	const struct options_command *c;

	for (c = p->commands; c != NULL && !end(c); c++)
		if (name == NULL ? c->name == NULL : c->name != NULL &&
		    strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int
takes_arg(const struct options_spec *o)
{
	return o->kind != OPTIONS_KIND_FLAG && o->kind != OPTIONS_KIND_HELP &&
	    o->kind != OPTIONS_KIND_VERSION;
}

static size_t
count(const struct options_spec *t)
{
	size_t n = 0;

	for (; t != NULL && t->kind != OPTIONS_KIND_END; t++)
		n++;
	return n;
}

/* Adds t's options to s[0..*n). */
static void
add(struct slot *s, size_t *n, const struct options_spec *t, int extra)
{
	for (; t != NULL && t->kind != OPTIONS_KIND_END; t++) {
		if (t->kind == OPTIONS_KIND_SHOW)
			continue;
		s[*n].spec = t;
		s[*n].val = t->letter != 0 ? t->letter : LONG_ONLY + (int)*n;
		s[*n].extra = extra;
		(*n)++;
	}
}

static int
version(const struct options_program *p)
{
	printf("%s %s\n", p->name, PACKAGE_VERSION);
	return EX_OK;
}

/* Sets what o sets from arg: 0, or -1 with *rc the status to exit with. */
static int
set(const struct options_program *p, const struct options_spec *o,
    const char *arg, int *rc)
{
	char err[256];
	int64_t ms;
	long v;

	switch (o->kind) {
	case OPTIONS_KIND_FLAG:
		*(int *)o->value = 1;
		return 0;
	case OPTIONS_KIND_STRING:
		*(const char **)o->value = arg;
		return 0;
	case OPTIONS_KIND_NUMBER:
	case OPTIONS_KIND_SIZE:
		if ((v = options_number(arg, o->min, o->max)) < 0) {
			if (o->error != NULL)
				log_error(NULL, "%s", o->error);
			break;
		}
		if (o->kind == OPTIONS_KIND_NUMBER)
			*(long *)o->value = v;
		else
			*(size_t *)o->value = (size_t)v;
		return 0;
	case OPTIONS_KIND_DURATION:
		if (clock_duration(arg, &ms) != 0 || ms < o->min)
			break;
		*(int64_t *)o->value = ms;
		return 0;
	case OPTIONS_KIND_CALLBACK:
		if (o->fn(o->value, o->name, arg, err, sizeof(err)) != 0) {
			log_error(NULL, "%s", err);
			break;
		}
		return 0;
	case OPTIONS_KIND_HELP:
		*rc = options_help(p);
		return -1;
	case OPTIONS_KIND_VERSION:
		*rc = version(p);
		return -1;
	case OPTIONS_KIND_END:
	case OPTIONS_KIND_SHOW:
		break;
	}
	*rc = options_usage(p);
	return -1;
}

/*
 * Reads the options of cmd (NULL: the program's), as options_parse does;
 * *extra is set if one read is of a line without a command or of the
 * implied command.
 */
static int
parse(const struct options_program *p, const struct options_command *cmd,
    int argc, char *argv[], int *extra, int *rc)
{
	const struct options_command *c;
	struct option *longopts;
	struct slot *s;
	struct buf optstring = BUF_INIT;
	size_t i, k, n = 0, max;
	int ch, first = -1;

	max = count(p->opts) + count(builtins);
	if (cmd != NULL)
		max += count(cmd->opts);
	for (c = p->commands; cmd == NULL && c != NULL && !end(c); c++)
		max += count(c->opts);
	s = xcalloc(max, sizeof(*s));
	longopts = xcalloc(max + 1, sizeof(*longopts));
	if (cmd != NULL) {
		add(s, &n, cmd->opts, 0);
		add(s, &n, p->opts, 0);
	} else {
		add(s, &n, p->opts, 0);
		/* "+": with commands, the program's options end at one. */
		for (c = p->commands; c != NULL && !end(c); c++)
			if (c->name == NULL || c == find(p, p->implied))
				add(s, &n, c->opts, 1);
			else if (optstring.len == 0)
				buf_addc(&optstring, '+');
	}
	/* -V before a command only: a command's --version may be its own. */
	add(s, &n, cmd == NULL ? builtins : builtins + 1, 0);
	for (i = 0, k = 0; i < n; i++) {
		if (s[i].spec->letter != 0) {
			buf_addc(&optstring, (char)s[i].spec->letter);
			if (takes_arg(s[i].spec))
				buf_addc(&optstring, ':');
		}
		if (s[i].spec->name != NULL)
			longopts[k++] = (struct option){ s[i].spec->name,
			    takes_arg(s[i].spec) ? required_argument :
			    no_argument, NULL, s[i].val };
	}

	optind = 0;	/* glibc: start again, and read optstring's "+" */
	while ((ch = getopt_long(argc, argv, optstring.data, longopts,
	    NULL)) != -1) {
		for (i = 0; i < n && s[i].val != ch; i++)
			;
		if (i == n) {
			*rc = options_usage(p);
			goto out;
		}
		if (set(p, s[i].spec, optarg, rc) != 0)
			goto out;
		if (s[i].extra)
			*extra = 1;
	}
	first = optind;
out:
	buf_release(&optstring);
	free(longopts);
	free(s);
	return first;
}

int
options_parse(const struct options_program *p,
    const struct options_command *cmd, int argc, char *argv[], int *rc)
{
	int extra = 0;

	return parse(p, cmd, argc, argv, &extra, rc);
}

/* The operands c takes, or -1 if its text says more than a count. */
static int
operands(const struct options_command *c)
{
	const char *s = c->operands;
	int n = 0;

	if (s == NULL)
		return 0;
	if (strpbrk(s, "[|<") != NULL || strstr(s, "...") != NULL)
		return -1;
	for (; *s != '\0'; s++)
		if (*s != ' ' && (s[1] == ' ' || s[1] == '\0'))
			n++;
	return n;
}

int
options_command(const struct options_program *p, int argc, char *argv[],
    int *argi, int *rc)
{
	const struct options_command *c;
	char *word;
	int i, n, extra = 0;

	if ((i = parse(p, NULL, argc, argv, &extra, rc)) < 0)
		return -1;
	c = find(p, i < argc ? argv[i] : p->implied);
	if (c == NULL || (i < argc && extra && c != find(p, p->implied))) {
		*rc = options_usage(p);
		return -1;
	}
	*argi = i;
	if (i < argc) {
		/* getopt's messages name argv[0]: the program, not c. */
		word = argv[i];
		argv[i] = argv[0];
		n = parse(p, c, argc - i, argv + i, &extra, rc);
		argv[i] = word;
		if (n < 0)
			return -1;
		*argi = i + n;
	}
	if ((n = operands(c)) >= 0 && argc - *argi != n) {
		*rc = options_usage(p);
		return -1;
	}
	return (int)(c - p->commands);
}

long
options_number(const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (end == arg || *end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	return v;
}

static void
put(struct wrap *w, const char *s, size_t len)
{
	if (w->col >= w->indent && w->col + 1 + len >= WIDTH) {
		fprintf(w->f, "\n%*s", (int)w->indent, "");
		w->col = w->indent;
	} else {
		putc(' ', w->f);
		w->col++;
	}
	fwrite(s, 1, len, w->f);
	w->col += len;
}

/* a before b in a group of letters: as in a dictionary, -V before -v. */
static int
before(int a, int b)
{
	if (tolower(a) != tolower(b))
		return tolower(a) < tolower(b);
	return isupper(a);
}

/* Shows t's options: the letters without an argument first, together. */
static void
show(struct wrap *w, const struct options_spec *t, int help)
{
	const struct options_spec *o;
	struct buf tok = BUF_INIT;
	char group[64];
	size_t n = 0, i;
	long hidden = 0;
	int ch;

	if (help)
		group[n++] = 'h';
	for (o = t; o != NULL && o->kind != OPTIONS_KIND_END; o++) {
		if (o->kind == OPTIONS_KIND_SHOW)
			hidden = o->max;
		else if (hidden > 0)
			hidden--;
		else if (o->kind == OPTIONS_KIND_FLAG && o->letter != 0 &&
		    n < sizeof(group)) {
			ch = o->letter;
			for (i = n; i > 0 && before(ch, group[i - 1]); i--)
				group[i] = group[i - 1];
			group[i] = (char)ch;
			n++;
		}
	}
	if (n > 0) {
		buf_addf(&tok, "[-%.*s]", (int)n, group);
		put(w, tok.data, tok.len);
	}
	for (o = t; o != NULL && o->kind != OPTIONS_KIND_END; o++) {
		if (o->kind == OPTIONS_KIND_SHOW) {
			if (o->argname[0] != '\0')
				put(w, o->argname, strlen(o->argname));
			hidden = o->max;
			continue;
		}
		if (hidden > 0) {
			hidden--;
			continue;
		}
		if (o->kind == OPTIONS_KIND_FLAG && o->letter != 0)
			continue;
		buf_reset(&tok);
		if (o->letter != 0)
			buf_addf(&tok, "[-%c", o->letter);
		else
			buf_addf(&tok, "[--%s", o->name);
		if (o->argname != NULL)
			buf_addf(&tok, " %s", o->argname);
		buf_addc(&tok, ']');
		put(w, tok.data, tok.len);
	}
	buf_release(&tok);
}

/* One line of the usage: the program, its options, then c's. */
static void
line(const struct options_program *p, const struct options_command *c,
    FILE *f)
{
	struct wrap w = { f, 0, 0 };
	struct buf tok = BUF_INIT;
	int implied;

	fprintf(f, "%s %s", c == NULL || c == p->commands ? "usage:" :
	    "      ", p->name);
	w.col = strlen("usage: ") + strlen(p->name);
	w.indent = w.col + 1;
	show(&w, p->opts, 1);
	if (c == NULL)
		goto out;
	implied = c->name != NULL && c == find(p, p->implied);
	if (c->name != NULL) {
		buf_addf(&tok, "%s%s", implied ? "[" : "", c->name);
		put(&w, tok.data, tok.len);
	}
	show(&w, c->opts, 0);
	if (c->operands != NULL)
		put(&w, c->operands, strlen(c->operands));
	if (implied)
		putc(']', f);
out:
	putc('\n', f);
	buf_release(&tok);
}

static void
usage(const struct options_program *p, FILE *f)
{
	const struct options_command *c;

	if (p->commands == NULL || end(p->commands))
		line(p, NULL, f);
	for (c = p->commands; c != NULL && !end(c); c++)
		line(p, c, f);
	if (p->trailer != NULL)
		fputs(p->trailer, f);
}

int
options_help(const struct options_program *p)
{
	usage(p, stdout);
	return EX_OK;
}

int
options_usage(const struct options_program *p)
{
	usage(p, stderr);
	return EX_USAGE;
}
