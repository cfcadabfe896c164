/*
 * doppel.c — the doppel command: options, help and dispatch.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: doppel [--version] [--help] COMMAND [OPTIONS] [PATH...]\n"
	"\n"
	"Find the copies, rewrites, independent reports and follow-ups of news\n"
	"articles.\n"
	"\n"
	"commands:\n"
	"  scan PATH...            groups of duplicates and copies, and every relation\n"
	"                          (excerpt, rewrite, same-event, same-story) of a corpus\n"
	"  stories PATH...         the stories of a corpus: events in time order, each\n"
	"                          with its origin, derived and independent reports\n"
	"  explain A B             why two articles are related: aligned sentences,\n"
	"                          shared facts, what each has that the other lacks\n"
	"  add --db FILE PATH...   add articles to an index and report what they copy\n"
	"  query --db FILE PATH... compare articles with an index without adding them\n"
	"  serve --db FILE         an HTTP/JSON service over an index (doc/API.md)\n"
	"  check --db FILE         is the index sound: SQLite's check, then every\n"
	"                          article related again and compared with what is stored\n"
	"\n"
	"PATH is a directory of .txt files, a .jsonl/.ndjson file, a .zst file of\n"
	"either, or - for JSON Lines on stdin. `doppel COMMAND --help` lists the\n"
	"options; `man doppel` explains everything.\n"
	"\n"
	"exit status: 0 ok, 1 fatal error, 2 usage error, 3 some records rejected\n";

static const char options_text[] =
	"output:\n"
	"  --json                 JSON Lines instead of a report\n"
	"  -v, --verbose          parameters, LSH layout and counters on stderr\n"
	"  -q, --quiet            no warnings (rejected records still set status 3)\n"
	"  --progress, --no-progress\n"
	"                         progress on stderr (default: when it is a terminal)\n"
	"detection:\n"
	"  --threshold J          Jaccard similarity LSH aims to catch (0.3)\n"
	"  --duplicate J          duplicate at Jaccard >= J (0.8)\n"
	"  --copy C               copy at containment >= C (0.5)\n"
	"  --shingle N            words per shingle (3)            [stored]\n"
	"  --k N                  signature slots (128)            [stored]\n"
	"  --seed N               hash seed (0)                    [stored]\n"
	"  --boilerplate-min N    a line in N articles of a source is boilerplate\n"
	"                         (8; 0 turns it off)\n"
	"  --max-bucket N         LSH bucket members compared (1000)\n"
	"  --threads N            worker threads (default 0: all cores)\n"
	"relations (scan, stories, explain):\n"
	"  --relations LIST       comma-separated: duplicate,copy,excerpt,rewrite,\n"
	"                         same-event,same-story (default: all)\n"
	"  --rewrite-aligned F    rewrite when this share of sentences align (0.7)\n"
	"  --sentence-min F       sentences align at this word cosine (0.35)\n"
	"  --event-anchors F      same event at this share of shared facts (0.3)\n"
	"  --event-days N         reports of one event are this close in time (3)\n"
	"  --story-names F        same story at this share of shared names (0.25)\n"
	"  --story-topic F        and this content-word cosine (0.25)\n"
	"  --window-days N        never relate articles further apart (400; 0: no limit)\n"
	"  --wordnet-dir DIR      WordNet data (/usr/share/wordnet)\n"
	"input:\n"
	"  --strict-utf8          reject a record that is not valid UTF-8 (by default\n"
	"                         it is read as Windows-1252, with a warning)\n"
	"  --repair-utf8          replace invalid UTF-8 with U+FFFD instead\n"
	"  --stdin-text           stdin is one article, not JSON Lines\n"
	"  --max-record-bytes N   reject bigger records (256 MiB)\n"
	"  --id-field NAME, --title-field NAME, --text-field NAME,\n"
	"  --date-field NAME, --source-field NAME, --url-field NAME\n"
	"                         JSON field names (id, title, text, date, source, url)\n";

static const char index_text[] =
	"index:\n"
	"  --db FILE              the index database (SQLite)\n"
	"  --skip-existing        an id already indexed is skipped (default; add)\n"
	"  --replace              an id already indexed is replaced (add)\n"
	"  --fail-existing        an id already indexed is a rejected record (add)\n"
	"  [stored] parameters are taken from an existing index unless given; given\n"
	"  ones must match it.\n";

static const char serve_text[] =
	"serve:\n"
	"  --listen HOST:PORT     address to listen on (127.0.0.1:8080; port 0: any\n"
	"                         free port, printed on stderr)\n"
	"  --threads N            request threads, and worker threads of the library\n"
	"                         (default 0: all cores, at least 2)\n"
	"  --token-file FILE      every request needs Authorization: Bearer <token>\n"
	"  --no-auth              no token although --listen is beyond loopback (on\n"
	"                         purpose: without a token or this, that is refused)\n"
	"  --read-only            answer GETs only, beside another process that writes\n"
	"  --max-body BYTES       larger request bodies are refused with 413 (32 MiB)\n"
	"  --timeout SECONDS      idle connections are closed after this (30)\n";

static void print_help(const char *cmd)
{
	if (!cmd) {
		fputs(usage_text, stdout);
		return;
	}
	if (strcmp(cmd, "scan") == 0)
		printf("usage: doppel scan [OPTIONS] PATH...\n\n"
		       "Groups the duplicates and copies of a corpus and lists its other\n"
		       "relations (excerpts, rewrites, same event, same story); nothing is\n"
		       "stored.\n\n");
	else if (strcmp(cmd, "stories") == 0)
		printf("usage: doppel stories [OPTIONS] PATH...\n\n"
		       "Prints each story of a corpus: its events in time order, each with its\n"
		       "origin, the articles derived from it and how, and the independent\n"
		       "reports.\n\n");
	else if (strcmp(cmd, "explain") == 0)
		printf("usage: doppel explain [OPTIONS] A B\n\n"
		       "Shows why two articles (files, or the first record of JSON Lines) are\n"
		       "related: aligned sentences side by side with their scores, shared names,\n"
		       "numbers, quotes and dates, and what each has that the other lacks.\n"
		       "With --db FILE, A and B are ids of stored articles, and a relation the\n"
		       "index stores for them is reported as stored.\n\n");
	else if (strcmp(cmd, "add") == 0)
		printf("usage: doppel add --db FILE [OPTIONS] PATH...\n\n"
		       "Adds articles to an index, creating it if needed, and reports for\n"
		       "each its duplicates and copies among the articles indexed before it.\n\n");
	else if (strcmp(cmd, "check") == 0)
		printf("usage: doppel check --db FILE [OPTIONS]\n\n"
		       "Checks an index without changing it (beside a writer, too): SQLite's\n"
		       "integrity check, then every stored article related again from its\n"
		       "stored text, in the order it was added, by the same engine: its\n"
		       "signature and its relations must be what is stored. Exits 0 when the\n"
		       "index is sound, 1 when a difference or damage is found.\n\n");
	else if (strcmp(cmd, "serve") == 0)
		printf("usage: doppel serve --db FILE [OPTIONS]\n\n"
		       "Serves an index over HTTP with JSON: add, query, get and delete\n"
		       "articles, their relations, stories and explanations (doc/API.md).\n"
		       "Stops cleanly on SIGTERM or SIGINT.\n\n");
	else
		printf("usage: doppel query --db FILE [OPTIONS] PATH...\n\n"
		       "Reports, for each article, its duplicates and copies in the index,\n"
		       "without adding it.\n\n");
	fputs(options_text, stdout);
	if (strcmp(cmd, "add") == 0 || strcmp(cmd, "query") == 0 || strcmp(cmd, "serve") == 0)
		fputs(index_text, stdout);
	if (strcmp(cmd, "serve") == 0)
		fputs(serve_text, stdout);
}

static void print_version(void)
{
	char deps[256];
	printf("doppel %s (stored format %d)\n", doppel_version(), DOPPEL_FORMAT_VERSION);
	printf("linked with %s\n", doppel_dependency_versions(deps, sizeof(deps)));
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = (unsigned long)v;
	return true;
}

static bool parse_fraction(const char *s, double *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !(v > 0.0 && v <= 1.0))
		return false;
	*out = v;
	return true;
}

/* "rewrite,same-event" to DOPPEL_FIND_* bits. */
static bool parse_relations(const char *s, unsigned *out)
{
	unsigned bits = 0;
	while (s && *s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		char name[32];
		if (n == 0 || n >= sizeof(name))
			return false;
		memcpy(name, s, n);
		name[n] = '\0';
		doppel_relation r = doppel_relation_parse(name);
		if (r == DOPPEL_REL_NONE)
			return false;
		bits |= 1u << r;
		s = comma ? comma + 1 : NULL;
	}
	if (!bits)
		return false;
	*out = bits;
	return true;
}

enum {
	OPT_JSON = 256,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_THRESHOLD,
	OPT_DUPLICATE,
	OPT_COPY,
	OPT_SHINGLE,
	OPT_K,
	OPT_SEED,
	OPT_BOILER,
	OPT_MAXBUCKET,
	OPT_THREADS,
	OPT_REPAIR,
	OPT_STRICT_UTF8,
	OPT_STDIN_TEXT,
	OPT_MAXREC,
	OPT_ID_FIELD,
	OPT_TITLE_FIELD,
	OPT_TEXT_FIELD,
	OPT_DATE_FIELD,
	OPT_SOURCE_FIELD,
	OPT_URL_FIELD,
	OPT_DB,
	OPT_SKIP,
	OPT_REPLACE,
	OPT_FAIL,
	OPT_HELP,
	OPT_RELATIONS,
	OPT_REWRITE_ALIGNED,
	OPT_SENTENCE_MIN,
	OPT_EVENT_ANCHORS,
	OPT_EVENT_DAYS,
	OPT_STORY_NAMES,
	OPT_STORY_TOPIC,
	OPT_WINDOW_DAYS,
	OPT_WORDNET,
	OPT_LISTEN,
	OPT_TOKEN_FILE,
	OPT_MAX_BODY,
	OPT_TIMEOUT,
	OPT_NO_AUTH,
	OPT_READ_ONLY
};

static const struct option long_options[] = {
	{"json", no_argument, NULL, OPT_JSON},
	{"verbose", no_argument, NULL, 'v'},
	{"quiet", no_argument, NULL, 'q'},
	{"progress", no_argument, NULL, OPT_PROGRESS},
	{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	{"threshold", required_argument, NULL, OPT_THRESHOLD},
	{"duplicate", required_argument, NULL, OPT_DUPLICATE},
	{"copy", required_argument, NULL, OPT_COPY},
	{"shingle", required_argument, NULL, OPT_SHINGLE},
	{"k", required_argument, NULL, OPT_K},
	{"seed", required_argument, NULL, OPT_SEED},
	{"boilerplate-min", required_argument, NULL, OPT_BOILER},
	{"max-bucket", required_argument, NULL, OPT_MAXBUCKET},
	{"threads", required_argument, NULL, OPT_THREADS},
	{"repair-utf8", no_argument, NULL, OPT_REPAIR},
	{"strict-utf8", no_argument, NULL, OPT_STRICT_UTF8},
	{"stdin-text", no_argument, NULL, OPT_STDIN_TEXT},
	{"max-record-bytes", required_argument, NULL, OPT_MAXREC},
	{"id-field", required_argument, NULL, OPT_ID_FIELD},
	{"title-field", required_argument, NULL, OPT_TITLE_FIELD},
	{"text-field", required_argument, NULL, OPT_TEXT_FIELD},
	{"date-field", required_argument, NULL, OPT_DATE_FIELD},
	{"source-field", required_argument, NULL, OPT_SOURCE_FIELD},
	{"url-field", required_argument, NULL, OPT_URL_FIELD},
	{"db", required_argument, NULL, OPT_DB},
	{"skip-existing", no_argument, NULL, OPT_SKIP},
	{"replace", no_argument, NULL, OPT_REPLACE},
	{"fail-existing", no_argument, NULL, OPT_FAIL},
	{"help", no_argument, NULL, OPT_HELP},
	{"relations", required_argument, NULL, OPT_RELATIONS},
	{"rewrite-aligned", required_argument, NULL, OPT_REWRITE_ALIGNED},
	{"sentence-min", required_argument, NULL, OPT_SENTENCE_MIN},
	{"event-anchors", required_argument, NULL, OPT_EVENT_ANCHORS},
	{"event-days", required_argument, NULL, OPT_EVENT_DAYS},
	{"story-names", required_argument, NULL, OPT_STORY_NAMES},
	{"story-topic", required_argument, NULL, OPT_STORY_TOPIC},
	{"window-days", required_argument, NULL, OPT_WINDOW_DAYS},
	{"wordnet-dir", required_argument, NULL, OPT_WORDNET},
	{"listen", required_argument, NULL, OPT_LISTEN},
	{"token-file", required_argument, NULL, OPT_TOKEN_FILE},
	{"no-auth", no_argument, NULL, OPT_NO_AUTH},
	{"read-only", no_argument, NULL, OPT_READ_ONLY},
	{"max-body", required_argument, NULL, OPT_MAX_BODY},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{NULL, 0, NULL, 0},
};

static int bad_value(const char *cmd, const char *opt, const char *val, const char *want)
{
	cli_error("%s: invalid value '%s' for --%s: %s", cmd, val, opt, want);
	return EXIT_USAGE;
}

/* Parses the options of a command; EXIT_OK, EXIT_USAGE, or -1 after --help.
 * One case an option, each a few lines: the switch is long because it is
 * the table of options (the man page's order), kept whole to read as one. */
static int parse_options(struct cli *c, int argc, char **argv)
{
	unsigned long u;
	int opt;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":vq", long_options, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON:
			c->json = true;
			break;
		case 'v':
			c->verbose = true;
			break;
		case 'q':
			c->quiet = true;
			break;
		case OPT_PROGRESS:
			c->progress = 1;
			break;
		case OPT_NO_PROGRESS:
			c->progress = 0;
			break;
		case OPT_THRESHOLD:
			if (!parse_fraction(optarg, &c->params.threshold) ||
			    c->params.threshold >= 1.0)
				return bad_value(c->cmd, "threshold", optarg,
				                 "a number in (0, 1)");
			break;
		case OPT_DUPLICATE:
			if (!parse_fraction(optarg, &c->params.duplicate_jaccard))
				return bad_value(c->cmd, "duplicate", optarg,
				                 "a number in (0, 1]");
			break;
		case OPT_COPY:
			if (!parse_fraction(optarg, &c->params.copy_containment))
				return bad_value(c->cmd, "copy", optarg, "a number in (0, 1]");
			break;
		case OPT_SHINGLE:
			if (!parse_uint(optarg, 16, &u) || u < 1)
				return bad_value(c->cmd, "shingle", optarg, "1 to 16");
			c->params.shingle = (unsigned)u;
			c->stored_set = true;
			break;
		case OPT_K:
			if (!parse_uint(optarg, 1024, &u) || u < 16 || u % 8)
				return bad_value(c->cmd, "k", optarg,
				                 "a multiple of 8, 16 to 1024");
			c->params.k = (unsigned)u;
			c->stored_set = true;
			break;
		case OPT_SEED: {
			if (!optarg || !*optarg || *optarg == '-')
				return bad_value(c->cmd, "seed", optarg, "an unsigned integer");
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (errno || *end)
				return bad_value(c->cmd, "seed", optarg, "an unsigned integer");
			c->params.seed = v;
			c->stored_set = true;
			break;
		}
		case OPT_BOILER:
			if (!parse_uint(optarg, 65535, &u))
				return bad_value(c->cmd, "boilerplate-min", optarg,
				                 "0 to 65535");
			c->params.boilerplate_min = (unsigned)u;
			break;
		case OPT_MAXBUCKET:
			if (!parse_uint(optarg, 1000000, &u) || u < 1)
				return bad_value(c->cmd, "max-bucket", optarg, "1 to 1000000");
			c->params.max_bucket = (unsigned)u;
			break;
		case OPT_THREADS:
			if (!parse_uint(optarg, 256, &u))
				return bad_value(c->cmd, "threads", optarg,
				                 "0 (all cores) to 256");
			c->params.threads = (unsigned)u;
			break;
		case OPT_REPAIR:
			c->read.repair_utf8 = 1;
			break;
		case OPT_STRICT_UTF8:
			c->read.strict_utf8 = 1;
			break;
		case OPT_STDIN_TEXT:
			c->read.stdin_format = 1;
			break;
		case OPT_MAXREC:
			if (!parse_uint(optarg, 1UL << 40, &u) || u < 1)
				return bad_value(c->cmd, "max-record-bytes", optarg,
				                 "a positive size");
			c->read.max_record_bytes = u;
			break;
		case OPT_ID_FIELD:
			c->read.id_field = optarg;
			break;
		case OPT_TITLE_FIELD:
			c->read.title_field = optarg;
			break;
		case OPT_TEXT_FIELD:
			c->read.text_field = optarg;
			break;
		case OPT_DATE_FIELD:
			c->read.date_field = optarg;
			break;
		case OPT_SOURCE_FIELD:
			c->read.source_field = optarg;
			break;
		case OPT_URL_FIELD:
			c->read.url_field = optarg;
			break;
		case OPT_DB:
			c->db = optarg;
			break;
		case OPT_SKIP:
			c->on_dup = DOPPEL_DUP_SKIP;
			break;
		case OPT_REPLACE:
			c->on_dup = DOPPEL_DUP_REPLACE;
			break;
		case OPT_FAIL:
			c->on_dup = DOPPEL_DUP_ERROR;
			break;
		case OPT_HELP:
			print_help(c->cmd);
			return -1;
		case OPT_RELATIONS:
			if (!parse_relations(optarg, &c->params.relations))
				return bad_value(
					c->cmd, "relations", optarg,
					"a comma-separated list of duplicate, copy, excerpt, "
					"rewrite, same-event, same-story");
			break;
		case OPT_REWRITE_ALIGNED:
			if (!parse_fraction(optarg, &c->params.rewrite_aligned))
				return bad_value(c->cmd, "rewrite-aligned", optarg,
				                 "a number in (0, 1]");
			break;
		case OPT_SENTENCE_MIN:
			if (!parse_fraction(optarg, &c->params.sentence_min))
				return bad_value(c->cmd, "sentence-min", optarg,
				                 "a number in (0, 1]");
			break;
		case OPT_EVENT_ANCHORS:
			if (!parse_fraction(optarg, &c->params.event_anchors))
				return bad_value(c->cmd, "event-anchors", optarg,
				                 "a number in (0, 1]");
			break;
		case OPT_STORY_NAMES:
			if (!parse_fraction(optarg, &c->params.story_names))
				return bad_value(c->cmd, "story-names", optarg,
				                 "a number in (0, 1]");
			break;
		case OPT_STORY_TOPIC:
			if (!parse_fraction(optarg, &c->params.story_topic))
				return bad_value(c->cmd, "story-topic", optarg,
				                 "a number in (0, 1]");
			break;
		case OPT_EVENT_DAYS:
			if (!parse_uint(optarg, 36500, &u))
				return bad_value(c->cmd, "event-days", optarg, "0 to 36500");
			c->params.event_days = (unsigned)u;
			break;
		case OPT_WINDOW_DAYS:
			if (!parse_uint(optarg, 36500, &u))
				return bad_value(c->cmd, "window-days", optarg, "0 to 36500");
			c->params.window_days = (unsigned)u;
			break;
		case OPT_WORDNET:
			c->params.wordnet_dir = optarg;
			break;
		case OPT_LISTEN:
			c->listen = optarg;
			break;
		case OPT_TOKEN_FILE:
			c->token_file = optarg;
			break;
		case OPT_NO_AUTH:
			c->no_auth = true;
			break;
		case OPT_READ_ONLY:
			c->read_only = true;
			break;
		case OPT_MAX_BODY:
			if (!parse_uint(optarg, 1UL << 40, &u) || u < 1)
				return bad_value(c->cmd, "max-body", optarg,
				                 "a positive size in bytes");
			c->max_body = u;
			break;
		case OPT_TIMEOUT:
			if (!parse_uint(optarg, 86400, &u) || u < 1)
				return bad_value(c->cmd, "timeout", optarg,
				                 "1 to 86400 seconds");
			c->timeout = (unsigned)u;
			break;
		case ':':
			cli_error("%s: option %s needs a value", c->cmd, argv[optind - 1]);
			return EXIT_USAGE;
		default:
			cli_error("%s: unknown option %s (see doppel %s --help)", c->cmd,
			          argv[optind - 1], c->cmd);
			return EXIT_USAGE;
		}
	}
	c->paths = argv + optind;
	c->npaths = argc - optind;
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		print_help(NULL);
		return EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		print_version();
		return EXIT_OK;
	}
	int (*run)(struct cli *) = NULL;
	if (strcmp(cmd, "scan") == 0)
		run = cli_scan;
	else if (strcmp(cmd, "stories") == 0)
		run = cli_stories;
	else if (strcmp(cmd, "explain") == 0)
		run = cli_explain;
	else if (strcmp(cmd, "add") == 0)
		run = cli_add;
	else if (strcmp(cmd, "query") == 0)
		run = cli_query;
	else if (strcmp(cmd, "serve") == 0)
		run = cli_serve;
	else if (strcmp(cmd, "check") == 0)
		run = cli_check;
	if (!run) {
		cli_error(
			"unknown command '%s' (commands: scan, stories, explain, add, query, serve, "
			"check; see doppel --help)",
			cmd);
		return EXIT_USAGE;
	}

	struct cli c = {.cmd = cmd,
	                .progress = -1,
	                .on_dup = DOPPEL_DUP_SKIP,
	                .listen = "127.0.0.1:8080",
	                .max_body = 32u << 20,
	                .timeout = 30};
	doppel_params_init(&c.params);
	/* Named in the refusal another writer of the same index gets. */
	char program[32];
	snprintf(program, sizeof(program), "doppel %s", cmd);
	c.params.program = program;
	doppel_read_options_init(&c.read);
	int rc = parse_options(&c, argc - 1, argv + 1);
	if (rc < 0)
		return EXIT_OK;
	if (rc)
		return rc;
	if ((run == cli_add || run == cli_query || run == cli_serve || run == cli_check) &&
	    !c.db) {
		cli_error("%s: --db FILE is required", cmd);
		return EXIT_USAGE;
	}
	return run(&c);
}
