/*
 * jsonpick — the little of jq that tests/serve/run.sh needs, on jansson.
 *
 *   jsonpick PATH       prints the value at PATH of the JSON on stdin: a
 *                       string as it is, anything else as compact JSON
 *                       with sorted keys; status 1 when PATH is not there
 *   jsonpick -n PATH    prints the size of the array or object at PATH
 *   jsonpick -l PATH    prints each element of the array at PATH on a line
 *                       of its own, compact with sorted keys
 *   jsonpick -c         reads JSON Lines, writes each line compact with
 *                       sorted keys (to compare outputs canonically)
 *
 * PATH is "." or a chain of .key and [index], as ".results[0].outcome".
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6))

static json_t *walk(json_t *v, const char *p)
{
	while (v && *p) {
		if (*p == '.') {
			p++;
			if (!*p)
				break;
			if (*p == '[')
				continue;
			size_t n = strcspn(p, ".[");
			char key[256];
			if (n >= sizeof(key))
				return NULL;
			memcpy(key, p, n);
			key[n] = '\0';
			v = json_object_get(v, key);
			p += n;
		} else if (*p == '[') {
			char *end;
			unsigned long i = strtoul(p + 1, &end, 10);
			if (*end != ']')
				return NULL;
			v = json_array_get(v, i);
			p = end + 1;
		} else {
			return NULL;
		}
	}
	return v;
}

static void print(json_t *v)
{
	if (json_is_string(v)) {
		fwrite(json_string_value(v), 1, json_string_length(v), stdout);
	} else {
		char *s = json_dumps(v, FLAGS | JSON_ENCODE_ANY);
		if (s)
			fputs(s, stdout);
		free(s);
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "-c") == 0) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		int rc = 0;
		while ((n = getline(&line, &cap, stdin)) > 0) {
			json_error_t e;
			json_t *v = json_loadb(line, (size_t)n, 0, &e);
			if (!v) {
				fprintf(stderr, "jsonpick: %s\n", e.text);
				rc = 1;
				continue;
			}
			print(v);
			json_decref(v);
		}
		free(line);
		return rc;
	}
	const char *mode = argc == 3 ? argv[1] : "";
	const char *path = argc == 3 ? argv[2] : argc == 2 ? argv[1] : NULL;
	if (!path) {
		fputs("usage: jsonpick [-n|-l] PATH < JSON | jsonpick -c < JSONL\n", stderr);
		return 2;
	}
	json_error_t e;
	json_t *root = json_loadf(stdin, JSON_DECODE_ANY, &e);
	if (!root) {
		fprintf(stderr, "jsonpick: invalid JSON: %s\n", e.text);
		return 1;
	}
	json_t *v = walk(root, path);
	int rc = 0;
	if (!v) {
		rc = 1;
	} else if (strcmp(mode, "-n") == 0) {
		printf("%zu\n", json_is_array(v) ? json_array_size(v) : json_object_size(v));
	} else if (strcmp(mode, "-l") == 0) {
		for (size_t i = 0; i < json_array_size(v); i++)
			print(json_array_get(v, i));
	} else {
		print(v);
	}
	json_decref(root);
	return rc;
}
