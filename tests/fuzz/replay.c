/*
 * replay.c — runs a libFuzzer target over the files of its corpus
 * directories (or over files named directly), in name order, so that the
 * corpora replay as plain tests (gcc + ASan). A finding aborts, as it
 * would under libFuzzer; the input's name is on stderr just before.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return 1;
	}
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				fclose(f);
				fprintf(stderr, "replay: out of memory for %s\n", path);
				return 1;
			}
			buf = b;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		fprintf(stderr, "replay: cannot read %s\n", path);
		return 1;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
	/* a copy of exactly n bytes, so ASan sees reads past the end */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact) {
		free(buf);
		return 1;
	}
	if (n)
		memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every file of dir in name order; returns the failures. */
static int run_dir(const char *dir, DIR *d, int *files)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	int failed = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **p = realloc(names, cap * sizeof(*names));
			if (!p)
				break;
			names = p;
		}
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		failed += run_file(path);
		(*files)++;
		free(names[i]);
	}
	free(names);
	return failed;
}

int main(int argc, char **argv)
{
	int files = 0, failed = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (!d) {
			failed += run_file(argv[i]);
			files++;
			continue;
		}
		failed += run_dir(argv[i], d, &files);
		closedir(d);
	}
	printf("replayed %d inputs, %d could not be read\n", files, failed);
	return failed ? 1 : 0;
}
