#!/bin/sh
# compare-schemas.sh FILE URL: whether the PostgreSQL journal at URL has
# the schema of the SQLite journal FILE, as lib/journal/pg/migrations/
# translate it: what PostgreSQL should say is made from what SQLite says
# by the rules of 0017-schema.sql (below), then the two are compared,
# aspect by aspect:
#   tables; each one's columns in order, with type, NOT NULL, default
#   and identity; primary keys and unique constraints; foreign keys and
#   their ON DELETE; indexes (SQLite's sqlite_autoindex_* are its
#   constraints', as PostgreSQL's *_pkey and *_key are) by name, with
#   columns, uniqueness and WHERE; and the CHECK constraints by what they
#   do: a row with each status word (and a few that are none) inserted
#   into each table that has one, in both, must be taken or refused alike.
# Prints each aspect's result, and "differs" with a diff for any that
# differ; exit 0 if none does, 1 if one does, 2 if either cannot be read.
# Neither journal is changed: SQLite's inserts go to a copy, PostgreSQL's
# are rolled back.
set -eu

[ $# -eq 2 ] || {
	echo "usage: ${0##*/} SQLITE-FILE POSTGRESQL-URL" >&2
	exit 2
}
file=$1
url=$2
[ -f "$file" ] || {
	echo "${0##*/}: $file: no such file" >&2
	exit 2
}

# The columns that hold text or a sealed BLOB (seal.h): BYTEA.
sealed=" raw_envelopes.envelope canonical_envelopes.envelope \
 deliveries.headers deliveries.body sync_records.record "
# INTEGER PRIMARY KEY columns that are not numbered by their table: each
# is its event's seq.
not_numbered=" raw_envelopes.event canonical_envelopes.event "

tmp=$(mktemp -d "${TMPDIR:-/tmp}/compare-schemas.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$file" "$tmp/lite.db"
db=$tmp/lite.db

lite() {
	sqlite3 -batch -bail -noheader -list -separator '|' "$db" "$@"
}
pg() {
	psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 "$url" "$@"
}
lite "SELECT 1" >/dev/null || exit 2
pg -c "SELECT 1" >/dev/null || exit 2

tables=$(lite "SELECT name FROM sqlite_schema WHERE type = 'table'
    AND name NOT LIKE 'sqlite_%' ORDER BY name")

# What PostgreSQL should say of a column.
# expect TABLE CID NAME TYPE NOTNULL DEFAULT PK IS_ROWID_ALIAS WITHOUT_ROWID
expect_column() {
	t=$1 name=$3 type=$4 nn=$5 dflt=$6 pk=$7 alias=$8 wr=$9
	identity=NO
	case $type in
	INTEGER)
		pgtype=bigint
		if [ "$alias" = 1 ]; then
			case $not_numbered in
			*" $t.$name "*) ;;
			*) identity=YES ;;
			esac
			nn=1
		fi ;;
	TEXT)
		case $sealed in
		*" $t.$name "*) pgtype=bytea ;;
		*) pgtype=text ;;
		esac ;;
	BLOB) pgtype=bytea ;;
	REAL) pgtype='double precision' ;;
	*) pgtype="?$type" ;;
	esac
	# A key's columns are NOT NULL in PostgreSQL; in SQLite only in a
	# WITHOUT ROWID table (or as the rowid), by a quirk it keeps.
	if [ "$pk" != 0 ] && [ "$nn" = 0 ]; then
		[ "$wr" = 1 ] || echo "$t.$name" >>"$tmp/pk-nullable"
		nn=1
	fi
	[ "$nn" = 1 ] && nn=NO || nn=YES
	echo "$t|$2|$name|$pgtype|$nn|$dflt|$identity"
}

: >"$tmp/pk-nullable"
for t in $tables; do
	wr=$(lite "SELECT sql LIKE '%WITHOUT ROWID' FROM sqlite_schema
	    WHERE name = '$t'")
	# The rowid's alias: the one INTEGER key column of a rowid table.
	alias=$(lite "SELECT CASE WHEN $wr = 0 AND count(*) = 1
	    AND max(type) = 'INTEGER' THEN max(name) END
	    FROM pragma_table_info('$t') WHERE pk > 0")
	lite "SELECT cid + 1, name, type, \"notnull\", coalesce(dflt_value, ''),
	    pk, name = '$alias' FROM pragma_table_info('$t') ORDER BY cid" |
	while IFS='|' read -r cid name type nn dflt pk isalias; do
		expect_column "$t" "$cid" "$name" "$type" "$nn" "$dflt" \
		    "$pk" "$isalias" "$wr"
	done
done >"$tmp/columns.lite"
pg -c "SELECT table_name, ordinal_position, column_name, data_type,
    is_nullable, coalesce(regexp_replace(column_default,
    '::(text|bigint|bytea|double precision)\$', ''), ''), is_identity
    FROM information_schema.columns WHERE table_schema = 'public'
    ORDER BY 1, 2" >"$tmp/columns.pg"

echo "$tables" >"$tmp/tables.lite"
pg -c "SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
    ORDER BY 1" >"$tmp/tables.pg"

# Keys: primary (the rowid's alias too) and unique, by their columns.
for t in $tables; do
	lite "SELECT '$t', CASE origin WHEN 'pk' THEN 'p' ELSE 'u' END,
	    (SELECT group_concat(name, ',') FROM (SELECT name
	    FROM pragma_index_info(l.name) ORDER BY seqno))
	    FROM pragma_index_list('$t') l WHERE origin IN ('pk', 'u')
	    UNION ALL SELECT '$t', 'p', name FROM pragma_table_info('$t')
	    WHERE pk = 1 AND type = 'INTEGER' AND (SELECT count(*)
	    FROM pragma_table_info('$t') WHERE pk > 0) = 1
	    AND NOT EXISTS (SELECT 1 FROM pragma_index_list('$t')
	    WHERE origin = 'pk')"
done | sort >"$tmp/keys.lite"
pg -c "SELECT c.relname, k.contype, (SELECT string_agg(a.attname, ','
    ORDER BY u.n) FROM unnest(k.conkey) WITH ORDINALITY u(attnum, n)
    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum)
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace s ON s.oid = c.relnamespace
    WHERE s.nspname = 'public' AND k.contype IN ('p', 'u')" |
    sort >"$tmp/keys.pg"

for t in $tables; do
	lite "SELECT '$t', \"from\", \"table\", \"to\", on_delete
	    FROM pragma_foreign_key_list('$t')"
done | sort >"$tmp/fkeys.lite"
pg -c "SELECT c.relname, a.attname, r.relname, b.attname,
    CASE k.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'
    WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
    WHEN 'd' THEN 'SET DEFAULT' END
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_class r ON r.oid = k.confrelid
    JOIN pg_namespace s ON s.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = k.conrelid
	AND a.attnum = k.conkey[1]
    JOIN pg_attribute b ON b.attrelid = k.confrelid
	AND b.attnum = k.confkey[1]
    WHERE s.nspname = 'public' AND k.contype = 'f'" | sort >"$tmp/fkeys.pg"

# The indexes made by CREATE INDEX.  A WHERE is compared as words, its
# parentheses and casts gone and "= ANY (ARRAY[...])" read as IN.
where_words() {
	sed -e "s/::text//g" -e "s/= ANY (ARRAY\[/IN (/g" -e "s/\])/)/g" \
	    -e "s/[()]//g" | tr 'A-Z\n\t' 'a-z  ' | tr -s ' ' |
	    sed -e 's/ *$//' -e 's/^ *//'
}
lite "SELECT name, tbl_name FROM sqlite_schema WHERE type = 'index'
    AND name NOT LIKE 'sqlite_autoindex_%' ORDER BY name" |
while IFS='|' read -r i t; do
	cols=$(lite "SELECT group_concat(name, ',') FROM (SELECT name
	    FROM pragma_index_info('$i') ORDER BY seqno)")
	uniq=$(lite "SELECT \"unique\" FROM pragma_index_list('$t')
	    WHERE name = '$i'")
	where=$(lite "SELECT substr(s, instr(s, ' WHERE ') + 7)
	    FROM (SELECT replace(sql, char(10), ' ') AS s FROM sqlite_schema
	    WHERE name = '$i') WHERE instr(s, ' WHERE ') > 0" | where_words)
	echo "$i|$t|$cols|$uniq|$where"
done >"$tmp/indexes.lite"
pg -c "SELECT x.relname, c.relname, (SELECT string_agg(a.attname, ','
    ORDER BY u.n) FROM unnest(i.indkey) WITH ORDINALITY u(attnum, n)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.attnum),
    i.indisunique::int, coalesce(pg_get_expr(i.indpred, i.indrelid), '')
    FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace s ON s.oid = c.relnamespace
    WHERE s.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint k
	WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
	AND k.contype IN ('p', 'u', 'x'))
    ORDER BY 1" |
while IFS='|' read -r i t cols uniq where; do
	echo "$i|$t|$cols|$uniq|$(printf '%s\n' "$where" | where_words)"
done >"$tmp/indexes.pg"

# The CHECK constraints, by what they take: each word of the checks (and
# of the defaults), with a few that are none, as the status of a row whose
# other columns that must be given are; PostgreSQL's identity given too,
# for its sequence, which no rollback takes back, to stay as it was.
checked=$(lite "SELECT name FROM sqlite_schema WHERE type = 'table'
    AND sql LIKE '%CHECK%' ORDER BY name")
words=$(for t in $checked; do
	lite "SELECT sql FROM sqlite_schema WHERE name = '$t'" |
	    grep -o "'[a-z_]*'" | tr -d "'"
done | sort -u)
words="$words bogus PENDING Running"
: >"$tmp/checks.lite"
: >"$tmp/checks.pg"
for t in $checked; do
	lcols=$(lite "SELECT group_concat(name, ', ') FROM pragma_table_info('$t')
	    WHERE name = 'status' OR (\"notnull\" AND dflt_value IS NULL)")
	lvals=$(lite "SELECT group_concat(CASE WHEN name = 'status'
	    THEN '@' WHEN type = 'INTEGER' THEN '1' WHEN type = 'BLOB'
	    THEN 'X''00''' WHEN type = 'REAL' THEN '1.0' ELSE '''x''' END, ', ')
	    FROM pragma_table_info('$t') WHERE name = 'status'
	    OR (\"notnull\" AND dflt_value IS NULL)")
	pcols=$(pg -c "SELECT string_agg(quote_ident(column_name), ', '
	    ORDER BY ordinal_position) FROM information_schema.columns
	    WHERE table_schema = 'public' AND table_name = '$t'
	    AND (column_name = 'status' OR (is_nullable = 'NO'
	    AND column_default IS NULL))")
	pvals=$(pg -c "SELECT string_agg(CASE WHEN column_name = 'status'
	    THEN '@' WHEN is_identity = 'YES' THEN '1'
	    WHEN data_type = 'bytea' THEN '''\\x00''::bytea'
	    WHEN data_type = 'text' THEN '''x''' ELSE '1' END, ', '
	    ORDER BY ordinal_position) FROM information_schema.columns
	    WHERE table_schema = 'public' AND table_name = '$t'
	    AND (column_name = 'status' OR (is_nullable = 'NO'
	    AND column_default IS NULL))")
	for w in $words; do
		v=$(printf '%s\n' "$lvals" | sed "s/@/'$w'/")
		if lite "BEGIN; INSERT INTO $t ($lcols) VALUES ($v); ROLLBACK" \
		    >/dev/null 2>&1; then r=taken; else r=refused; fi
		echo "$t|$w|$r" >>"$tmp/checks.lite"
		v=$(printf '%s\n' "$pvals" | sed "s/@/'$w'/")
		# The foreign keys' triggers off: the check alone decides.
		if pg -c "BEGIN" -c "SET LOCAL session_replication_role = replica" \
		    -c "INSERT INTO $t ($pcols) VALUES ($v)" -c "ROLLBACK" \
		    >/dev/null 2>&1; then r=taken; else r=refused; fi
		echo "$t|$w|$r" >>"$tmp/checks.pg"
	done
done

status=0
for a in tables columns keys fkeys indexes checks; do
	n=$(wc -l <"$tmp/$a.lite")
	if diff -u "$tmp/$a.lite" "$tmp/$a.pg" >"$tmp/$a.diff"; then
		printf '%-8s same (%s)\n' "$a" "$n"
	else
		printf '%-8s differs:\n' "$a"
		sed 's/^/	/' "$tmp/$a.diff"
		status=1
	fi
done
taken=$(grep -c '|taken$' "$tmp/checks.lite" || :)
printf 'checks: %s rows taken, %s refused, on %s\n' "$taken" \
    "$(grep -c '|refused$' "$tmp/checks.lite" || :)" \
    "$(printf '%s\n' "$checked" | paste -s -d ' ' -)"
if [ -s "$tmp/pk-nullable" ]; then
	printf 'note: NOT NULL in PostgreSQL, NULL taken by SQLite (a key of a'
	printf ' rowid table): %s\n' "$(paste -s -d ' ' "$tmp/pk-nullable")"
fi
exit $status
