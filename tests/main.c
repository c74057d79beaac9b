/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The main of every test program: run the suite its check_*.c defines (harness.h). */
#include <stdlib.h>

#include "harness.h"

#define EXIT_SKIPPED 77		/* ctest's SKIP_RETURN_CODE */

int main(void)
{
	Suite *s = tsuite();
	SRunner *sr;
	int failed;

	if (!s)
		return EXIT_SKIPPED;
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
