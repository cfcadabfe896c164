/*
 * testutil.h — helpers shared by the cmocka unit tests.
 */
#ifndef DOPPEL_TESTUTIL_H
#define DOPPEL_TESTUTIL_H

#include <setjmp.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doppel.h"

/* Path of a fixture under tests/data (DOPPEL_TEST_DATA overrides it). */
static inline const char *test_data(const char *name)
{
	static char buf[4096];
	const char *dir = getenv("DOPPEL_TEST_DATA");
	snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : "tests/data", name);
	return buf;
}

/* A fresh temporary directory for one test; the caller removes it with
 * test_rmdir(). */
static inline char *test_tmpdir(void)
{
	char tmpl[] = "/tmp/doppel-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

static inline void test_rmdir(char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

/* Writes len bytes to path, failing the test on error. */
static inline void test_write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

#endif
