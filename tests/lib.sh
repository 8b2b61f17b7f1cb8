# tests/lib.sh: the harness every test script sources (after git's t/).
#
#   test_expect_success 'what' 'commands'     the commands succeed
#   test_expect_code N 'what' 'commands'      they end with exit code N
#   test_skip 'what' 'why'                     not run here, and why
#   test_cmp expected actual                   the files are the same
#   test_done                                  the plan; exit 1 if any failed
#   started PID                                stop PID when the script ends
#   stop_started                               stop every server started so far
#
# Each script runs in a fresh directory ($TRASH), removed at the end unless
# TEST_KEEP is set.  The programs are the build's own.  TEST_VALGRIND=1
# runs every integra program under valgrind, failing on any error it finds.
# Output is TAP, for automake's tap-driver.

set -u
: "${top_srcdir:?run tests through make check}"
: "${top_builddir:?run tests through make check}"

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/integra-test.XXXXXX")
BIN="$top_builddir"
if [ -n "${TEST_VALGRIND:-}" ]; then
	mkdir "$TRASH/.bin"
	for p in "$top_builddir"/integra "$top_builddir"/integra-*; do
		[ -x "$p" ] || continue
		cat >"$TRASH/.bin/${p##*/}" <<VG
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite "$p" "\$@"
VG
		chmod +x "$TRASH/.bin/${p##*/}"
	done
	BIN="$TRASH/.bin"
fi
PATH="$BIN:$top_builddir/tests:$PATH"
INTEGRA_DATADIR="$top_srcdir/share"
INTEGRA_LOG=info
# Every log line of the suite, for t9999-logs to read for personal data.
INTEGRA_LOG_COPY="$top_builddir/tests/suite-logs.ndjson"
export PATH INTEGRA_DATADIR INTEGRA_LOG INTEGRA_LOG_COPY
unset INTEGRA_CONFIG INTEGRA_JOURNAL
# ASan: fail on errors, and keep leak reports about libjq 1.6 itself out.
ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=99"
export ASAN_OPTIONS UBSAN_OPTIONS

test_count=0
test_failures=0

# Every program the script runs carries this mark in its environment, so
# that test_done finds any of them still running, however it was started
# (in a test body's subshell too, where a variable set would be lost).
INTEGRA_TEST_MARK=$TRASH
export INTEGRA_TEST_MARK
# The servers the script started, a pid a line: a file, not a variable,
# so that a server started in a test body is stopped too.
PIDS=$TRASH/.pids
: >"$PIDS"

started() {
	echo "$1" >>"$PIDS"
}

# stop_pids PID...: TERM, then KILL after 5 s; waits until they are gone.
stop_pids() {
	[ $# -gt 0 ] || return 0
	kill "$@" 2>/dev/null
	i=0
	while kill -0 "$@" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -9 "$@" 2>/dev/null
	for p in "$@"; do
		wait "$p" 2>/dev/null
	done
	return 0
}

stop_started() {
	# shellcheck disable=SC2046
	stop_pids $(cat "$PIDS")
	: >"$PIDS"
}

# The processes the script started that are still running, as "PID
# COMMAND" lines: those whose environment holds this script's mark.  One
# whose command line is gone is exiting (its memory already given back),
# not running: a server restarted in a test's subshell belongs to init
# once stopped, and a loaded machine's init may reap it late.
outliving() {
	(
		unset INTEGRA_TEST_MARK
		grep -lzx "INTEGRA_TEST_MARK=$TRASH" /proc/[0-9]*/environ \
		    2>/dev/null | while IFS=/ read -r _ _ pid _; do
			[ "$pid" = $$ ] && continue
			cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
			[ -n "$cmd" ] && printf '%s %s\n' "$pid" "$cmd"
		done
	)
}

# The journal the script's programs share: journal.db in $TRASH; or, with
# TEST_JOURNAL_PG set to a PostgreSQL server's URL (tests/pg-cluster.sh
# start prints one), a database of the script's own on that server,
# dropped at the end: .ci/run runs the suite so once more.  A script that
# reads the journal's file itself says test_needs_sqlite first.
JOURNAL=journal.db
if [ -n "${TEST_JOURNAL_PG:-}" ]; then
	TEST_DB=t_$(basename "$TRASH" | tr -c 'a-zA-Z0-9\n' _ |
	    tr 'A-Z' 'a-z')
	psql -X -q -v ON_ERROR_STOP=1 "$TEST_JOURNAL_PG" \
	    -c "CREATE DATABASE $TEST_DB" >/dev/null || exit 1
	JOURNAL=$(echo "$TEST_JOURNAL_PG" | sed "s|///[^?]*|///$TEST_DB|")
	# A journal that is no file keeps the token cache in $TMPDIR: the
	# script's own, as a host's is.
	TMPDIR=$TRASH
	export TMPDIR
	# For the scripts' queries (q), SQLite's functions they use:
	# json_extract and json_remove of a '$.a.b' path (on text, on a
	# BYTEA's UTF-8), hex, group_concat: the tests', not integra's.
	psql -X -q -v ON_ERROR_STOP=1 "$JOURNAL" >/dev/null <<'SQL' || exit 1
CREATE FUNCTION json_extract(v text, path text) RETURNS text
LANGUAGE sql IMMUTABLE AS
$$ SELECT v::json #>> string_to_array(substr(path, 3), '.') $$;
CREATE FUNCTION json_extract(v bytea, path text) RETURNS text
LANGUAGE sql IMMUTABLE AS
$$ SELECT json_extract(convert_from(v, 'UTF8'), path) $$;
CREATE FUNCTION hex(v bytea) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT upper(encode(v, 'hex')) $$;
CREATE FUNCTION group_concat_step(acc text, v anyelement, sep text)
RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v::text
    ELSE acc || sep || v::text END $$;
CREATE FUNCTION group_concat_step(acc text, v anyelement)
RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT group_concat_step(acc, v, ',') $$;
CREATE AGGREGATE group_concat(anyelement)
    (SFUNC = group_concat_step, STYPE = text);
CREATE AGGREGATE group_concat(anyelement, text)
    (SFUNC = group_concat_step, STYPE = text);
CREATE FUNCTION json_remove(v bytea, path text) RETURNS bytea
LANGUAGE sql IMMUTABLE AS
$$ SELECT convert_to((convert_from(v, 'UTF8')::jsonb
    #- string_to_array(substr(path, 3), '.'))::text, 'UTF8') $$;
SQL
fi

cleanup() {
	stop_started
	cd /
	[ -n "${TEST_KEEP:-}" ] || rm -rf "$TRASH"
	[ -z "${TEST_DB:-}" ] || [ -n "${TEST_KEEP:-}" ] ||
	    psql -X -q "$TEST_JOURNAL_PG" \
	    -c "DROP DATABASE $TEST_DB WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT
cd "$TRASH" || exit 1

say_result() {
	test_count=$((test_count + 1))
	if [ "$1" = ok ]; then
		echo "ok $test_count - $2"
	else
		test_failures=$((test_failures + 1))
		echo "not ok $test_count - $2"
		[ -s "$TRASH/.out" ] && sed 's/^/#   /' "$TRASH/.out" | tail -n 40
	fi
}

# A test may name a prerequisite first, as git's do: SQLITE, a test of
# what only a SQLite journal has (a value's type, its file), skipped on
# PostgreSQL.  0 if the test is to run; else it is skipped, and said.
prereq() {
	case $1 in
	SQLITE)
		[ -z "${TEST_JOURNAL_PG:-}" ] && return 0
		test_skip "$2" "SQLite's own, and the journal is PostgreSQL"
		return 1
		;;
	*)
		echo "lib.sh: no prerequisite $1" >&2
		exit 1
		;;
	esac
}

test_expect_success() {
	if [ $# -eq 3 ]; then
		prereq "$1" "$2" || return 0
		shift
	fi
	(eval "$2") >"$TRASH/.out" 2>&1
	if [ $? -eq 0 ]; then say_result ok "$1"; else say_result fail "$1"; fi
}

test_expect_code() {
	if [ $# -eq 4 ]; then
		prereq "$1" "$3" || return 0
		shift
	fi
	(eval "$3") >"$TRASH/.out" 2>&1
	rc=$?
	if [ "$rc" -eq "$1" ]; then
		say_result ok "$2"
	else
		echo "exit code $rc, expected $1" >>"$TRASH/.out"
		say_result fail "$2"
	fi
}

# A test this machine cannot run (not root, no mount): counted as passed,
# with TAP's SKIP and the reason.
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

test_cmp() {
	diff -u "$1" "$2"
}

# test_needs_sqlite WHY: the script reads the journal's file itself (its
# pages, its WAL, a copy of it): with TEST_JOURNAL_PG it is skipped, why
# said.
test_needs_sqlite() {
	[ -n "${TEST_JOURNAL_PG:-}" ] || return 0
	test_skip "the whole script" "a SQLite journal's file: $1"
	test_done
}

# The plan, after one more test: once the servers the script started are
# stopped, no process it started outlives it.
test_done() {
	stop_started
	outliving >"$TRASH/.out"
	if [ -s "$TRASH/.out" ]; then
		# shellcheck disable=SC2046
		stop_pids $(cut -d' ' -f1 "$TRASH/.out")
		sed -i '1i\
still running at the end (a server no test stopped):' "$TRASH/.out"
		say_result fail 'no process the script started outlives it'
	else
		say_result ok 'no process the script started outlives it'
	fi
	echo "1..$test_count"
	[ "$test_failures" -eq 0 ]
	exit $?
}

# start_sink NAME [sink options]: a test sink logging to NAME.log; its port
# goes in NAME.port and in $SINK_PORT, its pid in $SINK_PID.
start_sink() {
	name=$1
	shift
	rm -f "$name.port"
	integra-sink -P "$name.port" -o "$name.log" "$@" 2>"$name.err" &
	SINK_PID=$!
	started $SINK_PID
	i=0
	while [ ! -s "$name.port" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	SINK_PORT=$(cat "$name.port")
}

# start_pg WHAT: a throw-away PostgreSQL cluster (tests/pg-cluster.sh) on
# a Unix socket, stopped when the script ends, its URL in $URL; without
# PostgreSQL here, WHAT is skipped and the script ends.  pq SQL runs SQL
# there.
start_pg() {
	# Not in $TRASH: the cluster runs as postgres, which may not enter
	# it; without the script's mark, which stop_started would kill: the
	# trap stops it.
	PG_CLUSTER=$(mktemp -u /tmp/integra-pg.XXXXXX)
	if ! URL=$(env -u INTEGRA_TEST_MARK sh \
	    "$top_srcdir/tests/pg-cluster.sh" start "$PG_CLUSTER" \
	    2>"$TRASH/cluster.err"); then
		test_skip "$1" "no PostgreSQL here: $(head -1 \
		    "$TRASH/cluster.err")"
		test_done
	fi
	trap 'sh "$top_srcdir/tests/pg-cluster.sh" stop "$PG_CLUSTER" \
	    2>/dev/null; cleanup' EXIT
}
pq() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 "$URL" -c "$1"
}

# start_smtpd [options]: tests/smtpd.py (aiosmtpd) on a free port of
# 127.0.0.1 with smtpd.py's options, keeping what it accepts in mails/;
# its port in $SMTP_PORT.  Without python3-aiosmtpd the test is skipped.
PY=/usr/bin/python3
start_smtpd() {
	"$PY" -c "import aiosmtpd" 2>/dev/null || {
		echo "1..0 # SKIP python3-aiosmtpd is not installed"
		exit 0
	}
	rm -f smtp.port
	"$PY" "$top_srcdir/tests/smtpd.py" -P smtp.port -d mails "$@" \
	    2>smtpd.err &
	started $!
	i=0
	while [ ! -s smtp.port ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	SMTP_PORT=$(cat smtp.port)
}

# eml N FIELD: what the Nth message says of FIELD (python's email module).
eml() {
	"$PY" - "mails/$1.eml" "$2" <<'PYEOF'
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
                                   policy=policy.default)
f = sys.argv[2]
if f in ("text", "html"):
    print(m.get_body(("plain",) if f == "text" else ("html",)).get_content())
elif f == "types":
    print(" ".join(p.get_content_type() for p in m.walk()))
else:
    print(m[f])
PYEOF
}

# start_receiver LOG [options]: integra-ingest --listen on a free port of
# 127.0.0.1 with cfg.yaml and $JOURNAL (or as options say), logging to
# LOG; its port in $RECEIVER_PORT, its address in $URL, its pid in
# $RECEIVER.
start_receiver() {
	log=$1
	shift
	integra-ingest -l 127.0.0.1:0 -c cfg.yaml -j "$JOURNAL" "$@" \
	    2>"$log" &
	RECEIVER=$!
	# cleanup stops it too, if the test has not.
	started $RECEIVER
	i=0
	RECEIVER_PORT=
	while [ -z "$RECEIVER_PORT" ] && [ $i -lt 100 ]; do
		sleep 0.05
		RECEIVER_PORT=$(sed -n \
		    's/.*listening on [^,]*, port \([0-9]*\).*/\1/p' "$log")
		i=$((i + 1))
	done
	URL=http://127.0.0.1:$RECEIVER_PORT
}

# sync_setup: for the tests of the syncs, a sink for the systems they feed
# ($OPS), the CRM's token, and cfg.in: three jobs (contracts, runner crm,
# page paging, incremental updated_since; billing, runner fin, offset
# paging; caregivers, runner crm, cursor paging from the last cursor).
# sync_remote GEN [sink options] then (re)starts the CRM's API, the sink's
# $SYNC_N records of generation GEN behind a bearer token, and makes
# cfg.yaml of cfg.in for it.
SYNC_N=250
sync_setup() {
	export CRM_TOKEN=s3cret
	start_sink ops
	OPS=$SINK_PORT
	cat >cfg.in <<'SYNCEOF'
targets:
  crm:
    url: http://127.0.0.1:@CRM@/crm
    auth: {header: Authorization, scheme: Bearer, secret_env: CRM_TOKEN}
  operacao:
    url: http://127.0.0.1:@OPS@/operacao
  financeiro:
    url: http://127.0.0.1:@OPS@/financeiro
routes:
  - on: contract.synced
    to: operacao
    method: PUT
    path: /contracts
    body: .data.record
syncs:
  contracts:
    runner: crm
    schedule: "0 * * * *"
    from: crm
    path: /contracts
    page_size: 100
    incremental: updated_since
    transform: '{contract_id: .id, client: .name, amount}'
    event: contract.synced
  billing:
    runner: fin
    from: crm
    path: /billing
    paging: offset
    page_size: 40
    transform: '{client_id: .id, amount: (.amount + ([.addons[].amount] | add))}'
    event: billing.synced
  caregivers:
    runner: crm
    from: crm
    path: /caregivers
    paging: cursor
    page_size: 64
    incremental: cursor
    key: .phone
    transform: '{phone, name}'
    event: caregiver.updated
SYNCEOF
}
sync_remote() {
	gen=$1
	shift
	[ -n "${SYNC_REMOTE:-}" ] && stop_pids "$SYNC_REMOTE"
	start_sink crm -G $SYNC_N -g "$gen" -A "Authorization: Bearer s3cret" \
	    "$@"
	SYNC_REMOTE=$SINK_PID
	sed -e "s/@CRM@/$SINK_PORT/g" -e "s/@OPS@/$OPS/g" cfg.in >cfg.yaml
}

# config_for TEMPLATE OUT: the template with @PORT@ set to $SINK_PORT.
config_for() {
	sed "s/@PORT@/$SINK_PORT/g" "$1" >"$2"
}

# deliveries JOURNAL CONFIG FILE: FILE's site leads through ingest,
# normalize and map into JOURNAL, undelivered; the delivery records on
# stdout.
deliveries() {
	integra-ingest -j "$1" -s site -t lead.created <"$3" |
	    integra-normalize -j "$1" | integra-map -j "$1" -c "$2"
}

# site_leads N [NAME]: N site leads on stdout, "NAME 0" (default "Lead")
# and on, each with a phone of its own.
site_leads() {
	awk -v n="$1" -v name="${2:-Lead}" 'BEGIN { for (i = 0; i < n; i++)
	    printf "{\"name\":\"%s %d\",\"phone\":\"119%08d\"}\n", name, i, i }'
}

# lead_deliveries N: N site leads (in leads.ndjson) through the pipeline
# into $JOURNAL, delivered to cfg.yaml's targets.
lead_deliveries() {
	site_leads "$1" >leads.ndjson
	deliveries "$JOURNAL" cfg.yaml leads.ndjson 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1
}

# deliver_events: the CloudEvent lines on stdin through ingest, normalize,
# map and dispatch, into $JOURNAL with cfg.yaml.
deliver_events() {
	integra-ingest -j "$JOURNAL" 2>/dev/null |
	    integra-normalize -j "$JOURNAL" 2>/dev/null |
	    integra-map -j "$JOURNAL" -c cfg.yaml 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1
}

# events_before_12 DB: the events table of journal DB made as it was before
# schema version 12, with key_digest in place of key_index: a retained
# event's digest, any unique bytes for the others (migration 12 reads their
# keys instead); the tables of later versions dropped.
events_before_12() {
	sqlite3 -batch "$1" "PRAGMA foreign_keys = OFF; BEGIN;
	    $(drop_after_12)
	    CREATE TABLE events_11 (seq INTEGER PRIMARY KEY,
	    id TEXT NOT NULL UNIQUE, source TEXT NOT NULL, type TEXT NOT NULL,
	    tenant TEXT NOT NULL, subject TEXT, time TEXT NOT NULL,
	    idempotency_key TEXT NOT NULL, key_digest BLOB NOT NULL UNIQUE,
	    status TEXT NOT NULL DEFAULT 'received' CHECK (status IN
	    ('received', 'normalized', 'mapped', 'rejected')), error TEXT,
	    received_at INTEGER NOT NULL, retained_at INTEGER);
	    INSERT INTO events_11 SELECT seq, id, source, type, tenant, subject,
	    time, idempotency_key, CASE WHEN retained_at IS NULL
	    THEN randomblob(16) ELSE substr(key_index, 2) END, status, error,
	    received_at, retained_at FROM events;
	    DROP TABLE events; ALTER TABLE events_11 RENAME TO events;
	    CREATE INDEX events_todo ON events (status, id)
	    WHERE status IN ('received', 'normalized');
	    PRAGMA user_version = 11; COMMIT"
}

# drop_after_12: the SQL that drops what migrations after 12 made, for a
# test that makes an older journal from a new one.
drop_after_12() {
	echo "DROP TABLE flow_instances; DROP TABLE flow_numbers;
	    DROP TABLE flow_arrivals; DROP TABLE flow_log;
	    DROP TABLE delivery_groups; DROP INDEX deliveries_group;
	    ALTER TABLE deliveries DROP COLUMN group_name;
	    ALTER TABLE deliveries DROP COLUMN item;
	    DROP TABLE cadences; DROP TABLE cadence_items;
	    DROP TABLE cadence_steps; DROP TABLE cadence_manual;
	    DROP INDEX deliveries_ordered;
	    ALTER TABLE deliveries DROP COLUMN ordered_subject;
	    ALTER TABLE deliveries DROP COLUMN ordered_seq;"
}

# unsealed_on_pg FILE: on PostgreSQL, which seals nothing yet, FILE (the
# sample config) without its encryption section.
unsealed_on_pg() {
	[ -z "${TEST_JOURNAL_PG:-}" ] || sed -i '/^encryption:/,/^$/d' "$1"
}

# sample_secrets: the secrets etc/integra.yaml reads from the environment,
# made up and exported, for a test that runs the sample config.
sample_secrets() {
	INTEGRA_CRM_TOKEN=crm-token
	INTEGRA_ZAPI_CLIENT_TOKEN=zapi-token
	INTEGRA_ZAPI_TOKEN=instance-token
	INTEGRA_LINK_SECRET=link-secret
	INTEGRA_RETENTION_SALT=retention-salt
	INTEGRA_WORDPRESS_AUTH=$(printf 'integra:app password' | base64)
	INTEGRA_WORDPRESS_WEBHOOK_SECRET=whsec_$(printf \
	    'integra wordpress 0123456789' | base64)
	INTEGRA_SALESFORCE_SECRET=sf-secret-4b1d
	INTEGRA_RBM_CLIENT_TOKEN=rbm-client-token-4b1d
	INTEGRA_CLINICS_TOKEN=clinics-token
	INTEGRA_INFOBIP_KEY=infobip-key
	INTEGRA_WHATSAPP_TOKEN=wa-token
	INTEGRA_PIPEDRIVE_TOKEN=pd-token
	INTEGRA_JOURNAL_KEY_K1=$(printf 'integra test journal key 32bytes' |
	    base64)
	export INTEGRA_CRM_TOKEN INTEGRA_ZAPI_CLIENT_TOKEN INTEGRA_ZAPI_TOKEN \
	    INTEGRA_LINK_SECRET INTEGRA_RETENTION_SALT INTEGRA_WORDPRESS_AUTH \
	    INTEGRA_WORDPRESS_WEBHOOK_SECRET INTEGRA_SALESFORCE_SECRET \
	    INTEGRA_RBM_CLIENT_TOKEN INTEGRA_CLINICS_TOKEN INTEGRA_INFOBIP_KEY \
	    INTEGRA_WHATSAPP_TOKEN INTEGRA_PIPEDRIVE_TOKEN INTEGRA_JOURNAL_KEY_K1
}

# retry_fixture ERP_RETRY: for the tests of retries by query, a sink whose
# targets refuse the first tries, then take what comes (crm with 400,
# http_4xx: dead at once; erp and fin with 500, http_5xx), cfg.yaml with
# erp's retry: ERP_RETRY (a YAML flow mapping) and fin's one attempt,
# and 7 events through the pipeline, 14 deliveries, none through: 3 leads
# from the site (tenant default), 2 from a form and 2 clients from the
# CRM (tenant acme): crm's 7 dead, erp's 5, fin's 2 dead.
retry_fixture() {
	cat >routes.ndjson <<'EOF'
{"prefix":"/crm","times":7,"status":400}
{"prefix":"/erp","times":5,"status":500}
{"prefix":"/fin","times":2,"status":500}
EOF
	start_sink sink -r routes.ndjson
	cat >cfg.yaml <<EOF
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
  erp:
    url: http://127.0.0.1:$SINK_PORT/erp
    retry: $1
    circuit:
      failures: 0
  fin:
    url: http://127.0.0.1:$SINK_PORT/fin
    retry:
      max_attempts: 1
    circuit:
      failures: 0
routes:
  - on: lead.created
    to: crm
  - on: lead.created
    to: erp
  - on: client.registered
    to: fin
  - on: client.registered
    to: crm
EOF
	site_leads 3 >site.ndjson
	site_leads 2 Form | sed 's/"119/"118/' >form.ndjson
	for i in 0 1; do
		printf '{"client_id":"c%d","name":"Client %d","phone":"117%08d"}\n' \
		    $i $i $i
	done >crm.ndjson
	{
		integra-ingest -j "$JOURNAL" -s site -t lead.created <site.ndjson
		integra-ingest -j "$JOURNAL" -T acme -s form -t lead.created \
		    <form.ndjson
		integra-ingest -j "$JOURNAL" -T acme -s crm \
		    -t client.registered <crm.ndjson
	} 2>/dev/null | integra-normalize -j "$JOURNAL" 2>/dev/null |
	    integra-map -j "$JOURNAL" -c cfg.yaml 2>/dev/null |
	    integra-dispatch -j "$JOURNAL" -c cfg.yaml >/dev/null 2>&1
}

# ce TYPE ID DATA: one CloudEvent line.
# sanitized: whether the programs under test are built with
# AddressSanitizer, which keeps its own allocator (json/jqalloc.h).
sanitized() {
	ldd "$(command -v integra-map)" 2>/dev/null | grep -q libasan
}

ce() {
	printf '{"specversion":"1.0","id":"%s","source":"test","type":"%s","data":%s}\n' \
	    "$2" "$1" "$3"
}

# q SQL: a query on the test's journal, one row a line, columns between
# |, waiting for a writer that holds it (a loaded machine's stages finish
# late).  SQLite's SQL: on PostgreSQL its "strings" are given as SQL's
# 'strings' (tests/sql-pg.pl), a BYTEA (an envelope, a body) comes out as its bytes, as
# SQLite's TEXT does, not psql's \x and hex, and a truth as 1 or 0.
q() {
	if [ -n "${TEST_JOURNAL_PG:-}" ]; then
		qout=$(psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 "$JOURNAL" \
		    -c "$(printf '%s' "$1" | perl "$top_srcdir/tests/sql-pg.pl")") ||
		    return 1
		# A truth is SQLite's 1 or 0: a field that is t or f.
		[ -z "$qout" ] || printf '%s\n' "$qout" |
		    perl -pe 's/\\x((?:[0-9a-f]{2})+)/pack("H*", $1)/ge;
		    s/(^|\|)t(?=\||$)/${1}1/g; s/(^|\|)f(?=\||$)/${1}0/g'
	else
		sqlite3 -batch -cmd ".timeout 10000" journal.db "$1"
	fi
}

# journal_refuse TABLE / journal_accept TABLE: from now on, until
# accepted again, every change to TABLE fails, in the journal's engine's
# own way (a trigger that aborts): a journal that fails midway.
journal_refuse() {
	if [ -n "${TEST_JOURNAL_PG:-}" ]; then
		q "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql
		    AS \$\$ BEGIN RAISE EXCEPTION 'refused'; END \$\$;
		    CREATE TRIGGER refuse BEFORE INSERT OR UPDATE OR DELETE
		    ON $1 FOR EACH ROW EXECUTE FUNCTION refuse()"
	else
		q "CREATE TRIGGER refuse_update BEFORE UPDATE ON $1
		    BEGIN SELECT RAISE(ABORT, 'refused'); END;
		    CREATE TRIGGER refuse_insert BEFORE INSERT ON $1
		    BEGIN SELECT RAISE(ABORT, 'refused'); END;
		    CREATE TRIGGER refuse_delete BEFORE DELETE ON $1
		    BEGIN SELECT RAISE(ABORT, 'refused'); END"
	fi
}
journal_accept() {
	if [ -n "${TEST_JOURNAL_PG:-}" ]; then
		q "DROP TRIGGER refuse ON $1; DROP FUNCTION refuse()"
	else
		q "DROP TRIGGER refuse_update; DROP TRIGGER refuse_insert;
		    DROP TRIGGER refuse_delete"
	fi
}

# journal_sound: the journal passes its engine's own check: SQLite's
# integrity_check and foreign_key_check; on PostgreSQL, which keeps the
# foreign keys itself, amcheck's of every B-tree index against its table.
# And on both, every envelope has its event (no foreign key says so since
# migration 18).
journal_sound() {
	test "$(q "SELECT count(*) FROM raw_envelopes r WHERE NOT EXISTS
	    (SELECT 1 FROM events WHERE seq = r.event)") $(q "SELECT count(*)
	    FROM canonical_envelopes c WHERE NOT EXISTS
	    (SELECT 1 FROM events WHERE seq = c.event)")" = "0 0" || return 1
	if [ -n "${TEST_JOURNAL_PG:-}" ]; then
		q "CREATE EXTENSION IF NOT EXISTS amcheck" >/dev/null &&
		test "$(q "SELECT count(bt_index_check(c.oid, true))
		    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		    JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree'
		    AND c.relnamespace = 'public'::regnamespace")" -gt 0
	else
		test "$(q "PRAGMA integrity_check")" = ok &&
		test "$(q "PRAGMA foreign_key_check")" = ""
	fi
}

# Every line of a file is a JSON object.
all_json() {
	jq -e -s 'all(type == "object")' "$1" >/dev/null
}
