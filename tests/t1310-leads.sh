#!/bin/sh
# integra-normalize deduplicates leads: a lead.created gets its own event id
# as lead_id; one whose phone (E.164) or e-mail (lower-cased) a lead of the
# same tenant had before becomes lead.updated with that lead's id.
. "$top_srcdir/tests/lib.sh"

# lead KEY DATA [TENANT]: a lead.created through ingest and normalize.
lead() {
	printf '{"specversion":"1.0","id":"%s","source":"site","type":"lead.created","tenant":"%s","data":%s}\n' \
	    "$1" "${3:-acme}" "$2" | integra-ingest -j "$JOURNAL" |
	    integra-normalize -j "$JOURNAL"
}

test_expect_success 'a new lead: lead.created, its lead_id its own id' '
	lead l1 "{\"name\":\"Ana\",\"phone\":\"(11) 98765-4321\"}" >out &&
	jq -e ".type == \"lead.created\" and .data.lead_id == .id" out &&
	jq -r .id out >first &&
	test "$(q "SELECT lead_id FROM lead_contacts
	    WHERE contact = \"tel:+5511987654321\"")" = "$(cat first)"
'
test_expect_success 'the same phone typed another way: lead.updated, same lead' '
	lead l2 "{\"name\":\"Ana L\",\"phone\":\"+55 11 98765 4321\"}" >out &&
	jq -e --arg lead "$(cat first)" ".type == \"lead.updated\" and
	    .data.lead_id == \$lead and .data.name == \"Ana L\"" out &&
	test "$(q "SELECT type FROM events WHERE idempotency_key = \"l2\"")" = \
	    lead.updated
'
test_expect_success 'what the journal holds is what went out' '
	id=$(jq -r .id out) &&
	q "SELECT envelope FROM canonical_envelopes
	    JOIN events ON event = seq WHERE id = \"$id\"" >journal.out &&
	test_cmp out journal.out
'
test_expect_success 'a known phone with a new e-mail: the e-mail joins the lead' '
	lead l3 "{\"name\":\"Ana\",\"phone\":\"11987654321\",\"email\":\"Ana@Example.COM\"}" \
	    >out &&
	jq -e ".type == \"lead.updated\"" out &&
	lead l4 "{\"name\":\"Ana\",\"email\":\"ana@example.com\"}" >out &&
	jq -e --arg lead "$(cat first)" ".type == \"lead.updated\" and
	    .data.lead_id == \$lead" out
'
test_expect_success 'another person: another lead' '
	lead l5 "{\"name\":\"Bia\",\"phone\":\"21 99876-5432\"}" >out &&
	jq -e ".type == \"lead.created\" and .data.lead_id == .id" out
'
test_expect_success 'another tenant does not share leads' '
	lead l6 "{\"name\":\"Ana\",\"phone\":\"11987654321\"}" other >out &&
	jq -e ".type == \"lead.created\" and .data.lead_id == .id" out
'
test_expect_success 'two leads with one phone in one stream: one lead' '
	printf "%s\n" \
	    "{\"specversion\":\"1.0\",\"id\":\"s1\",\"source\":\"site\",\"type\":\"lead.created\",\"data\":{\"name\":\"Caio\",\"phone\":\"31 98888-1111\"}}" \
	    "{\"specversion\":\"1.0\",\"id\":\"s2\",\"source\":\"site\",\"type\":\"lead.created\",\"data\":{\"name\":\"Caio\",\"phone\":\"31988881111\"}}" |
	    integra-ingest -j "$JOURNAL" | integra-normalize -j "$JOURNAL" >out &&
	jq -r ".type" out >types &&
	printf "lead.created\nlead.updated\n" >expect && test_cmp expect types &&
	test $(jq -r .data.lead_id out | sort -u | wc -l) = 1
'
test_expect_success 'a replay writes the same, and links nothing twice' '
	q "SELECT count(*) FROM lead_contacts" >before &&
	q "SELECT envelope FROM raw_envelopes JOIN events ON event = seq
	    WHERE idempotency_key IN (\"s1\", \"s2\") ORDER BY seq" |
	    integra-normalize -j "$JOURNAL" >again &&
	test_cmp out again &&
	q "SELECT count(*) FROM lead_contacts" >after &&
	test_cmp before after
'
test_expect_success 'lead.updated goes where its routes send it' '
	cat >cfg.yaml <<-EOF &&
	targets:
	  crm:
	    url: http://127.0.0.1:9/crm
	routes:
	  - on: lead.created
	    to: crm
	    path: /leads
	  - on: lead.updated
	    to: crm
	    path: /leads/update
	EOF
	lead l7 "{\"name\":\"Ana\",\"phone\":\"11987654321\"}" |
	    integra-map -j "$JOURNAL" -c cfg.yaml >d &&
	jq -e ".url == \"http://127.0.0.1:9/crm/leads/update\"" d
'
test_expect_success 'no phone or e-mail of a lead is logged' '
	lead l8 "{\"name\":\"Duda\",\"phone\":\"41 99999-2222\"}" >/dev/null 2>err &&
	! grep -e 99999 -e Duda err
'
test_done
