# doppel — one GNU Makefile. `make help` lists the targets.

PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
CXX      ?= c++
AR       ?= ar
PKG_CONFIG ?= pkg-config
OPT      ?= -O2
SANITIZE ?=

VERSION   := $(shell sed -n 's/^\#define DOPPEL_VERSION_STRING "\(.*\)"/\1/p' include/doppel.h)
SOVERSION := $(shell sed -n 's/^\#define DOPPEL_SOVERSION \([0-9]*\)/\1/p' include/doppel.h)

# Each build flavour has its own directory so that a sanitizer build never
# mixes objects with a plain one.
ifeq ($(SANITIZE),)
BUILD ?= build
SANFLAGS :=
else ifeq ($(SANITIZE),thread)
BUILD ?= build/tsan
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
else
BUILD ?= build/san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

LIB_PKGS  := libutf8proc libxxhash sqlite3 jansson libzstd simdjson
PROG_PKGS := jansson libmicrohttpd
TEST_PKGS := cmocka

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LIB_PKGS) 2>/dev/null)
# -lstdc++: the one C++ file (simdjson) needs its runtime, whatever links.
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(LIB_PKGS) 2>/dev/null) -lstemmer -lstdc++ -lpthread -lm
TEST_LIBS  := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wvla -Wformat=2 -Wconversion
# -Werror for developers and CI (CI=true, or WERROR=1), never for users.
ifneq ($(CI)$(WERROR),)
WARN += -Werror
endif

BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g $(OPT) \
               $(SANFLAGS) -Iinclude $(PKG_CFLAGS)
LIB_CFLAGS  := $(BASE_CFLAGS) $(WARN) -Ilib -fPIC -fvisibility=hidden -DDOPPEL_BUILDING_LIBRARY
# The C++ file: no exceptions (simdjson's error codes instead), nothing
# exported but the C interface. No -Wpedantic: internal.h is C, with
# flexible array members that ISO C++ lacks.
CXX_WARN := $(filter-out -Wpedantic -Wstrict-prototypes -Wmissing-prototypes,$(WARN))
LIB_CXXFLAGS := -std=c++17 -fno-exceptions -g $(OPT) $(SANFLAGS) -Iinclude -Ilib $(PKG_CFLAGS) \
                $(CXX_WARN) -fPIC -fvisibility=hidden -DDOPPEL_BUILDING_LIBRARY
PROG_CFLAGS := $(BASE_CFLAGS) $(WARN) $(shell $(PKG_CONFIG) --cflags $(PROG_PKGS) 2>/dev/null)
# Tests and benchmarks may call internal functions (lib/internal.h).
TEST_CFLAGS := $(BASE_CFLAGS) -Wall -Wextra -Ilib
LDFLAGS_ALL := $(SANFLAGS) $(LDFLAGS)

# The library in pipeline order: common parts, the text stages, sketches
# and candidates, relating two articles, then the drivers and the store.
LIB_SRC := lib/util.c lib/params.c lib/batch.c \
           lib/text/utf8.c lib/text/wordchar.c lib/text/date.c lib/text/read.c lib/text/normalize.c \
           lib/text/lexicon.c lib/text/wordnet.c lib/text/segment.c \
           lib/sketch/sketch.c lib/sketch/lsh.c lib/sketch/views.c \
           lib/relate/classify.c lib/relate/relate.c lib/relate/cluster.c \
           lib/relate/story.c lib/relate/facts.c lib/relate/explain.c lib/relate/passages.c \
           lib/scan.c lib/store.c lib/index.c lib/index_read.c lib/index_excerpt.c \
           lib/check.c
LIB_CXX_SRC := lib/text/jsonl.cpp
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(LIB_CXX_SRC:%.cpp=$(BUILD)/%.o)
STATIC  := $(BUILD)/libdoppel.a
SHARED  := $(BUILD)/libdoppel.so.$(VERSION)

PROG_SRC := programs/doppel.c programs/cli_scan.c programs/cli_index.c programs/output.c \
            programs/json.c programs/serve.c programs/serve_reply.c programs/serve_api.c programs/serve_parse.c
PROG_OBJ := $(PROG_SRC:%.c=$(BUILD)/%.o)
DOPPEL   := $(BUILD)/doppel

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/replay_%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

BENCH_SRC := $(sort $(wildcard bench/*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps demo check check-tests check-tsan test-unit test-cli test-fuzz-replay test-serve \
        bench bench-serve eval eval-real eval-passages fuzz fuzz-build install uninstall format \
        format-check clean help

all: $(DOPPEL) $(SHARED) $(STATIC) $(BUILD)/libdoppel.pc

help:
	@echo "make              build libdoppel and the doppel command (in $(BUILD)/)"
	@echo "make demo         install dependencies, build, scan examples/news/"
	@echo "make check        install dependencies, build, run all tests, then again"
	@echo "                  under SANITIZE=address,undefined, then check-tsan"
	@echo "make check-tests  run the tests of this build flavour only"
	@echo "make check-tsan   doppel serve under ThreadSanitizer (build/tsan/), short load"
	@echo "make test-serve   the HTTP service's tests (doc/API.md examples and more)"
	@echo "make bench        build the benchmark corpora and print figures"
	@echo "make bench-serve  load doppel serve over a 100k-article index"
	@echo "make eval         relation accuracy on the labelled set (tests/data/eval)"
	@echo "make eval-real    relation accuracy on real corpora (\$$DOPPEL_DATA, ../shared/data)"
	@echo "make eval-passages reused passages on PAN 2013 text alignment (../shared/data)"
	@echo "make fuzz         build the libFuzzer targets with clang (build/fuzz/) and run"
	@echo "                  each FUZZ_SECONDS (10) from its seed corpus; fails on a crash"
	@echo "make install      install to \$$DESTDIR\$$PREFIX ($(PREFIX))"
	@echo "make format-check check clang-format on lib/ programs/ include/"
	@echo "variables: SANITIZE=address,undefined (build/san/) or thread (build/tsan/)"
	@echo "           OPT=-O0  WERROR=1  PREFIX=…  FUZZ_SECONDS=N"

deps:
	@sh scripts/install-deps.sh

demo: deps
	@$(MAKE) --no-print-directory all
	$(DOPPEL) scan examples/news

# The README's test command: dependencies, the plain build and its tests,
# then the same tests built with AddressSanitizer and UBSan, then the
# service under ThreadSanitizer.
check: deps
	@$(MAKE) --no-print-directory check-tests
	@$(MAKE) --no-print-directory SANITIZE=address,undefined check-tests
	@$(MAKE) --no-print-directory check-tsan

# The service built with ThreadSanitizer (build/tsan) under a short load.
ifeq ($(SANITIZE),thread)
check-tsan: $(DOPPEL) $(BUILD)/bench/loadgen
	@sh tests/tsan.sh $(DOPPEL) $(BUILD)/bench/loadgen
else
check-tsan:
	@$(MAKE) --no-print-directory SANITIZE=thread check-tsan
endif

check-tests: all $(UNIT_BIN) $(FUZZ_REPLAY) $(BUILD)/bench/loadgen
	@sh tests/run-unit.sh $(BUILD)
	@sh tests/cli/run.sh $(DOPPEL)
	@sh tests/run-fuzz-replay.sh $(BUILD)
	@sh tests/durability.sh $(DOPPEL)
	@sh tests/corrupt.sh $(DOPPEL)
	@$(MAKE) --no-print-directory test-serve
	@sh tests/serve_durability.sh $(DOPPEL) $(BUILD)/bench/loadgen
	@sh tests/serve_abuse.sh $(DOPPEL) $(BUILD)/bench/loadgen

# The HTTP service: every curl example of doc/API.md, errors, auth, stop;
# one writer per database; protected mode.
test-serve: $(DOPPEL) $(BUILD)/tests/jsonpick
	@sh tests/serve/run.sh $(DOPPEL)
	@sh tests/serve/lock.sh $(DOPPEL)
	@sh tests/serve/protect.sh $(DOPPEL)

# ---------------------------------------------------------------- library

$(BUILD)/lib/%.o: lib/%.c lib/internal.h lib/engine.h lib/text/wordchar.h include/doppel.h
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -c -o $@ $<

$(BUILD)/lib/%.o: lib/%.cpp lib/internal.h include/doppel.h
	@mkdir -p $(dir $@)
	$(CXX) $(LIB_CXXFLAGS) -c -o $@ $<

$(STATIC): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libdoppel.so.$(SOVERSION) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)
	ln -sf libdoppel.so.$(VERSION) $(BUILD)/libdoppel.so.$(SOVERSION)
	ln -sf libdoppel.so.$(SOVERSION) $(BUILD)/libdoppel.so

$(BUILD)/libdoppel.pc: libdoppel.pc.in include/doppel.h
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

# --------------------------------------------------------------- programs

$(BUILD)/programs/%.o: programs/%.c programs/cli.h programs/serve.h include/doppel.h
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) -c -o $@ $<

$(DOPPEL): $(PROG_OBJ) $(STATIC)
	$(CC) $(LDFLAGS_ALL) -o $@ $(PROG_OBJ) $(STATIC) $(PKG_LIBS) $(shell $(PKG_CONFIG) --libs $(PROG_PKGS))

# ------------------------------------------------------------------ tests

# The fault test sees the library's allocations: its calls to malloc,
# calloc and realloc go to the test's own wrappers.
TEST_LDFLAGS_faults := -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc

$(BUILD)/tests/test_%: tests/unit/test_%.c $(STATIC) tests/unit/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(STATIC) $(PKG_LIBS) $(TEST_LIBS) $(LDFLAGS_ALL) \
	  $(TEST_LDFLAGS_$*)

$(BUILD)/tests/jsonpick: tests/serve/jsonpick.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(shell $(PKG_CONFIG) --libs jansson) $(LDFLAGS_ALL)

# Sources a fuzz target needs beyond the library: the service's parsing.
FUZZ_EXTRA_fuzz_http := programs/serve_parse.c
FUZZ_LIBS_fuzz_http := $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null)
FUZZ_INC := $(shell $(PKG_CONFIG) --cflags $(PROG_PKGS) 2>/dev/null)

# A fuzz target replayed over its corpus as a plain program (gcc + ASan).
.SECONDEXPANSION:
$(BUILD)/tests/replay_%: tests/fuzz/%.c tests/fuzz/replay.c $$(FUZZ_EXTRA_$$*) $(STATIC) \
                         programs/serve.h programs/cli.h
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(FUZZ_INC) -o $@ $< tests/fuzz/replay.c $(FUZZ_EXTRA_$*) \
	  $(STATIC) $(FUZZ_LIBS_$*) $(PKG_LIBS) $(LDFLAGS_ALL)

# libFuzzer builds, clang only, in build/fuzz/: the library once with
# coverage (fuzzer-no-link), each target linked with libFuzzer's main.
# `make fuzz FUZZ_SECONDS=N` runs each for N seconds from its seed corpus
# (new inputs go to build/fuzz/corpus/, crashes to build/fuzz/crashes/)
# and fails when one crashes; `make fuzz-build` only builds them.
FUZZ_SECONDS ?= 10
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
               -fsanitize=address,undefined -fno-sanitize-recover=all \
               -Iinclude -Ilib $(PKG_CFLAGS) $(FUZZ_INC)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build/fuzz/%.o) build/fuzz/lib/text/jsonl.o

fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)
fuzz-build: $(FUZZ_BIN)

build/fuzz/lib/%.o: lib/%.c lib/internal.h lib/engine.h include/doppel.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# The C++ file, which clang links as C: no vptr check, whose runtime only a
# C++ link brings in.
build/fuzz/lib/text/jsonl.o: $(LIB_CXX_SRC) lib/internal.h include/doppel.h
	@mkdir -p $(dir $@)
	clang++ -std=c++17 -fno-exceptions -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
	  -fno-sanitize=vptr -Iinclude -Ilib $(PKG_CFLAGS) -c -o $@ $<

build/fuzz/libdoppel.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

build/fuzz/%: tests/fuzz/%.c build/fuzz/libdoppel.a $$(FUZZ_EXTRA_$$*) programs/serve.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_EXTRA_$*) build/fuzz/libdoppel.a \
	  $(FUZZ_LIBS_$*) $(PKG_LIBS)

# -------------------------------------------------------------- benchmark

$(BUILD)/bench/%: bench/%.c $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(STATIC) $(PKG_LIBS) $(LDFLAGS_ALL)

# The load generator needs libc and pthreads only, not the library.
$(BUILD)/bench/loadgen: bench/loadgen.c
	@mkdir -p $(dir $@)
	$(CC) $(PROG_CFLAGS) -o $@ $< -lpthread $(LDFLAGS_ALL)

bench: all $(BENCH_BIN)
	@sh bench/run.sh $(BUILD)

# doppel serve under load: ingest, reads, both at once (bench/README.md).
bench-serve: all $(BENCH_BIN)
	@sh bench/serve.sh $(BUILD)

# Accuracy of the relations on the labelled set (and spun copies of it).
eval: all $(BENCH_BIN)
	@sh bench/eval.sh $(BUILD)

# Accuracy on real corpora (Reuters, ECB+, PAN 2013) read from $DOPPEL_DATA,
# by default ../shared/data; says so and succeeds when they are absent.
eval-real: all $(BUILD)/bench/evalreal $(BUILD)/bench/spin
	@sh bench/evalreal.sh $(BUILD)

# Reused passages on PAN 2013 text alignment, extracted into bench/.cache/;
# skipped when the archive is absent. Not part of make check.
PAN_TAR ?= ../shared/data/pan13-train.tar.zst
eval-passages: $(BUILD)/bench/evalpan
	@sh bench/evalpan.sh $(BUILD) $(PAN_TAR)

# ---------------------------------------------------------------- install

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(DOPPEL) $(DESTDIR)$(PREFIX)/bin/doppel
	install -m 644 include/doppel.h $(DESTDIR)$(PREFIX)/include/doppel.h
	install -m 644 $(STATIC) $(DESTDIR)$(PREFIX)/lib/libdoppel.a
	install -m 755 $(SHARED) $(DESTDIR)$(PREFIX)/lib/libdoppel.so.$(VERSION)
	ln -sf libdoppel.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libdoppel.so.$(SOVERSION)
	ln -sf libdoppel.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libdoppel.so
	install -m 644 $(BUILD)/libdoppel.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/libdoppel.pc
	install -m 644 doc/doppel.1 $(DESTDIR)$(PREFIX)/share/man/man1/doppel.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/doppel $(DESTDIR)$(PREFIX)/include/doppel.h \
	  $(DESTDIR)$(PREFIX)/lib/libdoppel.a $(DESTDIR)$(PREFIX)/lib/libdoppel.so* \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig/libdoppel.pc \
	  $(DESTDIR)$(PREFIX)/share/man/man1/doppel.1

# ----------------------------------------------------------------- format

FORMAT_FILES := $(wildcard include/*.h lib/*.c lib/*.h lib/*/*.c lib/*/*.cpp lib/*/*.h \
                  programs/*.c programs/*.h)
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf build
