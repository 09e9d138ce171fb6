/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * udp_banners.h - what differs from host to host in the UDP services'
 * replies: a DNS server's version string, an NTP server's stratum and
 * reference, an SNMP agent's sysDescr and a UPnP device's SERVER string
 * and description URL. Real hosts differ there, so a lab's hosts do too,
 * yet the same probe always gets the same reply: a host's row of every
 * table is chosen by a hash of its address, nothing else.
 *
 * Shared by the XDP program (the tables end up in its .rodata, where
 * bpf_xdp_store_bytes() copies text from) and the BPF tests, which read
 * the text from here but build every reply's structure themselves.
 */
#ifndef RESCAN_UDP_BANNERS_H
#define RESCAN_UDP_BANNERS_H

#include <linux/types.h>

/*
 * A host's hash (address in host byte order): MurmurHash3's 32-bit
 * finalizer, so neighbouring addresses land on unrelated rows. The rows
 * of a table are its low bits; the replies take other bits for the rest
 * (udp_dns.h, udp_ssdp.h, icmp_unreach.h say which).
 */
static __inline__ __attribute__((always_inline)) __u32 rs_host_hash(__u32 addr)
{
	addr ^= addr >> 16;
	addr *= 0x85ebca6b;
	addr ^= addr >> 13;
	addr *= 0xc2b2ae35;
	addr ^= addr >> 16;
	return addr;
}

#define RS_BANNER_ROWS 8	/* rows of every table: a power of two */

static __inline__ __attribute__((always_inline)) __u32 rs_banner_row(__u32 addr)
{
	return rs_host_hash(addr) & (RS_BANNER_ROWS - 1);
}

/* A text and its length, so the XDP program never has to measure one. */
#define RS_TEXT(s) { sizeof(s) - 1, s }

/* DNS: the TXT answer to version.bind in class CHAOS. */
#define RS_DNS_VERSION_MAX 40
struct rs_dns_version {
	__u8 len;
	char text[RS_DNS_VERSION_MAX];
};

static const struct rs_dns_version rs_dns_versions[RS_BANNER_ROWS] = {
	RS_TEXT("9.11.4-P2-RedHat-9.11.4-26.P2.el7_9.13"),
	RS_TEXT("9.16.1-Ubuntu"),
	RS_TEXT("dnsmasq-2.80"),
	RS_TEXT("unbound 1.13.1"),
	RS_TEXT("9.18.19-1~deb12u1-Debian"),
	RS_TEXT("PowerDNS Recursor 4.8.4"),
	RS_TEXT("Microsoft DNS 6.1.7601 (1DB15D39)"),
	RS_TEXT("9.10.3-P4-Ubuntu"),
};

/*
 * NTP: the server's place in the hierarchy. A stratum-1 server names its
 * reference clock in ASCII, any other the IPv4 address of its upstream
 * server (RFC 5905 §7.3). Root delay and dispersion are NTP short format
 * (16.16 seconds), precision a power of two in seconds.
 */
struct rs_ntp_server {
	__u32 root_delay;
	__u32 root_disp;
	__u8 refid[4];
	__u8 stratum;
	__s8 precision;
};

static const struct rs_ntp_server rs_ntp_servers[RS_BANNER_ROWS] = {
	{ 0x00000000, 0x0000000a, { 'G', 'P', 'S', 0 }, 1, -20 },
	{ 0x00000a3d, 0x00000c28, { 192, 0, 2, 1 }, 2, -23 },
	{ 0x00000000, 0x00000003, { 'P', 'P', 'S', 0 }, 1, -21 },
	{ 0x00001e5a, 0x00002710, { 198, 51, 100, 123 }, 3, -24 },
	{ 0x0000051f, 0x000008b4, { 203, 0, 113, 5 }, 2, -22 },
	{ 0x00003a5e, 0x0000a3d7, { 192, 0, 2, 77 }, 4, -18 },
	{ 0x00000000, 0x00000001, { 'G', 'N', 'S', 'S' }, 1, -25 },
	{ 0x000007ae, 0x00000f5c, { 198, 51, 100, 9 }, 2, -23 },
};

/*
 * SNMP: sysDescr.0. At most RS_SNMP_DESCR_MAX bytes keeps every length
 * of the GetResponse in BER's one-byte short form (udp_snmp.h).
 */
#define RS_SNMP_DESCR_MAX 80
struct rs_snmp_descr {
	__u8 len;
	char text[RS_SNMP_DESCR_MAX];
};

static const struct rs_snmp_descr rs_snmp_descrs[RS_BANNER_ROWS] = {
	RS_TEXT("Linux gw-01 3.10.0-1160.el7.x86_64 #1 SMP Mon Oct 19 16:18:59 UTC 2020 x86_64"),
	RS_TEXT("Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE"),
	RS_TEXT("RouterOS RB951Ui-2HnD"),
	RS_TEXT("HP ETHERNET MULTI-ENVIRONMENT"),
	RS_TEXT("Hardware: Intel64 Family 6 Model 85 - Software: Windows Version 6.3"),
	RS_TEXT("Linux DiskStation 4.4.59+ #25426 SMP PREEMPT x86_64"),
	RS_TEXT("ZyXEL ZyWALL USG 20"),
	RS_TEXT("APC Web/SNMP Management Card"),
};

/*
 * SSDP: a UPnP root device. Its description lives at
 * http://<its address><location>; its UUID is uuid, then six hex digits
 * of the host's hash (the tail of a MAC address, as many devices do).
 */
#define RS_SSDP_SERVER_MAX 64
#define RS_SSDP_LOCATION_MAX 40
#define RS_SSDP_UUID_PREFIX 30	/* "xxxxxxxx-xxxx-xxxx-xxxx-" and three bytes of a MAC */
struct rs_ssdp_device {
	__u8 server_len;
	__u8 location_len;
	char server[RS_SSDP_SERVER_MAX];
	char location[RS_SSDP_LOCATION_MAX];
	char uuid[RS_SSDP_UUID_PREFIX + 1];
};

#define RS_SSDP_DEVICE(server, location, uuid) \
	{ sizeof(server) - 1, sizeof(location) - 1, server, location, uuid }

static const struct rs_ssdp_device rs_ssdp_devices[RS_BANNER_ROWS] = {
	RS_SSDP_DEVICE("Linux/3.14.77 UPnP/1.1 MiniUPnPd/2.1", ":5000/rootDesc.xml",
		       "5d3ce8b2-41a0-4c4e-9a41-e8de27"),
	RS_SSDP_DEVICE("Linux/2.6.36, UPnP/1.0, Portable SDK for UPnP devices/1.6.19",
		       ":49152/description.xml", "3f9b5c12-7d2e-11e0-8c3a-00147f"),
	RS_SSDP_DEVICE("Linux/3.4.0 UPnP/1.0 IpBridge/1.26.0", ":80/description.xml",
		       "2f402f80-da50-11e1-9b23-001788"),
	RS_SSDP_DEVICE("RomPager/4.07 UPnP/1.0", ":80/DeviceDescription.xml",
		       "a1b2c3d4-0000-1000-8000-001018"),
	RS_SSDP_DEVICE("Linux/4.9.0 UPnP/1.0 Roku/10.5.0", ":8060/",
		       "29600009-5406-1005-8080-b0a737"),
	RS_SSDP_DEVICE("FreeBSD/11.2 UPnP/1.1 MiniUPnPd/2.0", ":2189/rootDesc.xml",
		       "b4c5f1a0-6e2d-4f1b-8b7c-00089b"),
	RS_SSDP_DEVICE("Linux UPnP/1.0 Sonos/63.2-88230 (ZPS12)", ":1400/xml/device_description.xml",
		       "0c9e7a44-1f0d-4a8e-b3d2-000e58"),
	RS_SSDP_DEVICE("Custom/1.0 UPnP/1.0 Proc/Ver", ":5431/igdevicedesc.xml",
		       "e1c2b3a4-5d6e-7f80-91a2-0024b2"),
};

#endif /* RESCAN_UDP_BANNERS_H */
