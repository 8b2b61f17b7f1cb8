/*
 * transport/zapi: a request to Z-API gets the instance and its token in
 * its URL after the target's base URL (the journal's copy has neither),
 * and its body's phone as digits only, as Z-API takes it; the id Z-API
 * gives a message it took is kept, since its status callbacks name it.
 * See transport/transport.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "base/buf.h"
#include "json/jsonscan.h"
#include "json/jvdump.h"
#include "transport/transport.h"
#include "json/jvparse.h"

static int
zapi_prepare(const struct transport_target *t, struct transport_req *req,
    char *why, size_t whysz)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(t->cfg->url);
	const char *p;
	jv body, phone;

	if (n > 0 && t->cfg->url[n - 1] == '/')
		n--;
	if (strncmp(req->url, t->cfg->url, n) == 0) {
		buf_addf(&b, "%s%s", t->zapi_base, req->url + n);
		free(req->url);
		req->url = buf_detach(&b);
	}
	body = jvparse_text(req->body, req->body_len);
	phone = jv_get_kind(body) == JV_KIND_OBJECT ?
	    jv_object_get(jv_copy(body), jv_string("phone")) : jv_invalid();
	if (jv_get_kind(phone) == JV_KIND_STRING) {
		for (p = jv_string_value(phone); *p != '\0'; p++)
			if (*p >= '0' && *p <= '9')
				buf_addc(&b, *p);
		if (b.len < 8 || b.len > 15) {
			buf_release(&b);
			jv_free(phone);
			jv_free(body);
			snprintf(why, whysz, "the phone is not one: Z-API takes"
			    " 8 to 15 digits");
			return -1;
		}
		body = jv_object_set(body, jv_string("phone"),
		    jv_string(b.data));
		buf_reset(&b);
		jvdump(&b, body);
		free(req->body);
		req->body_len = b.len;
		req->body = buf_detach(&b);
	} else
		jv_free(body);
	jv_free(phone);
	buf_release(&b);
	return 0;
}

/* {"zaapId", "messageId", "id"}: messageId is what the callbacks name. */
static void
zapi_delivered(struct transport_req *req)
{
	const char *b = req->x.response.data;
	size_t vs, ve;

	if (req->x.response.len == 0 || json_member(b, req->x.response.len,
	    "messageId", &vs, &ve) != 1 || b[vs] != '"' || ve - vs < 3 ||
	    ve - vs - 2 > TRANSPORT_REMOTE_ID_MAX || memchr(b + vs, '\\',
	    ve - vs) != NULL)
		return;
	memcpy(req->remote_id, b + vs + 1, ve - vs - 2);
	req->remote_id[ve - vs - 2] = '\0';
}

const struct transport transport_zapi = { "zapi", zapi_prepare,
    zapi_delivered, NULL };
