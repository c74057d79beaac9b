/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft_compat revision query: libxtables' compat_rev hook for the nf_tables backend.
 *
 * iptables-nft 1.8.9 (nft.c, nft_compatible_revision) asks the kernel's nft_compat with one
 * NFNL_MSG_COMPAT_GET request per question instead of x_tables' getsockopt, and so may pick
 * other revisions than iptables-legacy. This file asks the same question and turns the answer
 * into 1 / 0 the way 1.8.9 does:
 *
 *   - @opt not one of IPT_/IP6T_SO_GET_REVISION_MATCH/TARGET: 1 (no revision support);
 *   - the NETLINK_NETFILTER socket cannot be opened: 0 (1.8.9 returns 0 there, before its
 *     EPERM / revision-0 leniency applies);
 *   - the kernel answers with the extension's info (or a bare ACK): 1;
 *   - any other failure (kernel error, bind/send/recv error): 1 when errno is EPERM or
 *     @rev is 0 (1.8.9 then prints "Warning: Extension %s revision 0 not supported,
 *     missing kernel module?"; we never print), 0 otherwise.
 *
 * Definite kernel answers (found; ENOENT: no such extension; EPROTONOSUPPORT: no such
 * revision) are cached for the process: extensions belong to the kernel, not to a network
 * namespace. Transient failures (no socket, EPERM, ENOBUFS, ...) are not cached. The cache
 * key includes the family, since ipt_ and ip6t_ extensions differ (icmp, REJECT, ...).
 *
 * Called from inside libxtables while the xt mutex is held: never prints, never exits, and
 * takes only its own small mutex, which it does not hold across the netlink round trip.
 */
#include "nft.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

#define COMPAT_NAME_MAX 32		/* the kernel's NFT_COMPAT_NAME_MAX (incl. NUL) */
#define COMPAT_CACHE_SIZE 128
#define COMPAT_REQ_MAX 128		/* bytes zeroed for the request (needs 72) */

struct compat_entry {
	char name[COMPAT_NAME_MAX];
	uint8_t family;
	uint8_t type;			/* 0 match, 1 target */
	uint8_t rev;
	int result;			/* 0 found, or a positive errno (ENOENT, EPROTONOSUPPORT) */
};

static pthread_mutex_t compat_lock = PTHREAD_MUTEX_INITIALIZER;
static struct compat_entry compat_cache[COMPAT_CACHE_SIZE];
static unsigned int compat_used;	/* entries filled, up to COMPAT_CACHE_SIZE */
static unsigned int compat_next;	/* next slot to overwrite once full */

/* Under compat_lock. */
static const struct compat_entry *cache_find(const char *name, uint8_t family, uint8_t type,
					     uint8_t rev)
{
	unsigned int i;

	for (i = 0; i < compat_used; i++) {
		const struct compat_entry *e = &compat_cache[i];

		if (e->family == family && e->type == type && e->rev == rev &&
		    strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

static bool cache_get(const char *name, uint8_t family, uint8_t type, uint8_t rev, int *result)
{
	const struct compat_entry *e;

	pthread_mutex_lock(&compat_lock);
	e = cache_find(name, family, type, rev);
	if (e)
		*result = e->result;
	pthread_mutex_unlock(&compat_lock);
	return e != NULL;
}

static void cache_put(const char *name, uint8_t family, uint8_t type, uint8_t rev, int result)
{
	struct compat_entry *e;

	pthread_mutex_lock(&compat_lock);
	if (!cache_find(name, family, type, rev)) {	/* another thread may have asked too */
		if (compat_used < COMPAT_CACHE_SIZE) {
			e = &compat_cache[compat_used++];
		} else {
			e = &compat_cache[compat_next];
			compat_next = (compat_next + 1) % COMPAT_CACHE_SIZE;
		}
		memcpy(e->name, name, strlen(name) + 1);
		e->family = family;
		e->type = type;
		e->rev = rev;
		e->result = result;
	}
	pthread_mutex_unlock(&compat_lock);
}

/*
 * One NFNL_MSG_COMPAT_GET round trip on a fresh socket. Returns 0 when the kernel knows the
 * revision, a positive errno when it or the socket refused (the kernel's: ENOENT for an
 * unknown name, EPROTONOSUPPORT for an unknown revision), or -1 when the socket could not be
 * opened at all.
 */
static int compat_query(const char *name, uint8_t family, uint8_t type, uint8_t rev)
{
	/* aligned for nlmsghdr; large enough for the reply (a few dozen bytes). A fixed size:
	 * MNL_SOCKET_BUFFER_SIZE calls sysconf(), which makes a variable-size member. */
	union {
		char buf[8192];
		struct nlmsghdr align;
	} u;
	const uint16_t reply_type = (NFNL_SUBSYS_NFT_COMPAT << 8) | NFNL_MSG_COMPAT_GET;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	uint32_t portid, seq;
	int res = EPROTO;
	ssize_t n;
	int len;

	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		res = errno ? errno : EPROTO;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	seq = 1;

	/* zeroed whole: libmnl 1.0.4 leaves attribute padding unwritten. The request is at most
	 * 16 + 4 + (4 + 32) + 2 * (4 + 4) = 72 bytes (the name is under COMPAT_NAME_MAX). */
	memset(u.buf, 0, COMPAT_REQ_MAX);
	nlh = mnl_nlmsg_put_header(u.buf);
	nlh->nlmsg_type = reply_type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	mnl_attr_put_strz(nlh, NFTA_COMPAT_NAME, name);
	mnl_attr_put_u32(nlh, NFTA_COMPAT_REV, htonl(rev));
	mnl_attr_put_u32(nlh, NFTA_COMPAT_TYPE, htonl(type));

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		res = errno ? errno : EPROTO;
		goto out;
	}

	/*
	 * The kernel handles the request inside sendmsg, so its answer is queued by now: the
	 * info message (type reply_type) then an ACK on success, or one NLMSG_ERROR. Read
	 * until one of those for our seq turns up; anything else is skipped unread.
	 */
	for (;;) {
		n = mnl_socket_recvfrom(nl, u.buf, sizeof(u.buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			res = errno ? errno : EPROTO;
			goto out;
		}
		if (n == 0)
			goto out;	/* EPROTO */
		len = (int)n;
		for (nlh = (struct nlmsghdr *)u.buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq || (nlh->nlmsg_pid && nlh->nlmsg_pid != portid))
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
					goto out;	/* EPROTO */
				res = e->error < 0 ? -e->error : 0;
				goto out;
			}
			if (nlh->nlmsg_type == reply_type) {
				res = 0;	/* the extension's info: it exists */
				goto out;
			}
		}
	}
out:
	mnl_socket_close(nl);
	return res;
}

/* 1.8.9's reading of a query that reached the kernel: supported, or EPERM (help texts as a
 * user) or revision 0 (kernel module missing: it warns, we do not) let through. */
static int compat_verdict(int res, uint8_t rev)
{
	return res == 0 || res == EPERM || rev == 0;
}

int ic_nft_compat_rev(const char *name, uint8_t rev, int opt)
{
	uint8_t family = NFPROTO_IPV4, type = 0;
	int res;

	switch (opt) {
	case IPT_SO_GET_REVISION_MATCH:
		break;
	case IPT_SO_GET_REVISION_TARGET:
		type = 1;
		break;
	case IP6T_SO_GET_REVISION_MATCH:
		family = NFPROTO_IPV6;
		break;
	case IP6T_SO_GET_REVISION_TARGET:
		family = NFPROTO_IPV6;
		type = 1;
		break;
	default:
		return 1;	/* no revisions (arp, bridge): as 1.8.9, assume supported */
	}
	if (!name)
		return 0;

	/* a name the kernel cannot hold (NFT_COMPAT_NAME_MAX): it would refuse it (EINVAL) */
	if (strlen(name) >= COMPAT_NAME_MAX)
		return compat_verdict(EINVAL, rev);

	if (cache_get(name, family, type, rev, &res))
		return compat_verdict(res, rev);

	res = compat_query(name, family, type, rev);
	if (res < 0)
		return 0;	/* no NETLINK_NETFILTER socket: 1.8.9 returns 0 */
	if (res == 0 || res == ENOENT || res == EPROTONOSUPPORT)
		cache_put(name, family, type, rev, res);
	return compat_verdict(res, rev);
}
