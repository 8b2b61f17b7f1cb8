#!/bin/sh
# A bad config is refused at start with FILE:LINE: reason and exit 78.
. "$top_srcdir/tests/lib.sh"

good='targets:
  crm:
    url: http://127.0.0.1:9/crm
routes:
  - on: lead.created
    to: crm
'

# bad NAME LINE REASON YAML: the config is refused by config check and by
# map, with "NAME.yaml:LINE:" and the reason.
# bad NAME LINE REASON YAML: config check refuses it with exit 78 and
# "NAME.yaml:LINE: REASON", and so does integra-map at start (unless
# MAP_TOO=no: a check only config check makes).
bad() {
	printf '%s' "$4" >"$1.yaml"
	printf '%s\n' "$3" >"$1.reason"
	test_expect_success "refused: $1" "
		integra config check -c $1.yaml 2>err; rc=\$?; cat err;
		test \$rc -eq 78 && grep -q '$1.yaml:$2: ' err &&
		grep -qF -f $1.reason err || exit 1
		test '${MAP_TOO:-yes}' = no && exit 0
		: >j.db && integra-map -c $1.yaml -j j.db </dev/null 2>err;
		rc=\$?; cat err; test \$rc -eq 78 && grep -q '$1.yaml:$2: ' err
	"
}

printf '%s' "$good" >good.yaml
test_expect_success 'a good config is accepted' '
	integra config check -c good.yaml >out && grep -q "ok: 1 target, 1 route$" out
'

bad unknown-key 3 "unknown key 'ulr' in a target" 'targets:
  crm:
    ulr: http://x
'
# A key given twice is refused with both its lines (the trust issue's
# finding 5: a second retention: leaked the first one's strings).
bad twice-top 6 "'retention' is given twice in the file (first on line 1)" 'retention:
  after: 90d
targets:
  crm:
    url: http://127.0.0.1:9
retention:
  after: 30d
'
bad twice-target 4 "'url' is given twice in a target (first on line 3)" 'targets:
  crm:
    url: http://127.0.0.1:9
    url: http://127.0.0.1:8
'
bad inline-secret 6 'never sits in the config file' 'targets:
  crm:
    url: http://127.0.0.1:9
    auth:
      header: Authorization
      secret: hunter2
'
bad bad-url 3 'url must be an http' 'targets:
  crm:
    url: ftp://example.com
'
bad unknown-target 5 "target 'erp', which is not defined" 'targets:
  crm:
    url: http://127.0.0.1:9
routes:
  - on: lead.created
    to: erp
'
bad bad-duration 4 'must be a duration' 'targets:
  crm:
    url: http://127.0.0.1:9
    timeout: soon
'
bad duplicate-route 7 "route 'lead.created:crm' is defined twice" 'targets:
  crm:
    url: http://127.0.0.1:9
routes:
  - on: lead.created
    to: crm
  - on: lead.created
    to: crm
'
# integra-map compiles a route when an event first wants it: config check
# is what refuses a program that does not compile.
MAP_TOO=no bad jq-syntax 7 "route 'lead.created:crm': jq" 'targets:
  crm:
    url: http://127.0.0.1:9
routes:
  - on: lead.created
    to: crm
    body: "{name: .data.name"
'
bad yaml-syntax 4 'did not find expected' 'targets:
  crm: [
    url: x
'
bad header-injection 5 "header 'X-A' is not a valid" 'targets:
  crm:
    url: http://127.0.0.1:9
    headers:
      X-A: "a\r\nX-Injected: 1"
'
bad header-secret 5 "header 'Authorization' carries a secret" 'targets:
  crm:
    url: http://127.0.0.1:9
    headers:
      Authorization: Bearer abc
'
bad concurrency 4 'concurrency must be a whole number from 1 to 1024' 'targets:
  crm:
    url: http://127.0.0.1:9
    concurrency: 0
'
MAP_TOO=no bad unknown-type 5 "event type 'lead.nope', which is not in the catalogue" 'targets:
  crm:
    url: http://127.0.0.1:9
routes:
  - on: lead.nope
    to: crm
'
bad country 2 "country 'ZZ'" 'defaults:
  country: ZZ
'

test_expect_code 78 'a missing explicit config exits 78' '
	integra-map -c nonexistent.yaml </dev/null
'
test_expect_success 'secret_file: the secret is read from the file' '
	printf "s3cret\n" >secret &&
	cat >file.yaml <<-EOF &&
	targets:
	  crm:
	    url: http://127.0.0.1:9
	    auth:
	      header: X-Token
	      secret_file: $PWD/secret
	EOF
	integra config check -c file.yaml
'
test_expect_code 78 'an unreadable secret_file is named' '
	sed "s|$PWD/secret|$PWD/nosecret|" file.yaml >nofile.yaml &&
	integra config check -c nofile.yaml 2>err; rc=$?;
	grep -q "nosecret" err && exit $rc
'
bad retry-mixed 6 "retry: give one of delays, preset, or max_attempts" \
'targets:
  crm:
    url: http://127.0.0.1:9/crm
    retry:
      delays: [5s, 1m]
      base: 2s
'
bad retry-preset 5 "unknown retry preset 'stripe'" 'targets:
  crm:
    url: http://127.0.0.1:9/crm
    retry:
      preset: stripe
'
bad retry-on 5 "a status in retry_on must be" 'targets:
  crm:
    url: http://127.0.0.1:9/crm
    retry:
      retry_on: [409, 503]
'
bad retry-delay 5 "a delay is at most a week" 'targets:
  crm:
    url: http://127.0.0.1:9/crm
    retry:
      delays: [5s, 200h]
'
bad circuit-cooldown 5 "cooldown must be from 1s to 24h" 'targets:
  crm:
    url: http://127.0.0.1:9/crm
    circuit:
      cooldown: 10ms
'
bad circuit-key 5 "unknown key 'threshold' in circuit" 'targets:
  crm:
    url: http://127.0.0.1:9/crm
    circuit:
      threshold: 3
'
bad circuit-rate 5 "error_rate must be a percentage from 1% to 100%, not '150%'" 'targets:
  crm:
    url: http://127.0.0.1:9/crm
    circuit:
      error_rate: 150%
'
bad circuit-window 4 "window must be from 1s to 24h" 'defaults:
  circuit:
    failures: 3
    window: 48h
'
bad circuit-failures 3 "failures must be" 'defaults:
  circuit:
    failures: -1
'
bad route-priority 7 "priority must be high, default, notification or low, not 'urgent'" 'targets:
  crm:
    url: http://127.0.0.1:9/crm
routes:
  - on: lead.created
    to: crm
    priority: urgent
'
bad signing-token 5 "target 'crm': scheme is hmac-sha256 or standard-webhooks, not 'token'" 'targets:
  crm:
    url: http://127.0.0.1:9/crm
    signing:
      scheme: token
      secret_env: X
'
bad signing-previous 5 "target 'crm': hmac-sha256 signs with one secret" 'targets:
  crm:
    url: http://127.0.0.1:9/crm
    signing:
      scheme: hmac-sha256
      header: X-Signature
      secret_env: X
      previous_secret_env: Y
'
bad signing-secret 7 "a secret never sits in the config file" 'targets:
  crm:
    url: http://127.0.0.1:9/crm
    signing:
      scheme: standard-webhooks
      secret_env: X
      secret: whsec_abc
'
bad outcome-name 4 "an outcome is succeeded, failed, dead or disabled, not 'delivered'" 'targets:
  crm:
    url: http://127.0.0.1:9/crm
    outcomes: [dead, delivered]
'
test_done
