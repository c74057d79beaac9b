/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel entries -> text, as iptables-legacy 1.8.9 prints them:
 * the `-A CHAIN ...` line of `iptables -S` / `iptables -v -S`, and the columns of one row of
 * `iptables -L CHAIN -n -v -x`.
 *
 * Everything runs under the libxtables global lock (ic_xt_enter). Our own text and the
 * extensions' save/print output all go to stdout while it is captured, so they come out
 * interleaved in the right order.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xtables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

#include "xt.h"

#define UNSUPPORTED_REV " [unsupported revision]"

/* A family-independent view of the header of an ipt_entry / ip6t_entry. */
struct ev {
	bool v6;
	const unsigned char *base;
	const void *ip;			/* what extensions get as their `ip` argument */
	size_t hdr;			/* offset of the first match */
	unsigned int target_offset, next_offset;
	const struct xt_counters *ctr;
	uint16_t proto;
	const char *iniface, *outiface;
	const unsigned char *inmask, *outmask;
	const void *src, *dst, *smsk, *dmsk;
	bool inv_src, inv_dst, inv_in, inv_out, inv_proto;
	bool frag, inv_frag;		/* IPv4 only */
	bool has_tos, inv_tos;		/* IPv6 only */
	uint8_t tos;
	bool is_goto;
};

static const struct xt_entry_target *ev_target(const struct ev *v)
{
	return (const struct xt_entry_target *)(v->base + v->target_offset);
}

static void ev_init6(struct ev *v, const struct ip6t_entry *e)
{
	const struct ip6t_ip6 *ip = &e->ipv6;

	v->v6 = true;
	v->ip = ip;
	v->hdr = sizeof(*e);
	v->target_offset = e->target_offset;
	v->next_offset = e->next_offset;
	v->ctr = &e->counters;
	v->proto = ip->proto;
	v->iniface = ip->iniface;
	v->outiface = ip->outiface;
	v->inmask = ip->iniface_mask;
	v->outmask = ip->outiface_mask;
	v->src = &ip->src;
	v->dst = &ip->dst;
	v->smsk = &ip->smsk;
	v->dmsk = &ip->dmsk;
	v->inv_src = ip->invflags & IP6T_INV_SRCIP;
	v->inv_dst = ip->invflags & IP6T_INV_DSTIP;
	v->inv_in = ip->invflags & IP6T_INV_VIA_IN;
	v->inv_out = ip->invflags & IP6T_INV_VIA_OUT;
	v->inv_proto = ip->invflags & XT_INV_PROTO;
	v->has_tos = ip->flags & IP6T_F_TOS;
	v->inv_tos = ip->invflags & IP6T_INV_TOS;
	v->tos = ip->tos;
	v->is_goto = ip->flags & IP6T_F_GOTO;
}

static void ev_init4(struct ev *v, const struct ipt_entry *e)
{
	const struct ipt_ip *ip = &e->ip;

	v->ip = ip;
	v->hdr = sizeof(*e);
	v->target_offset = e->target_offset;
	v->next_offset = e->next_offset;
	v->ctr = &e->counters;
	v->proto = ip->proto;
	v->iniface = ip->iniface;
	v->outiface = ip->outiface;
	v->inmask = ip->iniface_mask;
	v->outmask = ip->outiface_mask;
	v->src = &ip->src;
	v->dst = &ip->dst;
	v->smsk = &ip->smsk;
	v->dmsk = &ip->dmsk;
	v->inv_src = ip->invflags & IPT_INV_SRCIP;
	v->inv_dst = ip->invflags & IPT_INV_DSTIP;
	v->inv_in = ip->invflags & IPT_INV_VIA_IN;
	v->inv_out = ip->invflags & IPT_INV_VIA_OUT;
	v->inv_proto = ip->invflags & XT_INV_PROTO;
	v->frag = ip->flags & IPT_F_FRAG;
	v->inv_frag = ip->invflags & IPT_INV_FRAG;
	v->is_goto = ip->flags & IPT_F_GOTO;
}

static int ev_init(struct ev *v, int nfproto, const void *e, char *err, size_t errlen)
{
	memset(v, 0, sizeof(*v));
	v->base = e;
	if (nfproto == NFPROTO_IPV6)
		ev_init6(v, e);
	else
		ev_init4(v, e);
	if (v->target_offset < v->hdr ||
	    v->next_offset < v->target_offset + sizeof(struct xt_entry_target) ||
	    ev_target(v)->u.target_size < sizeof(struct xt_entry_target) ||
	    ev_target(v)->u.target_size > v->next_offset - v->target_offset) {
		snprintf(err, errlen, "malformed rule entry");
		return IPTABLES_EINVAL;
	}
	return 0;
}

/* Next match after offset *off, or NULL at the target. Rejects sizes that would loop. */
static const struct xt_entry_match *ev_next_match(const struct ev *v, size_t *off, int *rc)
{
	const struct xt_entry_match *m;

	*rc = 0;
	if (*off >= v->target_offset)
		return NULL;
	m = (const struct xt_entry_match *)(v->base + *off);
	if (v->target_offset - *off < sizeof(*m) || m->u.match_size < sizeof(*m) ||
	    m->u.match_size > v->target_offset - *off) {
		*rc = IPTABLES_EINVAL;
		return NULL;
	}
	*off += m->u.match_size;
	return m;
}

/* ---- extension lookup ----
 * xtables_find_match/target hand out a private clone when the registered extension is
 * in use by a parse (->m / ->t set); a clone's ->next points to itself, which would make
 * a revision walk spin. Free such clones and walk the registered list instead. */

static bool ext_same(const char *name, const char *ename, uint8_t efamily, int nfproto)
{
	return !strcmp(name, ename) && (efamily == nfproto || efamily == NFPROTO_UNSPEC);
}

static struct xtables_match *match_lookup(const char *name, int nfproto)
{
	struct xtables_match *clone, *m;

	if (strlen(name) >= XT_EXTENSION_MAXNAMELEN)
		return NULL;		/* xtables_find_match would call exit_err */
	m = xtables_find_match(name, XTF_TRY_LOAD, NULL);
	if (!m || m->next != m)
		return m;
	clone = m;
	for (m = xtables_matches; m; m = m->next)
		if (ext_same(clone->name, m->name, m->family, nfproto))
			break;
	free(clone);
	return m;
}

static struct xtables_match *match_revision(struct xtables_match *first, int rev, int nfproto)
{
	struct xtables_match *m;

	for (m = first; m && ext_same(first->name, m->name, m->family, nfproto); m = m->next)
		if (m->revision == rev)
			return m;
	return NULL;
}

static struct xtables_target *target_lookup(const char *name, int nfproto)
{
	struct xtables_target *clone, *t;

	if (strlen(name) >= XT_EXTENSION_MAXNAMELEN)
		return NULL;
	t = xtables_find_target(name, XTF_TRY_LOAD);
	if (!t || t->next != t)
		return t;
	clone = t;
	for (t = xtables_targets; t; t = t->next)
		if (ext_same(clone->name, t->name, t->family, nfproto))
			break;
	free(clone);
	return t;
}

static struct xtables_target *target_revision(struct xtables_target *first, int rev,
					      int nfproto)
{
	struct xtables_target *t;

	for (t = first; t && ext_same(first->name, t->name, t->family, nfproto); t = t->next)
		if (t->revision == rev)
			return t;
	return NULL;
}

/* ---- small text helpers ---- */

static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *str_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* Prefix length of a contiguous mask, or -1. */
static int mask_cidr(const unsigned char *m, size_t len)
{
	size_t i;
	int bits = 0;

	for (i = 0; i < len && m[i] == 0xff; i++)
		bits += 8;
	if (i == len)
		return bits;
	for (unsigned int b = 0x80; b && (m[i] & b); b >>= 1)
		bits++;
	if ((unsigned char)(m[i] << (bits % 8)) != 0)
		return -1;
	for (i++; i < len; i++)
		if (m[i])
			return -1;
	return bits;
}

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *c = p;

	while (len--)
		if (*c++)
			return false;
	return true;
}

/* "ADDR/LEN", or "ADDR/MASK" when the mask is not a prefix. */
static void addr_mask_text(const struct ev *v, const void *addr, const void *mask,
			   char *buf, size_t len)
{
	int af = v->v6 ? AF_INET6 : AF_INET;
	size_t alen = v->v6 ? 16 : 4;
	char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN];
	int cidr = mask_cidr(mask, alen);

	if (!inet_ntop(af, addr, a, sizeof(a)))
		a[0] = '\0';
	if (cidr >= 0) {
		snprintf(buf, len, "%s/%d", a, cidr);
		return;
	}
	if (!inet_ntop(af, mask, m, sizeof(m)))
		m[0] = '\0';
	snprintf(buf, len, "%s/%s", a, m);
}

/* Name of @proto as iptables spells it: its own list first, then /etc/protocols. */
static const char *proto_name(uint16_t proto, char *buf, size_t len)
{
	struct protoent pe, *res = NULL;
	unsigned int i;

	for (i = 0; xtables_chain_protos[i].name; i++)
		if (xtables_chain_protos[i].num == proto)
			return xtables_chain_protos[i].name;
	if (!proto)
		return NULL;
	if (getprotobynumber_r(proto, &pe, buf, len, &res) || !res)
		return NULL;
	return res->p_name;
}

/* ---- iptables -S ---- */

static void save_addr(const struct ev *v, char letter, const void *addr, const void *mask,
		      bool inv)
{
	size_t alen = v->v6 ? 16 : 4;
	char buf[2 * INET6_ADDRSTRLEN + 2];

	if (v->v6) {
		if (!inv && mask_cidr(mask, alen) == 0)
			return;
	} else if (!inv && all_zero(mask, alen) && all_zero(addr, alen)) {
		return;
	}
	addr_mask_text(v, addr, mask, buf, sizeof(buf));
	printf("%s -%c %s", inv ? " !" : "", letter, buf);
}

/* The interface as typed: the mask covers the name, plus its NUL unless it ended in '+'. */
static void save_iface(char letter, const char *iface, const unsigned char *mask, bool inv)
{
	unsigned int i;

	if (!mask[0])
		return;
	printf("%s -%c ", inv ? " !" : "", letter);
	for (i = 0; i < IFNAMSIZ; i++) {
		if (!mask[i]) {
			if (iface[i - 1])
				putchar('+');
			break;
		}
		if (iface[i])
			putchar(iface[i]);
	}
}

static int save_match(const struct ev *v, int nfproto, const struct xt_entry_match *m,
		      char *err, size_t errlen)
{
	struct xtables_match *match, *mt, *shown;

	match = match_lookup(m->u.user.name, nfproto);
	if (!match) {
		if (m->u.match_size) {
			snprintf(err, errlen, "Can't find library for match `%s'",
				 m->u.user.name);
			return IPTABLES_EINVAL;
		}
		return 0;
	}
	mt = match_revision(match, m->u.user.revision, nfproto);
	shown = mt ? mt : match;
	printf(" -m %s", shown->alias ? shown->alias(m) : m->u.user.name);
	if (mt && mt->save)
		mt->save(v->ip, m);
	else if (match->save)
		fputs(UNSUPPORTED_REV, stdout);
	return 0;
}

/* @jump: the entry was built by our parser, and its target is the standard one named @jump
 * (a verdict or a chain): print it as libiptc would report it after a commit. */
static int save_target(const struct ev *v, int nfproto, const char *target_name, bool jump,
		       char *err, size_t errlen)
{
	const struct xt_entry_target *t = ev_target(v);
	struct xtables_target *target, *tg, *shown;

	if (!t->u.user.name[0] || jump) {
		if (target_name && target_name[0])
			printf(" -%c %s", v->is_goto ? 'g' : 'j', target_name);
		return 0;
	}
	target = target_lookup(t->u.user.name, nfproto);
	if (!target) {
		snprintf(err, errlen, "Can't find library for target `%s'", t->u.user.name);
		return IPTABLES_EINVAL;
	}
	tg = target_revision(target, t->u.user.revision, nfproto);
	shown = tg ? tg : target;
	printf(" -j %s", shown->alias ? shown->alias(t) : target_name ? target_name
									  : t->u.user.name);
	if (tg && tg->save) {
		tg->save(v->ip, t);
	} else if (target->save) {
		fputs(UNSUPPORTED_REV, stdout);
	} else if (t->u.target_size != sizeof(*t)) {
		snprintf(err, errlen, "Target `%s' is missing save function", t->u.user.name);
		return IPTABLES_EINVAL;
	}
	return 0;
}

static int save_rule(const struct ic_iptc_family *f, struct xtc_handle *handle, const char *chain,
		     const struct ev *v, bool counters, const char *jump, char *err, size_t errlen)
{
	const struct xt_entry_match *m;
	char pbuf[1024];
	const char *pname;
	size_t off = v->hdr;
	int rc;

	printf("-A %s", chain);
	save_addr(v, 's', v->src, v->smsk, v->inv_src);
	save_addr(v, 'd', v->dst, v->dmsk, v->inv_dst);
	save_iface('i', v->iniface, v->inmask, v->inv_in);
	save_iface('o', v->outiface, v->outmask, v->inv_out);
	if (v->proto) {
		if (v->inv_proto)
			fputs(" !", stdout);
		pname = proto_name(v->proto, pbuf, sizeof(pbuf));
		if (pname)
			printf(" -p %s", pname);
		else
			printf(" -p %u", v->proto);
	}
	if (v->frag)
		fputs(v->inv_frag ? " ! -f" : " -f", stdout);
	if (v->has_tos)
		printf("%s -? %d", v->inv_tos ? " !" : "", v->tos);

	while ((m = ev_next_match(v, &off, &rc))) {
		rc = save_match(v, f->nfproto, m, err, errlen);
		if (rc)
			return rc;
	}
	if (rc) {
		snprintf(err, errlen, "malformed match in rule entry");
		return rc;
	}
	if (counters)
		printf(" -c %llu %llu", (unsigned long long)v->ctr->pcnt,
		       (unsigned long long)v->ctr->bcnt);
	if (!jump) {
		/* A jump added to a handle but not yet committed still carries the chain's name
		 * as its target name: print it as the committed rule will be. Without a handle
		 * (a rule we parsed), the entry's own target name is all there is. */
		const char *tn = handle ? f->get_target(v->base, handle) : NULL;

		if (handle && tn && tn[0] && f->is_chain(tn, handle))
			jump = tn;
		else
			return save_target(v, f->nfproto, tn, false, err, errlen);
	}
	return save_target(v, f->nfproto, jump, true, err, errlen);
}

struct save_call {
	const struct ic_iptc_family *f;
	struct xtc_handle *handle;
	const char *chain;
	const struct ev *v;
	bool counters;
	const char *jump;
	char *err;
	size_t errlen;
};

static int save_rule_trapped(void *arg)
{
	struct save_call *c = arg;

	return save_rule(c->f, c->handle, c->chain, c->v, c->counters, c->jump, c->err,
			 c->errlen);
}

static int format_rule(const struct ic_iptc_family *f, struct xtc_handle *handle, const char *chain,
		       const void *e, bool counters, const char *jump, char **line, char *err,
		       size_t errlen)
{
	struct save_call call = {
		.f = f, .handle = handle, .chain = chain, .counters = counters, .jump = jump,
		.err = err, .errlen = errlen,
	};
	struct ic_xt_capture cap;
	struct ev v;
	char *out;
	int rc;

	*line = NULL;
	rc = ev_init(&v, f->nfproto, e, err, errlen);
	if (rc)
		return rc;
	call.v = &v;
	rc = ic_xt_enter(f->nfproto, err, errlen);
	if (rc)
		return rc;
	if (ic_xt_capture_begin(&cap)) {
		ic_xt_leave();
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return IPTABLES_ENOMEM;
	}
	rc = ic_xt_trap_call(save_rule_trapped, &call, err, errlen);
	out = ic_xt_capture_end(&cap);
	ic_xt_leave();
	if (rc) {
		free(out);
		return rc;
	}
	if (!out) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return IPTABLES_ENOMEM;
	}
	*line = out;
	return 0;
}

int ic_xt_format_rule(const struct ic_iptc_family *f, struct xtc_handle *handle, const char *chain,
		   const void *e, bool counters, char **line, char *err, size_t errlen)
{
	return format_rule(f, handle, chain, e, counters, NULL, line, err, errlen);
}

int ic_xt_format_parsed(const struct ic_iptc_family *f, const char *chain, const struct ic_xt_rule *r,
		     size_t i, char **line, char *err, size_t errlen)
{
	return format_rule(f, NULL, chain, r->entries[i], false,
			   r->target_is_chain ? r->jumpto : NULL, line, err, errlen);
}

/* ---- iptables -L -n -v -x ---- */

static void print_match(const struct ev *v, int nfproto, const struct xt_entry_match *m)
{
	struct xtables_match *match, *mt;

	match = match_lookup(m->u.user.name, nfproto);
	if (!match) {
		if (m->u.user.name[0])
			printf("UNKNOWN match `%s' ", m->u.user.name);
		return;
	}
	mt = match_revision(match, m->u.user.revision, nfproto);
	if (mt && mt->print)
		mt->print(v->ip, m, FMT_NUMERIC);
	else if (match->print)
		printf("%s%s ", match->name, UNSUPPORTED_REV);
	else
		printf("%s ", match->name);
}

static void print_target(const struct ic_iptc_family *f, struct xtc_handle *handle,
			 const struct ev *v, const char *targname)
{
	const struct xt_entry_target *t = ev_target(v);
	struct xtables_target *target, *tg;

	/* jumps to user chains use the standard target, which prints nothing */
	if (f->is_chain(targname, handle))
		return;
	target = target_lookup(targname, f->nfproto);
	if (!target) {
		if (t->u.target_size != sizeof(*t))
			printf("[%u bytes of unknown target data] ",
			       (unsigned int)(t->u.target_size - sizeof(*t)));
		return;
	}
	tg = target_revision(target, t->u.user.revision, f->nfproto);
	if (tg && tg->print)
		tg->print(v->ip, t, FMT_NUMERIC);
	else if (target->print)
		printf(" %s%s", target->name, UNSUPPORTED_REV);
}

struct print_call {
	const struct ic_iptc_family *f;
	struct xtc_handle *handle;
	const struct ev *v;
	const char *targname;
	char *err;
	size_t errlen;
};

/* Everything print_firewall writes after the destination column. */
static int print_options(void *arg)
{
	const struct print_call *c = arg;
	const struct xt_entry_match *m;
	size_t off = c->v->hdr;
	int rc;

	if (c->v->is_goto)
		fputs("[goto] ", stdout);
	while ((m = ev_next_match(c->v, &off, &rc)))
		print_match(c->v, c->f->nfproto, m);
	if (rc) {
		snprintf(c->err, c->errlen, "malformed match in rule entry");
		return rc;
	}
	print_target(c->f, c->handle, c->v, c->targname);
	return 0;
}

/* Whitespace-separated words joined by single spaces, in place: what a reader of the
 * -L table gets when it splits the row on whitespace and joins the option words. */
static void squeeze_spaces(char *s)
{
	char *w = s;
	const char *r = s;

	while (*r) {
		while (*r && isspace((unsigned char)*r))
			r++;
		if (!*r)
			break;
		if (w != s)
			*w++ = ' ';
		while (*r && !isspace((unsigned char)*r))
			*w++ = *r++;
	}
	*w = '\0';
}

static char *iface_text(const char *iface, bool inv)
{
	size_t n = strnlen(iface, IFNAMSIZ);

	if (!n)
		return str_printf("%s*", inv ? "!" : "");
	return str_printf("%s%.*s", inv ? "!" : "", (int)n, iface);
}

static char *addr_text(const struct ev *v, const void *addr, const void *mask, bool inv)
{
	char buf[2 * INET6_ADDRSTRLEN + 2];

	addr_mask_text(v, addr, mask, buf, sizeof(buf));
	return str_printf("%s%s", inv ? "!" : "", buf);
}

static void stat_free(struct iptables_stat *row)
{
	free(row->target);
	free(row->protocol);
	free(row->opt);
	free(row->in);
	free(row->out);
	free(row->source);
	free(row->destination);
	free(row->options);
	memset(row, 0, sizeof(*row));
}

/* Every column but options; no libxtables involved. */
static int stat_columns(const struct ev *v, const char *targname, struct iptables_stat *row)
{
	row->packets = v->ctr->pcnt;
	row->bytes = v->ctr->bcnt;
	row->target = strdup(targname ? targname : "");
	/* with -n the prot column is always the number */
	row->protocol = str_printf("%s%u", v->inv_proto ? "!" : "", v->proto);
	if (v->v6)
		row->opt = strdup("--");
	else
		row->opt = str_printf("%c%c", v->inv_frag ? '!' : '-', v->frag ? 'f' : '-');
	row->in = iface_text(v->iniface, v->inv_in);
	row->out = iface_text(v->outiface, v->inv_out);
	row->source = addr_text(v, v->src, v->smsk, v->inv_src);
	row->destination = addr_text(v, v->dst, v->dmsk, v->inv_dst);
	if (!row->target || !row->protocol || !row->opt || !row->in || !row->out ||
	    !row->source || !row->destination)
		return IPTABLES_ENOMEM;
	return 0;
}

int ic_xt_format_stat(const struct ic_iptc_family *f, struct xtc_handle *handle, const void *e,
		   struct iptables_stat *row, char *err, size_t errlen)
{
	struct print_call call = { .f = f, .handle = handle, .err = err, .errlen = errlen };
	struct ic_xt_capture cap;
	struct ev v;
	char *out;
	int rc;

	memset(row, 0, sizeof(*row));
	rc = ev_init(&v, f->nfproto, e, err, errlen);
	if (rc)
		return rc;
	call.v = &v;
	call.targname = f->get_target(e, handle);
	if (!call.targname)
		call.targname = "";
	rc = stat_columns(&v, call.targname, row);
	if (rc)
		goto nomem;
	rc = ic_xt_enter(f->nfproto, err, errlen);
	if (rc)
		goto fail;
	if (ic_xt_capture_begin(&cap)) {
		ic_xt_leave();
		rc = IPTABLES_ENOMEM;
		goto nomem;
	}
	rc = ic_xt_trap_call(print_options, &call, err, errlen);
	out = ic_xt_capture_end(&cap);
	ic_xt_leave();
	if (rc) {
		free(out);
		goto fail;
	}
	if (!out) {
		rc = IPTABLES_ENOMEM;
		goto nomem;
	}
	squeeze_spaces(out);
	row->options = out;
	return 0;
nomem:
	snprintf(err, errlen, "%s", strerror(ENOMEM));
fail:
	stat_free(row);
	return rc;
}
