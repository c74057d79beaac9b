/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nf_tables backend's netlink socket: one per handle, opened in the handle's network
 * namespace and kept open (closing a socket after deletes waits for the kernel's deferred
 * destroy). Requests (GETGEN, dumps) and batches; every reply's type is checked before
 * libnftnl sees it, since libnftnl calls exit() on a message it did not expect.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>

#include "nft.h"
#include "../netns.h"
#include "../vec.h"

#define RECV_BUF (64 * 1024)

static int sys_fail(struct ic_ctx *cx, const char *what, int e)
{
	if (e == ENOMEM || e == ENOBUFS)
		return ic_err_nomem(cx->err, ic_prog(cx));
	return ic_error(cx, e == EPERM || e == EACCES ? IPTABLES_EPERM : IPTABLES_ESYS,
			"%s: netlink %s: %s", ic_prog(cx), what, strerror(e));
}

static void set_buf(int fd, int force, int plain, int size)
{
	if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, plain, &size, sizeof(size));
}

int ic_nft_sock_open(struct ic_ctx *cx, struct ic_nft_sock *s)
{
	int saved, rc, e;

	memset(s, 0, sizeof(*s));
	rc = ic_netns_enter(cx, &saved);
	if (rc)
		return rc;
	s->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	e = errno;
	ic_netns_leave(saved);
	if (!s->nl)
		return sys_fail(cx, "socket", e);
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		e = errno;
		ic_nft_sock_close(s);
		return sys_fail(cx, "bind", e);
	}
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = 1;
	/* room for what a big batch can queue: an error for each message it refuses */
	set_buf(mnl_socket_get_fd(s->nl), SO_RCVBUFFORCE, SO_RCVBUF, 4 << 20);
	return 0;
}

void ic_nft_sock_close(struct ic_nft_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	s->nl = NULL;
}

struct talk {
	uint16_t type;			/* NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_* we want */
	ic_nft_msg_cb *cb;
	void *arg;
};

struct reply {
	bool done;			/* DONE, an ACK or an error: nothing more will come */
	bool interrupted;		/* NLM_F_DUMP_INTR: the ruleset changed during the dump */
	int err;			/* the kernel's errno */
	int cb_rc;			/* the first failure of the callback */
};

static void read_msg(const struct nlmsghdr *nlh, const struct talk *t, struct reply *r)
{
	const int *code;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		r->interrupted = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_DONE:
	case NLMSG_ERROR:
		/* a DONE may carry a dump's error; an ERROR carries 0 for an ACK */
		r->done = true;
		if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(*code)) {
			code = mnl_nlmsg_get_payload(nlh);
			if (*code < 0 && !r->err)
				r->err = -*code;
		}
		break;
	default:
		/* an interrupted dump still goes to its end: the caller decides what it is worth */
		if (nlh->nlmsg_type == t->type && !r->cb_rc)
			r->cb_rc = t->cb(nlh, t->arg);
		break;
	}
}

/*
 * Send one request and read every reply to it, up to DONE or the ACK, whatever happens on the
 * way: a reply left unread would be taken for the answer to the next request. Messages of
 * other sequence numbers (late replies to nothing we wait for) are skipped.
 * 0; the callback's failure (negative); the kernel's errno (positive); EINTR when a dump was
 * interrupted by a commit; or a recorded code when the socket failed.
 */
static int talk(struct ic_ctx *cx, struct ic_nft_sock *s, struct nlmsghdr *nlh, struct talk *t)
{
	struct reply r = { 0 };
	uint32_t seq = nlh->nlmsg_seq;
	const struct nlmsghdr *m;
	char *buf;
	ssize_t n;
	int len, e;

	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return sys_fail(cx, "send", errno);
	buf = malloc(RECV_BUF);
	if (!buf)
		return ic_err_nomem(cx->err, ic_prog(cx));
	while (!r.done) {
		n = recv(mnl_socket_get_fd(s->nl), buf, RECV_BUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : EPROTO;
			free(buf);
			return sys_fail(cx, "receive", e);
		}
		len = (int)n;
		for (m = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len))
			if (m->nlmsg_seq == seq && (!m->nlmsg_pid || m->nlmsg_pid == s->portid))
				read_msg(m, t, &r);
	}
	free(buf);
	if (r.cb_rc)
		return r.cb_rc;
	if (r.err)
		return r.err;
	return r.interrupted ? EINTR : 0;
}

static int gen_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct nftnl_gen *g = nftnl_gen_alloc();

	if (!g)
		return IPTABLES_ENOMEM;
	if (nftnl_gen_nlmsg_parse(nlh, g) < 0) {
		nftnl_gen_free(g);
		return IPTABLES_ESYS;
	}
	*(uint32_t *)arg = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
	nftnl_gen_free(g);
	return 0;
}

int ic_nft_genid(struct ic_ctx *cx, struct ic_nft_sock *s, uint32_t *gen)
{
	char buf[MNL_NLMSG_HDRLEN + 64] = { 0 };
	struct talk t = { NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWGEN, gen_cb, gen };
	struct nlmsghdr *nlh;
	int rc;

	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, s->seq++);
	rc = talk(cx, s, nlh, &t);
	if (rc > 0)
		return sys_fail(cx, "GETGEN", rc);
	if (rc == IPTABLES_ENOMEM)
		return ic_err_nomem(cx->err, ic_prog(cx));
	if (rc == IPTABLES_ESYS)
		return ic_error(cx, rc, "%s: cannot read the nf_tables generation", ic_prog(cx));
	return rc;
}

int ic_nft_dump(struct ic_ctx *cx, struct ic_nft_sock *s, uint16_t type, uint8_t family,
		const char *table, ic_nft_msg_cb *cb, void *arg)
{
	char buf[MNL_NLMSG_HDRLEN + 512] = { 0 };
	/* replies to GETxxx come as NEWxxx */
	struct talk t = { NFNL_SUBSYS_NFTABLES << 8 | (type - 1), cb, arg };
	struct nlmsghdr *nlh;
	int rc;

	nlh = nftnl_nlmsg_build_hdr(buf, type, family, NLM_F_DUMP, s->seq++);
	/* the kernel filters rule dumps by NFTA_RULE_TABLE (chain dumps it does not) */
	if (table && type == NFT_MSG_GETRULE)
		mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
	rc = talk(cx, s, nlh, &t);
	if (rc == ENOENT)
		return 0;
	if (rc == EINTR)
		return IC_NFT_AGAIN;
	if (rc > 0)
		return sys_fail(cx, "dump", rc);
	return rc;
}

/* ---- batches ---- */

/* Room for @more bytes after the batch. The buffer is zeroed as it grows (libmnl leaves
 * attribute padding unwritten, and messages are only ever appended), not per message. */
static int batch_room(struct ic_nft_batch *b, size_t more)
{
	size_t old = b->cap;

	if (IC_VEC_RESERVE(b->buf, b->cap, b->len + more))
		return -1;
	if (b->cap > old)
		memset(b->buf + old, 0, b->cap - old);
	return 0;
}

int ic_nft_batch_begin(struct ic_nft_batch *b, struct ic_nft_sock *s, uint32_t genid)
{
	struct nlmsghdr *nlh;

	memset(b, 0, sizeof(*b));
	if (batch_room(b, 4096))
		return -1;
	b->first_seq = s->seq;
	nlh = nftnl_batch_begin(b->buf, s->seq++);
	mnl_attr_put_u32(nlh, NFTA_GEN_ID, htonl(genid));
	b->len = nlh->nlmsg_len;
	b->next_seq = s->seq;
	return 0;
}

struct nlmsghdr *ic_nft_batch_msg(struct ic_nft_batch *b, uint16_t type, uint8_t family,
				  uint16_t flags, size_t max, size_t tag)
{
	if (batch_room(b, max + MNL_NLMSG_HDRLEN + 64) ||
	    IC_VEC_RESERVE(b->tags, b->captags, b->ntags + 1))
		return NULL;
	b->tags[b->ntags++] = tag;
	return nftnl_nlmsg_build_hdr(b->buf + b->len, type, family, flags, b->next_seq++);
}

void ic_nft_batch_put(struct ic_nft_batch *b, struct nlmsghdr *nlh)
{
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

void ic_nft_batch_free(struct ic_nft_batch *b)
{
	free(b->buf);
	free(b->tags);
	memset(b, 0, sizeof(*b));
}

static size_t tag_of(const struct ic_nft_batch *b, uint32_t seq)
{
	if (seq <= b->first_seq || seq - b->first_seq - 1 >= b->ntags)
		return SIZE_MAX;
	return b->tags[seq - b->first_seq - 1];
}

struct batch_rx {
	const struct ic_nft_batch *b;
	ic_nft_echo_cb *echo_cb;
	void *arg;
	struct ic_nft_reply *rep;
	int cb_rc;
};

static void read_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct batch_rx *rx = arg;

	const struct nlmsgerr *e;
	uint16_t nft = NFNL_SUBSYS_NFTABLES << 8;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
			return;
		e = mnl_nlmsg_get_payload(nlh);
		if (e->error && !rx->rep->err) {
			rx->rep->err = -e->error;
			rx->rep->err_tag = tag_of(rx->b, e->msg.nlmsg_seq);
		}
	} else if (nlh->nlmsg_type == (nft | NFT_MSG_NEWGEN)) {
		if (gen_cb(nlh, &rx->rep->gen) == 0)
			rx->rep->have_gen = true;
	} else if ((nlh->nlmsg_type == (nft | NFT_MSG_NEWRULE) ||
		    nlh->nlmsg_type == (nft | NFT_MSG_NEWCHAIN)) && rx->echo_cb && !rx->cb_rc) {
		rx->cb_rc = rx->echo_cb(nlh, tag_of(rx->b, nlh->nlmsg_seq), rx->arg);
	}
}

static int send_all(struct ic_ctx *cx, struct ic_nft_sock *s, const struct ic_nft_batch *b)
{
	int fd = mnl_socket_get_fd(s->nl), cur = 0;
	socklen_t len = sizeof(cur);

	if (b->len > (size_t)INT32_MAX / 2)
		return ic_error(cx, IPTABLES_EINVAL, "%s: batch too large", ic_prog(cx));
	/* asked of the kernel only when a batch outgrows what it said last time */
	if (s->sndbuf < b->len + 4096) {
		set_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, (int)b->len + 4096);
		if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &len) == 0 && cur > 0)
			s->sndbuf = (size_t)cur;
	}
	if (mnl_socket_sendto(s->nl, b->buf, b->len) < 0)
		return sys_fail(cx, "send", errno);
	return 0;
}

int ic_nft_batch_send(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_batch *b,
		      ic_nft_echo_cb *echo_cb, void *arg, struct ic_nft_reply *rep)
{
	struct batch_rx rx = { b, echo_cb, arg, rep, 0 };
	const struct nlmsghdr *nlh;
	int rc;

	memset(rep, 0, sizeof(*rep));
	rep->err_tag = SIZE_MAX;
	if (batch_room(b, MNL_NLMSG_HDRLEN + 64))
		return ic_err_nomem(cx->err, ic_prog(cx));
	nlh = nftnl_batch_end(b->buf + b->len, b->next_seq);
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	s->seq = b->next_seq + 1;
	rc = send_all(cx, s, b);
	if (rc)
		return rc;
	/* The kernel ran the whole batch inside sendmsg: every reply is queued already. Lost
	 * ones can only be echoes: the caller can no longer trust what it learnt. */
	if (ic_nft_drain(s, read_reply, &rx, &rep->echo_lost))
		return ic_err_nomem(cx->err, ic_prog(cx));
	return rx.cb_rc ? rx.cb_rc : 0;
}

struct check_rx {
	const struct ic_nft_batch *b;
	int *answers;
};

static void read_answer(const struct nlmsghdr *nlh, void *arg)
{
	struct check_rx *rx = arg;
	const struct nlmsgerr *e;
	uint32_t seq;

	if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return;
	e = mnl_nlmsg_get_payload(nlh);
	seq = e->msg.nlmsg_seq;
	if (seq > rx->b->first_seq && seq - rx->b->first_seq - 1 < rx->b->ntags)
		rx->answers[seq - rx->b->first_seq - 1] = -e->error;
}

int ic_nft_batch_check(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_batch *b,
		       int *answers)
{
	struct check_rx rx = { b, answers };
	bool lost = false;
	int rc;

	for (size_t i = 0; i < b->ntags; i++)
		answers[i] = -1;
	s->seq = b->next_seq;
	rc = send_all(cx, s, b);
	if (rc)
		return rc;
	if (ic_nft_drain(s, read_answer, &rx, &lost))
		return ic_err_nomem(cx->err, ic_prog(cx));
	return 0;
}

int ic_nft_drain(struct ic_nft_sock *s, ic_nft_each_fn *fn, void *arg, bool *lost)
{
	const struct nlmsghdr *nlh;
	char *buf = malloc(RECV_BUF);
	ssize_t n;
	int len;

	if (!buf)
		return -1;
	for (;;) {
		n = recv(mnl_socket_get_fd(s->nl), buf, RECV_BUF, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			*lost = true;
			continue;
		}
		if (n <= 0)
			break;
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len))
			fn(nlh, arg);
	}
	free(buf);
	return 0;
}
