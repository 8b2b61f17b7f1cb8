#!/bin/sh
# The front: `integra CMD` runs integra-CMD, and `integra config check`.
. "$top_srcdir/tests/lib.sh"

test_expect_success 'integra map --help is integra-map --help' '
	integra map --help >front &&
	integra-map --help >direct &&
	test_cmp direct front
'
test_expect_success 'integra passes arguments and exit codes through' '
	integra ingest -s site -t lead.created -j j.db </dev/null &&
	integra normalize -j nonexistent.db </dev/null; test $? -eq 66
'
test_expect_code 64 'an unknown command exits 64' '
	integra no-such-command
'
test_expect_code 64 'a command with a slash is refused' '
	integra ../bin/sh
'
test_expect_code 64 'integra without a command exits 64' '
	integra
'
test_expect_success 'integra --version prints the version' '
	integra --version | grep -q "^integra [0-9]"
'
# campaign_secrets COMMAND...: COMMAND with the sample's secrets set.
campaign_secrets() {
	INTEGRA_CRM_TOKEN=x INTEGRA_ZAPI_CLIENT_TOKEN=y INTEGRA_ZAPI_TOKEN=z \
	    INTEGRA_LINK_SECRET=l INTEGRA_RETENTION_SALT=s \
	    INTEGRA_WORDPRESS_AUTH=w INTEGRA_WORDPRESS_WEBHOOK_SECRET=whsec_aA== \
	    INTEGRA_SALESFORCE_SECRET=f INTEGRA_RBM_CLIENT_TOKEN=r \
	    INTEGRA_CLINICS_TOKEN=c INTEGRA_INFOBIP_KEY=i INTEGRA_WHATSAPP_TOKEN=w \
	    INTEGRA_PIPEDRIVE_TOKEN=p "$@"
}
test_expect_success 'config check accepts the sample config' '
	campaign_secrets \
	    integra config check -c "$top_srcdir/etc/integra.yaml" >out &&
	grep -q "ok: 21 targets, 59 routes, 5 syncs, 2 flows, 2 cadences" out
'
test_expect_code 78 'config check names a secret that is not set' '
	env -u INTEGRA_CRM_TOKEN INTEGRA_ZAPI_CLIENT_TOKEN=y INTEGRA_ZAPI_TOKEN=z INTEGRA_LINK_SECRET=l INTEGRA_RETENTION_SALT=s \
	    INTEGRA_WORDPRESS_AUTH=w INTEGRA_WORDPRESS_WEBHOOK_SECRET=whsec_aA== \
	    INTEGRA_SALESFORCE_SECRET=f INTEGRA_RBM_CLIENT_TOKEN=r \
	    INTEGRA_CLINICS_TOKEN=c INTEGRA_INFOBIP_KEY=i INTEGRA_WHATSAPP_TOKEN=w \
	    INTEGRA_PIPEDRIVE_TOKEN=p integra config check -c "$top_srcdir/etc/integra.yaml" 2>err;
	rc=$?; cat err; grep -q "INTEGRA_CRM_TOKEN" err && exit $rc
'
test_expect_success 'config check reads INTEGRA_CONFIG' '
	INTEGRA_CONFIG="$top_srcdir/etc/integra.yaml" campaign_secrets \
	    integra config check
'
test_expect_code 64 'config without check exits 64' '
	integra config
'

test_done
