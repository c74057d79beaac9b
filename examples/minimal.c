/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The README's example: allow SSH, show the chain. Run as root in a throwaway namespace:
 *   unshare -n ./minimal */
#include <iptables-c.h>
#include <stdio.h>

int main(void)
{
	iptables *h;
	char **lines;
	size_t n;

	if (iptables_new(&h, NULL) != IPTABLES_OK)
		return 1;
	if (iptables_append_unique(h, "filter", "INPUT",
				   IPTABLES_SPEC("-p", "tcp", "--dport", "22", "-j", "ACCEPT")) < 0 ||
	    iptables_list(h, "filter", "INPUT", &lines, &n) < 0) {
		fprintf(stderr, "%s\n", iptables_errmsg(h));
		iptables_free(h);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		puts(lines[i]);
	iptables_strv_free(lines, n);
	iptables_free(h);
	return 0;
}
