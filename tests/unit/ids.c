/*
 * ids: unit tests of lib/base/ids: UUIDv7 ids made, derived and checked.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/ids.h"

#include "tap.h"

static int
id_bits_ok(const char *id)
{
	return id_valid(id) && id[14] == '7' && strchr("89ab", id[19]) != NULL;
}

/*
 * id_derive done another way: the parent's first 13 characters, then the
 * SHA-256 of parent NUL tail as hex, with version and variant set.
 */
static const char *
derive_ref(const char *parent, const char *tail, size_t n)
{
	static char	 out[ID_LEN + 1];
	unsigned char	 md[SHA256_DIGEST_LENGTH];
	char		 hex[2 * SHA256_DIGEST_LENGTH + 1];
	struct buf	 in = BUF_INIT;
	int		 i;

	buf_adds(&in, parent);
	if (tail != NULL) {
		buf_addc(&in, '\0');
		buf_add(&in, tail, n);
	}
	SHA256((const unsigned char *)in.data, in.len, md);
	buf_release(&in);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(out, sizeof(out), "%.13s-7%.3s-%c%.3s-%.12s", parent, hex + 1,
	    "89ab89ab89ab89ab"[strtol((char[]){ hex[4], '\0' }, NULL, 16)],
	    hex + 5, hex + 8);
	return out;
}

static void
test_ids(void)
{
	static const char *const parts1[] = { "route", "crm" };
	static const char *const parts2[] = { "route", "erp" };
	static const char *const parts3[] = { "routecrm" };
	static const char *const parts4[] = { "crm", "route" };
	static const char *const parts5[] = { "rout", "ecrm" };
	char	 id[ID_LEN + 1], prev[ID_LEN + 1], a[ID_LEN + 1];
	char	 b[ID_LEN + 1], c[ID_LEN + 1];
	int64_t	 now, t, last;
	long	 i;
	int	 good, order, mono, p[2];
	pid_t	 pid;
	ssize_t	 n;

	now = clock_ms();
	id_new(id);
	ok(strlen(id) == ID_LEN && id_valid(id), "ids: id_new is a canonical "
	    "UUID: %s", id);
	ok(id[14] == '7', "ids: version 7");
	ok(strchr("89ab", id[19]) != NULL, "ids: variant 10");
	t = id_time_ms(id);
	ok(t >= now && t <= now + 1000, "ids: timestamp is now");

	good = order = mono = 1;
	strcpy(prev, id);
	last = t;
	for (i = 0; i < 100000; i++) {
		id_new(id);
		if (!id_bits_ok(id))
			good = 0;
		if (strcmp(prev, id) >= 0)
			order = 0;
		if ((t = id_time_ms(id)) < last)
			mono = 0;
		last = t;
		memcpy(prev, id, sizeof(prev));
	}
	ok(good, "ids: 100000 ids valid, version 7, variant 10");
	ok(order, "ids: 100000 ids strictly increasing, so unique");
	ok(mono && last <= clock_ms() + 100, "ids: timestamps never go back, "
	    "never far ahead");

	/* After fork the child must not reuse the parent's random bytes. */
	if (pipe(p) == 0 && (pid = fork()) != -1) {
		if (pid == 0) {
			id_new(a);
			_exit(write(p[1], a, ID_LEN) == ID_LEN ? 0 : 1);
		}
		close(p[1]);
		id_new(b);
		n = read(p[0], a, ID_LEN);
		a[ID_LEN] = '\0';
		close(p[0]);
		reap(pid);
		ok(n == ID_LEN && id_valid(a) && strcmp(a, b) != 0 &&
		    strcmp(a + 19, b + 19) != 0, "ids: parent and forked "
		    "child make different ids");
	} else
		ok(0, "ids: fork");

	id_new(id);
	id_derive(a, id, parts1, NELEM(parts1));
	id_derive(b, id, parts1, NELEM(parts1));
	ok(strcmp(a, b) == 0 && id_bits_ok(a), "ids: id_derive is stable and "
	    "a UUIDv7");
	ok(id_time_ms(a) == id_time_ms(id), "ids: id_derive keeps the "
	    "parent's timestamp");
	ok(strncmp(a, id, 13) == 0, "ids: id_derive keeps the parent's first "
	    "48 bits");
	id_derive(c, id, parts2, NELEM(parts2));
	ok(strcmp(a, c) != 0, "ids: other parts give another id");
	id_derive(c, id, parts3, NELEM(parts3));
	ok(strcmp(a, c) != 0, "ids: parts are kept apart (\"route\",\"crm\" "
	    "vs \"routecrm\")");
	id_derive(c, id, parts5, NELEM(parts5));
	ok(strcmp(a, c) != 0, "ids: parts are kept apart (\"rout\",\"ecrm\")");
	id_derive(c, id, parts4, NELEM(parts4));
	ok(strcmp(a, c) != 0, "ids: the order of the parts counts");
	id_derive(c, id, parts1, 1);
	ok(strcmp(a, c) != 0, "ids: the number of parts counts");
	id_new(prev);
	id_derive(c, prev, parts1, NELEM(parts1));
	ok(strcmp(a, c) != 0, "ids: another parent gives another id");
	id_derive(c, "not-an-id", parts1, NELEM(parts1));
	ok(id_bits_ok(c) && strncmp(c, "00000000-0000-7", 15) == 0 &&
	    id_time_ms(c) == 0, "ids: an invalid parent gives timestamp 0: %s",
	    c);
	id_derive(c, "0193583c-ef7b-7abc-8def-0123456789ab", parts1,
	    NELEM(parts1));
	ok(strcmp(c, derive_ref("0193583c-ef7b-7abc-8def-0123456789ab",
	    "route\0crm", 9)) == 0, "ids: id_derive is SHA-256 of parent "
	    "NUL part0 NUL part1: %s", c);
	id_derive(c, "0193583c-ef7b-7abc-8def-0123456789ab", NULL, 0);
	ok(strcmp(c, derive_ref("0193583c-ef7b-7abc-8def-0123456789ab", NULL,
	    0)) == 0, "ids: id_derive without parts: %s", c);

	ok(id_valid("0193583c-ef7b-7abc-8def-0123456789ab"),
	    "ids: valid lower-case UUID");
	ok(!id_valid("0193583C-EF7B-7ABC-8DEF-0123456789AB"),
	    "ids: upper case is not canonical");
	ok(!id_valid("0193583c-ef7b-7abc-8def-0123456789a"),
	    "ids: 35 characters");
	ok(!id_valid("0193583c-ef7b-7abc-8def-0123456789abc"),
	    "ids: 37 characters");
	ok(!id_valid("0193583cef7b-7abc-8def-0123456789ab-"),
	    "ids: dashes misplaced");
	ok(!id_valid("0193583c-ef7b-7abc-8def-0123456789ag"), "ids: not hex");
	ok(!id_valid("") && !id_valid(NULL), "ids: empty and NULL");
	ok(id_time_ms("0193583c-ef7b-7abc-8def-0123456789ab") ==
	    INT64_C(0x0193583cef7b), "ids: id_time_ms of a known UUIDv7");
	ok(id_time_ms("0193583c-ef7b-4abc-8def-0123456789ab") == -1,
	    "ids: id_time_ms of a UUIDv4 is -1");
	ok(id_time_ms("ffffffff-ffff-7fff-bfff-ffffffffffff") ==
	    INT64_C(0xffffffffffff), "ids: id_time_ms of the largest");
	ok(id_time_ms("junk") == -1, "ids: id_time_ms of junk is -1");
}

int
main(void)
{
	test_ids();
	return tap_done();
}
