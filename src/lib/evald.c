/* evald.c - library-wide settings. */
#include <config.h>

#include <cblas.h>

#include <evald/evald.h>

void evald_set_threads(int n)
{
	openblas_set_num_threads(n > 0 ? n : 1);
}

const char *evald_version(void)
{
	return PACKAGE_VERSION; /* AC_INIT is the one place it is set */
}
