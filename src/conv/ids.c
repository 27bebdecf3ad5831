/*
 * Conversation and item ids in OpenAI's style, one to one with the UUIDs
 * threadstore stores: "conv_" or an item prefix, then the UUID's 32 hex
 * digits. Gateways written from OpenAI's documents check the prefix, so
 * it is always there; a bare UUID is accepted too, so that the same
 * conversation is reachable as a thread.
 */
#include <ctype.h>
#include <string.h>

#include "conv.h"
#include "hexdigit.h"
#include "ids.h"

/* OpenAI's prefix for each item type it documents; "item" for the rest. */
static const struct {
	const char *type, *prefix;
} prefixes[] = {
	{ "message", "msg" }, { "function_call", "fc" }, { "function_call_output", "fco" },
	{ "reasoning", "rs" }, { "file_search_call", "fs" }, { "web_search_call", "ws" },
	{ "image_generation_call", "ig" }, { "computer_call", "cu" }, { "computer_call_output", "cuo" },
	{ "code_interpreter_call", "ci" }, { "local_shell_call", "lsh" },
	{ "local_shell_call_output", "lsho" }, { "mcp_list_tools", "mcpl" },
	{ "mcp_approval_request", "mcpr" }, { "mcp_approval_response", "mcpa" }, { "mcp_call", "mcp" },
	{ "custom_tool_call", "ctc" }, { "custom_tool_call_output", "ctco" },
};

/* 32 hex digits (either case) as 16 bytes: 0, or -1. */
static int
hex32(const char *s, uuid_t out)
{
	int i, hi, lo;

	if (strlen(s) != 32)
		return -1;
	for (i = 0; i < 16; i++) {
		if ((hi = ts_hex_digit((unsigned char)s[2 * i])) < 0 ||
		    (lo = ts_hex_digit((unsigned char)s[2 * i + 1])) < 0)
			return -1;
		out[i] = (unsigned char)(hi * 16 + lo);
	}
	return 0;
}

static void
format_hex(const unsigned char *id, char *out)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 16; i++) {
		out[2 * i] = digits[id[i] >> 4];
		out[2 * i + 1] = digits[id[i] & 15];
	}
	out[32] = '\0';
}

int
ts_conv_id_parse(const char *s, uuid_t out)
{
	if (strncmp(s, "conv_", 5) == 0)
		return hex32(s + 5, out);
	return ts_uuid_parse(s, out);
}

void
ts_conv_id_format(const unsigned char *id, char out[TS_CONV_ID_LEN + 1])
{
	memcpy(out, "conv_", 5);
	format_hex(id, out + 5);
}

/* "<1 to 8 lowercase letters>_<32 hex>": the form ts_conv_item_id_format writes. */
static int
ours(const char *s, uuid_t out)
{
	const char *us = strchr(s, '_');
	const char *p;

	if (us == NULL || us == s || us - s > 8)
		return -1;
	for (p = s; p < us; p++)
		if (!islower((unsigned char)*p))
			return -1;
	return hex32(us + 1, out);
}

/* What a client's own id may hold: OpenAI's ids are letters, digits and "_". */
static int
plain_id(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > TS_CONV_MAX_ITEM_ID_BYTES)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

int
ts_conv_item_id_parse(const unsigned char *conv, const char *s, uuid_t out, int *is_ours)
{
	*is_ours = 1;
	if (ts_uuid_parse(s, out) == 0 || ours(s, out) == 0)
		return 0;
	if (!plain_id(s))
		return -1;
	/* A client's id, named in the conversation's own namespace: the same
	 * id in two conversations is two items, as in OpenAI's store. */
	*is_ours = 0;
	uuid_generate_sha1(out, conv, s, strlen(s));
	return 0;
}

void
ts_conv_item_id_format(const char *type, const unsigned char *id, char out[TS_CONV_ITEM_ID_LEN + 1])
{
	const char *prefix = "item";
	size_t i, n;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (type != NULL && strcmp(type, prefixes[i].type) == 0)
			prefix = prefixes[i].prefix;
	n = strlen(prefix);
	memcpy(out, prefix, n);
	out[n] = '_';
	format_hex(id, out + n + 1);
}

int
ts_conv_path_ids(const struct ts_match *m, uuid_t *out)
{
	int is_ours;

	if (m->nparams > 0 && ts_conv_id_parse(m->params[0], out[0]) != 0)
		return -1;
	if (m->nparams > 1 && ts_conv_item_id_parse(out[0], m->params[1], out[1], &is_ours) != 0)
		return -1;
	return 0;
}
