/*
 * syncpage: a sync's page as a system's API answers it, on any bytes: a
 * clinics API's page of patients, each holding its contracts and their
 * installments (the collections' shape), read as integra-sync reads it.
 * What it promises (stage/syncpage.h): a page is read or refused with a
 * reason; each record gives its watermark and each kind's items, an item
 * a key ("KIND:KEY", without a NUL) and the canonical JSON of a value
 * that parses back to that value, or a reason its record is refused; and
 * a next link is on the target's own origin, without blanks, or refused.
 * The first byte picks: 0 a page, 1 the text of a next link.
 */
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "conf/config.h"
#include "json/jsonscan.h"
#include "json/jvparse.h"
#include "stage/syncpage.h"

#include "fuzz.h"

#define BASE	"https://clinics.example.com/api"
#define CURRENT	BASE "/patients?per_page=50"

static struct cfg_sync_kind kinds[] = {
	{ .name = "patient", .records = "[.]", .key = ".id",
	    .transform = "{id, name, updated_at}", .event = "patient.synced" },
	{ .name = "installment", .records = "[.contracts[]?.installments[]?]",
	    .key = ".id", .transform = "{id, due: .due_date, amount,"
	    " paid: (.paid_at != null)}", .event = "installment.synced" },
};

static struct cfg_sync job = {
	.name = "clinics", .path = "/patients", .paging = CFG_PAGING_LINK,
	.page_size = 50, .incremental = CFG_INCREMENTAL_UPDATED_SINCE,
	.records = ".data", .next = ".links.next", .total = ".meta.total",
	.watermark = ".updated_at", .kinds = kinds,
	.nkinds = sizeof(kinds) / sizeof(kinds[0]),
};

/* One item's promise kept. */
static void
check_item(const struct cfg_sync_kind *kd, jv pair)
{
	struct buf key = BUF_INIT, canon = BUF_INIT, why = BUF_INIT;
	jv value, back;

	if (syncpage_item(kd, pair, &key, &canon, &value, &why) != 0) {
		FUZZ_CHECK(why.len > 0);
		jv_free(value);
	} else {
		FUZZ_CHECK(key.len > strlen(kd->name) + 1);
		FUZZ_CHECK(strlen(key.data) == key.len);
		FUZZ_CHECK(json_validate(canon.data, canon.len, NULL, NULL) !=
		    JSON_INVALID);
		back = jvparse(canon.data, canon.len);
		FUZZ_CHECK(jv_equal(back, value));
	}
	buf_release(&key);
	buf_release(&canon);
	buf_release(&why);
}

static void
page(const struct syncpage_programs *progs, const char *s, size_t n)
{
	struct syncpage pg;
	struct buf err = BUF_INIT, mark = BUF_INIT, link = BUF_INIT;
	jv rec, pairs;
	size_t k;
	int i, j, count, npairs;

	if (syncpage_read(progs, s, n, &pg, &err) != 0) {
		FUZZ_CHECK(err.len > 0);
		FUZZ_CHECK(jv_get_kind(pg.records) == JV_KIND_NULL);
		syncpage_release(&pg);
		buf_release(&err);
		return;
	}
	FUZZ_CHECK(jv_get_kind(pg.records) == JV_KIND_ARRAY);
	count = jv_array_length(jv_copy(pg.records));
	for (i = 0; i < count; i++) {
		rec = jv_array_get(jv_copy(pg.records), i);
		syncpage_watermark(progs, rec, jv_null(), &mark);
		for (k = 0; k < job.nkinds; k++) {
			buf_reset(&err);
			if (syncpage_pairs(progs, k, rec, jv_null(), &pairs,
			    &err) != 0) {
				FUZZ_CHECK(err.len > 0);
				continue;
			}
			npairs = jv_array_length(jv_copy(pairs));
			for (j = 0; j < npairs; j++)
				check_item(&kinds[k], jv_array_get(
				    jv_copy(pairs), j));
			jv_free(pairs);
		}
		jv_free(rec);
	}
	buf_reset(&err);
	if (syncpage_next_link(BASE, CURRENT, &pg.next, &link, &err) == 1)
		FUZZ_CHECK(strncmp(link.data, "https://clinics.example.com",
		    27) == 0 && (link.data[27] == '/' || link.data[27] == '?'));
	syncpage_release(&pg);
	buf_release(&err);
	buf_release(&mark);
	buf_release(&link);
}

static void
next_link(const char *s, size_t n)
{
	struct buf next = BUF_INIT, link = BUF_INIT, err = BUF_INIT;
	int rc;

	buf_add(&next, s, n);
	rc = syncpage_next_link(BASE, CURRENT, &next, &link, &err);
	if (rc == 1) {
		FUZZ_CHECK(strncmp(link.data, "https://clinics.example.com",
		    27) == 0 && (link.data[27] == '/' || link.data[27] == '?'));
		FUZZ_CHECK(strpbrk(link.data, " \t\r\n") == NULL);
		FUZZ_CHECK(strlen(link.data) == link.len);
		FUZZ_CHECK(strcmp(link.data, CURRENT) != 0);
	} else if (rc == -1)
		FUZZ_CHECK(err.len > 0);
	else
		FUZZ_CHECK(rc == 0 && link.len == 0);
	buf_release(&next);
	buf_release(&link);
	buf_release(&err);
}

static struct syncpage_programs	progs;

/*
 * At exit: libjq holds a program's stack by a pointer to its end, which
 * LeakSanitizer takes for a leak while the program lives.
 */
static void
release(void)
{
	syncpage_programs_release(&progs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	compiled;
	struct buf	err = BUF_INIT;

	if (!compiled) {
		if (syncpage_compile(&job, &progs, &err) != 0)
			fuzz_fail("the job does not compile: %s", err.data);
		compiled = 1;
		atexit(release);
	}
	if (size < 1)
		return 0;
	if (data[0] == 0)
		page(&progs, (const char *)data + 1, size - 1);
	else
		next_link((const char *)data + 1, size - 1);
	return 0;
}
