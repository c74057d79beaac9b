/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which tables other writers changed. The kernel announces each committed batch to the
 * NFNLGRP_NFTABLES group: a message per object it touched (each naming its table), then a
 * NEWGEN with the new generation id. A handle listens on a socket of its own; when the
 * generation moved, it reads what queued there and forgets only the tables other writers
 * touched, so that a commit in mangle does not cost the reading of filter again. When
 * anything is missing (events lost, a commit still being announced) the whole cache goes,
 * as it would without events.
 */
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/gen.h>

#include "nft.h"

int ic_nft_events_open(struct ic_ctx *cx, struct ic_nft_events *ev)
{
	int grp = NFNLGRP_NFTABLES, rc;

	memset(ev, 0, sizeof(*ev));
	rc = ic_nft_sock_open(cx, &ev->s);
	if (rc)
		return rc;
	if (mnl_socket_setsockopt(ev->s.nl, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
		/* not fatal: without events every change of generation drops the whole cache */
		ic_nft_sock_close(&ev->s);
		ev->lost = true;
	}
	return 0;
}

void ic_nft_events_close(struct ic_nft_events *ev)
{
	if (ev->s.nl)
		ic_nft_sock_close(&ev->s);
}

void ic_nft_events_own(struct ic_nft_events *ev, uint32_t gen)
{
	ev->own[ev->nown++ % IC_NFT_OWN_GENS] = gen;
}

static bool is_own(const struct ic_nft_events *ev, uint32_t gen)
{
	for (unsigned i = 0; i < IC_NFT_OWN_GENS && i < ev->nown; i++)
		if (ev->own[i] == gen)
			return true;
	return false;
}

/* The table an object message names: its first attribute, for every NFT_MSG_NEW* / DEL*. */
static const struct ic_nft_tabledef *table_of(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == 1 && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			return ic_nft_tabledef(mnl_attr_get_str(a));
	return NULL;
}

struct reader {
	struct ic_nft_events *ev;
	uint8_t family;
};

static void read_event(const struct nlmsghdr *nlh, void *arg)
{
	struct ic_nft_events *ev = ((struct reader *)arg)->ev;
	uint8_t family = ((struct reader *)arg)->family;
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	const struct ic_nft_tabledef *d;
	struct nftnl_gen *gen;
	uint16_t type;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*g))
		return;
	type = NFNL_MSG_TYPE(nlh->nlmsg_type);
	if (type == NFT_MSG_NEWGEN) {
		gen = nftnl_gen_alloc();
		if (!gen || nftnl_gen_nlmsg_parse(nlh, gen) < 0) {
			ev->lost = true;
		} else {
			ev->seen = nftnl_gen_get_u32(gen, NFTNL_GEN_ID);
			ev->seen_valid = true;
			if (!is_own(ev, ev->seen))
				ev->changed |= ev->pending;
		}
		nftnl_gen_free(gen);
		ev->pending = 0;
		return;
	}
	if (g->nfgen_family != family)
		return;
	d = table_of(nlh);
	if (d)
		ev->pending |= 1u << (d - ic_nft_tables);
}

void ic_nft_events_read(struct ic_nft_events *ev, uint8_t family)
{
	struct reader r = { ev, family };

	if (ev->s.nl && ic_nft_drain(&ev->s, read_event, &r, &ev->lost))
		ev->lost = true;
}

/* A commit the kernel is still announcing: its generation is out (GETGEN shows it) before
 * its NEWGEN is. Worth waiting for, briefly. */
static bool in_flight(const struct ic_nft_events *ev, uint32_t gen)
{
	return ev->s.nl && !ev->lost && (!ev->seen_valid || ev->seen != gen || ev->pending);
}

bool ic_nft_events_complete(struct ic_nft_events *ev, uint8_t family, uint32_t gen)
{
	struct pollfd pfd;
	bool ok;

	for (int i = 0; i < 4 && in_flight(ev, gen); i++) {
		pfd.fd = mnl_socket_get_fd(ev->s.nl);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 1) <= 0)
			continue;
		ic_nft_events_read(ev, family);
	}
	ok = ev->s.nl && !ev->lost && ev->seen_valid && ev->seen == gen && !ev->pending;
	ev->lost = false;
	return ok;
}

bool ic_nft_events_mute(struct ic_nft_events *ev)
{
	int grp = NFNLGRP_NFTABLES;

	if (!ev->s.nl || mnl_socket_setsockopt(ev->s.nl, NETLINK_DROP_MEMBERSHIP, &grp,
					       sizeof(grp)) < 0)
		return false;
	ev->muted = true;
	return true;
}

bool ic_nft_events_unmute(struct ic_nft_events *ev, uint8_t family)
{
	int grp = NFNLGRP_NFTABLES;

	if (!ev->muted)
		return ev->s.nl != NULL;
	ev->muted = false;
	if (mnl_socket_setsockopt(ev->s.nl, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0) {
		ic_nft_sock_close(&ev->s);
		ev->lost = true;
		return false;
	}
	ic_nft_events_read(ev, family);
	return true;
}
