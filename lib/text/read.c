/*
 * read.c — articles from directories of .txt files, JSON Lines files,
 * zstd-compressed files of either, and standard input.
 *
 * Reading streams: input is read in large blocks into one buffer, and a JSON
 * line is parsed where it lies in that buffer (jsonl.cpp); only the strings
 * of a record are written out, by the parser. A .txt file is read whole.
 * A bad record gives an error that names where it is; the next call goes on
 * with the next record.
 *
 * Encodings: text is UTF-8; a record that is not valid UTF-8 is read as
 * Windows-1252 with a warning (or rejected, or repaired, by option). A
 * byte order mark at the start of a file or line is dropped and a NUL byte
 * reads as a space; nothing else of a valid record is changed, so offsets
 * into its text are offsets into the file.
 *
 * Reading again: every regular, uncompressed file opened is listed, with
 * the records it handed out, each by the byte its line starts at and a
 * hash of its bytes as read; a record carries its place (where: the
 * file's number and that byte). doppel_reader_reread() reads the line or
 * file again, checks its hash, and decodes it with the functions that
 * decoded it the first time, in buffers of its own, so the text is the
 * same byte for byte and the reading in progress is left alone.
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#define DEFAULT_MAX_RECORD (256u << 20)
/* Bytes asked of the input at a time: large, so that a line is rarely
 * split between two reads and the partial line moved is small beside it. */
#define CHUNK (1u << 20)
/* Bytes allocated after the data of every buffer a line is parsed in. */
#define PAD DOPPEL__JSON_PADDING
/* A record's where: (its file's number + 1) << WHERE_SHIFT | the byte
 * offset of its line (0 for a .txt file). A file numbered past WHERE_FILES
 * or an offset past WHERE_OFFSETS gives 0: no place to read it again. */
#define WHERE_SHIFT 40
#define WHERE_OFFSETS ((UINT64_C(1) << WHERE_SHIFT) - 1)
#define WHERE_FILES ((UINT64_C(1) << (64 - WHERE_SHIFT)) - 2)
/* The number of no file (standard input, a pipe, a compressed file, or
 * any when the options ask for no places). */
#define NO_FILE SIZE_MAX
/* Bytes asked of a file at first when a line is read again: a whole record
 * most of the time, and little read past it. */
#define AGAIN_CHUNK (16u << 10)

void doppel_read_options_init(doppel_read_options *o)
{
	memset(o, 0, sizeof(*o));
}

/* A queued input: a path given, or a file found in a directory walk. */
struct input {
	char *path;
	char *root;  /* the directory argument it was found under, or NULL */
	bool ranged; /* only the lines starting in [start, end) */
	uint64_t start, end;
};

/* A byte source: a FILE, possibly through a zstd stream. */
struct source {
	FILE *f;
	bool owned; /* close f at the end (not stdin) */
	ZSTD_DStream *z;
	unsigned char *in;
	ZSTD_inBuffer zin;
	bool eof;
	bool midframe; /* the decoder is inside a frame: more input is due */
};

/* A record handed out: where its line starts (0 for a .txt file) and the
 * hash of its bytes as read, before any was decoded. */
struct mark {
	uint64_t at;
	uint64_t hash;
};

/* A regular, uncompressed file opened: its records handed out, in the
 * order read (so by offset), each read again only while its bytes are
 * what they were; lines added to the file since change nothing. */
struct known_file {
	char *path;
	bool jsonl; /* else one text */
	struct mark *marks;
	size_t nmarks, markcap;
};

struct doppel_reader {
	doppel_read_options opt;
	size_t max_record;
	struct input *queue;
	size_t nqueue, queuecap, next;
	/* directories entered in the walk of the current argument, so that a
	 * symbolic link back up the tree does not loop */
	struct dirid {
		dev_t dev;
		ino_t ino;
	} * seen;
	size_t nseen, seencap;

	/* the input being read */
	struct input cur;
	struct source src;
	bool open;
	bool jsonl; /* else one text */
	uint64_t line;
	uint64_t offset; /* in the file, of the next byte next_line takes */
	char *buf;       /* decoded bytes; [bufpos, buflen) not yet consumed;
	                    bufcap >= buflen + PAD */
	size_t buflen, bufpos, bufcap;

	/* the record handed out */
	char *rec; /* a .txt file */
	size_t reccap;
	char *fixed; /* a record decoded from Windows-1252, or repaired */
	size_t fixedcap;
	doppel__json *json;
	char origin[1024];
	char idbuf[32]; /* an integer id, in decimal */
	char *pathid;   /* the id of a .txt file */
	size_t pathidcap;
	char *title, *source_name;

	const char *names[6]; /* JSON field names, id title text date source url */
	enum {
		RECODED_NONE,
		RECODED_CP1252,
		RECODED_REPAIRED
	} recoded; /* this record */
	doppel_read_stats stats;
	char err[DOPPEL__ERRLEN];
	char warn[DOPPEL__ERRLEN]; /* about the record handed out, or "" */

	/* Files whose records can be read again, numbered in the order opened.
	 * doppel_reader_next() adds to the list while other threads may read
	 * it: files_mu guards it. The entries' paths never move. */
	struct known_file *files;
	size_t nfiles, filescap;
	size_t cur_file; /* the number of the input being read, or NO_FILE */
	pthread_mutex_t files_mu;

	/* doppel_reader_reread()'s own state, under again_mu for a whole
	 * reread: a reader whose buffers it decodes in (made at the first
	 * reread) and the file it read last, left open for the next. */
	pthread_mutex_t again_mu;
	doppel_reader *again;
	int again_fd; /* or -1 */
	size_t again_file;
};

static void field_names(const doppel_read_options *o, const char *names[6]);

doppel_reader *doppel_reader_new(const doppel_read_options *opt)
{
	doppel_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	if (pthread_mutex_init(&r->files_mu, NULL)) {
		free(r);
		return NULL;
	}
	if (pthread_mutex_init(&r->again_mu, NULL)) {
		pthread_mutex_destroy(&r->files_mu);
		free(r);
		return NULL;
	}
	if (opt)
		r->opt = *opt;
	r->max_record = r->opt.max_record_bytes ? r->opt.max_record_bytes : DEFAULT_MAX_RECORD;
	field_names(&r->opt, r->names);
	r->cur_file = NO_FILE;
	r->again_fd = -1;
	r->again_file = NO_FILE;
	return r;
}

static void source_close(struct source *s)
{
	if (s->f && s->owned)
		fclose(s->f);
	ZSTD_freeDStream(s->z);
	free(s->in);
	memset(s, 0, sizeof(*s));
}

static void close_current(doppel_reader *r)
{
	source_close(&r->src);
	free(r->cur.path);
	free(r->cur.root);
	memset(&r->cur, 0, sizeof(r->cur));
	r->open = false;
	r->cur_file = NO_FILE;
	r->buflen = r->bufpos = 0;
}

void doppel_reader_free(doppel_reader *r)
{
	if (!r)
		return;
	close_current(r);
	for (size_t i = r->next; i < r->nqueue; i++) {
		free(r->queue[i].path);
		free(r->queue[i].root);
	}
	free(r->queue);
	free(r->seen);
	free(r->buf);
	free(r->rec);
	free(r->fixed);
	free(r->title);
	free(r->pathid);
	free(r->source_name);
	doppel__json_free(r->json);
	for (size_t i = 0; i < r->nfiles; i++) {
		free(r->files[i].path);
		free(r->files[i].marks);
	}
	free(r->files);
	pthread_mutex_destroy(&r->files_mu);
	if (r->again_fd >= 0)
		close(r->again_fd);
	doppel_reader_free(r->again);
	pthread_mutex_destroy(&r->again_mu);
	free(r);
}

const char *doppel_reader_errmsg(const doppel_reader *r)
{
	return r ? r->err : "no reader";
}

uint64_t doppel_reader_bytes(const doppel_reader *r)
{
	return r ? r->stats.bytes : 0;
}

const char *doppel_reader_warning(const doppel_reader *r)
{
	return r && r->warn[0] ? r->warn : NULL;
}

void doppel_reader_stats(const doppel_reader *r, doppel_read_stats *out)
{
	if (r)
		*out = r->stats;
	else
		memset(out, 0, sizeof(*out));
}

static int enqueue(doppel_reader *r, const char *path, const char *root, size_t at)
{
	if (doppel__grow((void **)&r->queue, &r->queuecap, r->nqueue + 1, sizeof(*r->queue)))
		return DOPPEL_E_NOMEM;
	struct input in = {doppel__strdup(path), root ? doppel__strdup(root) : NULL, false, 0,
	                   0};
	if (!in.path || (root && !in.root)) {
		free(in.path);
		free(in.root);
		return DOPPEL_E_NOMEM;
	}
	memmove(&r->queue[at + 1], &r->queue[at], (r->nqueue - at) * sizeof(*r->queue));
	r->queue[at] = in;
	r->nqueue++;
	return DOPPEL_OK;
}

int doppel_reader_add_path(doppel_reader *r, const char *path)
{
	if (!r || !path || !*path)
		return DOPPEL_E_ARG;
	if (enqueue(r, path, NULL, r->nqueue)) {
		doppel__errf(r->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	return DOPPEL_OK;
}

static bool ends_with(const char *s, const char *suffix);

int doppel_reader_add_range(doppel_reader *r, const char *path, uint64_t start, uint64_t end)
{
	if (!r || !path || start > end || ends_with(path, ".zst") || ends_with(path, ".txt") ||
	    strcmp(path, "-") == 0)
		return DOPPEL_E_ARG;
	if (enqueue(r, path, NULL, r->nqueue)) {
		doppel__errf(r->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	struct input *in = &r->queue[r->nqueue - 1];
	in->ranged = true;
	in->start = start;
	in->end = end;
	return DOPPEL_OK;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Files a directory walk yields. */
static bool wanted(const char *name)
{
	return ends_with(name, ".txt") || ends_with(name, ".txt.zst") ||
	       ends_with(name, ".jsonl") || ends_with(name, ".ndjson") ||
	       ends_with(name, ".json") || ends_with(name, ".jsonl.zst") ||
	       ends_with(name, ".ndjson.zst");
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir/name, with one slash between them whatever dir ends with. */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir), m = strlen(name);
	bool slash = n > 0 && dir[n - 1] == '/';
	char *full = malloc(n + m + 2);
	if (!full)
		return NULL;
	memcpy(full, dir, n);
	if (!slash)
		full[n++] = '/';
	memcpy(full + n, name, m + 1);
	return full;
}

/* Puts the wanted files and subdirectories of dir, sorted, at the front of
 * the queue. */
static int expand_dir(doppel_reader *r, const char *dir, const char *root)
{
	DIR *d = opendir(dir);
	if (!d) {
		doppel__errf(r->err, "%s: %s", dir, strerror(errno));
		return DOPPEL_E_IO;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = DOPPEL_OK;
	struct dirent *e;
	while ((e = readdir(d))) {
		/* hidden files and directories, and "." and ".." */
		if (e->d_name[0] == '.')
			continue;
		if (doppel__grow((void **)&names, &cap, n + 1, sizeof(*names)) ||
		    !(names[n] = doppel__strdup(e->d_name))) {
			rc = DOPPEL_E_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	/* strcmp compares as unsigned char: byte order, whatever the locale */
	if (rc == DOPPEL_OK && n > 1) /* an empty directory has no array */
		qsort(names, n, sizeof(*names), cmp_names);
	size_t at = r->next;
	for (size_t i = 0; i < n; i++) {
		if (rc == DOPPEL_OK) {
			char *full = join(dir, names[i]);
			struct stat st;
			if (!full)
				rc = DOPPEL_E_NOMEM;
			else if (stat(full, &st) == 0 &&
			         (S_ISDIR(st.st_mode) ||
			          (S_ISREG(st.st_mode) && wanted(names[i]))))
				rc = enqueue(r, full, root, at++);
			free(full);
		}
		free(names[i]);
	}
	free(names);
	if (rc)
		doppel__errf(r->err, "out of memory");
	return rc;
}

/* Records a directory as entered; false when it was entered before in
 * this walk. */
static bool first_visit(doppel_reader *r, const struct stat *st, bool top, int *rc)
{
	if (top)
		r->nseen = 0;
	for (size_t i = 0; i < r->nseen; i++)
		if (r->seen[i].dev == st->st_dev && r->seen[i].ino == st->st_ino)
			return false;
	if (doppel__grow((void **)&r->seen, &r->seencap, r->nseen + 1, sizeof(*r->seen))) {
		*rc = DOPPEL_E_NOMEM;
		return false;
	}
	r->seen[r->nseen++] = (struct dirid){st->st_dev, st->st_ino};
	return true;
}

/* ---------------------------------------------------------------- bytes */

/* Reads up to want decoded bytes into dst; 0 at the end. */
static long source_read(doppel_reader *r, struct source *s, char *dst, size_t want)
{
	if (!s->z) {
		size_t n = fread(dst, 1, want, s->f);
		if (n == 0 && ferror(s->f)) {
			doppel__errf(r->err, "%s: %s", r->cur.path, strerror(errno));
			return -1;
		}
		return (long)n;
	}
	ZSTD_outBuffer out = {dst, want, 0};
	while (out.pos == 0) {
		if (s->zin.pos == s->zin.size && !s->eof) {
			size_t n = fread(s->in, 1, ZSTD_DStreamInSize(), s->f);
			if (n == 0 && ferror(s->f)) {
				doppel__errf(r->err, "%s: %s", r->cur.path, strerror(errno));
				return -1;
			}
			s->eof = n == 0;
			s->zin = (ZSTD_inBuffer){s->in, n, 0};
		}
		/* Called even with no input left: a full output buffer may have
		 * left decoded bytes inside the stream. */
		size_t consumed = s->zin.pos;
		size_t ret = ZSTD_decompressStream(s->z, &out, &s->zin);
		if (ZSTD_isError(ret)) {
			doppel__errf(r->err, "%s: zstd: %s", r->cur.path,
			             ZSTD_getErrorName(ret));
			return -1;
		}
		/* ret is 0 when a frame has ended and is flushed; a call that
		 * moved nothing only hints at the next frame's header. */
		if (s->zin.pos != consumed || out.pos > 0)
			s->midframe = ret != 0;
		if (out.pos == 0 && s->eof && s->zin.pos == s->zin.size) {
			if (s->midframe) {
				doppel__errf(r->err,
				             "%s: zstd: the compressed data is cut short",
				             r->cur.path);
				return -1;
			}
			return 0;
		}
	}
	return (long)out.pos;
}

/*
 * Reads more input after buflen, first moving the unconsumed bytes (a
 * partial line) to the front and growing the buffer when they fill it.
 * DOPPEL_END when the input is over.
 */
static int fill(doppel_reader *r)
{
	if (r->bufpos > 0) {
		memmove(r->buf, r->buf + r->bufpos, r->buflen - r->bufpos);
		r->buflen -= r->bufpos;
		r->bufpos = 0;
	}
	if (r->bufcap < r->buflen + CHUNK + PAD &&
	    doppel__grow((void **)&r->buf, &r->bufcap, r->buflen + CHUNK + PAD, 1))
		return DOPPEL_E_NOMEM;
	long n = source_read(r, &r->src, r->buf + r->buflen, r->bufcap - r->buflen - PAD);
	if (n < 0)
		return DOPPEL_E_IO;
	r->buflen += (size_t)n;
	r->stats.bytes += (uint64_t)n;
	return n == 0 ? DOPPEL_END : DOPPEL_OK;
}

/*
 * The next line, without its newline, where it lies in r->buf: PAD bytes
 * after it are allocated, and it may be changed in place until the next
 * call. DOPPEL_END at the end; DOPPEL_E_TOOBIG for a line over the limit
 * (skipped to its end).
 */
static int next_line(doppel_reader *r, char **line, size_t *len)
{
	size_t scanned = 0; /* bytes from bufpos known to hold no newline */
	bool toobig = false;
	for (;;) {
		/* nothing read yet: no buffer (and no offset from NULL) */
		char *start = r->buf ? r->buf + r->bufpos : NULL;
		size_t avail = r->buflen - r->bufpos;
		char *nl =
			avail > scanned ? memchr(start + scanned, '\n', avail - scanned) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - start);
			r->bufpos += n + 1;
			r->offset += n + 1;
			r->line++;
			if (toobig || n > r->max_record)
				return DOPPEL_E_TOOBIG;
			*line = start;
			*len = n;
			return DOPPEL_OK;
		}
		scanned = avail;
		if (avail > r->max_record) {
			/* too long already: drop what there is, look for its end */
			toobig = true;
			r->bufpos = r->buflen;
			r->offset += avail;
			scanned = 0;
		}
		int rc = fill(r);
		if (rc == DOPPEL_END) {
			avail = r->buflen - r->bufpos;
			if (avail == 0 && !toobig)
				return DOPPEL_END;
			/* the last line, with no newline after it */
			start = r->buf + r->bufpos;
			r->bufpos += avail;
			r->offset += avail;
			r->line++;
			if (toobig)
				return DOPPEL_E_TOOBIG;
			*line = start;
			*len = avail;
			return DOPPEL_OK;
		}
		if (rc)
			return rc;
	}
}

/* The whole input into r->rec, NUL-terminated (a .txt file). */
static int whole(doppel_reader *r, size_t *len)
{
	size_t n = 0;
	for (;;) {
		if (r->reccap < n + CHUNK + 1 &&
		    doppel__grow((void **)&r->rec, &r->reccap, n + CHUNK + 1, 1))
			return DOPPEL_E_NOMEM;
		long got = source_read(r, &r->src, r->rec + n, r->reccap - n - 1);
		if (got < 0)
			return DOPPEL_E_IO;
		if (got == 0)
			break;
		n += (size_t)got;
		r->stats.bytes += (uint64_t)got;
		if (n > r->max_record)
			return DOPPEL_E_TOOBIG;
	}
	r->rec[n] = '\0';
	*len = n;
	return DOPPEL_OK;
}

/* ---------------------------------------------------------------- opening */

/* Lists the file just opened (uncompressed), so that the records it hands
 * out can be read again (mark_record). */
static int remember_file(doppel_reader *r)
{
	struct stat st;
	if (fstat(fileno(r->src.f), &st) != 0) {
		doppel__errf(r->err, "%s: %s", r->cur.path, strerror(errno));
		return DOPPEL_E_IO;
	}
	/* A pipe, a FIFO or a device cannot be read again: its records have no
	 * where (and are kept by whoever needs them again), as have those of
	 * files past the count a where can name, and every record when the
	 * options ask for no places. */
	if (!S_ISREG(st.st_mode) || r->nfiles >= WHERE_FILES || r->opt.no_places)
		return DOPPEL_OK;
	struct known_file kf = {doppel__strdup(r->cur.path), r->jsonl, NULL, 0, 0};
	int rc = DOPPEL_E_NOMEM;
	if (kf.path) {
		pthread_mutex_lock(&r->files_mu);
		rc = doppel__grow((void **)&r->files, &r->filescap, r->nfiles + 1,
		                  sizeof(*r->files));
		if (rc == DOPPEL_OK) {
			r->cur_file = r->nfiles;
			r->files[r->nfiles++] = kf;
		}
		pthread_mutex_unlock(&r->files_mu);
	}
	if (rc) {
		free(kf.path);
		doppel__errf(r->err, "out of memory");
	}
	return rc;
}

/* Opens the next queued file (expanding directories). DOPPEL_END when the
 * queue is empty; an error for a path that cannot be read (skipped). */
static int open_next(doppel_reader *r)
{
	while (r->next < r->nqueue) {
		struct input in = r->queue[r->next++];
		if (strcmp(in.path, "-") == 0) {
			r->cur = in;
			r->src = (struct source){.f = stdin, .owned = false};
			r->jsonl = r->opt.stdin_format == 0;
		} else {
			struct stat st;
			if (stat(in.path, &st) != 0) {
				doppel__errf(r->err, "%s: %s", in.path,
				             errno == ENOENT ? "no such file or directory"
				                             : strerror(errno));
				int rc = errno == ENOENT ? DOPPEL_E_NOTFOUND : DOPPEL_E_IO;
				free(in.path);
				free(in.root);
				return rc;
			}
			if (S_ISDIR(st.st_mode)) {
				const char *root = in.root ? in.root : in.path;
				int rc = DOPPEL_OK;
				if (first_visit(r, &st, !in.root, &rc))
					rc = expand_dir(r, in.path, root);
				else if (rc)
					doppel__errf(r->err, "out of memory");
				free(in.path);
				free(in.root);
				if (rc)
					return rc;
				continue;
			}
			FILE *f = fopen(in.path, "rb");
			if (!f) {
				doppel__errf(r->err, "%s: %s", in.path, strerror(errno));
				free(in.path);
				free(in.root);
				return DOPPEL_E_IO;
			}
			r->cur = in;
			r->src = (struct source){.f = f, .owned = true};
			const char *base = in.path;
			r->jsonl = !(ends_with(base, ".txt") || ends_with(base, ".txt.zst"));
			if (ends_with(base, ".zst")) {
				r->src.z = ZSTD_createDStream();
				r->src.in = malloc(ZSTD_DStreamInSize());
				if (!r->src.z || !r->src.in ||
				    ZSTD_isError(ZSTD_initDStream(r->src.z))) {
					close_current(r);
					doppel__errf(r->err, "out of memory");
					return DOPPEL_E_NOMEM;
				}
			} else {
				int rc = remember_file(r);
				if (rc) {
					close_current(r);
					return rc;
				}
			}
		}
		r->open = true;
		r->line = 0;
		r->offset = 0;
		r->buflen = r->bufpos = 0;
		if (r->cur.ranged && r->cur.start > 0) {
			/* Start after the newline that ends the line holding byte
			 * start - 1: that line belongs to the range before. */
			size_t len;
			if (fseeko(r->src.f, (off_t)(r->cur.start - 1), SEEK_SET) != 0) {
				doppel__errf(r->err, "%s: %s", r->cur.path, strerror(errno));
				close_current(r);
				return DOPPEL_E_IO;
			}
			r->offset = r->cur.start - 1;
			char *skip;
			int rc = next_line(r, &skip, &len);
			if (rc != DOPPEL_OK && rc != DOPPEL_E_TOOBIG && rc != DOPPEL_END) {
				close_current(r);
				return rc;
			}
			r->line = 0;
		}
		return DOPPEL_OK;
	}
	return DOPPEL_END;
}

/* ---------------------------------------------------------------- records */

/*
 * A record that is not valid UTF-8 (its first bad byte at offset bad, as
 * messages give it): rejected with strict_utf8, repaired with repair_utf8,
 * else decoded as Windows-1252 with a warning. The decoded text goes to
 * r->fixed, with PAD bytes after it, and *text points there.
 */
static int recode(doppel_reader *r, char **text, size_t *len, size_t bad)
{
	if (r->opt.strict_utf8) {
		doppel__errf(r->err, "%s: invalid UTF-8 at byte %zu", r->origin, bad);
		return DOPPEL_E_UTF8;
	}
	if (*len > (SIZE_MAX - PAD - 1) / 3 ||
	    doppel__grow((void **)&r->fixed, &r->fixedcap, 3 * *len + PAD + 1, 1)) {
		doppel__errf(r->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	if (r->opt.repair_utf8) {
		*len = doppel__utf8_repair(*text, *len, r->fixed);
		r->recoded = RECODED_REPAIRED;
	} else {
		*len = doppel__cp1252_to_utf8(*text, *len, r->fixed);
		r->recoded = RECODED_CP1252;
		doppel__errf(r->warn, "%s: not UTF-8 (byte %zu); read as Windows-1252",
		             r->origin, bad);
	}
	*text = r->fixed;
	return DOPPEL_OK;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* The JSON field names, in the order of enum field. */
enum field {
	F_ID,
	F_TITLE,
	F_TEXT,
	F_DATE,
	F_SOURCE,
	F_URL,
	NFIELDS
};

/* The field names the options give, the defaults elsewhere; the strings
 * are borrowed from o or static. */
static void field_names(const doppel_read_options *o, const char *names[6])
{
	const char *given[NFIELDS] = {o->id_field,   o->title_field,  o->text_field,
	                              o->date_field, o->source_field, o->url_field};
	static const char *const defaults[NFIELDS] = {"id",   "title",  "text",
	                                              "date", "source", "url"};
	for (int i = 0; i < NFIELDS; i++)
		names[i] = given[i] ? given[i] : defaults[i];
}

/* An optional string field: NULL when missing or null. */
static int opt_string(doppel_reader *r, const doppel__json_field *f, int which,
                      const char **out)
{
	*out = NULL;
	if (f->kind == DOPPEL__JSON_MISSING || f->kind == DOPPEL__JSON_NULL)
		return DOPPEL_OK;
	if (f->kind != DOPPEL__JSON_STRING) {
		doppel__errf(r->err, "%s: field \"%s\" must be a string", r->origin,
		             r->names[which]);
		return DOPPEL_E_JSON;
	}
	*out = f->str;
	return DOPPEL_OK;
}

/* One JSON line, parsed where it lies, its NUL bytes already spaces. */
static int json_record(doppel_reader *r, char *line, size_t len, doppel_article *a)
{
	size_t bom = doppel__bom_len(line, len);
	line += bom;
	len -= bom;
	if (!r->json && !(r->json = doppel__json_new())) {
		doppel__errf(r->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	doppel__json_field f[NFIELDS];
	char msg[256];
	int rc = doppel__json_parse(r->json, line, len, r->names, NFIELDS, f, msg, sizeof(msg));
	if (rc == DOPPEL_E_UTF8) {
		/* JSON syntax is ASCII: the line decoded whole still parses */
		size_t bad = 0;
		doppel__utf8_valid(line, len, &bad);
		if ((rc = recode(r, &line, &len, bad + bom)))
			return rc;
		rc = doppel__json_parse(r->json, line, len, r->names, NFIELDS, f, msg,
		                        sizeof(msg));
	}
	if (rc == DOPPEL_E_NOMEM) {
		doppel__errf(r->err, "out of memory");
		return rc;
	}
	if (rc) {
		doppel__errf(r->err, "%s: %s", r->origin, msg);
		return rc;
	}
	const doppel__json_field *text = &f[F_TEXT];
	if (text->kind != DOPPEL__JSON_STRING) {
		doppel__errf(r->err, "%s: field \"%s\" %s", r->origin, r->names[F_TEXT],
		             text->kind != DOPPEL__JSON_MISSING ? "must be a string"
		                                                : "is missing");
		return DOPPEL_E_JSON;
	}
	a->text = text->str;
	a->text_len = text->len;
	if (blank(a->text, a->text_len)) {
		doppel__errf(r->err, "%s: empty text", r->origin);
		return DOPPEL_E_EMPTY;
	}
	const doppel__json_field *id = &f[F_ID];
	if (id->kind == DOPPEL__JSON_MISSING || id->kind == DOPPEL__JSON_NULL) {
		a->id = r->origin;
	} else if (id->kind == DOPPEL__JSON_STRING && id->len > 0) {
		a->id = id->str;
	} else if (id->kind == DOPPEL__JSON_INTEGER) {
		snprintf(r->idbuf, sizeof(r->idbuf), "%" PRId64, id->num);
		a->id = r->idbuf;
	} else {
		doppel__errf(r->err,
		             "%s: field \"%s\" must be a non-empty string or an integer",
		             r->origin, r->names[F_ID]);
		return DOPPEL_E_JSON;
	}
	const char *date;
	if ((rc = opt_string(r, &f[F_TITLE], F_TITLE, &a->title)) ||
	    (rc = opt_string(r, &f[F_SOURCE], F_SOURCE, &a->source)) ||
	    (rc = opt_string(r, &f[F_URL], F_URL, &a->url)) ||
	    (rc = opt_string(r, &f[F_DATE], F_DATE, &date)))
		return rc;
	a->date = DOPPEL_NO_DATE;
	if (date && *date) {
		if (doppel_parse_date(date, strlen(date), &a->date) != DOPPEL_OK) {
			doppel__errf(r->err,
			             "%s: field \"%s\": \"%.40s\" is not a YYYY-MM-DD date",
			             r->origin, r->names[F_DATE], date);
			return DOPPEL_E_FORMAT;
		}
	} else {
		/* no date given: one the text states near its start */
		doppel__text_date(a->text, a->text_len, &a->date);
	}
	return DOPPEL_OK;
}

/* A line of JSON Lines as next_line() gives it: its record, or DOPPEL_END
 * for a blank line, which holds none. */
static int json_line(doppel_reader *r, char *line, size_t len, doppel_article *a)
{
	size_t bom = doppel__bom_len(line, len);
	/* a NUL inside a string would be refused by any JSON parser */
	doppel__nul_to_space(line + bom, len - bom);
	if (blank(line + bom, len - bom))
		return DOPPEL_END;
	return json_record(r, line, len, a);
}

/* "date YYYY-MM-DD" at s (after spaces): the date, and where the rest of the
 * line starts; false when s does not start so. */
static bool date_marker(const char *s, size_t n, int32_t *date, size_t *rest)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i < 15 || strncasecmp(s + i, "date", 4) != 0 ||
	    (s[i + 4] != ' ' && s[i + 4] != '\t'))
		return false;
	i += 4;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i < 10 || doppel_parse_date(s + i, 10, date) != DOPPEL_OK)
		return false;
	i += 10;
	if (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
		return false;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	*rest = i;
	return true;
}

/* A line that starts like a date marker ("date 2", valid or not): never a
 * headline. */
static bool marker_shape(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i < 6 || strncasecmp(s + i, "date", 4) != 0 ||
	    (s[i + 4] != ' ' && s[i + 4] != '\t'))
		return false;
	for (i += 4; i < n && (s[i] == ' ' || s[i] == '\t');)
		i++;
	return i < n && s[i] >= '0' && s[i] <= '9';
}

/* A line that is a date marker and nothing else. */
static bool date_line(const char *s, size_t n, int32_t *date)
{
	size_t rest;
	return date_marker(s, n, date, &rest) && rest == n;
}

/* Offset of the end of the line starting at pos (its newline, or len). */
static size_t line_end(const char *s, size_t len, size_t pos)
{
	const char *nl = pos < len ? memchr(s + pos, '\n', len - pos) : NULL;
	return nl ? (size_t)(nl - s) : len;
}

/* The start of the line after the one ending at e. */
static size_t next_line_start(size_t len, size_t e)
{
	return e < len ? e + 1 : len;
}

/* The offset of the first non-blank line at or after pos. */
static size_t skip_blank_lines(const char *text, size_t len, size_t pos)
{
	while (pos < len) {
		size_t e = line_end(text, len, pos);
		if (!blank(text + pos, e - pos) || e == len)
			break;
		pos = e + 1;
	}
	return pos;
}

#define HEADLINE_MAX 200

/* Length of a closing quote ending s[0..n): ", ', ’, ” or », else 0. */
static size_t closing_quote(const char *s, size_t n)
{
	if (n >= 1 && (s[n - 1] == '"' || s[n - 1] == '\''))
		return 1;
	if (n >= 3 && memcmp(s + n - 3, "\xe2\x80", 2) == 0 &&
	    (s[n - 1] == '\x99' || s[n - 1] == '\x9d'))
		return 3;
	if (n >= 2 && memcmp(s + n - 2, "\xc2\xbb", 2) == 0)
		return 2;
	return 0;
}

/* A line that reads as a headline: short, not ending a sentence (a quote
 * that ends a sentence ends it too), not leading into the next line. */
static bool headline(const char *s, size_t n)
{
	n = doppel__trim_end(s, n);
	if (n == 0 || n > HEADLINE_MAX || blank(s, n))
		return false;
	size_t q;
	bool quoted = false;
	while ((q = closing_quote(s, n)) > 0 && q < n) {
		n -= q;
		quoted = true;
	}
	char last = s[n - 1];
	if (last == '.' || last == '!' || last == '?')
		return false;
	return quoted || (last != ':' && last != ';' && last != ',');
}

/*
 * Takes the line at pos as the title when it reads as a headline and sets
 * it apart: a blank line or a date line follows it, or it is the one short
 * line before a body of long lines. Returns where the text goes on.
 */
static int take_title(doppel_reader *r, const char *text, size_t len, size_t *pos,
                      doppel_article *a)
{
	size_t p = *pos, e1 = line_end(text, len, p), rest;
	int32_t d;
	if (e1 == len || !headline(text + p, e1 - p) || marker_shape(text + p, e1 - p))
		return DOPPEL_OK;
	size_t q = e1 + 1, e2 = line_end(text, len, q);
	if (!blank(text + q, e2 - q) && !date_marker(text + q, e2 - q, &d, &rest) &&
	    doppel__trim_end(text + q, e2 - q) <= HEADLINE_MAX)
		return DOPPEL_OK;
	/* a headline with nothing after it is the text, not a title */
	if (blank(text + q, len - q))
		return DOPPEL_OK;
	while (p < e1 && (text[p] == ' ' || text[p] == '\t'))
		p++;
	free(r->title);
	r->title = doppel__strndup(text + p, doppel__trim_end(text + p, e1 - p));
	if (!r->title) {
		doppel__errf(r->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	a->title = r->title;
	*pos = q;
	return DOPPEL_OK;
}

/* Lines after the title where a date marker is looked for. */
#define DATE_LINES 4

/* Overwrites n bytes of s with spaces: what the reader takes out of a
 * .txt text (a byte order mark, a date line, the title, a date marker)
 * leaves its place, so that offsets into the text are the file's. */
static void blank_out(char *s, size_t n)
{
	memset(s, ' ', n);
}

/*
 * A .txt article: an optional date line, an optional headline, an optional
 * date marker (on a line of its own in the first lines, or leading the
 * first paragraph). Byte order mark, title and date marker are blanked out
 * (spaces in their place); the rest is the text, byte for byte where the
 * file is valid UTF-8, so that every offset into the text is an offset
 * into the file.
 */
static int txt_record(doppel_reader *r, char *text, size_t len, doppel_article *a)
{
	size_t bad;
	blank_out(text, doppel__bom_len(text, len));
	doppel__nul_to_space(text, len);
	if (!doppel__utf8_valid(text, len, &bad)) {
		int rc = recode(r, &text, &len, bad);
		if (rc)
			return rc;
		/* the decoded copy becomes the record, which is blanked below */
		char *t = r->rec;
		size_t cap = r->reccap;
		r->rec = r->fixed;
		r->reccap = r->fixedcap;
		r->fixed = t;
		r->fixedcap = cap;
	}
	int rc;
	a->date = DOPPEL_NO_DATE;
	a->title = NULL;
	/* pos: where the body starts */
	size_t pos = skip_blank_lines(text, len, 0);
	size_t e = line_end(text, len, pos);
	int32_t d;
	if (date_line(text + pos, e - pos, &d)) {
		a->date = d;
		blank_out(text + pos, e - pos);
		pos = skip_blank_lines(text, len, next_line_start(len, e));
	}
	size_t head = pos;
	if ((rc = take_title(r, text, len, &pos, a)))
		return rc;
	if (a->title)
		blank_out(text + head, line_end(text, len, head) - head);
	/* A date marker on one of the next few non-blank lines, alone or
	 * leading a paragraph: it is blanked out of the text. */
	size_t q = pos;
	for (int lines = 0; a->date == DOPPEL_NO_DATE && q < len && lines < DATE_LINES;) {
		size_t n;
		e = line_end(text, len, q);
		n = e - q;
		if (!blank(text + q, n)) {
			lines++;
			size_t rest;
			if (date_marker(text + q, n, &d, &rest)) {
				a->date = d;
				blank_out(text + q, rest);
				break;
			}
		}
		q = next_line_start(len, e);
	}
	a->text = text;
	a->text_len = len;
	if (blank(a->text, a->text_len)) {
		doppel__errf(r->err, "%s: empty text", r->origin);
		return DOPPEL_E_EMPTY;
	}
	if (a->date == DOPPEL_NO_DATE)
		doppel__text_date(a->text, a->text_len, &a->date);
	return DOPPEL_OK;
}

/* id and source of a .txt file from its path and directory argument:
 * id is the path below the argument without its suffix, source the
 * directories between (NULL at the top). */
static int txt_names(doppel_reader *r, doppel_article *a)
{
	const char *path = r->cur.path;
	const char *rel;
	if (r->cur.root) {
		/* expand_dir made path as root + '/' + rest (one slash) */
		size_t n = strlen(r->cur.root);
		rel = path + n;
		if (n == 0 || r->cur.root[n - 1] != '/')
			rel++;
	} else {
		const char *slash = strrchr(path, '/');
		rel = slash ? slash + 1 : path;
	}
	size_t n = strlen(rel);
	if (ends_with(rel, ".txt.zst"))
		n -= 8;
	else if (ends_with(rel, ".txt"))
		n -= 4;
	if (doppel__grow((void **)&r->pathid, &r->pathidcap, n + 1, 1)) {
		doppel__errf(r->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	memcpy(r->pathid, rel, n);
	r->pathid[n] = '\0';
	a->id = r->pathid;
	free(r->source_name);
	r->source_name = NULL;
	const char *slash = strrchr(rel, '/');
	if (r->cur.root && slash) {
		r->source_name = doppel__strndup(rel, (size_t)(slash - rel));
		if (!r->source_name) {
			doppel__errf(r->err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
	}
	a->source = r->source_name;
	return DOPPEL_OK;
}

/* The where of a record of file number file at byte offset. */
static uint64_t where_of(size_t file, uint64_t offset)
{
	if (file == NO_FILE || file >= WHERE_FILES || offset > WHERE_OFFSETS)
		return 0;
	return ((uint64_t)file + 1) << WHERE_SHIFT | offset;
}

/* The hash of a record's bytes as read, by which it is known again. */
static uint64_t bytes_hash(const char *b, size_t n)
{
	return XXH3_64bits(b, n);
}

/* Notes the record handed out at *where (its bytes' hash h), so that it
 * can be read again; *where becomes 0 when memory is short (it is then
 * read once). */
static void mark_record(doppel_reader *r, uint64_t *where, uint64_t h)
{
	if (!*where)
		return;
	pthread_mutex_lock(&r->files_mu);
	struct known_file *kf = &r->files[(*where >> WHERE_SHIFT) - 1];
	if (doppel__grow((void **)&kf->marks, &kf->markcap, kf->nmarks + 1, sizeof(*kf->marks)))
		*where = 0;
	else
		kf->marks[kf->nmarks++] = (struct mark){*where & WHERE_OFFSETS, h};
	pthread_mutex_unlock(&r->files_mu);
}

/* The next record, skipping blank JSON lines and finished inputs: what
 * doppel_reader_next() returns, before it counts. *out borrows the
 * reader's buffers until the next call. */
static int next_record(doppel_reader *r, doppel_article *out)
{
	for (;;) {
		if (!r->open) {
			int rc = open_next(r);
			if (rc)
				return rc;
		}
		doppel_article a = {0};
		a.date = DOPPEL_NO_DATE;
		size_t len = 0;
		int rc;
		if (r->jsonl) {
			if (r->cur.ranged && r->offset >= r->cur.end) {
				close_current(r);
				continue;
			}
			char *line = NULL;
			uint64_t at = r->offset;
			rc = next_line(r, &line, &len);
			if (rc == DOPPEL_END) {
				close_current(r);
				continue;
			}
			snprintf(r->origin, sizeof(r->origin), "%s:%llu", r->cur.path,
			         (unsigned long long)r->line);
			if (rc == DOPPEL_E_TOOBIG) {
				doppel__errf(r->err, "%s: record over %zu bytes", r->origin,
				             r->max_record);
				return rc;
			}
			if (rc) {
				if (rc == DOPPEL_E_NOMEM)
					doppel__errf(r->err, "out of memory");
				close_current(r);
				return rc;
			}
			a.origin = r->origin;
			a.where = where_of(r->cur_file, at);
			/* the bytes as read: decoding changes some in place */
			uint64_t h = a.where ? bytes_hash(line, len) : 0;
			rc = json_line(r, line, len, &a);
			if (rc == DOPPEL_END)
				continue;
			if (rc == DOPPEL_OK)
				mark_record(r, &a.where, h);
		} else {
			snprintf(r->origin, sizeof(r->origin), "%s", r->cur.path);
			rc = whole(r, &len);
			if (rc == DOPPEL_E_TOOBIG)
				doppel__errf(r->err, "%s: article over %zu bytes", r->origin,
				             r->max_record);
			else if (rc == DOPPEL_E_NOMEM)
				doppel__errf(r->err, "out of memory");
			bool was_stdin = strcmp(r->cur.path, "-") == 0;
			if (rc == DOPPEL_OK) {
				a.origin = r->origin;
				a.where = where_of(r->cur_file, 0);
				uint64_t h = a.where ? bytes_hash(r->rec, len) : 0;
				rc = txt_record(r, r->rec, len, &a);
				if (rc == DOPPEL_OK)
					mark_record(r, &a.where, h);
				if (rc == DOPPEL_OK) {
					if (was_stdin) {
						a.id = "-";
						a.source = NULL;
					} else {
						rc = txt_names(r, &a);
					}
				}
			}
			/* one article per file: done with it either way */
			close_current(r);
			if (rc == DOPPEL_OK && a.text_len == 0)
				rc = DOPPEL_E_EMPTY;
		}
		if (rc)
			return rc;
		*out = a;
		return DOPPEL_OK;
	}
}

/* Counts what next_record() gave and keeps a warning only with an article. */
int doppel_reader_next(doppel_reader *r, doppel_article *out)
{
	if (!r || !out)
		return DOPPEL_E_ARG;
	r->warn[0] = '\0';
	r->recoded = RECODED_NONE;
	int rc = next_record(r, out);
	if (rc == DOPPEL_OK) {
		r->stats.records++;
		r->stats.cp1252 += r->recoded == RECODED_CP1252;
		r->stats.repaired += r->recoded == RECODED_REPAIRED;
	} else {
		/* a warning is about an article handed out, not a rejected one */
		r->warn[0] = '\0';
		r->stats.rejected += rc < 0;
	}
	return rc;
}

/* ---------------------------------------------------------------- again */

/*
 * Opens file number file of r's list into r->again_fd, checked once to be
 * still a regular file, or keeps it open from the last reread: whether a
 * record is what it was is told by its hash, not by the file's state.
 * Messages go to r->again->err.
 */
static int open_again(doppel_reader *r, size_t file, const struct known_file *kf)
{
	doppel_reader *s = r->again;
	if (r->again_fd >= 0 && r->again_file == file)
		return DOPPEL_OK;
	if (r->again_fd >= 0) {
		close(r->again_fd);
		r->again_fd = -1;
	}
	/* not blocking: a path that became a FIFO is not waited on */
	int fd = open(kf->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		doppel__errf(s->err, "%s: %s", kf->path, strerror(errno));
		return DOPPEL_E_IO;
	}
	struct stat st;
	const bool got = fstat(fd, &st) == 0;
	if (!got || !S_ISREG(st.st_mode)) {
		doppel__errf(s->err, "%s: %s", kf->path,
		             got ? "no longer a regular file" : strerror(errno));
		close(fd);
		return DOPPEL_E_IO;
	}
	r->again_fd = fd;
	r->again_file = file;
	return DOPPEL_OK;
}

/* The hash of the record kf handed out at byte at, into *hash; false when
 * it handed out none there. Under r->files_mu. */
static bool marked(doppel_reader *r, size_t file, uint64_t at, uint64_t *hash)
{
	pthread_mutex_lock(&r->files_mu);
	const struct known_file *kf = &r->files[file];
	size_t lo = 0, hi = kf->nmarks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (kf->marks[mid].at < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	bool found = lo < kf->nmarks && kf->marks[lo].at == at;
	if (found)
		*hash = kf->marks[lo].hash;
	pthread_mutex_unlock(&r->files_mu);
	return found;
}

/* The error of a record whose bytes are no longer what they were. */
static int changed(doppel_reader *s, const struct known_file *kf, uint64_t at)
{
	if (kf->jsonl)
		doppel__errf(
			s->err,
			"%s: changed since it was read; cannot read the record at byte %" PRIu64
			" again",
			kf->path, at);
	else
		doppel__errf(s->err,
		             "%s: changed since it was read; cannot read its article again",
		             kf->path);
	return DOPPEL_E_IO;
}

/*
 * The line of fd starting at byte at, without its newline, into s->buf
 * with PAD bytes after it: the line next_line() gave, under the same
 * limit. pread(), so that nothing of the file's position is shared.
 */
static int line_again(doppel_reader *s, int fd, const char *path, uint64_t at, char **line,
                      size_t *len)
{
	size_t n = 0, want = AGAIN_CHUNK;
	for (;;) {
		if (s->bufcap < n + want + PAD &&
		    doppel__grow((void **)&s->buf, &s->bufcap, n + want + PAD, 1)) {
			doppel__errf(s->err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
		ssize_t got = pread(fd, s->buf + n, want, (off_t)(at + n));
		if (got < 0) {
			if (errno == EINTR)
				continue;
			doppel__errf(s->err, "%s: %s", path, strerror(errno));
			return DOPPEL_E_IO;
		}
		const char *nl = memchr(s->buf + n, '\n', (size_t)got);
		if (nl) {
			n = (size_t)(nl - s->buf);
			break;
		}
		n += (size_t)got;
		/* the end of the file ends the last line too */
		if (got == 0 || n > s->max_record)
			break;
		if (want < CHUNK)
			want *= 2;
	}
	if (n > s->max_record) {
		doppel__errf(s->err, "%s: record over %zu bytes", s->origin, s->max_record);
		return DOPPEL_E_TOOBIG;
	}
	*line = s->buf;
	*len = n;
	return DOPPEL_OK;
}

/* The whole of fd into s->rec, NUL-terminated, under the record limit:
 * what whole() gave for a .txt file. */
static int file_again(doppel_reader *s, int fd, const struct known_file *kf, size_t *len)
{
	size_t n = 0;
	for (;;) {
		if (s->reccap < n + CHUNK + 1 &&
		    doppel__grow((void **)&s->rec, &s->reccap, n + CHUNK + 1, 1)) {
			doppel__errf(s->err, "out of memory");
			return DOPPEL_E_NOMEM;
		}
		ssize_t got = pread(fd, s->rec + n, s->reccap - n - 1, (off_t)n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			doppel__errf(s->err, "%s: %s", kf->path, strerror(errno));
			return DOPPEL_E_IO;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > s->max_record) {
			doppel__errf(s->err, "%s: article over %zu bytes", s->origin,
			             s->max_record);
			return DOPPEL_E_TOOBIG;
		}
	}
	s->rec[n] = '\0';
	*len = n;
	return DOPPEL_OK;
}

/* doppel_reader_reread() under r->again_mu, its messages in r->again->err. */
static int reread(doppel_reader *r, uint64_t where, char **text, size_t *len)
{
	doppel_reader *s = r->again;
	uint64_t number = where >> WHERE_SHIFT, at = where & WHERE_OFFSETS;
	struct known_file kf = {0};
	pthread_mutex_lock(&r->files_mu);
	bool known = number >= 1 && number <= r->nfiles;
	if (known)
		kf = r->files[number - 1];
	pthread_mutex_unlock(&r->files_mu);
	if (!known) {
		doppel__errf(s->err, "no file numbered %" PRIu64 " was read by this reader",
		             number);
		return DOPPEL_E_ARG;
	}
	if (!kf.jsonl && at != 0) {
		doppel__errf(s->err, "%s: one article, not one at byte %" PRIu64, kf.path, at);
		return DOPPEL_E_ARG;
	}
	uint64_t hash;
	if (!marked(r, (size_t)(number - 1), at, &hash)) {
		doppel__errf(s->err, "%s: no record was read at byte %" PRIu64, kf.path, at);
		return DOPPEL_E_ARG;
	}
	int rc = open_again(r, (size_t)(number - 1), &kf);
	if (rc)
		return rc;
	doppel_article a = {0};
	if (kf.jsonl) {
		/* the line number is not kept: messages give the byte */
		snprintf(s->origin, sizeof(s->origin), "%s at byte %" PRIu64, kf.path, at);
		char *line;
		size_t n;
		if ((rc = line_again(s, r->again_fd, kf.path, at, &line, &n)))
			return rc == DOPPEL_E_TOOBIG ? changed(s, &kf, at) : rc;
		if (bytes_hash(line, n) != hash)
			return changed(s, &kf, at);
		a.origin = s->origin;
		rc = json_line(s, line, n, &a);
		if (rc == DOPPEL_END) {
			doppel__errf(s->err, "%s: no record there", s->origin);
			return DOPPEL_E_ARG;
		}
	} else {
		snprintf(s->origin, sizeof(s->origin), "%s", kf.path);
		size_t n;
		if ((rc = file_again(s, r->again_fd, &kf, &n)))
			return rc == DOPPEL_E_TOOBIG ? changed(s, &kf, at) : rc;
		if (bytes_hash(s->rec, n) != hash)
			return changed(s, &kf, at);
		a.origin = s->origin;
		rc = txt_record(s, s->rec, n, &a);
	}
	if (rc)
		return rc;
	char *copy = malloc(a.text_len + 1);
	if (!copy) {
		doppel__errf(s->err, "out of memory");
		return DOPPEL_E_NOMEM;
	}
	memcpy(copy, a.text, a.text_len);
	copy[a.text_len] = '\0';
	*text = copy;
	*len = a.text_len;
	return DOPPEL_OK;
}

int doppel_reader_reread(doppel_reader *r, uint64_t where, char **text, size_t *len, char *err,
                         size_t errlen)
{
	if (text)
		*text = NULL;
	if (len)
		*len = 0;
	if (err && errlen)
		err[0] = '\0';
	if (!r || !text || !len || where == 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s",
			         where == 0 ? "no place to read the record again from"
			                    : "no reader, or no place for the text");
		return DOPPEL_E_ARG;
	}
	pthread_mutex_lock(&r->again_mu);
	int rc;
	if (!r->again && !(r->again = doppel_reader_new(&r->opt))) {
		rc = DOPPEL_E_NOMEM;
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
	} else {
		rc = reread(r, where, text, len);
		if (rc && err && errlen)
			snprintf(err, errlen, "%s", r->again->err);
	}
	pthread_mutex_unlock(&r->again_mu);
	return rc;
}
