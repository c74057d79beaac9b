/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables_wait_change on nf_tables: the kernel announces every committed batch to the
 * NFNLGRP_NFTABLES group with a NEWGEN message carrying the new generation id, so waiting is
 * a poll() on a subscribed socket, no timer. Counters never make a batch, so they never wake
 * it. Runs outside the handle's mutex on sockets of its own.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/gen.h>

#include "nft.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when a NEWGEN in @buf announces a generation other than @since. */
static int announces_change(const char *buf, int len, uint64_t since)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	struct nftnl_gen *g;
	int changed = 0;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type != (NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWGEN))
			continue;
		g = nftnl_gen_alloc();
		if (!g)
			return 1;	/* cannot tell: let the caller look */
		if (nftnl_gen_nlmsg_parse(nlh, g) == 0 &&
		    nftnl_gen_get_u32(g, NFTNL_GEN_ID) != since)
			changed = 1;
		nftnl_gen_free(g);
	}
	return changed;
}

static int current_differs(struct ic_ctx *cx, uint64_t since)
{
	struct ic_nft_sock q;
	uint32_t gen;
	int rc = ic_nft_sock_open(cx, &q);

	if (rc)
		return rc;
	rc = ic_nft_genid(cx, &q, &gen);
	ic_nft_sock_close(&q);
	return rc ? rc : gen != since;
}

int ic_nft_wait_change(const struct ic_ctx *cx0, const char *table, uint64_t since,
		       int timeout_ms, struct ic_err *err)
{
	struct ic_ctx cx = *cx0;
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0), left;
	struct ic_nft_sock ev;
	int grp = NFNLGRP_NFTABLES, rc;
	struct pollfd pfd;
	char *buf;
	ssize_t n;

	(void)table;
	cx.err = err;
	rc = ic_nft_sock_open(&cx, &ev);
	if (rc)
		return rc;
	buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	if (!buf || mnl_socket_setsockopt(ev.nl, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
		rc = buf ? ic_err_set(err, IPTABLES_ESYS, "%s: cannot listen to nf_tables events: %s",
				      ic_prog(&cx), strerror(errno))
			 : ic_err_nomem(err, ic_prog(&cx));
		goto out;
	}
	/* subscribed first, then looked: no change can fall in between */
	rc = current_differs(&cx, since);
	pfd.fd = mnl_socket_get_fd(ev.nl);
	pfd.events = POLLIN;
	while (rc == 0) {
		left = timeout_ms < 0 ? -1 : deadline - now_ms();
		if (timeout_ms >= 0 && left <= 0)
			break;
		rc = poll(&pfd, 1, left > 0x7fffffff ? 0x7fffffff : (int)left);
		if (rc < 0 && errno == EINTR) {
			rc = 0;
			continue;
		}
		if (rc <= 0) {
			rc = rc < 0 ? ic_err_set(err, IPTABLES_ESYS, "%s: poll: %s", ic_prog(&cx),
						 strerror(errno)) : 0;
			break;
		}
		n = recv(pfd.fd, buf, MNL_SOCKET_BUFFER_SIZE, MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS)
			rc = current_differs(&cx, since);	/* events lost: look again */
		else if (n > 0)
			rc = announces_change(buf, (int)n, since);
		else
			rc = 0;
	}
out:
	free(buf);
	ic_nft_sock_close(&ev);
	return rc;
}
