# gagas — build, run, test, bench. Plain GNU Make + pkg-config, C11.
# `make run` and `make test` install missing Debian/npm packages first
# (scripts/deps.sh), so both work on a fresh Debian 12 machine.

CC ?= cc
PKGS := libh2o-evloop sqlite3 jansson libutf8proc libsodium libcurl
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -DH2O_USE_LIBUV=0 -Isrc \
  -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
  -Wno-unused-parameter
ifeq ($(CI),true)
  WERROR := -Werror
endif
OPT ?= -O3 -g
# Link-time optimisation for the gagas binary: the filter's stages call
# across files on every post (classify runs ~8% faster with it). The objects
# are fat (machine code beside the GIMPLE), so the unit tests link them
# plainly, without a whole-program pass each. LTO= turns it off.
LTO ?= -flto=auto -ffat-lto-objects
# libcurl is not linked: src/channels/curl_dl.c loads it when a channel
# first sends (its two dozen libraries cost ~7 ms at every start), by the
# SONAME of the libcurl whose headers the build uses.
# (evaluated once, when first used: after `make test`'s deps step installed libcurl)
CURL_SONAME = $(eval CURL_SONAME := $(shell objdump -p "$$(pkg-config --variable=libdir libcurl 2>/dev/null)/libcurl.so" 2>/dev/null | awk '/SONAME/ { print $$2 }'))$(CURL_SONAME)
CFLAGS_ALL = $(CFLAGS_BASE) $(WERROR) $(OPT) $(LTO) $(SAN) $(shell pkg-config --cflags $(PKGS)) \
  -DGG_CURL_SONAME='"$(or $(CURL_SONAME),libcurl.so.4)"' $(CFLAGS)
LDLIBS_ALL = $(shell pkg-config --libs $(filter-out libcurl,$(PKGS))) -lstemmer -llinear -lxxhash -lpthread -lm -ldl $(LDLIBS)

BUILD ?= build
LIB_SRC := $(filter-out src/cli/%,$(shell find src -name '*.c' | sort))
CLI_SRC := $(shell find src/cli -name '*.c' | sort)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(shell find tests/unit -name '*.c' 2>/dev/null | sort)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

PORT ?= 8080
DB ?= var/gagas.db

.PHONY: all run test unit e2e browser asan fuzz bench format lint deps clean
all: $(BUILD)/gagas

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/libgagas.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/gagas: $(CLI_OBJ) $(BUILD)/libgagas.a
	$(CC) $(CFLAGS_ALL) -o $@ $(CLI_OBJ) $(BUILD)/libgagas.a $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libgagas.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fno-lto -Itests -o $@ $< $(BUILD)/libgagas.a $(LDLIBS_ALL) -lcriterion

deps:
	@bash scripts/deps.sh

run: deps all
	@mkdir -p $(dir $(DB))
	@bash scripts/run.sh $(BUILD)/gagas $(DB) $(PORT)

# Every test: unit (Criterion), end-to-end over HTTP, browser (playwright).
test: deps all $(UNIT_BIN)
	@bash tests/run.sh $(BUILD)

unit: all $(UNIT_BIN)
	@bash tests/run.sh $(BUILD) unit

asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	$(MAKE) BUILD=build-asan OPT="-O1 -g" LTO= SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" test

# libFuzzer targets (clang): each fuzz/NAME.c becomes build-fuzz/NAME and
# runs for FUZZ_SECONDS on its corpus; new inputs land in build-fuzz/NAME.new
# (copy the ones worth keeping into fuzz/corpus/NAME, which make test replays).
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(wildcard fuzz/*.c)
fuzz:
	@mkdir -p build-fuzz
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -DH2O_USE_LIBUV=0 \
	    -Isrc $$(pkg-config --cflags $(PKGS)) $$f $(LIB_SRC) -o build-fuzz/$$n $(LDLIBS_ALL) || exit 1; \
	  mkdir -p fuzz/corpus/$$n build-fuzz/$$n.new; \
	  build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) build-fuzz/$$n.new fuzz/corpus/$$n || exit 1; \
	done

bench: deps all
	@bash bench/run.sh $(BUILD)

format:
	clang-format -i $$(find src tests/unit -name '*.[ch]')

lint:
	@bash scripts/lint.sh

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
