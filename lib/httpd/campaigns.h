/*
 * httpd/campaigns: the campaigns on the receiver, for an API key with
 * events:write (to ask for one, cancel or retry it) or events:read.
 *
 *	POST	/api/campaigns/dispatch		{"campaign_id":ID}: 202, or
 *						200 if it was asked before
 *	GET	/api/campaigns			list (limit, cursor)
 *	GET	/api/campaigns/ID		status and its latest dead
 *	GET	/api/campaigns/ID/status	status
 *	POST	/api/campaigns/ID/cancel	cancel what is still to go
 *	POST	/api/campaigns/ID/retry-failed	its dead deliveries again
 *
 * The answers are ops/campaigns', the same as integra-campaign's.
 *
 * Ownership: each answer is built in a buffer of its own, copied by
 * libmicrohttpd and released before the handler returns.
 */
#ifndef INTEGRA_HTTPD_CAMPAIGNS_H
#define INTEGRA_HTTPD_CAMPAIGNS_H

#include "httpd/route.h"

enum MHD_Result	httpd_campaigns_dispatch(const struct httpd_call *);
enum MHD_Result	httpd_campaigns_list(const struct httpd_call *);
enum MHD_Result	httpd_campaigns_show(const struct httpd_call *);
enum MHD_Result	httpd_campaigns_status(const struct httpd_call *);
enum MHD_Result	httpd_campaigns_cancel(const struct httpd_call *);
enum MHD_Result	httpd_campaigns_retry(const struct httpd_call *);

#endif
