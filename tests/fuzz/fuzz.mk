# The libFuzzer targets, built with clang, ASan and UBSan against the
# project's own sources. Kept out of the autotools build so that a plain
# `make` needs no clang. tests/fuzz/build.sh runs this from the top of the
# checkout:
#
#   make -f tests/fuzz/fuzz.mk OUT=var/fuzz -j2
#
# Objects and targets go to $(OUT); a second run rebuilds only what changed.

OUT ?= var/fuzz
CC = clang
PKGS = json-c uuid libjwt inih libmariadb libcrypto
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
# -O1 with frame pointers: fast enough to fuzz, stack traces still readable.
CFLAGS = -std=c11 -g -O1 -fno-omit-frame-pointer $(SAN) \
	-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
CPPFLAGS = -iquote include -D_GNU_SOURCE -DTS_DEFAULT_CONFIG='"/etc/threadstore/threadstore.conf"' \
	$(shell pkg-config --cflags $(PKGS))
LIBS = $(shell pkg-config --libs $(PKGS)) -lfcgi

# Everything but main() and the command line, as in libts.a. An archive, so
# each target links only the objects it reaches.
LIB_SRCS = $(filter-out src/main.c src/cli.c src/migrate.c,$(wildcard src/*.c src/*/*.c))
LIB_OBJS = $(patsubst src/%.c,$(OUT)/obj/%.o,$(LIB_SRCS))
TARGETS = $(patsubst tests/fuzz/%.c,$(OUT)/%,$(wildcard tests/fuzz/fuzz_*.c))

all: $(TARGETS)

# The library is instrumented for coverage but has no main of its own.
$(OUT)/obj/%.o: src/%.c $(wildcard include/*.h) tests/fuzz/fuzz.mk
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(OUT)/libts-fuzz.a: $(LIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

$(OUT)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(OUT)/libts-fuzz.a
	@echo "  CCLD    $@"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(OUT)/libts-fuzz.a $(LIBS)

.PHONY: all
