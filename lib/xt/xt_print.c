/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * struct ic_rule -> text, as iptables 1.8.9 prints it: the `-A CHAIN ...` line of
 * `iptables -S` / `iptables -v -S`, and the columns of one row of `iptables -L CHAIN -n -v -x`.
 *
 * Our own text and the extensions' save/print output all go to stdout inside ic_xt_run, which
 * captures it, so they come out interleaved in the right order.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xt_internal.h"

#define UNSUPPORTED_REV " [unsupported revision]"

/* One rule being printed: the rule and the entry head its extensions' callbacks get. */
struct pcall {
	const struct ic_xt_family *f;
	const char *chain;
	const struct ic_rule *r;
	bool counters;
	bool nft;			/* iptables-nft's -L: a match without print shows nothing */
	union ic_xt_head head;
};

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
static void addr_mask_text(const struct ic_xt_family *f, const void *addr, const void *mask,
			   char *buf, size_t len)
{
	int af = f->af;
	size_t alen = f->addr_len;
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

static void save_addr(const struct ic_xt_family *f, char letter, const void *addr,
		      const void *mask, bool inv)
{
	char buf[2 * INET6_ADDRSTRLEN + 2];

	if (!inv && all_zero(mask, f->addr_len) &&
	    (f->save_omits_by_mask || all_zero(addr, f->addr_len)))
		return;
	addr_mask_text(f, addr, mask, buf, sizeof(buf));
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

static int save_match(const struct pcall *c, const struct xt_entry_match *m)
{
	uint8_t nfproto = c->f->nfproto;
	struct xtables_match *match, *mt, *shown;

	match = ic_xt_match_lookup(m->u.user.name, nfproto);
	if (!match) {
		if (m->u.match_size)
			return ic_err_set(ic_xt_cur_err(), IPTABLES_EINVAL,
					  "Can't find library for match `%s'", m->u.user.name);
		return 0;
	}
	mt = ic_xt_match_revision(match, m->u.user.revision, nfproto);
	shown = mt ? mt : match;
	printf(" -m %s", shown->alias ? shown->alias(m) : m->u.user.name);
	if (mt && mt->save)
		mt->save(&c->head, m);
	else if (match->save)
		fputs(UNSUPPORTED_REV, stdout);
	return 0;
}

/* A verdict or chain (target NULL) as " -j NAME" / " -g NAME"; an extension by its save. */
static int save_target(const struct pcall *c)
{
	const struct xt_entry_target *t = c->r->target;
	uint8_t nfproto = c->f->nfproto;
	struct xtables_target *target, *tg, *shown;

	if (!t) {
		if (c->r->jumpto[0])
			printf(" -%c %s", c->r->is_goto ? 'g' : 'j', c->r->jumpto);
		return 0;
	}
	target = ic_xt_target_lookup(t->u.user.name, nfproto);
	if (!target)
		return ic_err_set(ic_xt_cur_err(), IPTABLES_EINVAL,
				  "Can't find library for target `%s'", t->u.user.name);
	tg = ic_xt_target_revision(target, t->u.user.revision, nfproto);
	shown = tg ? tg : target;
	printf(" -j %s", shown->alias ? shown->alias(t) : t->u.user.name);
	if (tg && tg->save)
		tg->save(&c->head, t);
	else if (target->save)
		fputs(UNSUPPORTED_REV, stdout);
	else if (t->u.target_size != sizeof(*t))
		return ic_err_set(ic_xt_cur_err(), IPTABLES_EINVAL,
				  "Target `%s' is missing save function", t->u.user.name);
	return 0;
}

static int save_rule(void *arg)
{
	const struct pcall *c = arg;
	const struct ic_rule *r = c->r;
	char pbuf[1024];
	const char *pname;
	size_t i;
	int rc;

	printf("-A %s", c->chain);
	save_addr(c->f, 's', &r->src, &r->smsk, r->invflags & IC_INV_SRCIP);
	save_addr(c->f, 'd', &r->dst, &r->dmsk, r->invflags & IC_INV_DSTIP);
	save_iface('i', r->iniface, r->iniface_mask, r->invflags & IC_INV_VIA_IN);
	save_iface('o', r->outiface, r->outiface_mask, r->invflags & IC_INV_VIA_OUT);
	if (r->proto) {
		if (r->invflags & IC_INV_PROTO)
			fputs(" !", stdout);
		pname = proto_name(r->proto, pbuf, sizeof(pbuf));
		if (pname)
			printf(" -p %s", pname);
		else
			printf(" -p %u", r->proto);
	}
	if (r->frag)
		fputs(r->invflags & IC_INV_FRAG ? " ! -f" : " -f", stdout);
	if (r->has_tos)
		printf("%s -? %d", r->invflags & IC_INV_TOS ? " !" : "", r->tos);
	for (i = 0; i < r->nmatches; i++) {
		rc = save_match(c, r->matches[i].blob);
		if (rc)
			return rc;
	}
	if (c->counters)
		printf(" -c %llu %llu", (unsigned long long)r->pcnt, (unsigned long long)r->bcnt);
	return save_target(c);
}

static int print_rule(uint8_t nfproto, const char *mode, int (*fn)(void *), struct pcall *c,
		      char **text, struct ic_err *err)
{
	const struct ic_xt_call call = {
		.nfproto = nfproto, .mode = mode, .fn = fn, .arg = c, .out = text,
	};

	*text = NULL;
	c->f = ic_xt_family(nfproto);
	if (!c->f)
		return ic_err_set(err, IPTABLES_EUNSUPPORTED, "unsupported address family %d",
				  nfproto);
	ic_xt_head_fill(c->f, c->r, &c->head);
	return ic_xt_run(&call, err);
}

int ic_xt_format_rule(uint8_t nfproto, const char *mode, const char *chain,
		      const struct ic_rule *r, bool counters, char **line, struct ic_err *err)
{
	struct pcall c = { .chain = chain, .r = r, .counters = counters };

	return print_rule(nfproto, mode, save_rule, &c, line, err);
}

/* ---- iptables -L -n -v -x ---- */

static void print_match(const struct pcall *c, const struct xt_entry_match *m)
{
	uint8_t nfproto = c->f->nfproto;
	struct xtables_match *match, *mt;

	match = ic_xt_match_lookup(m->u.user.name, nfproto);
	if (!match) {
		if (m->u.user.name[0])
			printf("UNKNOWN match `%s' ", m->u.user.name);
		return;
	}
	mt = ic_xt_match_revision(match, m->u.user.revision, nfproto);
	if (mt && mt->print)
		mt->print(&c->head, m, FMT_NUMERIC);
	else if (match->print)
		printf("%s%s ", match->name, UNSUPPORTED_REV);
	else if (!c->nft)
		printf("%s ", match->name);
}

/* Verdicts and jumps to chains use the standard target, which prints nothing. */
static void print_target(const struct pcall *c)
{
	const struct xt_entry_target *t = c->r->target;
	uint8_t nfproto = c->f->nfproto;
	struct xtables_target *target, *tg;

	if (!t)
		return;
	target = ic_xt_target_lookup(t->u.user.name, nfproto);
	if (!target) {
		if (t->u.target_size != sizeof(*t))
			printf("[%u bytes of unknown target data] ",
			       (unsigned int)(t->u.target_size - sizeof(*t)));
		return;
	}
	tg = ic_xt_target_revision(target, t->u.user.revision, nfproto);
	if (tg && tg->print)
		tg->print(&c->head, t, FMT_NUMERIC);
	else if (target->print)
		printf(" %s%s", target->name, UNSUPPORTED_REV);
}

/* Everything print_firewall writes after the destination column. */
static int print_options(void *arg)
{
	const struct pcall *c = arg;
	size_t i;

	if (c->r->is_goto)
		fputs("[goto] ", stdout);
	for (i = 0; i < c->r->nmatches; i++)
		print_match(c, c->r->matches[i].blob);
	print_target(c);
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

static char *addr_text(const struct ic_xt_family *f, const void *addr, const void *mask,
		       bool inv)
{
	char buf[2 * INET6_ADDRSTRLEN + 2];

	addr_mask_text(f, addr, mask, buf, sizeof(buf));
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
static int stat_columns(const struct ic_xt_family *f, const struct ic_rule *r,
			struct iptables_stat *row)
{
	bool inv_proto = r->invflags & IC_INV_PROTO;

	row->packets = r->pcnt;
	row->bytes = r->bcnt;
	row->target = strdup(r->jumpto);
	/* with -n the prot column is always the number */
	row->protocol = str_printf("%s%u", inv_proto ? "!" : "", r->proto);
	if (!f->head.f_frag)
		row->opt = strdup("--");
	else
		row->opt = str_printf("%c%c", r->invflags & IC_INV_FRAG ? '!' : '-',
				      r->frag ? 'f' : '-');
	row->in = iface_text(r->iniface, r->invflags & IC_INV_VIA_IN);
	row->out = iface_text(r->outiface, r->invflags & IC_INV_VIA_OUT);
	row->source = addr_text(f, &r->src, &r->smsk, r->invflags & IC_INV_SRCIP);
	row->destination = addr_text(f, &r->dst, &r->dmsk, r->invflags & IC_INV_DSTIP);
	if (!row->target || !row->protocol || !row->opt || !row->in || !row->out ||
	    !row->source || !row->destination)
		return IPTABLES_ENOMEM;
	return 0;
}

int ic_xt_format_stat(uint8_t nfproto, const char *mode, const struct ic_rule *r,
		      struct iptables_stat *row, struct ic_err *err)
{
	struct pcall c = { .r = r, .nft = mode && !strcmp(mode, "nf_tables") };
	char *options;
	int rc;

	memset(row, 0, sizeof(*row));
	rc = print_rule(nfproto, mode, print_options, &c, &options, err);
	if (rc)
		return rc;
	squeeze_spaces(options);
	row->options = options;
	if (stat_columns(c.f, r, row)) {
		stat_free(row);
		return ic_err_nomem(err, c.f->prog);
	}
	return 0;
}
