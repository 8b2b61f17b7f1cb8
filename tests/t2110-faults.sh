#!/bin/sh
# Faults: nothing acknowledged is lost when the journal's disk fills or
# fails, or when standard output cannot be written.  tests/faultfs.so,
# preloaded, makes the journal's writes fail with ENOSPC, or its flushes
# with EIO, while fault.on exists; a small tmpfs fills for real.
#
# What each program owes: a JSON error line that says what failed, and a
# sysexits code; for a journal that cannot be written, 74 (EX_IOERR) or
# 75 (EX_TEMPFAIL: free space, and the --pending runs finish), not 70
# (an internal error) nor 0; for an output that cannot be written, 74.
# The receiver answers 503 with a JSON error for what it could not
# commit.  What was acknowledged before the fault (an output line, a 2xx)
# is in the journal; once the fault is gone, the --pending runs finish the
# rest, and the journal passes integrity_check.
. "$top_srcdir/tests/lib.sh"
test_needs_sqlite 'faults made on the file'\''s writes and flushes (faultfs)'

FAULTFS=$top_builddir/tests/faultfs.so
N=100
HALF=$((N / 2))

# faulty [NAME=VALUE...] COMMAND...: COMMAND with the shim preloaded: the
# writes of a journal.db (and its -wal and -shm) fail with ENOSPC while
# fault.on exists, unless the FAULTFS_* NAME=VALUE say otherwise
# (tests/faultfs.c); each call failed is a line of fault.log.
# AddressSanitizer, which wants to be loaded first, is told not to mind.
faulty() {
	env LD_PRELOAD="$FAULTFS" \
	    ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
	    FAULTFS_PATH=journal.db FAULTFS_FLAG="$TRASH/fault.on" \
	    FAULTFS_LOG="$TRASH/fault.log" "$@"
}

# wait_lines FILE N: until FILE has N lines, for 10 s at most.
wait_lines() {
	i=0
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ] && [ $i -lt 200 ]
	do
		sleep 0.05
		i=$((i + 1))
	done
}

# fault_midway IN N ACK: the first N lines of IN; then, once ACK (the
# output of the program reading them) has N lines, the fault on, and the
# rest of IN.
fault_midway() {
	head -n "$2" "$1"
	wait_lines "$3" "$2"
	touch "$TRASH/fault.on"
	tail -n "+$(($2 + 1))" "$1"
}

# journal_code RC: RC is an exit code for a journal that cannot be
# written: 74 or 75.
journal_code() {
	case $1 in
	74|75)	return 0 ;;
	*)	echo "exit code $1, expected 74 or 75 (70 is an internal error)"
		return 1 ;;
	esac
}

# journal_error ERR: ERR (a program's stderr) is JSON lines, one an error
# that names the journal and what failed.
journal_error() {
	all_json "$1" &&
	jq -r 'select(.level == "error") | .msg' "$1" >"$1.msg" &&
	grep -E "journal '[^']*journal.db'.*(disk is full|I/O error)" "$1.msg"
}

# qj DIR SQL: a query on DIR's journal.
qj() {
	sqlite3 -batch -cmd ".timeout 10000" "$1/journal.db" "$2"
}

# logged ERR WORD: the count before WORD in ERR's summary line
# ("100 read, 50 journaled, ...").
logged() {
	jq -r 'select(.level == "info") | .msg' "$1" |
	    sed -n "s/.* \([0-9][0-9]*\) $2\(,.*\)*\$/\1/p" | tail -n 1
}

start_sink sink
cat >cfg.yaml <<EOF
sources:
  site:
    path: /webhooks/site/lead
    type: lead.created
targets:
  crm:
    url: http://127.0.0.1:$SINK_PORT/crm
    timeout: 500ms
routes:
  - on: lead.created
    to: crm
EOF
site_leads $N >leads.ndjson

# The shim itself, so that a fault test cannot pass for want of a fault.
mkdir shim
printf 0123456789abcdef >shim/src
test_expect_success 'faultfs: a journal write past FAULTFS_AFTER bytes is cut short, then fails' '
	touch fault.on &&
	! faulty FAULTFS_AFTER=10 dd if=shim/src of=shim/journal.db bs=4 \
	    2>shim/err &&
	test "$(wc -c <shim/journal.db)" = 10 &&
	grep -q "No space left on device" shim/err &&
	grep -q "^write fd [0-9]* .*/shim/journal.db: ENOSPC" fault.log
'
test_expect_success 'faultfs: other files are written, and the journal once the fault is off' '
	touch fault.on &&
	faulty dd if=shim/src of=shim/other bs=4 2>/dev/null &&
	test "$(wc -c <shim/other)" = 16 &&
	rm fault.on &&
	faulty dd if=shim/src of=shim/journal.db bs=4 2>/dev/null &&
	test "$(wc -c <shim/journal.db)" = 16
'
test_expect_success 'faultfs: a flush fails with EIO' '
	touch fault.on &&
	! faulty FAULTFS_OP=fsync FAULTFS_ERRNO=EIO dd if=shim/src \
	    of=shim/journal.db conv=fsync 2>shim/err &&
	grep -q "Input/output error" shim/err
'
rm -f fault.on fault.log

# ingest from stdin: half the leads acknowledged, then the fault, then
# the rest.
ingest_fault() {
	d=$1
	shift
	mkdir "$d"
	rm -f fault.on
	: >fault.log
	fault_midway leads.ndjson $HALF "$d/out" |
	    faulty "$@" integra-ingest -j "$d/journal.db" -s site \
	    -t lead.created >"$d/out" 2>"$d/err"
	echo $? >"$d/rc"
	rm -f fault.on
	mv fault.log "$d/fault.log"
}
for f in "full FAULTFS_OP=write FAULTFS_ERRNO=ENOSPC" \
    "eio FAULTFS_OP=fsync FAULTFS_ERRNO=EIO"; do
	# shellcheck disable=SC2086
	set -- $f
	d=ingest-$1
	case $1 in
	full) what="writes failing ENOSPC" ;;
	eio) what="flushes failing EIO" ;;
	esac
	shift
	ingest_fault "$d" "$@"
	test_expect_success "ingest, the journal's $what mid-run: a JSON error line" '
		test -s $d/fault.log && journal_error $d/err
	'
	test_expect_success "ingest, $what: exit 74 or 75" '
		journal_code $(cat $d/rc)
	'
	test_expect_success "ingest, $what: what it acknowledged is in the journal" '
		jq -r .id $d/out | sort >$d/acked &&
		test $(wc -l <$d/acked) -ge $HALF &&
		qj $d "SELECT id FROM events" | sort >$d/journaled &&
		comm -23 $d/acked $d/journaled >$d/lost && test ! -s $d/lost
	'
	test_expect_success "ingest, $what: its summary counts what it acknowledged" '
		echo "summary: $(logged $d/err journaled) journaled;" \
		    "acknowledged: $(wc -l <$d/out)" &&
		test "$(logged $d/err journaled)" = "$(wc -l <$d/out)"
	'
	test_expect_success "ingest, after $what: the input again journals the rest, each once" '
		integra-ingest -j $d/journal.db -s site -t lead.created \
		    <leads.ndjson >$d/again 2>$d/again.err &&
		jq -r .id $d/again | sort >$d/again.ids &&
		comm -23 $d/acked $d/again.ids >$d/changed &&
		test ! -s $d/changed &&
		test "$(qj $d "SELECT count(*) FROM events")" = $N &&
		test "$(qj $d "SELECT count(DISTINCT idempotency_key)
		    FROM events")" = $N
	'
	test_expect_success "ingest, after $what: --pending runs finish; integrity_check ok" '
		integra-normalize -j $d/journal.db --pending >/dev/null \
		    2>$d/n.err &&
		integra-map -j $d/journal.db -c cfg.yaml --pending >/dev/null \
		    2>$d/m.err &&
		test "$(qj $d "SELECT count(*) FROM events
		    WHERE status = \"mapped\"")" = $N &&
		test "$(qj $d "PRAGMA integrity_check")" = ok
	'
done

# normalize, map and dispatch, each reading its records from stdin: half
# acknowledged, the fault, the rest; then its --pending run.
# stage_fault DIR STAGE [FAULTFS_*=...]: runs STAGE over
# DIR/STAGE.in into DIR/STAGE.out.
stage_fault() {
	d=$1
	stage=$2
	shift 2
	rm -f fault.on
	: >fault.log
	case $stage in
	normalize) set -- "$@" integra-normalize ;;
	map) set -- "$@" integra-map -c cfg.yaml ;;
	dispatch) set -- "$@" integra-dispatch -c cfg.yaml --lease 2 ;;
	esac
	fault_midway "$d/$stage.in" $HALF "$d/$stage.out" |
	    faulty "$@" -j "$d/journal.db" >"$d/$stage.out" 2>"$d/$stage.err"
	echo $? >"$d/$stage.rc"
	rm -f fault.on
	mv fault.log "$d/$stage.fault.log"
}
for f in "full FAULTFS_OP=write FAULTFS_ERRNO=ENOSPC" \
    "eio FAULTFS_OP=fsync FAULTFS_ERRNO=EIO"; do
	# shellcheck disable=SC2086
	set -- $f
	d=stages-$1
	case $1 in
	full) what="writes failing ENOSPC" ;;
	eio) what="flushes failing EIO" ;;
	esac
	shift
	mkdir "$d"
	integra-ingest -j "$d/journal.db" -s site -t lead.created \
	    <leads.ndjson >"$d/normalize.in" 2>/dev/null

	stage_fault "$d" normalize "$@"
	test_expect_success "normalize, the journal's $what mid-run: a JSON error line" '
		test -s $d/normalize.fault.log && journal_error $d/normalize.err
	'
	test_expect_success "normalize, $what: exit 74 or 75" '
		journal_code $(cat $d/normalize.rc)
	'
	test_expect_success "normalize, $what: what it acknowledged is normalized in the journal" '
		jq -r .id $d/normalize.out | sort >$d/acked &&
		test $(wc -l <$d/acked) -ge $HALF &&
		qj $d "SELECT id FROM events WHERE status = \"normalized\"" |
		    sort >$d/done && comm -23 $d/acked $d/done >$d/lost &&
		test ! -s $d/lost
	'
	test_expect_success "normalize, $what: its summary counts what it acknowledged" '
		echo "summary: $(logged $d/normalize.err normalized)" \
		    "normalized; acknowledged: $(wc -l <$d/normalize.out)" &&
		test "$(logged $d/normalize.err normalized)" = \
		    "$(wc -l <$d/normalize.out)"
	'
	test_expect_success "normalize --pending after $what: every event normalized" '
		integra-normalize -j $d/journal.db --pending \
		    >$d/normalize.pending 2>$d/normalize.pending.err &&
		test "$(qj $d "SELECT count(*) FROM events
		    WHERE status = \"normalized\"")" = $N
	'
	# From the journal: a batch whose flush failed can be there after all
	# (SQLite finds it whole in the WAL), normalized with no output.
	qj "$d" "SELECT envelope FROM canonical_envelopes ORDER BY event" \
	    >"$d/map.in"

	stage_fault "$d" map "$@"
	test_expect_success "map, the journal's $what mid-run: a JSON error line" '
		test -s $d/map.fault.log && journal_error $d/map.err
	'
	test_expect_success "map, $what: exit 74 or 75" '
		journal_code $(cat $d/map.rc)
	'
	test_expect_success "map, $what: the deliveries it acknowledged are in the journal" '
		jq -r .id $d/map.out | sort >$d/acked &&
		test $(wc -l <$d/acked) -ge $HALF &&
		qj $d "SELECT id FROM deliveries" | sort >$d/done &&
		comm -23 $d/acked $d/done >$d/lost && test ! -s $d/lost
	'
	test_expect_success "map, $what: its summary counts what it acknowledged" '
		echo "summary: $(logged $d/map.err mapped) mapped;" \
		    "acknowledged: $(jq -r .event $d/map.out | sort -u |
		    wc -l)" &&
		test "$(logged $d/map.err mapped)" = \
		    "$(jq -r .event $d/map.out | sort -u | wc -l)"
	'
	test_expect_success "map --pending after $what: every event mapped, a delivery each" '
		integra-map -j $d/journal.db -c cfg.yaml --pending \
		    >$d/map.pending 2>$d/map.pending.err &&
		test "$(qj $d "SELECT count(*) FROM events
		    WHERE status = \"mapped\"")" = $N &&
		test "$(qj $d "SELECT count(*) FROM deliveries")" = $N
	'
	# Dispatch reads a delivery's id.
	qj "$d" "SELECT json_object('id', id) FROM deliveries ORDER BY id" \
	    >"$d/dispatch.in"

	stage_fault "$d" dispatch "$@"
	test_expect_success "dispatch, the journal's $what mid-run: a JSON error line" '
		test -s $d/dispatch.fault.log &&
		journal_error $d/dispatch.err
	'
	test_expect_success "dispatch, $what: exit 74 or 75" '
		journal_code $(cat $d/dispatch.rc)
	'
	test_expect_success "dispatch, $what: the outcomes it wrote are in the journal" '
		jq -r "select(.status == \"delivered\") | .delivery" \
		    $d/dispatch.out | sort >$d/acked &&
		test $(wc -l <$d/acked) -ge $HALF &&
		qj $d "SELECT id FROM deliveries WHERE status = \"delivered\"" |
		    sort >$d/done && comm -23 $d/acked $d/done >$d/lost &&
		test ! -s $d/lost
	'
	test_expect_success "dispatch, $what: its summary counts what it acknowledged" '
		test "$(logged $d/dispatch.err delivered)" = \
		    "$(wc -l <$d/acked)"
	'
	# The claims of the run that failed hold for their lease (2 s).
	sleep 2.1
	test_expect_success "dispatch --pending after $what: every delivery delivered, each reached the sink" '
		integra-dispatch -j $d/journal.db -c cfg.yaml --pending \
		    >/dev/null 2>$d/dispatch.pending.err &&
		test "$(qj $d "SELECT count(*) FROM deliveries
		    WHERE status <> \"delivered\"")" = 0 &&
		qj $d "SELECT id FROM deliveries ORDER BY id" >$d/deliveries &&
		jq -r .idempotency_key sink.log | sort -u >$d/received &&
		comm -23 $d/deliveries $d/received >$d/missing &&
		test ! -s $d/missing
	'
	test_expect_success "after $what: integrity_check ok" '
		test "$(qj $d "PRAGMA integrity_check")" = ok &&
		test "$(qj $d "PRAGMA foreign_key_check")" = ""
	'
done

# The receiver: its journal fills while it runs.
mkdir http
cp cfg.yaml http/
cd http || exit 1
: >"$TRASH/fault.log"
LD_PRELOAD=$FAULTFS
FAULTFS_PATH=journal.db
FAULTFS_FLAG=$TRASH/fault.on
FAULTFS_LOG=$TRASH/fault.log
asan_options=$ASAN_OPTIONS
ASAN_OPTIONS=$ASAN_OPTIONS:verify_asan_link_order=0
export LD_PRELOAD FAULTFS_PATH FAULTFS_FLAG FAULTFS_LOG
start_receiver receiver.log
unset LD_PRELOAD FAULTFS_PATH FAULTFS_FLAG FAULTFS_LOG
ASAN_OPTIONS=$asan_options

# post N: a site lead of its own; the status on stdout, the answer in
# body.N, its headers in head.N.
post() {
	curl -s -D "head.$1" -o "body.$1" -w "%{http_code}\n" \
	    -H "Content-Type: application/json" \
	    --data "{\"name\":\"Http $1\",\"phone\":\"1197000000$1\"}" \
	    "$URL/webhooks/site/lead"
}
test_expect_success 'receiver: 202 for each event before the fault' '
	for i in 1 2 3 4 5; do post $i; done >before &&
	printf "202\n202\n202\n202\n202\n" >expect && test_cmp expect before
'
touch "$TRASH/fault.on"
test_expect_success 'receiver, the journal full: 503, a JSON error, Retry-After' '
	post 6 >during && echo 503 >expect && test_cmp expect during &&
	test "$(jq -r .error.code body.6)" = unavailable &&
	grep -qi "^Retry-After: [0-9]" head.6
'
test_expect_success 'receiver: each 202 is in the journal, not the 503' '
	cat body.1 body.2 body.3 body.4 body.5 | jq -r .id | sort >acked &&
	q "SELECT id FROM events" | sort >journaled &&
	test_cmp acked journaled &&
	test -s "$TRASH/fault.log"
'
# The journal thread stops on the failed commit: the receiver says so at
# once and ends, with what the failure means, for systemd to start it
# again; until then a client gets a 503 or no connection.
test_expect_success 'receiver: logs the failure as it happens, in JSON' '
	sleep 0.5 &&
	journal_error receiver.log
'
rm -f "$TRASH/fault.on"
sleep 0.5
after=$(post 9)
if kill -0 "$RECEIVER" 2>/dev/null; then
	alive=1
	kill -TERM "$RECEIVER"
else
	alive=0
fi
wait "$RECEIVER"
receiver_rc=$?
test_expect_success 'receiver: it has stopped on its own, with 75 (the journal full)' '
	echo "alive: $alive, answer: $after, exit code: $receiver_rc" &&
	test $alive = 0 && test $receiver_rc = 75 &&
	grep -q "the journal failed: stopping" receiver.log
'
test_expect_success 'receiver: its log is JSON; normalize --pending takes every 202; integrity_check ok' '
	all_json receiver.log &&
	for i in 1 2 3 4 5 9; do
		grep -q "^202" head.$i 2>/dev/null || continue
		jq -r .id body.$i
	done | sort >acked &&
	q "SELECT id FROM events" | sort >journaled &&
	comm -23 acked journaled >lost && test ! -s lost &&
	integra-normalize -j "$JOURNAL" --pending >/dev/null 2>n.err &&
	test "$(q "SELECT count(*) FROM events WHERE status <> \"normalized\"")" = 0 &&
	test "$(q "PRAGMA integrity_check")" = ok
'
cd "$TRASH" || exit 1

# A real full disk: a 4 MB tmpfs, mostly taken by a ballast file, fills
# while ingest journals 600 leads as they come; then the ballast goes.
M=600
mkdir -p tmpfs/fs
if [ "$(id -u)" != 0 ]; then
	why="not root: no tmpfs to fill"
elif ! mount -t tmpfs -o size=4m integra-t2110 tmpfs/fs 2>tmpfs/mount.err
then
	why="mount -t tmpfs failed: $(head -n 1 tmpfs/mount.err)"
else
	why=
	trap 'umount "$TRASH/tmpfs/fs" 2>/dev/null; cleanup' EXIT
fi
if [ -n "$why" ]; then
	for t in 'a full tmpfs: ingest stops with a JSON error line' \
	    'a full tmpfs: ingest exits 74 or 75' \
	    'a full tmpfs: what ingest acknowledged is in the journal' \
	    'space freed: the input again journals the rest, each once' \
	    'space freed: the --pending runs deliver every event' \
	    'a full tmpfs, then space: integrity_check ok'; do
		test_skip "$t" "$why"
	done
else
	J=tmpfs/fs
	integra-ingest -j $J/journal.db -s site -t lead.created \
	    </dev/null 2>/dev/null
	avail=$(df -k --output=avail $J | tail -n 1)
	dd if=/dev/zero of=$J/ballast bs=1k count=$((avail - 384)) \
	    2>/dev/null
	site_leads $M Full >tmpfs/leads.ndjson
	awk '{ print; fflush() } NR % 20 == 0 { system("sleep 0.01") }' \
	    tmpfs/leads.ndjson |
	    integra-ingest -j $J/journal.db -s site -t lead.created \
	    >tmpfs/out 2>tmpfs/err
	full_rc=$?
	echo "# a full tmpfs: $(wc -l <tmpfs/out) of $M acknowledged, exit $full_rc"
	test_expect_success 'a full tmpfs: ingest stops with a JSON error line' '
		journal_error tmpfs/err &&
		test $(wc -l <tmpfs/out) -lt $M
	'
	test_expect_success 'a full tmpfs: ingest exits 74 or 75' '
		journal_code $full_rc
	'
	test_expect_success 'a full tmpfs: what ingest acknowledged is in the journal' '
		jq -r .id tmpfs/out | sort >tmpfs/acked && test -s tmpfs/acked &&
		qj $J "SELECT id FROM events" | sort >tmpfs/journaled &&
		comm -23 tmpfs/acked tmpfs/journaled >tmpfs/lost &&
		test ! -s tmpfs/lost
	'
	rm -f $J/ballast
	test_expect_success 'space freed: the input again journals the rest, each once' '
		integra-ingest -j $J/journal.db -s site -t lead.created \
		    <tmpfs/leads.ndjson >tmpfs/again 2>tmpfs/again.err &&
		jq -r .id tmpfs/again | sort >tmpfs/again.ids &&
		comm -23 tmpfs/acked tmpfs/again.ids >tmpfs/changed &&
		test ! -s tmpfs/changed &&
		test "$(qj $J "SELECT count(*) FROM events")" = $M
	'
	test_expect_success 'space freed: the --pending runs deliver every event' '
		integra-normalize -j $J/journal.db --pending >/dev/null \
		    2>tmpfs/n.err &&
		integra-map -j $J/journal.db -c cfg.yaml --pending >/dev/null \
		    2>tmpfs/m.err &&
		integra-dispatch -j $J/journal.db -c cfg.yaml --pending \
		    >/dev/null 2>tmpfs/d.err &&
		test "$(qj $J "SELECT count(*) FROM events
		    WHERE status = \"mapped\"")" = $M &&
		test "$(qj $J "SELECT count(*) FROM deliveries
		    WHERE status = \"delivered\"")" = $M
	'
	test_expect_success 'a full tmpfs, then space: integrity_check ok' '
		test "$(qj $J "PRAGMA integrity_check")" = ok
	'
	umount tmpfs/fs
	trap cleanup EXIT
fi

# Standard output to /dev/full and to a pipe already closed (SIGPIPE at
# its default): each stage's work is committed before it writes, so a
# failed write loses nothing; it says so and exits 74.
# stdout_fault MODE IN COMMAND...: COMMAND reading IN, writing to MODE.
stdout_fault() {
	mode=$1
	in=$2
	shift 2
	if [ "$mode" = full ]; then
		"$@" <"$in" >/dev/full
		return
	fi
	# Its input comes once the reader has gone.
	{
		{ sleep 0.3; cat "$in"; } | env --default-signal=PIPE "$@"
		echo $? >"$TRASH/.pipe.rc"
	} | head -c 0
	return "$(cat "$TRASH/.pipe.rc")"
}
mkdir out
for mode in full pipe; do
	case $mode in
	full) what="standard output to /dev/full" ;;
	pipe) what="standard output to a closed pipe" ;;
	esac
	# Each stage with its output lost; then again, for the records the
	# next one reads (a record seen twice gives the same output).
	# Phones of their own: the same phone twice is a lead.updated.
	awk -v name="Out $mode" -v base=$(test $mode = full && echo 1000 ||
	    echo 2000) 'BEGIN { for (i = 0; i < 50; i++)
	    printf "{\"name\":\"%s %d\",\"phone\":\"119%08d\"}\n",
	    name, i, base + i }' >out/leads.$mode
	J="-j out/journal.db"
	stdout_fault $mode out/leads.$mode integra-ingest $J -s site \
	    -t lead.created 2>out/ingest.$mode.err
	echo $? >out/ingest.$mode.rc
	integra-ingest $J -s site -t lead.created <out/leads.$mode \
	    >out/ingest.$mode 2>/dev/null
	stdout_fault $mode out/ingest.$mode integra-normalize $J \
	    2>out/normalize.$mode.err
	echo $? >out/normalize.$mode.rc
	integra-normalize $J <out/ingest.$mode >out/normalize.$mode \
	    2>/dev/null
	stdout_fault $mode out/normalize.$mode integra-map $J -c cfg.yaml \
	    2>out/map.$mode.err
	echo $? >out/map.$mode.rc
	integra-map $J -c cfg.yaml <out/normalize.$mode >out/map.$mode \
	    2>/dev/null
	stdout_fault $mode out/map.$mode integra-dispatch $J -c cfg.yaml \
	    --lease 2 2>out/dispatch.$mode.err
	echo $? >out/dispatch.$mode.rc
	for p in ingest normalize map dispatch; do
		test_expect_success "$p, $what: exit 74, a JSON error line" '
			echo "exit code $(cat out/$p.$mode.rc)" &&
			test "$(cat out/$p.$mode.rc)" = 74 &&
			all_json out/$p.$mode.err &&
			jq -r "select(.level == \"error\") | .msg" \
			    out/$p.$mode.err | grep -q "write: "
		'
	done
	test_expect_success "$what: every lead journaled and mapped, its delivery made" '
		test "$(qj out "SELECT count(*) FROM events e JOIN raw_envelopes r
		    ON r.event = e.seq WHERE e.status = \"mapped\" AND
		    r.envelope LIKE \"%Out $mode%\"")" = 50 &&
		test "$(qj out "SELECT count(*) FROM deliveries d JOIN events e
		    ON d.event_id = e.id JOIN raw_envelopes r ON r.event = e.seq
		    WHERE r.envelope LIKE \"%Out $mode%\"")" = 50
	'
done
# What a dispatch that stopped had claimed waits for its lease (2 s).
sleep 2.1
test_expect_success 'after the output faults: the --pending runs deliver everything; integrity_check ok' '
	integra-normalize -j out/journal.db --pending >/dev/null 2>out/n.err &&
	integra-map -j out/journal.db -c cfg.yaml --pending >/dev/null \
	    2>out/m.err &&
	integra-dispatch -j out/journal.db -c cfg.yaml --pending >/dev/null \
	    2>out/d.err &&
	test "$(qj out "SELECT count(*) FROM events
	    WHERE status <> \"mapped\"")" = 0 &&
	test "$(qj out "SELECT count(*) FROM deliveries
	    WHERE status <> \"delivered\"")" = 0 &&
	qj out "SELECT id FROM deliveries ORDER BY id" >out/deliveries &&
	jq -r .idempotency_key sink.log | sort -u >out/received &&
	comm -23 out/deliveries out/received >out/missing &&
	test ! -s out/missing &&
	test "$(qj out "PRAGMA integrity_check")" = ok
'
test_done
