// SPDX-License-Identifier: GPL-2.0-only
/*
 * frame_udp.c - UDP probes as scanners send them, and the replies a host
 * would send: parsed and encoded here afresh, with nothing of the data
 * path but its per-host text (bpf/udp_banners.h). The payloads of nmap are
 * those of nmap-payloads (7.93), ZMap's those of its udp, ntp and upnp
 * modules (2.1.1), masscan's those of templ-payloads.c (1.3.2).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "frame.h"
#include "frame_udp.h"
#include "udp_banners.h"

#define IP_LEN 20
#define UDP_HDR 8

/* ---- payloads ------------------------------------------------------------ */

/* Copy a payload written as a C string literal (sizeof counts its NUL). */
#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (uint32_t)(sizeof(s) - 1))

/* A DNS name from its dotted form ("" is the root); returns its length. */
static uint32_t dns_name(uint8_t *p, const char *dotted)
{
	uint32_t n = 0;
	const char *dot;

	while (*dotted) {
		dot = strchr(dotted, '.');
		size_t l = dot ? (size_t)(dot - dotted) : strlen(dotted);

		p[n++] = (uint8_t)l;
		memcpy(p + n, dotted, l);
		n += (uint32_t)l;
		dotted += l + (dot != NULL);
	}
	p[n++] = 0;
	return n;
}

/* A label of len copies of c. */
static uint32_t dns_label(uint8_t *p, uint32_t len, char c)
{
	p[0] = (uint8_t)len;
	memset(p + 1, c, len);
	return 1 + len;
}

/* A query: header with id, flags and counts, then one question (or none if qd is 0). */
static uint32_t dns_query(uint8_t *p, uint16_t id, uint16_t flags, uint16_t qd, uint16_t ar,
			  const char *name, uint16_t type, uint16_t class)
{
	uint32_t n = 12;

	memset(p, 0, 12);
	put16(p, id);
	put16(p + 2, flags);
	put16(p + 4, qd);
	put16(p + 10, ar);
	if (!name)
		return n;
	n += dns_name(p + n, name);
	put16(p + n, type);
	put16(p + n + 2, class);
	return n + 4;
}

/* The EDNS OPT record of a client with a 4096-byte buffer (RFC 6891). */
static uint32_t dns_opt(uint8_t *p)
{
	static const uint8_t opt[] = { 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0 };

	memcpy(p, opt, sizeof(opt));
	return sizeof(opt);
}

static uint32_t dns_payload(const struct tcase *t, uint8_t *p)
{
	uint16_t id = (uint16_t)t->app_id;
	uint32_t n;

	switch (t->app) {
	case UA_DNS_NMAP_VERSION:
		return LIT(p, "\x77\x77\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
			      "\x07version\x04"
			      "bind\x00\x00\x10\x00\x03");
	case UA_DNS_NMAP_STATUS:
		return LIT(p, "\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00");
	case UA_DNS_MASSCAN:
		return dns_query(p, id, 0x0120, 1, 0, "version.bind", 16, 3);
	case UA_DNS_VERSION_UPPER:
		return dns_query(p, id, 0, 1, 0, "VERSION.BIND", 16, 3);
	case UA_DNS_VERSION_IN:
		return dns_query(p, id, 0x0100, 1, 0, "version.bind", 16, 1);
	case UA_DNS_A:
		return dns_query(p, id, 0x0100, 1, 0, "www.example.com", 1, 1);
	case UA_DNS_A_EDNS:
		n = dns_query(p, id, 0x0100, 1, 1, "www.example.com", 1, 1);
		return n + dns_opt(p + n);
	case UA_DNS_A_LONGEST:	/* 3 * 64 + 62 + 1 = 255 bytes */
	case UA_DNS_NAME_256:	/* 3 * 64 + 63 + 1 = 256 bytes */
		n = dns_query(p, id, 0x0100, 1, 0, NULL, 0, 0);
		put16(p + 4, 1);
		n += dns_label(p + n, 63, 'a');
		n += dns_label(p + n, 63, 'b');
		n += dns_label(p + n, 63, 'c');
		n += dns_label(p + n, t->app == UA_DNS_A_LONGEST ? 61 : 62, 'd');
		p[n++] = 0;
		put16(p + n, 1);
		put16(p + n + 2, 1);
		return n + 4;
	case UA_DNS_AAAA:
		return dns_query(p, id, 0x0100, 1, 0, "www.example.com", 28, 1);
	case UA_DNS_ROOT_NS:
		return dns_query(p, id, 0, 1, 0, "", 2, 1);
	case UA_DNS_QDCOUNT_0:
		return dns_query(p, id, 0x0100, 0, 0, NULL, 0, 0);
	case UA_DNS_QDCOUNT_2:
		n = dns_query(p, id, 0x0100, 2, 0, "www.example.com", 1, 1);
		n += dns_name(p + n, "example.org");
		put16(p + n, 1);
		put16(p + n + 2, 1);
		return n + 4;
	case UA_DNS_RESPONSE:
		return dns_query(p, id, 0x8180, 1, 0, "www.example.com", 1, 1);
	case UA_DNS_SHORT:
		return dns_query(p, id, 0x0100, 1, 0, NULL, 0, 0) - 1;
	case UA_DNS_POINTER:	/* "www" and a pointer to offset 12 */
		n = dns_query(p, id, 0x0100, 1, 0, NULL, 0, 0);
		put16(p + 4, 1);
		n += dns_label(p + n, 3, 'w');
		p[n++] = 0xc0;
		p[n++] = 12;
		put16(p + n, 1);
		put16(p + n + 2, 1);
		return n + 4;
	case UA_DNS_LABEL_64:
		n = dns_query(p, id, 0x0100, 1, 0, NULL, 0, 0);
		put16(p + 4, 1);
		n += dns_label(p + n, 64, 'x');
		p[n++] = 0;
		put16(p + n, 1);
		put16(p + n + 2, 1);
		return n + 4;
	case UA_DNS_UNTERMINATED:	/* "www.exam", its last label cut short */
		n = dns_query(p, id, 0x0100, 1, 0, "www.example", 1, 1);
		return n - 4 - 4;
	case UA_DNS_NO_CLASS:
		return dns_query(p, id, 0x0100, 1, 0, "www.example.com", 1, 1) - 2;
	default:
		return 0;
	}
}

/* A 48-byte NTP header: LI, version and mode, poll, transmit time. */
static uint32_t ntp_header(uint8_t *p, uint8_t li_vn_mode, uint8_t poll, uint32_t xmt_sec,
			   uint32_t xmt_frac)
{
	memset(p, 0, 48);
	p[0] = li_vn_mode;
	p[2] = poll;
	put32(p + 40, xmt_sec);
	put32(p + 44, xmt_frac);
	return 48;
}

/* A mode 7 request header: version 2, implementation, request code, nothing else. */
static uint32_t ntp_private(uint8_t *p, uint8_t first, uint8_t seq, uint8_t impl, uint8_t req)
{
	memset(p, 0, 48);
	p[0] = first;
	p[1] = seq;
	p[2] = impl;
	p[3] = req;
	return 48;
}

static uint32_t ntp_payload(const struct tcase *t, uint8_t *p)
{
	uint32_t n;

	switch (t->app) {
	case UA_NTP_NMAP:
		return LIT(p, "\xE3\x00\x04\xFA\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00"
			      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
			      "\x00\x00\x00\x00\x00\x00\x00\x00\xC5\x4F\x23\x4B\x71\xB1\x52\xF3");
	case UA_NTP_NMAP_PEER:
		return LIT(p, "\xd9\x00\x0a\xfa\x00\x00\x00"
			      "\x00\x00\x01\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
			      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xc6"
			      "\xf1\x5e\xdb\x78\x00\x00\x00");
	case UA_NTP_ZMAP:
		return ntp_header(p, 0xe3, 0, 0, 0);
	case UA_NTP_V1:
		return ntp_header(p, 1 << 3 | 3, 6, 0xe8000000u | (t->app_id >> 8), t->app_id);
	case UA_NTP_V3_MAC:	/* key id 1 and 16 bytes of MD5 MAC after the header */
		n = ntp_header(p, 3 << 3 | 3, 10, 0xe9001234u, t->app_id);
		put32(p + n, 1);
		memset(p + n + 4, 0xa5, 16);
		return n + 20;
	case UA_NTP_MASSCAN:
		return LIT(p, "\x17\x00\x03\x2a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
			      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
			      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00");
	case UA_NTP_MODE7_UNIV:
		return ntp_private(p, 0x17, 0, 0, 42);
	case UA_NTP_MODE7_IMPL9:
		return ntp_private(p, 0x17, 0, 9, 42);
	case UA_NTP_SERVER:
		return ntp_header(p, 4 << 3 | 4, 6, 0xe8000000u, t->app_id);
	case UA_NTP_SHORT:
		return ntp_header(p, 4 << 3 | 3, 6, 0xe8000000u, t->app_id) - 1;
	case UA_NTP_V0:
		return ntp_header(p, 0 << 3 | 3, 6, 0xe8000000u, t->app_id);
	case UA_NTP_V5:
		return ntp_header(p, 5 << 3 | 3, 6, 0xe8000000u, t->app_id);
	case UA_NTP_MODE7_RESPONSE:
		return ntp_private(p, 0x80 | 0x17, 0, 3, 42);
	case UA_NTP_MODE7_SEQ:
		return ntp_private(p, 0x17, 1, 3, 42);
	case UA_NTP_MODE7_SHORT:
		ntp_private(p, 0x17, 0, 3, 42);
		return 7;
	default:
		return 0;
	}
}

/* A BER TLV: tag, length (short form, or long form with form_octets octets), content. */
static uint32_t tlv_form(uint8_t *p, uint8_t tag, const uint8_t *c, uint32_t len, int form_octets)
{
	uint32_t n = 0;

	p[n++] = tag;
	if (form_octets == 0) {
		p[n++] = (uint8_t)len;
	} else {
		p[n++] = (uint8_t)(0x80 | form_octets);
		if (form_octets == 2)
			p[n++] = (uint8_t)(len >> 8);
		p[n++] = (uint8_t)len;
	}
	memmove(p + n, c, len);
	return n + len;
}

/* The shortest form, as an agent writes it. */
static uint32_t tlv(uint8_t *p, uint8_t tag, const uint8_t *c, uint32_t len)
{
	return tlv_form(p, tag, c, len, len < 128 ? 0 : len < 256 ? 1 : 2);
}

/* An OID from its arcs (first two combined, the rest base 128). */
static uint32_t oid(uint8_t *p, const uint32_t *arc, uint32_t n)
{
	uint8_t c[64];
	uint32_t len = 0, i, v, k;
	uint8_t tmp[5];

	c[len++] = (uint8_t)(40 * arc[0] + arc[1]);
	for (i = 2; i < n; i++) {
		v = arc[i];
		k = 0;
		do {
			tmp[k++] = v & 0x7f;
			v >>= 7;
		} while (v);
		while (k--)
			c[len++] = (uint8_t)(tmp[k] | (k ? 0x80 : 0));
	}
	return tlv(p, 0x06, c, len);
}

static const uint32_t sys_descr0[] = { 1, 3, 6, 1, 2, 1, 1, 1, 0 };

/*
 * A request of version v for community, PDU type pdu, request-id rid
 * (rid_len bytes), one binding of sysDescr.0 to NULL; every length in
 * long form of form_octets octets if that is not 0.
 */
static uint32_t snmp_request(uint8_t *p, uint8_t v, const char *community, uint8_t pdu,
			     uint32_t rid, uint32_t rid_len, int form_octets)
{
	uint8_t a[256], b[256], id[8];
	uint32_t n, m, i;

	n = oid(a, sys_descr0, 9);
	a[n++] = 0x05;	/* NULL */
	a[n++] = 0;
	n = tlv_form(b, 0x30, a, n, form_octets);	/* the binding */
	n = tlv_form(a, 0x30, b, n, form_octets);	/* the list */
	for (i = 0; i < rid_len; i++)			/* request-id */
		id[i] = (uint8_t)((uint64_t)rid >> 8 * (rid_len - 1 - i));
	m = tlv_form(b, 0x02, id, rid_len, form_octets);
	memcpy(b + m, "\x02\x01\x00\x02\x01\x00", 6);	/* error-status, error-index */
	m += 6;
	memcpy(b + m, a, n);
	m += n;
	n = tlv_form(a, pdu, b, m, form_octets);	/* the PDU */
	m = 0;
	b[m++] = 0x02;					/* version */
	b[m++] = 1;
	b[m++] = v;
	m += tlv_form(b + m, 0x04, (const uint8_t *)community, (uint32_t)strlen(community),
		      form_octets);
	memcpy(b + m, a, n);
	m += n;
	return tlv_form(p, 0x30, b, m, form_octets);
}

static uint32_t snmp_payload(const struct tcase *t, uint8_t *p)
{
	uint32_t n;

	switch (t->app) {
	case UA_SNMP_NMAP:
		return LIT(p, "\x30\x1f\x02\x01\x00\x04\x06public\xa1\x12\x02\x01\x00\x02"
			      "\x01\x00\x02\x01\x00\x30\x07\x30\x05\x06\x01\x00\x05\x00");
	case UA_SNMP_NMAP_V3:
		return LIT(p, "\x30\x3A\x02\x01\x03\x30\x0F\x02\x02\x4A\x69\x02\x03\x00\xFF\xE3"
			      "\x04\x01\x04\x02\x01\x03\x04\x10\x30\x0E\x04\x00\x02\x01\x00\x02"
			      "\x01\x00\x04\x00\x04\x00\x04\x00\x30\x12\x04\x00\x04\x00\xA0\x0C"
			      "\x02\x02\x37\xF0\x02\x01\x00\x02\x01\x00\x30\x00");
	case UA_SNMP_MASSCAN:	/* its two bindings, OIDs written as masscan writes them */
		n = LIT(p, "\x30\x39\x02\x01\x00\x04\x06public\xa0\x2c\x02\x04\x00\x00\x00\x00"
			   "\x02\x01\x00\x02\x01\x00\x30\x1e\x30\x0d\x06\x09\x2b\x06\x01\x80\x02"
			   "\x01\x01\x01\x00\x05\x00\x30\x0d\x06\x09\x2b\x06\x01\x80\x02\x01\x01"
			   "\x05\x00\x05\x00");
		put32(p + 17, t->app_id & 0x7fffffff);
		return n;
	case UA_SNMP_V2C:
		return snmp_request(p, 1, "public", 0xa0, t->app_id, 2, 0);
	case UA_SNMP_LONG_FORM:
		return snmp_request(p, 1, "public", 0xa0, t->app_id, 3, 2);
	case UA_SNMP_PRIVATE:
		return snmp_request(p, 1, "private", 0xa0, t->app_id, 2, 0);
	case UA_SNMP_SET:
		return snmp_request(p, 0, "public", 0xa3, t->app_id, 2, 0);
	case UA_SNMP_REQID_5:
		return snmp_request(p, 1, "public", 0xa0, t->app_id, 5, 0);
	case UA_SNMP_CUT:	/* ends after the request-id */
		snmp_request(p, 0, "public", 0xa0, t->app_id, 2, 0);
		return 2 + 3 + 8 + 2 + 4;
	default:
		return 0;
	}
}

static uint32_t ssdp_payload(const struct tcase *t, uint8_t *p)
{
	switch (t->app) {
	case UA_SSDP_ZMAP:
		return LIT(p, "M-SEARCH * HTTP/1.1\r\nHost:239.255.255.250:1900\r\n"
			      "ST:upnp:rootdevice\r\nMan:\"ssdp:discover\"\r\nMX:3\r\n\r\n");
	case UA_SSDP_NMAP:
		return LIT(p, "M-SEARCH * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\n"
			      "Man: \"ssdp:discover\"\r\nMX: 5\r\nST: ssdp:all\r\n\r\n");
	case UA_SSDP_MASSCAN:
		return LIT(p, "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
			      "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n"
			      "USER-AGENT: unix/1.0 UPnP/1.1 masscan/1.x\r\n");
	case UA_SSDP_SHORTEST:
		return LIT(p, "M-SEARCH * HTTP/1.1\r\n\r\n");
	case UA_SSDP_NOTIFY:
		return LIT(p, "NOTIFY * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\n"
			      "NT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n");
	case UA_SSDP_LOWER:
		return LIT(p, "m-search * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\n"
			      "Man: \"ssdp:discover\"\r\nMX: 5\r\nST: ssdp:all\r\n\r\n");
	case UA_SSDP_CUT:
		return LIT(p, "M-SEARCH * HTTP/1.1\r");
	default:
		return 0;
	}
}

uint32_t udp_app_payload(const struct tcase *t, uint8_t *p)
{
	if (t->app == UA_NMAP_ECHO)
		return LIT(p, "\r\n\r\n");
	if (t->app <= UA_DNS_NO_CLASS)
		return dns_payload(t, p);
	if (t->app <= UA_NTP_MODE7_SHORT)
		return ntp_payload(t, p);
	if (t->app <= UA_SNMP_CUT)
		return snmp_payload(t, p);
	return ssdp_payload(t, p);
}

/* ---- replies ------------------------------------------------------------ */

/* The DNS name at q + off as dotted text (no trailing dot); its end offset. */
static uint32_t dns_name_text(const uint8_t *q, uint32_t off, char *out)
{
	uint32_t n = 0;

	while (q[off]) {
		if (n)
			out[n++] = '.';
		memcpy(out + n, q + off + 1, q[off]);
		n += q[off];
		off += 1 + q[off];
	}
	out[n] = 0;
	return off + 1;
}

/*
 * DNS (RFC 1035): a query of another opcode gets NOTIMP, one with other
 * than one question FORMERR, each a bare header; a standard query its
 * header and question back, QR and RA set, RD as asked, and an A record
 * for A/IN (TTL 300, an address of 198.18.0.0/15: bits 8-24 of the
 * host's hash), a TXT record with the host's version for TXT/CH
 * version.bind (TTL 0, AA), nothing for anything else.
 */
static uint32_t expect_dns(const uint8_t *q, uint32_t qlen, uint32_t host, uint8_t *r)
{
	uint16_t flags = get16(q + 2), rd = flags & 0x0100, type, class;
	const struct rs_dns_version *v = &rs_dns_versions[rs_banner_row(host)];
	uint32_t end, n;
	char name[300];
	int answer = 0;	/* 1: A, 2: TXT */

	memcpy(r, q, 2);
	memset(r + 2, 0, 10);
	if (flags & 0x7800) {
		put16(r + 2, (uint16_t)(0x8000 | (flags & 0x7800) | rd | 0x0080 | 4));
		return 12;
	}
	if (get16(q + 4) != 1) {
		put16(r + 2, (uint16_t)(0x8000 | rd | 0x0080 | 1));
		return 12;
	}
	end = dns_name_text(q, 12, name);
	type = get16(q + end);
	class = get16(q + end + 2);
	if (type == 1 && class == 1)
		answer = 1;
	else if (type == 16 && class == 3 && !strcasecmp(name, "version.bind"))
		answer = 2;
	(void)qlen;

	n = end + 4;
	memcpy(r + 12, q + 12, n - 12);
	put16(r + 2, (uint16_t)(0x8000 | rd | 0x0080 | (answer == 2 ? 0x0400 : 0)));
	put16(r + 4, 1);
	put16(r + 6, answer ? 1 : 0);
	if (!answer)
		return n;
	r[n++] = 0xc0;	/* the question's name */
	r[n++] = 12;
	put16(r + n, answer == 1 ? 1 : 16);
	put16(r + n + 2, answer == 1 ? 1 : 3);
	put32(r + n + 4, answer == 1 ? 300 : 0);
	n += 8;
	if (answer == 1) {
		put16(r + n, 4);
		put32(r + n + 2, 0xc6120000u | (rs_host_hash(host) >> 8 & 0x1ffff));
		return n + 6;
	}
	put16(r + n, (uint16_t)(1 + v->len));
	r[n + 2] = v->len;
	memcpy(r + n + 3, v->text, v->len);
	return n + 3 + v->len;
}

/*
 * NTP (RFC 5905): a client request gets the 48-byte server reply, LI 0,
 * the request's version and poll, the host's stratum, precision, root
 * delay and dispersion and reference id, reference time the transmit
 * seconds less their remainder of 1024, origin, receive and transmit
 * time the request's transmit time; a mode 7 query the 8-byte error of
 * ntpd: no data for XNTPD and XNTPD_OLD, unknown request for universal,
 * unknown implementation else.
 */
static uint32_t expect_ntp(const uint8_t *q, uint32_t host, uint8_t *r)
{
	const struct rs_ntp_server *s = &rs_ntp_servers[rs_banner_row(host)];
	uint8_t vn = q[0] >> 3 & 7, impl = q[2];

	if ((q[0] & 7) == 7) {
		memset(r, 0, 8);
		r[0] = (uint8_t)(0x80 | vn << 3 | 7);
		r[2] = impl;
		r[3] = q[3];
		r[4] = (impl == 2 || impl == 3 ? 4 : impl == 0 ? 2 : 1) << 4;
		return 8;
	}
	memset(r, 0, 48);
	r[0] = (uint8_t)(vn << 3 | 4);
	r[1] = s->stratum;
	r[2] = q[2];
	r[3] = (uint8_t)s->precision;
	put32(r + 4, s->root_delay);
	put32(r + 8, s->root_disp);
	memcpy(r + 12, s->refid, 4);
	put32(r + 16, get32(q + 40) / 1024 * 1024);
	memcpy(r + 24, q + 40, 8);
	memcpy(r + 32, q + 40, 8);
	memcpy(r + 40, q + 40, 8);
	return 48;
}

/* The content of the TLV at p (tag skipped, length read in either form); *len its length. */
static const uint8_t *ber_content(const uint8_t *p, uint32_t *len)
{
	uint32_t i, n = p[1] & 0x7f;

	if (p[1] < 0x80) {
		*len = p[1];
		return p + 2;
	}
	for (*len = 0, i = 0; i < n; i++)
		*len = *len << 8 | p[2 + i];
	return p + 2 + n;
}

/*
 * SNMP: a GetResponse of the request's version and community with its
 * request-id as sent, no error, one binding: sysDescr.0 = the host's
 * text. Built inside out, so every length is the length of what it
 * holds.
 */
static uint32_t expect_snmp(const uint8_t *q, uint32_t host, uint8_t *r)
{
	const struct rs_snmp_descr *d = &rs_snmp_descrs[rs_banner_row(host)];
	const uint8_t *msg, *version, *community, *pdu, *rid;
	uint32_t len, vlen, clen, plen, rlen, n, m;
	uint8_t a[256], b[256];

	msg = ber_content(q, &len);
	version = ber_content(msg, &vlen);
	community = ber_content(version + vlen, &clen);
	pdu = ber_content(community + clen, &plen);
	rid = ber_content(pdu, &rlen);

	n = oid(a, sys_descr0, 9);
	n += tlv(a + n, 0x04, (const uint8_t *)d->text, d->len);
	n = tlv(b, 0x30, a, n);			/* the binding */
	n = tlv(a, 0x30, b, n);			/* the list */
	m = tlv(b, 0x02, rid, rlen);		/* request-id */
	b[m++] = 0x02, b[m++] = 1, b[m++] = 0;	/* error-status */
	b[m++] = 0x02, b[m++] = 1, b[m++] = 0;	/* error-index */
	memcpy(b + m, a, n);
	m += n;
	n = tlv(a, 0xa2, b, m);			/* GetResponse */
	m = tlv(b, 0x02, version, vlen);
	m += tlv(b + m, 0x04, community, clen);
	memcpy(b + m, a, n);
	m += n;
	return tlv(r, 0x30, b, m);
}

/* SSDP: the search response of the host's root device. */
static uint32_t expect_ssdp(uint32_t host, uint8_t *r)
{
	const struct rs_ssdp_device *d = &rs_ssdp_devices[rs_banner_row(host)];
	int n = snprintf((char *)r, FRAME_MAX - ETH_LEN - IP_LEN - UDP_HDR,
			 "HTTP/1.1 200 OK\r\n"
			 "CACHE-CONTROL: max-age=1800\r\n"
			 "EXT:\r\n"
			 "LOCATION: http://%u.%u.%u.%u%.*s\r\n"
			 "SERVER: %.*s\r\n"
			 "ST: upnp:rootdevice\r\n"
			 "USN: uuid:%s%06x::upnp:rootdevice\r\n"
			 "\r\n",
			 host >> 24, host >> 16 & 0xff, host >> 8 & 0xff, host & 0xff,
			 (int)d->location_len, d->location, (int)d->server_len, d->server, d->uuid,
			 rs_host_hash(host) >> 8 & 0xffffff);

	return n < 0 ? 0 : (uint32_t)n;
}

/* ICMP port unreachable from the host, as Linux sends it (bpf/icmp_unreach.h). */
static uint32_t expect_unreach(const uint8_t *in, uint8_t *exp)
{
	const uint8_t *pip = in + ETH_LEN;
	uint8_t *ip = exp + ETH_LEN, *icmp = ip + IP_LEN;
	uint32_t host = get32(pip + 16), scanner = get32(pip + 12);

	memcpy(exp, in + 6, 6);
	memcpy(exp + 6, in, 6);
	put16(exp + 12, 0x0800);
	memset(ip, 0, IP_LEN);
	ip[0] = 0x45;
	ip[1] = (uint8_t)(0xc0 | (pip[1] & 0x1e));
	put16(ip + 2, IP_LEN + 8 + IP_LEN + UDP_HDR);
	put16(ip + 4, (uint16_t)rs_host_hash(host ^ scanner));
	ip[8] = RS_REPLY_TTL;
	ip[9] = 1;
	put32(ip + 12, host);
	put32(ip + 16, scanner);
	ip_csum_set(ip, IP_LEN);
	memset(icmp, 0, 8);
	icmp[0] = 3;
	icmp[1] = 3;
	memcpy(icmp + 8, pip, IP_LEN + UDP_HDR);
	l4_csum_set(ip, icmp, 8 + IP_LEN + UDP_HDR, 1);
	return ETH_LEN + IP_LEN + 8 + IP_LEN + UDP_HDR;
}

uint32_t udp_expected_reply(const uint8_t *in, uint32_t len, int cnt, uint8_t *exp)
{
	const uint8_t *q = in + ETH_LEN + IP_LEN + UDP_HDR;
	uint8_t *ip = exp + ETH_LEN, *udp = ip + IP_LEN, *r = udp + UDP_HDR;
	uint32_t host = get32(in + ETH_LEN + 16), qlen, rlen;

	if (cnt == RS_CNT_TX_PORT_UNREACH)
		return expect_unreach(in, exp);
	if (len < ETH_LEN + IP_LEN + UDP_HDR)
		return 0;
	qlen = get16(in + ETH_LEN + IP_LEN + 4) - UDP_HDR;

	switch (cnt) {
	case RS_CNT_TX_UDP_ECHO:
		memcpy(r, q, qlen);
		rlen = qlen;
		break;
	case RS_CNT_TX_UDP_DNS:
		rlen = expect_dns(q, qlen, host, r);
		break;
	case RS_CNT_TX_UDP_NTP:
		rlen = expect_ntp(q, host, r);
		break;
	case RS_CNT_TX_UDP_SNMP:
		rlen = expect_snmp(q, host, r);
		break;
	case RS_CNT_TX_UDP_SSDP:
		rlen = expect_ssdp(host, r);
		break;
	default:
		return 0;
	}

	/* Turned around: MACs, addresses, ports; TTL; TOS, id and DF kept. */
	memcpy(exp, in + 6, 6);
	memcpy(exp + 6, in, 6);
	put16(exp + 12, 0x0800);
	memcpy(ip, in + ETH_LEN, IP_LEN);
	memcpy(ip + 12, in + ETH_LEN + 16, 4);
	memcpy(ip + 16, in + ETH_LEN + 12, 4);
	ip[8] = RS_REPLY_TTL;
	put16(ip + 2, (uint16_t)(IP_LEN + UDP_HDR + rlen));
	ip_csum_set(ip, IP_LEN);
	put16(udp, get16(in + ETH_LEN + IP_LEN + 2));
	put16(udp + 2, get16(in + ETH_LEN + IP_LEN));
	put16(udp + 4, (uint16_t)(UDP_HDR + rlen));
	l4_csum_set(ip, udp, UDP_HDR + rlen, 17);
	return ETH_LEN + IP_LEN + UDP_HDR + rlen;
}
