/*
 * seal: unit tests of lib/journal/seal: values sealed with AES-256-GCM,
 * bound to their row, under keys that rotate.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "journal/journal.h"
#include "journal/private.h"
#include "journal/sqlite.h"
#include "journal/seal.h"

#include "tap.h"

static const unsigned char k1[SEAL_KEY_LEN] = "0123456789abcdef0123456789abcdef";
static const unsigned char k2[SEAL_KEY_LEN] = "fedcba9876543210fedcba9876543210";

#define VALUE	"{\"name\":\"Maria\",\"phone\":\"+5511987654321\"}"
#define AAD	"raw_envelopes.envelope:42"

/* Opens sealed with s and aad: whether it gave exactly VALUE. */
static int
opens(struct seal *s, const struct buf *sealed, const char *aad)
{
	struct buf out = BUF_INIT;
	int ok;

	ok = seal_open(s, sealed->data, sealed->len, aad, strlen(aad), &out,
	    NULL, NULL) == 0 && out.len == strlen(VALUE) &&
	    memcmp(out.data, VALUE, out.len) == 0;
	buf_release(&out);
	return ok;
}

static void
test_round_trip(void)
{
	struct seal *s = seal_new(), *other = seal_new();
	struct buf a = BUF_INIT, b = BUF_INIT, out = BUF_INIT;
	const char *id;
	size_t idlen;

	ok(!seal_on(s), "no key: nothing is sealed");
	ok(seal_value(s, VALUE, strlen(VALUE), AAD, strlen(AAD), &a) == -1,
	    "no key: seal_value refuses");
	ok(seal_add(s, "k1", k1, 1) == 0 && seal_on(s), "a current key");
	ok(seal_add(s, "k1", k2, 0) == -1, "an id twice is refused");
	ok(seal_add(s, "", k2, 0) == -1, "an empty id is refused");
	ok(seal_value(s, VALUE, strlen(VALUE), AAD, strlen(AAD), &a) == 0 &&
	    seal_is_sealed(a.data, a.len), "sealed");
	ok(memmem(a.data, a.len, "Maria", 5) == NULL &&
	    memmem(a.data, a.len, "5511", 4) == NULL,
	    "the sealed form holds no plain text");
	ok(opens(s, &a, AAD), "it opens with its row's associated data");
	ok(!opens(s, &a, "raw_envelopes.envelope:43"),
	    "another row's does not open it");
	ok(seal_value(s, VALUE, strlen(VALUE), AAD, strlen(AAD), &b) == 0 &&
	    (a.len != b.len || memcmp(a.data, b.data, a.len) != 0),
	    "the same value sealed twice differs (a nonce each)");
	a.data[a.len - 1] ^= 1;
	ok(!opens(s, &a, AAD), "a byte changed: it does not open");
	a.data[a.len - 1] ^= 1;
	ok(seal_add(other, "k1", k2, 1) == 0 && !opens(other, &a, AAD),
	    "another key of the same id does not open it");
	ok(seal_open(s, a.data, a.len, AAD, strlen(AAD), &out, &id,
	    &idlen) == 0 && idlen == 2 && memcmp(id, "k1", 2) == 0,
	    "it names the key it was sealed with");
	ok(!seal_is_sealed(VALUE, strlen(VALUE)) &&
	    !seal_is_sealed("\xe1", 1),
	    "JSON text and a short blob are not sealed values");
	ok(seal_open(s, VALUE, strlen(VALUE), AAD, strlen(AAD), &out, NULL,
	    NULL) == -1, "seal_open refuses what is not sealed");
	buf_release(&a);
	buf_release(&b);
	buf_release(&out);
	seal_free(s);
	seal_free(other);
}

static void
test_rotation(void)
{
	struct seal *s = seal_new();
	struct buf old = BUF_INIT, now = BUF_INIT, out = BUF_INIT;
	const char *id;
	size_t idlen;

	seal_add(s, "k1", k1, 1);
	seal_value(s, VALUE, strlen(VALUE), AAD, strlen(AAD), &old);
	seal_free(s);
	/* k2 the current key now, k1 kept to read what it sealed. */
	s = seal_new();
	seal_add(s, "k2", k2, 1);
	seal_add(s, "k1", k1, 0);
	ok(opens(s, &old, AAD), "rotated: a value of the previous key opens");
	seal_value(s, VALUE, strlen(VALUE), AAD, strlen(AAD), &now);
	ok(seal_open(s, now.data, now.len, AAD, strlen(AAD), &out, &id,
	    &idlen) == 0 && idlen == 2 && memcmp(id, "k2", 2) == 0,
	    "rotated: new values are sealed with the current key");
	ok(strcmp(seal_current_id(s), "k2") == 0,
	    "the current key: the one a rekey seals with");
	ok(seal_key_id(old.data, old.len, &id, &idlen) == 0 && idlen == 2 &&
	    memcmp(id, "k1", 2) == 0 && seal_knows(s, id, idlen) &&
	    !seal_knows(s, "k3", 2) && seal_key_id(VALUE, strlen(VALUE), &id,
	    &idlen) == -1, "the key a value names, and whether it is known");
	seal_free(s);
	/* No current key: the sealed are stale, to be written plain. */
	s = seal_new();
	seal_add(s, "k2", k2, 0);
	ok(seal_current_id(s) == NULL && seal_current_id(NULL) == NULL,
	    "no current key: none, and a rekey writes values plain");
	seal_free(s);
	s = seal_new();
	seal_add(s, "k2", k2, 1);
	ok(!opens(s, &old, AAD), "a key dropped: its values no longer open");
	buf_release(&old);
	buf_release(&now);
	buf_release(&out);
	seal_free(s);
}

static void
test_empty(void)
{
	struct seal *s = seal_new();
	struct buf a = BUF_INIT, out = BUF_INIT;

	seal_add(s, "k1", k1, 1);
	ok(seal_value(s, "", 0, "", 0, &a) == 0 &&
	    seal_open(s, a.data, a.len, "", 0, &out, NULL, NULL) == 0 &&
	    out.len == 0, "an empty value, no associated data");
	buf_release(&a);
	buf_release(&out);
	seal_free(s);
}

/*
 * A forked child must not take its parent's next nonce: both seal one
 * value after the fork, and their nonces (after the version, the id's
 * length and "k1") differ.
 */
static void
test_fork(void)
{
	struct seal *s = seal_new();
	struct buf a = BUF_INIT, b = BUF_INIT;
	unsigned char child[12];
	int fd[2], status;
	pid_t pid;

	seal_add(s, "k1", k1, 1);
	seal_value(s, VALUE, strlen(VALUE), AAD, strlen(AAD), &a);
	buf_reset(&a);
	if (pipe(fd) != 0 || (pid = fork()) == -1) {
		ok(0, "pipe or fork");
		return;
	}
	if (pid == 0) {
		seal_value(s, VALUE, strlen(VALUE), AAD, strlen(AAD), &b);
		_exit(write(fd[1], b.data + 4, sizeof(child)) ==
		    (ssize_t)sizeof(child) ? 0 : 1);
	}
	close(fd[1]);
	seal_value(s, VALUE, strlen(VALUE), AAD, strlen(AAD), &a);
	ok(read(fd[0], child, sizeof(child)) == (ssize_t)sizeof(child) &&
	    waitpid(pid, &status, 0) == pid && status == 0 &&
	    memcmp(child, a.data + 4, sizeof(child)) != 0,
	    "a forked child draws nonces of its own");
	close(fd[0]);
	buf_release(&a);
	buf_release(&b);
	seal_free(s);
}

/* One value of SQL through the journal's connection, as text. */
static int
sql_text(struct journal *j, const char *sql, struct buf *out)
{
	sqlite3_stmt *st;
	int rc;

	buf_reset(out);
	buf_adds(out, "");
	if (sqlite3_prepare_v2(journal_sqlite_db(j), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_BLOB)
			buf_adds(out, "(blob)");
		else if (sqlite3_column_text(st, 0) != NULL)
			buf_adds(out, (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Whether journal_aad's form of a sync record's job and key is what
 * SQLite's json_array('sync_records', job, key) writes, for texts with
 * what a JSON string escapes.
 */
static int
records_aad_as_sqlite(struct journal *j)
{
	static const char *const texts[] = {
		"clinics", "a\"b", "back\\slash", "line\nfeed\ttab\r",
		"ctl\001\037\177", "ção", "sep\xe2\x80\xa8", ""
	};
	struct buf aad = BUF_INIT;
	sqlite3_stmt *st;
	size_t a, b;
	int same = 1;

	if (sqlite3_prepare_v2(journal_sqlite_db(j), "SELECT json_array("
	    "'sync_records', ?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		return 0;
	for (a = 0; a < NELEM(texts); a++)
		for (b = 0; b < NELEM(texts); b++) {
			sqlite3_bind_text(st, 1, texts[a], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, texts[b], -1, SQLITE_STATIC);
			journal_aad(&aad, NULL, texts[a], strlen(texts[a]),
			    texts[b], strlen(texts[b]));
			if (sqlite3_step(st) != SQLITE_ROW ||
			    (size_t)sqlite3_column_bytes(st, 0) != aad.len ||
			    memcmp(sqlite3_column_text(st, 0), aad.data,
			    aad.len) != 0)
				same = 0;
			sqlite3_reset(st);
		}
	sqlite3_finalize(st);
	buf_release(&aad);
	return same;
}

static void
test_sql(void)
{
	char dir[] = "/tmp/seal-test.XXXXXX", db[64], err[256];
	struct journal *j;
	struct seal *s = seal_new();
	struct buf out = BUF_INIT;
	const char *suffix[] = { "", "-wal", "-shm" };
	size_t i;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(db, sizeof(db), "%s/journal.db", dir);
	if ((j = journal_open(db, err, sizeof(err), NULL)) == NULL) {
		ok(0, "journal_open: %s", err);
		return;
	}
	ok(sql_text(j, "SELECT integra_seal('{\"a\":1}', 'raw:1')", &out) ==
	    0 && strcmp(out.data, "{\"a\":1}") == 0,
	    "SQL: no keys, integra_seal keeps the value as it is");
	seal_add(s, "k1", k1, 1);
	journal_set_seal(j, s);
	ok(sql_text(j, "SELECT integra_seal('{\"a\":1}', 'raw:1')", &out) ==
	    0 && strcmp(out.data, "(blob)") == 0,
	    "SQL: with a key, integra_seal makes a sealed blob");
	ok(sql_text(j, "SELECT json_extract(integra_open(integra_seal("
	    "'{\"a\":1}', 'raw:1'), 'raw:1'), '$.a')", &out) == 0 &&
	    strcmp(out.data, "1") == 0,
	    "SQL: integra_open gives the JSON back to json_extract");
	ok(sql_text(j, "SELECT integra_open(integra_seal('x', 'raw:1'),"
	    " 'raw:2')", &out) == -1,
	    "SQL: another row's value is an error, not an empty one");
	ok(sql_text(j, "SELECT integra_open('plain', 'raw:1')", &out) == 0 &&
	    strcmp(out.data, "plain") == 0,
	    "SQL: integra_open keeps a value not sealed as it is");
	ok(records_aad_as_sqlite(j), "a record's aad in C is SQLite's"
	    " json_array, byte for byte (a sealed record copies between"
	    " backends)");
	journal_close(j);	/* and the seal it was given */
	buf_release(&out);
	for (i = 0; i < NELEM(suffix); i++) {
		snprintf(db, sizeof(db), "%s/journal.db%s", dir, suffix[i]);
		unlink(db);
	}
	rmdir(dir);
}

int
main(void)
{
	test_round_trip();
	test_rotation();
	test_empty();
	test_fork();
	test_sql();
	return tap_done();
}
