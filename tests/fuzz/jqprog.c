/*
 * jqprog: what integra adds to jq for the messages sent to people in
 * Brazil (jqprog.c, integra.yaml(5)), on any value a record or an event
 * may hold (the input as JSON if json_validate takes it, else as a
 * string; and a string's number as tonumber reads it, an amount given as
 * text).  brl writes a number as
 * money, "R$ 1.234,50" (a minus in front if it is negative), its
 * centavos those of the number rounded, and fails for anything but a
 * number, one too large to write (1e15 and over) included.  dmy writes
 * a date YYYY-MM-DD of the calendar, or a time that starts with one, as
 * DD/MM/YYYY, and fails for anything else.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "cadence/day.h"
#include "json/jqprog.h"
#include "json/jsonscan.h"
#include "json/jvparse.h"

#include "fuzz.h"

#define BRL_MAX	1e15

static struct jqprog	*brl, *dmy, *tonumber;

/* At exit: libjq keeps a program's stack by its end (LeakSanitizer). */
static void
teardown(void)
{
	jqprog_free(brl);
	jqprog_free(dmy);
	jqprog_free(tonumber);
}

static struct jqprog *
compile(const char *text)
{
	struct buf	 err = BUF_INIT;
	struct jqprog	*p;

	if ((p = jqprog_compile(text, &err)) == NULL)
		fuzz_fail("%s: %s", text, err.data);
	buf_release(&err);
	return p;
}

/*
 * Runs p on v (consumed): 0 and *out, or -1.  A failure of brl or dmy
 * must be theirs, its reason named by what ("brl: ").
 */
static int
run(struct jqprog *p, jv v, jv *out, const char *what)
{
	struct buf	err = BUF_INIT;
	int		rc;

	if ((rc = jqprog_run(p, v, out, &err)) != 0 && what != NULL &&
	    (err.data == NULL || strstr(err.data, what) == NULL))
		fuzz_fail("%sfailed, but not as it says: %s", what,
		    err.data != NULL ? err.data : "(no reason)");
	buf_release(&err);
	return rc;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * The centavos of money text s ("R$ 1.234,50"), the sign apart, or -1
 * if s is not written so.
 */
static double
money_cents(const char *s)
{
	double	units = 0;
	size_t	group;

	if (strncmp(s, "R$ ", 3) != 0)
		return -1;
	s += 3;
	if (s[0] == '0' && s[1] != ',')
		return -1;
	for (group = 0; is_digit(*s) || *s == '.'; s++) {
		if (*s == '.') {
			if (group == 0 || group > 3)
				return -1;
			group = 0;
			continue;
		}
		if (++group > 3)
			return -1;
		units = units * 10 + (*s - '0');
	}
	/* Groups of three after the first, and two centavos. */
	if (group == 0 || s[-1] == '.' || s[0] != ',' || !is_digit(s[1]) ||
	    !is_digit(s[2]) || s[3] != '\0')
		return -1;
	return units * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/* Checks brl on the number x. */
static void
check_brl(double x)
{
	const char	*s;
	double		 cents, want;
	jv		 out;
	int		 rc;

	rc = run(brl, jv_number(x), &out, "brl: ");
	if (isnan(x) || !(fabs(x) < BRL_MAX)) {
		if (rc == 0)
			fuzz_fail("brl wrote %.17g as '%s'", x,
			    jv_get_kind(out) == JV_KIND_STRING ?
			    jv_string_value(out) : "?");
		return;
	}
	if (rc != 0)
		fuzz_fail("brl failed on %.17g", x);
	FUZZ_CHECK(jv_get_kind(out) == JV_KIND_STRING);
	s = jv_string_value(out);
	if (x < 0 && *s == '-')
		s++;
	if ((cents = money_cents(s)) < 0)
		fuzz_fail("brl wrote %.17g as '%s'", x, jv_string_value(out));
	/* Rounded to the centavo, as near as a double holds it. */
	want = fabs(x) * 100;
	if (fabs(cents - want) > 0.5 + want * 8 * DBL_EPSILON)
		fuzz_fail("brl wrote %.17g as '%s'", x, jv_string_value(out));
	jv_free(out);
}

/* Whether s[0..n) starts with a date YYYY-MM-DD of the calendar. */
static int
starts_with_date(const char *s, size_t n)
{
	int64_t	day;
	size_t	i;

	if (n < CADENCE_DAY_LEN || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < CADENCE_DAY_LEN; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return 0;
	/* The fields' digits alone: "2026-03-0315" starts with 2026-03-03. */
	return cadence_day_of((s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0'), (s[5] - '0') * 10 + (s[6] - '0'),
	    (s[8] - '0') * 10 + (s[9] - '0'), &day) == 0;
}

/* Checks dmy on v (consumed). */
static void
check_dmy(jv v)
{
	const char	*s, *o;
	size_t		 n;
	jv		 out;
	int		 rc, date;

	date = jv_get_kind(v) == JV_KIND_STRING &&
	    starts_with_date(jv_string_value(v),
	    (size_t)jv_string_length_bytes(jv_copy(v)));
	rc = run(dmy, jv_copy(v), &out, "dmy: ");
	if (!date) {
		if (rc == 0)
			fuzz_fail("dmy wrote '%.40s' as '%s'",
			    jv_get_kind(v) == JV_KIND_STRING ?
			    jv_string_value(v) : jv_kind_name(jv_get_kind(v)),
			    jv_get_kind(out) == JV_KIND_STRING ?
			    jv_string_value(out) : "?");
		jv_free(v);
		return;
	}
	if (rc != 0)
		fuzz_fail("dmy failed on '%.40s'", jv_string_value(v));
	FUZZ_CHECK(jv_get_kind(out) == JV_KIND_STRING);
	s = jv_string_value(v);
	o = jv_string_value(out);
	n = (size_t)jv_string_length_bytes(jv_copy(out));
	FUZZ_CHECK(n == 10 && o[2] == '/' && o[5] == '/');
	FUZZ_CHECK(memcmp(o, s + 8, 2) == 0 && memcmp(o + 3, s + 5, 2) == 0 &&
	    memcmp(o + 6, s, 4) == 0);
	jv_free(out);
	jv_free(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jv	v, n;

	if (brl == NULL) {
		brl = compile("brl");
		dmy = compile("dmy");
		tonumber = compile("tonumber");
		atexit(teardown);
	}
	/* A value: the JSON's, or the text as a string. */
	if (size > 1 << 20)
		return 0;
	if (json_validate((const char *)data, size, NULL, NULL) !=
	    JSON_INVALID)
		v = jvparse((const char *)data, size);
	else
		v = jv_string_sized((const char *)data, (int)size);

	if (jv_get_kind(v) == JV_KIND_NUMBER)
		check_brl(jv_number_value(v));
	else {
		if (run(brl, jv_copy(v), &n, "brl: ") == 0)
			fuzz_fail("brl wrote a %s",
			    jv_kind_name(jv_get_kind(v)));
		if (jv_get_kind(v) == JV_KIND_STRING &&
		    run(tonumber, jv_copy(v), &n, NULL) == 0) {
			FUZZ_CHECK(jv_get_kind(n) == JV_KIND_NUMBER);
			check_brl(jv_number_value(n));
			jv_free(n);
		}
	}
	check_dmy(v);
	return 0;
}
