/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fuzz targets are built with clang, which refuses lib/nft/nft_compat.c's variable-size
 * struct member (a GCC extension). They exercise no nf_tables code, so they link this stand-in
 * for the native nf_tables backend: it never runs here (AUTO skips it, forcing it fails).
 */
#include "backend.h"

static enum ic_rank nft_stub_probe(const struct ic_ctx *cx)
{
	(void)cx;
	return IC_RANK_NO;
}

static int nft_stub_open(struct ic_ctx *cx)
{
	return ic_error(cx, IPTABLES_EUNSUPPORTED, "nf_tables backend not built in (fuzz build)");
}

const struct ic_backend ic_backend_nft IC_HIDDEN = {
	.name = "nft",
	.id = IPTABLES_BACKEND_NFT,
	.probe = nft_stub_probe,
	.open = nft_stub_open,
};
