/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>
#include <stdlib.h>

#include "vec.h"

#define VEC_MIN 8

int ic_vec_reserve(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : VEC_MIN;
	void *nv;

	if (need <= *cap)
		return 0;
	if (size == 0)
		return -1;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return -1;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}
