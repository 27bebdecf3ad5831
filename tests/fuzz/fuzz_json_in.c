/*
 * libFuzzer harness for the strict JSON parser (src/json_in.c).
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *       -Iinclude $(pkg-config --cflags json-c) tests/fuzz/fuzz_json_in.c \
 *       src/json_in.c $(pkg-config --libs json-c) -o fuzz_json_in
 *   ./fuzz_json_in -max_len=4096 corpus/
 *
 * Besides the sanitizers it checks properties that must hold for every input:
 * whatever ts_json_parse accepts, json-c's lenient parser accepts too; the
 * value serialises and parses again strictly to the same text; and an input
 * with a NUL byte is never accepted.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json_in.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *o = NULL, *again = NULL, *lenient = NULL;
	struct json_tokener *tok;
	const char *text, *text2;
	enum ts_json_status st;
	char *copy;

	st = ts_json_parse((const char *)data, size, 32, &o);
	if (st != TS_JSON_OK) {
		if (o != NULL)
			abort();
		return 0;
	}
	if (memchr(data, '\0', size) != NULL)
		abort();

	/*
	 * json-c alone accepts a superset (given one more level: its depth
	 * counts the value inside the innermost container).
	 */
	if ((copy = malloc(size + 1)) == NULL || (tok = json_tokener_new_ex(33)) == NULL)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	lenient = json_tokener_parse_ex(tok, copy, (int)size + 1);
	if (json_tokener_get_error(tok) != json_tokener_success)
		abort();
	json_tokener_free(tok);
	free(copy);

	/* What json-c writes, we read back, to the same text. */
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (ts_json_parse(text, strlen(text), 32, &again) != TS_JSON_OK)
		abort();
	text2 = json_object_to_json_string_ext(again, JSON_C_TO_STRING_PLAIN);
	if (strcmp(text, text2) != 0)
		abort();

	json_object_put(again);
	json_object_put(lenient);
	json_object_put(o);
	return 0;
}
