/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rulespec words -> struct ic_rule, with the behaviour of iptables 1.8.9's
 * `iptables -A CHAIN <words>` (do_parse, command_default and the target choice of
 * do_command4/6 in iptables/xshared.c and iptables/iptables.c, reimplemented here).
 * Encoding the rule for the kernel is the backend's job.
 *
 * Everything runs inside ic_xt_run: libxtables and the extensions report errors through
 * exit_err, which longjmps back; all per-rule state lives in struct pstate so that the
 * run's cleanup releases it on both paths.
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xtables.h>

#include "xt_internal.h"

extern int line;

#define IC_XT_OPTSTRING "-:A:C:D:E:F::I:L::M:N:P:VX::Z::c:d:i:j:o:p:s:t:R:S::W::46bfg:h::m:nvw::x"

/* iptables' OPT_* bits, in the order of optflags[] below. */
enum {
	OPT_NUMERIC	= 1 << 0,
	OPT_SOURCE	= 1 << 1,
	OPT_DESTINATION	= 1 << 2,
	OPT_PROTOCOL	= 1 << 3,
	OPT_JUMP	= 1 << 4,
	OPT_VERBOSE	= 1 << 5,
	OPT_EXPANDED	= 1 << 6,
	OPT_VIANAMEIN	= 1 << 7,
	OPT_VIANAMEOUT	= 1 << 8,
	OPT_LINENUMBERS	= 1 << 9,
	OPT_COUNTERS	= 1 << 10,
	OPT_FRAGMENT	= 1 << 11,
};

static const char optflags[] = "nsdpjvxio0cf";

static const uint8_t inverse_for_options[] = {
	0, IC_INV_SRCIP, IC_INV_DSTIP, IC_INV_PROTO, 0, 0, 0,
	IC_INV_VIA_IN, IC_INV_VIA_OUT, 0, 0, IC_INV_FRAG,
};

struct pstate {
	const struct ic_parse_req *req;
	const struct ic_xt_family *f;
	int argc;
	char **argv;			/* private writable copy; argv[0] is the program name */
	struct ic_rules *out;

	struct ic_rule rule;		/* what the words say so far; addresses come last */
	unsigned int options;
	struct xtables_rule_match *matches;
	struct xtables_target *target;
	const char *protocol;
	bool proto_used;
	const char *jumpto;
	int c;
	bool invert;
	int verbose;

	const char *shost, *dhost;
	int wait;
	bool wait_interval_set;

	void *saddrs, *smasks, *daddrs, *dmasks;	/* struct in_addr / in6_addr arrays */
	unsigned int nsaddrs, ndaddrs;

	union ic_xt_head head;		/* the entry the extensions' parse callbacks see; */
};					/* last: it ends in a flexible array */

static char opt2char(unsigned int option)
{
	unsigned int i;

	for (i = 0; option > 1; option >>= 1)
		i++;
	return optflags[i];
}

static void set_option(struct pstate *ps, unsigned int option)
{
	unsigned int i;

	if (ps->options & option)
		xtables_error(PARAMETER_PROBLEM, "multiple -%c flags not allowed",
			      opt2char(option));
	ps->options |= option;
	if (!ps->invert)
		return;
	for (i = 0; 1U << i != option; i++)
		;
	if (!inverse_for_options[i])
		xtables_error(PARAMETER_PROBLEM, "cannot have ! before -%c", opt2char(option));
	ps->rule.invflags |= inverse_for_options[i];
}

static bool has_arg(const struct pstate *ps)
{
	return optind < ps->argc && ps->argv[optind][0] != '-' && ps->argv[optind][0] != '!';
}

/* An extension name must never reach load_extension() with a '/' in it: it becomes part
 * of the path of the .so that libxtables dlopen()s. */
static bool loadable_name(const char *name)
{
	return !strchr(name, '/');
}

static void merge_opts(const struct option *extra, const struct xt_option_entry *x6,
		       unsigned int *offset)
{
	struct option *opts = xt_params->opts;

	if (x6)
		opts = xtables_options_xfrm(xt_params->orig_opts, opts, x6, offset);
	else if (extra)
		opts = xtables_merge_options(xt_params->orig_opts, opts, extra, offset);
	if (!opts)
		xtables_error(OTHER_PROBLEM, "can't alloc memory!");
	xt_params->opts = opts;
}

static void init_match(struct xtables_match *m)
{
	if (m->udata_size) {
		free(m->udata);
		m->udata = xtables_calloc(1, m->udata_size);
	}
	if (m->init)
		m->init(m->m);
}

static void init_target(struct xtables_target *t)
{
	if (t->udata_size) {
		free(t->udata);
		t->udata = xtables_calloc(1, t->udata_size);
	}
	if (t->init)
		t->init(t->t);
}

/* Give match @m (just added to ps->matches) its blob. */
static void setup_match(struct xtables_match *m)
{
	size_t size = XT_ALIGN(sizeof(struct xt_entry_match)) + m->size;

	m->m = xtables_calloc(1, size);
	m->m->u.match_size = size;
	strcpy(m->m->u.user.name, m->real_name ? m->real_name : m->name);
	m->m->u.user.revision = m->revision;
	init_match(m);
}

static void release_target(struct pstate *ps)
{
	struct xtables_target *t = ps->target;

	if (!t)
		return;
	free(t->t);
	t->t = NULL;
	free(t->udata);
	t->udata = NULL;
	if (t == t->next)
		free(t);
	ps->target = NULL;
}

/* ---- options ---- */

static const char *parse_target_name(const char *name)
{
	const char *p;

	if (strlen(name) < 1)
		xtables_error(PARAMETER_PROBLEM, "Invalid target name (too short)");
	if (strlen(name) >= XT_EXTENSION_MAXNAMELEN)
		xtables_error(PARAMETER_PROBLEM, "Invalid target name `%s' (%u chars max)",
			      name, XT_EXTENSION_MAXNAMELEN - 1);
	for (p = name; *p; p++)
		if (isspace((unsigned char)*p))
			xtables_error(PARAMETER_PROBLEM, "Invalid target name `%s'", name);
	return name;
}

static void command_jump(struct pstate *ps, const char *word)
{
	struct xtables_target *t;
	size_t size;

	ps->jumpto = parse_target_name(word);
	if (!loadable_name(ps->jumpto))
		return;
	t = xtables_find_target(ps->jumpto, XTF_TRY_LOAD);
	if (!t)
		return;
	ps->target = t;
	size = XT_ALIGN(sizeof(struct xt_entry_target)) + t->size;
	t->t = xtables_calloc(1, size);
	t->t->u.target_size = size;
	strcpy(t->t->u.user.name, t->real_name ? t->real_name : ps->jumpto);
	t->t->u.user.revision = t->revision;
	init_target(t);
	merge_opts(t->extra_opts, t->x6_options, &t->option_offset);
}

static void command_match(struct pstate *ps)
{
	struct xtables_match *m;

	if (ps->invert)
		xtables_error(PARAMETER_PROBLEM, "unexpected ! flag before --match");
	if (strlen(optarg) < XT_EXTENSION_MAXNAMELEN && !loadable_name(optarg))
		xtables_error(PARAMETER_PROBLEM, "Couldn't load match `%s':%s\n", optarg,
			      strerror(ENOENT));
	m = xtables_find_match(optarg, XTF_LOAD_MUST_SUCCEED, &ps->matches);
	setup_match(m);
	if (m == m->next)
		return;		/* a clone: its options are merged already */
	merge_opts(m->extra_opts, m->x6_options, &m->option_offset);
}

static void command_protocol(struct pstate *ps)
{
	char *word = ps->argv[optind - 1];	/* as iptables: the word, not optarg */
	char *p;

	set_option(ps, OPT_PROTOCOL);
	for (p = word; *p; p++)
		*p = tolower((unsigned char)*p);
	ps->protocol = word;
	ps->rule.proto = xtables_parse_protocol(word);
	ps->rule.proto_given = true;
	if (ps->rule.proto == 0 && (ps->rule.invflags & IC_INV_PROTO))
		xtables_error(PARAMETER_PROBLEM, "rule would never match protocol");
}

static void command_iface(struct pstate *ps, unsigned int option, char *name,
			  unsigned char *mask)
{
	if (!*optarg)
		xtables_error(PARAMETER_PROBLEM, "Empty interface is likely to be undesired");
	set_option(ps, option);
	xtables_parse_interface(ps->argv[optind - 1], name, mask);
}

static void command_counters(struct pstate *ps)
{
	const char *pcnt = optarg, *bcnt;
	unsigned long long n;

	set_option(ps, OPT_COUNTERS);
	bcnt = pcnt[0] ? strchr(pcnt + 1, ',') : NULL;
	if (bcnt)
		bcnt++;
	if (!bcnt && has_arg(ps))
		bcnt = ps->argv[optind++];
	if (!bcnt)
		xtables_error(PARAMETER_PROBLEM, "-%c requires packet and byte counter",
			      opt2char(OPT_COUNTERS));
	if (sscanf(pcnt, "%llu", &n) != 1)
		xtables_error(PARAMETER_PROBLEM, "-%c packet counter not numeric",
			      opt2char(OPT_COUNTERS));
	ps->rule.pcnt = n;
	if (sscanf(bcnt, "%llu", &n) != 1)
		xtables_error(PARAMETER_PROBLEM, "-%c byte counter not numeric",
			      opt2char(OPT_COUNTERS));
	ps->rule.bcnt = n;
}

/* -w / -W: accepted as iptables does; the caller's lock settings decide the waiting. */
static void command_wait(struct pstate *ps)
{
	int wait = -1;
	const char *arg = optarg;

	if (!arg && has_arg(ps))
		arg = ps->argv[optind++];
	if (arg && sscanf(arg, "%i", &wait) != 1)
		xtables_error(PARAMETER_PROBLEM, "wait seconds not numeric");
	ps->wait = wait;
}

static void command_wait_interval(struct pstate *ps)
{
	const char *arg = optarg;
	unsigned int usec;

	if (!arg && has_arg(ps))
		arg = ps->argv[optind++];
	if (!arg)
		xtables_error(PARAMETER_PROBLEM, "wait interval value required");
	if (sscanf(arg, "%u", &usec) != 1)
		xtables_error(PARAMETER_PROBLEM, "wait interval not numeric");
	if (usec > 999999)
		xtables_error(PARAMETER_PROBLEM, "too long usec wait %u > 999999 usec", usec);
	ps->wait_interval_set = true;
}

/* assert_valid_chain_name(), which iptables runs for -N before noticing -A was given. */
static void check_new_chain_name(const char *name)
{
	const char *p;

	if (strlen(name) >= XT_EXTENSION_MAXNAMELEN)
		xtables_error(PARAMETER_PROBLEM,
			      "chain name `%s' too long (must be under %u chars)",
			      name, XT_EXTENSION_MAXNAMELEN);
	if (*name == '-' || *name == '!')
		xtables_error(PARAMETER_PROBLEM, "chain name not allowed to start with `%c'",
			      *name);
	if (loadable_name(name) && xtables_find_target(name, XTF_TRY_LOAD))
		xtables_error(PARAMETER_PROBLEM, "chain name may not clash with target name");
	for (p = name; *p; p++)
		if (isspace((unsigned char)*p))
			xtables_error(PARAMETER_PROBLEM, "Invalid chain name `%s'", name);
}

static void command_other_cmd(struct pstate *ps)
{
	if (ps->c == 'N')
		check_new_chain_name(optarg);
	if (ps->invert)
		xtables_error(PARAMETER_PROBLEM, "unexpected '!' flag");
	xtables_error(PARAMETER_PROBLEM, "Cannot use -%c with -A", ps->c);
}

static const char *proto_to_name(uint16_t proto, bool nolookup)
{
	const struct protoent *pent;
	unsigned int i;

	for (i = 0; xtables_chain_protos[i].name; i++)
		if (xtables_chain_protos[i].num == proto)
			return xtables_chain_protos[i].name;
	if (proto && !nolookup) {
		pent = getprotobynumber(proto);
		if (pent)
			return pent->p_name;
	}
	return NULL;
}

static struct xtables_match *find_proto(struct pstate *ps, enum xtables_tryload tryload,
					struct xtables_rule_match **matches)
{
	const char *name = ps->protocol;
	unsigned int proto;

	if (xtables_strtoui(name, NULL, &proto, 0, UINT8_MAX)) {
		name = proto_to_name(proto, ps->options & OPT_NUMERIC);
		if (!name)
			return NULL;
	}
	return xtables_find_match(name, tryload, matches);
}

/* The implicit protocol match of `-p tcp --dport 22`, as iptables' load_proto. */
static struct xtables_match *load_proto(struct pstate *ps)
{
	struct xtables_match *m;

	if (!ps->protocol)
		return NULL;
	m = find_proto(ps, XTF_DONT_LOAD, NULL);
	if (m && m == m->next)
		free(m);	/* a clone made only to answer "is it loaded?" */
	if (m && ps->proto_used)
		return NULL;
	return find_proto(ps, XTF_TRY_LOAD, &ps->matches);
}

/* An option no base case knows: an extension's, or an error. True: rerun getopt. */
static bool command_default(struct pstate *ps)
{
	struct xtables_target *t = ps->target;
	struct xtables_rule_match *mp;
	struct xtables_match *m;
	unsigned int c = ps->c;

	if (t && (t->parse || t->x6_parse) && c >= t->option_offset &&
	    c < t->option_offset + XT_OPTION_OFFSET_SCALE) {
		ic_xt_head_fill(ps->f, &ps->rule, &ps->head);
		xtables_option_tpcall(c, ps->argv, ps->invert, t, &ps->head);
		return false;
	}
	for (mp = ps->matches; mp; mp = mp->next) {
		m = mp->match;
		if (mp->completed || (!m->x6_parse && !m->parse))
			continue;
		if (c < m->option_offset || c >= m->option_offset + XT_OPTION_OFFSET_SCALE)
			continue;
		ic_xt_head_fill(ps->f, &ps->rule, &ps->head);
		xtables_option_mpcall(c, ps->argv, ps->invert, m, &ps->head);
		return false;
	}

	m = load_proto(ps);
	if (m) {
		ps->proto_used = true;
		setup_match(m);
		merge_opts(m->extra_opts, m->x6_options, &m->option_offset);
		optind--;
		return true;
	}

	if (ps->c == ':')
		xtables_error(PARAMETER_PROBLEM, "option \"%s\" requires an argument",
			      ps->argv[optind - 1]);
	if (ps->c == '?')
		xtables_error(PARAMETER_PROBLEM, "unknown option \"%s\"", ps->argv[optind - 1]);
	xtables_error(PARAMETER_PROBLEM, "Unknown arg \"%s\"", optarg);
}

/* A word that is not an option: `!`, or what iptables calls a bad argument. */
static void command_word(struct pstate *ps)
{
	const char *prog = ic_xt_prog();

	if (optarg[0] == '!' && optarg[1] == '\0') {
		if (ps->invert)
			xtables_error(PARAMETER_PROBLEM, "multiple consecutive ! not allowed");
		ps->invert = true;
		optarg[0] = '\0';
		return;
	}
	ic_xt_throw(IPTABLES_EINVAL,
		 "Bad argument `%s'\n%sTry `%s -h' or '%s --help' for more information.",
		 optarg, ic_xt_at_line(), prog, prog);
}

static void command_family(struct pstate *ps)
{
	const char *prog = ps->f->prog;

	if ((ps->c == '4') == (ps->f->nfproto == NFPROTO_IPV4))
		return;
	ic_xt_throw(IPTABLES_EINVAL, "Try `%s -h' or '%s --help' for more information.", prog,
		 prog);
}

static void command_table(struct pstate *ps)
{
	if (ps->invert)
		xtables_error(PARAMETER_PROBLEM, "unexpected ! flag before --table");
	if (strcmp(optarg, ps->req->table) != 0)
		xtables_error(PARAMETER_PROBLEM,
			      "table `%s' in the rulespec differs from table `%s'",
			      optarg, ps->req->table);
}

/* One getopt result. True: keep the pending `!` (rerun or `!` itself). */
static bool dispatch(struct pstate *ps)
{
	switch (ps->c) {
	case 'A': case 'C': case 'D': case 'E': case 'F': case 'I': case 'L':
	case 'N': case 'P': case 'R': case 'S': case 'X': case 'Z':
		command_other_cmd(ps);
		break;
	case 'h':
		xtables_error(PARAMETER_PROBLEM, "-h (help) cannot be used in a rulespec");
	case 'V':
		xtables_error(PARAMETER_PROBLEM, "-V (version) cannot be used in a rulespec");
	case 'p':
		command_protocol(ps);
		break;
	case 's':
		set_option(ps, OPT_SOURCE);
		ps->shost = ps->argv[optind - 1];
		break;
	case 'd':
		set_option(ps, OPT_DESTINATION);
		ps->dhost = ps->argv[optind - 1];
		break;
	case 'g':
		set_option(ps, OPT_JUMP);
		ps->rule.is_goto = true;
		ps->jumpto = parse_target_name(optarg);
		break;
	case 'j':
		set_option(ps, OPT_JUMP);
		command_jump(ps, ps->argv[optind - 1]);
		break;
	case 'i':
		command_iface(ps, OPT_VIANAMEIN, ps->rule.iniface, ps->rule.iniface_mask);
		break;
	case 'o':
		command_iface(ps, OPT_VIANAMEOUT, ps->rule.outiface, ps->rule.outiface_mask);
		break;
	case 'f':
		if (!ps->f->head.f_frag)
			xtables_error(PARAMETER_PROBLEM,
				      "`-f' is not supported in IPv6, use -m frag instead");
		set_option(ps, OPT_FRAGMENT);
		ps->rule.frag = true;
		break;
	case 'v':
		if (!ps->verbose)
			set_option(ps, OPT_VERBOSE);
		ps->verbose++;
		break;
	case 'm':
		command_match(ps);
		break;
	case 'n':
		set_option(ps, OPT_NUMERIC);
		break;
	case 't':
		command_table(ps);
		break;
	case 'x':
		set_option(ps, OPT_EXPANDED);
		break;
	case 'w':
		command_wait(ps);
		break;
	case 'W':
		command_wait_interval(ps);
		break;
	case '0':
		set_option(ps, OPT_LINENUMBERS);
		break;
	case 'M':
		break;	/* iptables would run it as modprobe: never from a rulespec */
	case 'c':
		command_counters(ps);
		break;
	case '4': case '6':
		command_family(ps);
		break;
	case 1:
		command_word(ps);
		return ps->invert;
	default:
		return command_default(ps);
	}
	return false;
}

/* ---- after the words ---- */

static void post_parse(struct pstate *ps)
{
	const struct ic_xt_family *f = ps->f;

	f->parse_addrs(ps->shost ? ps->shost : f->any, &ps->saddrs, &ps->smasks, &ps->nsaddrs);
	f->parse_addrs(ps->dhost ? ps->dhost : f->any, &ps->daddrs, &ps->dmasks, &ps->ndaddrs);
	if ((ps->nsaddrs > 1 || ps->ndaddrs > 1) &&
	    (ps->rule.invflags & (IC_INV_SRCIP | IC_INV_DSTIP)))
		xtables_error(PARAMETER_PROBLEM,
			      "! not allowed with multiple source or destination IP addresses");
}

/* generic_opt_check() for CMD_APPEND, and the chain checks of do_parse. */
static void check_options(struct pstate *ps)
{
	static const unsigned int illegal[] = { OPT_NUMERIC, OPT_EXPANDED, OPT_LINENUMBERS };
	const char *ch = ps->req->chain;
	size_t i;

	for (i = 0; i < sizeof(illegal) / sizeof(illegal[0]); i++)
		if (ps->options & illegal[i])
			xtables_error(PARAMETER_PROBLEM, "Illegal option `-%c' with this command",
				      opt2char(illegal[i]));
	if (!ch)
		return;
	if ((!strcmp(ch, "PREROUTING") || !strcmp(ch, "INPUT")) &&
	    (ps->options & OPT_VIANAMEOUT))
		xtables_error(PARAMETER_PROBLEM, "Can't use -%c with %s\n",
			      opt2char(OPT_VIANAMEOUT), ch);
	if ((!strcmp(ch, "POSTROUTING") || !strcmp(ch, "OUTPUT")) &&
	    (ps->options & OPT_VIANAMEIN))
		xtables_error(PARAMETER_PROBLEM, "Can't use -%c with %s\n",
			      opt2char(OPT_VIANAMEIN), ch);
}

static void finish_parse(struct pstate *ps)
{
	struct xtables_rule_match *mp;

	if (!strcmp(ps->req->table, "nat") && !strcmp(ps->jumpto, "DROP"))
		xtables_error(PARAMETER_PROBLEM,
			      "\nThe \"nat\" table is not intended for filtering, "
			      "the use of DROP is therefore inhibited.\n\n");
	if (!ps->wait && ps->wait_interval_set)
		xtables_error(PARAMETER_PROBLEM,
			      "--wait-interval only makes sense with --wait\n");
	for (mp = ps->matches; mp; mp = mp->next)
		xtables_option_mfcall(mp->match);
	if (ps->target)
		xtables_option_tfcall(ps->target);
	if (optind < ps->argc)
		xtables_error(PARAMETER_PROBLEM, "unknown arguments found on commandline");
	if (ps->invert)
		xtables_error(PARAMETER_PROBLEM, "nothing appropriate following !");
	post_parse(ps);
	check_options(ps);
}

static bool is_chain(struct pstate *ps, const char *name)
{
	return ps->req->chain_exists && ps->req->chain_exists(ps->req->arg, name);
}

/* do_command4/6's choice between an extension target, the standard target (verdicts and
 * chains: target NULL, the backend encodes it) and "Couldn't load target". */
static void resolve_target(struct pstate *ps)
{
	struct ic_rule *r = &ps->rule;
	bool chain;

	if (ps->target && is_chain(ps, ps->jumpto))
		release_target(ps);	/* "Warning: using chain %s, not extension" */
	if (ps->target && strcmp(ps->target->name, "standard") != 0) {
		r->target = ic_xt_alloc(ps->target->t->u.target_size);
		memcpy(r->target, ps->target->t, ps->target->t->u.target_size);
		r->target_userspacesize = ps->target->userspacesize;
		snprintf(r->jumpto, sizeof(r->jumpto), "%s", r->target->u.user.name);
		return;
	}
	chain = ps->target || !*ps->jumpto || !ps->req->chain_exists || is_chain(ps, ps->jumpto);
	if (!chain) {
		if (ps->rule.is_goto)
			xtables_error(PARAMETER_PROBLEM, "goto '%s' is not a chain", ps->jumpto);
		if (loadable_name(ps->jumpto))
			xtables_find_target(ps->jumpto, XTF_LOAD_MUST_SUCCEED);
		xtables_error(PARAMETER_PROBLEM, "Couldn't load target `%s':%s\n", ps->jumpto,
			      strerror(ENOENT));
	}
	snprintf(r->jumpto, sizeof(r->jumpto), "%s", ps->jumpto);
}

/* The matches' blobs, in command-line order. */
static void collect_matches(struct pstate *ps)
{
	const struct xtables_rule_match *mp;
	struct ic_rule *r = &ps->rule;
	size_t n = 0;

	for (mp = ps->matches; mp; mp = mp->next)
		n++;
	if (!n)
		return;
	r->matches = ic_xt_alloc(n * sizeof(*r->matches));
	for (mp = ps->matches; mp; mp = mp->next, r->nmatches++) {
		const struct xt_entry_match *m = mp->match->m;

		r->matches[r->nmatches].blob = ic_xt_alloc(m->u.match_size);
		memcpy(r->matches[r->nmatches].blob, m, m->u.match_size);
		r->matches[r->nmatches].userspacesize = mp->match->userspacesize;
	}
}

/* One rule per (source, destination) pair, in iptables' order (generate_entry's loop). */
static void expand_addresses(struct pstate *ps)
{
	size_t alen = ps->f->addr_len, n = (size_t)ps->nsaddrs * ps->ndaddrs, k;
	const unsigned char *sa = ps->saddrs, *sm = ps->smasks, *da = ps->daddrs,
			    *dm = ps->dmasks;
	struct ic_rules *out = ps->out;
	struct ic_rule *r;
	unsigned int i, j;

	out->v = ic_xt_alloc(n * sizeof(*out->v));
	for (k = 0, i = 0; i < ps->nsaddrs; i++) {
		for (j = 0; j < ps->ndaddrs; j++, k++) {
			r = &out->v[k];
			if (ic_rule_copy(r, &ps->rule))
				ic_xt_throw(IPTABLES_ENOMEM, "%s: out of memory", ps->f->prog);
			out->n = k + 1;
			memcpy(&r->src, sa + i * alen, alen);
			memcpy(&r->smsk, sm + i * alen, alen);
			memcpy(&r->dst, da + j * alen, alen);
			memcpy(&r->dmsk, dm + j * alen, alen);
		}
	}
}

static int parse_trapped(void *arg)
{
	struct pstate *ps = arg;

	while ((ps->c = getopt_long(ps->argc, ps->argv, IC_XT_OPTSTRING, xt_params->opts,
				    NULL)) != -1) {
		if (!dispatch(ps))
			ps->invert = false;
	}
	finish_parse(ps);
	resolve_target(ps);
	collect_matches(ps);
	expand_addresses(ps);
	return 0;
}

/* What iptables' do_parse resets, since libxtables keeps it between commands. */
static void reset_globals(void)
{
	struct xtables_match *m;
	struct xtables_target *t;

	optind = 0;
	opterr = 0;
	line = -1;
	xtables_free_opts(1);
	xt_params->opts = xt_params->orig_opts;
	xt_params->option_offset = 0;
	for (m = xtables_matches; m; m = m->next)
		m->mflags = 0;
	for (t = xtables_targets; t; t = t->next) {
		t->tflags = 0;
		t->used = 0;
	}
}

static void release_state(void *arg)
{
	struct pstate *ps = arg;
	struct xtables_rule_match *mp;

	for (mp = ps->matches; mp; mp = mp->next) {
		free(mp->match->udata);
		mp->match->udata = NULL;
	}
	xtables_rule_matches_free(&ps->matches);
	release_target(ps);
	free(ps->saddrs);
	free(ps->smasks);
	free(ps->daddrs);
	free(ps->dmasks);
	ps->saddrs = ps->smasks = ps->daddrs = ps->dmasks = NULL;
	ic_rule_free(&ps->rule);
	reset_globals();
}

/* argv for getopt: one block, the words copied after the pointers (the parser writes into
 * them, as iptables' own argv). free() releases it. */
static char **copy_words(const char *prog, const char *const *spec, int *argc)
{
	size_t n, i, bytes = 0;
	char **argv, *p;

	for (n = 0; spec[n]; n++)
		bytes += strlen(spec[n]) + 1;
	argv = malloc((n + 2) * sizeof(*argv) + bytes);
	if (!argv)
		return NULL;
	p = (char *)(argv + n + 2);
	argv[0] = (char *)prog;
	for (i = 0; i < n; i++) {
		size_t len = strlen(spec[i]) + 1;

		argv[i + 1] = memcpy(p, spec[i], len);
		p += len;
	}
	argv[n + 1] = NULL;
	*argc = (int)n + 1;
	return argv;
}

static int parse_run(void *arg)
{
	reset_globals();
	return parse_trapped(arg);
}

int ic_xt_parse(const struct ic_parse_req *req, struct ic_rules *out, struct ic_err *err)
{
	const struct ic_xt_family *f = ic_xt_family(req->nfproto);
	struct pstate ps;
	const struct ic_xt_call call = {
		.nfproto = req->nfproto, .mode = req->mode, .compat_rev = req->compat_rev,
		.prog = req->prog, .line = req->line,
		.fn = parse_run, .cleanup = release_state, .arg = &ps,
	};
	int rc;

	memset(out, 0, sizeof(*out));
	if (!f)
		return ic_err_set(err, IPTABLES_EUNSUPPORTED, "unsupported address family %d",
				  req->nfproto);
	memset(&ps, 0, sizeof(ps));
	ps.req = req;
	ps.f = f;
	ps.out = out;
	ps.jumpto = "";
	ps.rule.nfproto = f->nfproto;
	ps.argv = copy_words(f->prog, req->spec, &ps.argc);
	if (!ps.argv)
		return ic_err_nomem(err, f->prog);
	rc = ic_xt_run(&call, err);
	free(ps.argv);
	if (rc)
		ic_rules_free(out);
	return rc;
}
