// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * batch.bpf.c - the responder's per-packet path (bpf/responder.h) timed
 * back to back, the way NAPI runs it on a batch of probes at line rate.
 * Not part of rescan: only `rsbench xdpcost` loads it.
 *
 * BPF_PROG_TEST_RUN with repeat N runs one buffer N times, and the
 * responder rewrites a hit into its reply in place. So every run here
 * first lays a pristine probe into the buffer and gives it the next
 * destination of a list (scan order, filled by rsbench): N different
 * probes, timed by the kernel's own loop with no system call between them.
 *
 *   batch_respond   lay the probe, then rescan_respond() - the responder's
 *                   code, on the responder's maps (rsbench hands this
 *                   object the loaded responder's map fds)
 *   batch_lay_only  lay the probe and drop it: what the harness costs,
 *                   subtracted from batch_respond
 *
 * The laid probe keeps the IP checksum of the template: nothing on the
 * responder's path reads it, and fixing it would only add to both sides.
 */
#include "responder.h"

#define BATCH_FRAME_MAX 64	/* the frame rsbench runs: a probe and its padding */

/*
 * The destinations, network byte order in the low 32 bits; sized by
 * rsbench, which writes them through mmap(). u64 because an array map's
 * elements are 8-byte aligned: u32 values would leave a hole after each.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} batch_addrs SEC(".maps");

/* Set by rsbench between runs (.bss is mapped into its memory). */
__u64 batch_frame[BATCH_FRAME_MAX / 8];	/* the probe and padding; daddr is filled in */
__u32 batch_naddrs;			/* entries of batch_addrs in use */
__u32 batch_next;			/* the run count: the next entry is next % naddrs */

#define IPV4_DADDR_OFF (sizeof(struct ethhdr) + 16)
#define TCP_SEQ_OFF (sizeof(struct ethhdr) + sizeof(struct iphdr) + 4)

/*
 * Copy the template into the frame and give it the next destination. A
 * RST to the run before cut the frame's padding off: it is grown back
 * first (a cost of the harness that runs only after such a reply).
 */
static __always_inline int lay_probe(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u32 n = batch_naddrs, key;
	__u64 *addr, *w;
	int i;

	if (data + BATCH_FRAME_MAX > data_end) {
		if (bpf_xdp_adjust_tail(ctx, BATCH_FRAME_MAX - (int)(data_end - data)))
			return -1;
		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
	}
	w = data;
	if (!n || data + BATCH_FRAME_MAX > data_end)
		return -1;
	key = batch_next++ % n;
	addr = bpf_map_lookup_elem(&batch_addrs, &key);
	if (!addr)
		return -1;
	/* Whole words: the frame is BATCH_FRAME_MAX bytes long and only
	 * ip->tot_len of it is the probe (an Ethernet frame's padding). */
	for (i = 0; i < BATCH_FRAME_MAX / 8; i++)
		w[i] = batch_frame[i];
	/* Every field the responder loads whole must lie within one store,
	 * or the load waits for both to reach the cache (a failed
	 * store-to-load forward) - a cost no real packet has. Of a TCP
	 * probe's fields only the sequence number straddles two words. */
	*(__u32 *)(data + TCP_SEQ_OFF) = *(__u32 *)((__u8 *)batch_frame + TCP_SEQ_OFF);
	*(__u32 *)(data + IPV4_DADDR_OFF) = (__u32)*addr;
	return 0;
}

SEC("xdp")
int batch_respond(struct xdp_md *ctx)
{
	if (lay_probe(ctx))
		return XDP_ABORTED;
	return rescan_respond(ctx);
}

SEC("xdp")
int batch_lay_only(struct xdp_md *ctx)
{
	if (lay_probe(ctx))
		return XDP_ABORTED;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
