/* The application's route table (method, pattern, handler, flags), and
 * which surface each path belongs to. */
#include "agent.h"
#include "api.h"
#include "arena.h"
#include "conv.h"
#include "ks.h"
#include "page.h"
#include "router.h"
#include "v1.h"

const struct ts_route ts_routes[] = {
	{ TS_M_GET, "/api/health", ts_h_health, TS_R_IGNORES_AUTH },
	{ TS_M_GET, "/api/settings", ts_h_settings_get, TS_R_NONE },
	{ TS_M_PUT, "/api/settings", ts_h_settings_put, TS_R_BODY },
	{ TS_M_GET, "/api/threads", ts_h_threads_list, TS_R_NONE },
	{ TS_M_POST, "/api/threads", ts_h_threads_create, TS_R_BODY },
	{ TS_M_GET, "/api/threads/{thread_id}", ts_h_thread_get, TS_R_NONE },
	{ TS_M_PATCH, "/api/threads/{thread_id}", ts_h_thread_patch, TS_R_BODY },
	{ TS_M_DELETE, "/api/threads/{thread_id}", ts_h_thread_delete, TS_R_NONE },
	{ TS_M_GET, "/api/threads/{thread_id}/messages", ts_h_messages_list, TS_R_NONE },
	{ TS_M_POST, "/api/threads/{thread_id}/messages", ts_h_message_create, TS_R_BODY },
	{ TS_M_DELETE, "/api/threads/{thread_id}/messages", ts_h_messages_clear, TS_R_NONE },
	{ TS_M_POST, "/api/threads/{thread_id}/messages/batch", ts_h_messages_batch, TS_R_BODY },
	{ TS_M_POST, "/api/threads/{thread_id}/messages/context", ts_h_messages_context, TS_R_BODY },
	{ TS_M_GET, "/api/threads/{thread_id}/messages/{message_id}", ts_h_message_get, TS_R_NONE },
	{ TS_M_PATCH, "/api/threads/{thread_id}/messages/{message_id}", ts_h_message_patch, TS_R_BODY },
	{ TS_M_DELETE, "/api/threads/{thread_id}/messages/{message_id}", ts_h_message_delete, TS_R_NONE },
	/* Share links (API reference: tag shares): the owner's, and a link's
	 * reader's, whose placeholder is the token; and the page. */
	{ TS_M_POST, "/api/threads/{thread_id}/shares", ts_h_shares_create, TS_R_BODY },
	{ TS_M_GET, "/api/threads/{thread_id}/shares", ts_h_shares_list_thread, TS_R_NONE },
	{ TS_M_GET, "/api/shares", ts_h_shares_list, TS_R_NONE },
	{ TS_M_DELETE, "/api/shares/{share_id}", ts_h_share_delete, TS_R_NONE },
	{ TS_M_GET, "/api/shared/{token}", ts_h_shared_get, TS_R_NONE },
	{ TS_M_GET, "/api/shared/{token}/messages", ts_h_shared_messages, TS_R_NONE },
	{ TS_M_GET, "/s/{token}", ts_page_share, TS_R_NONE },
	/* OpenAI's Assistants API threads and messages (API reference: tag openai):
	 * GET /v1/threads is 405. */
	{ TS_M_POST, "/v1/threads", ts_v1_thread_create, TS_R_BODY },
	{ TS_M_GET, "/v1/threads/{thread_id}", ts_v1_thread_get, TS_R_NONE },
	{ TS_M_POST, "/v1/threads/{thread_id}", ts_v1_thread_modify, TS_R_BODY },
	{ TS_M_DELETE, "/v1/threads/{thread_id}", ts_v1_thread_delete, TS_R_NONE },
	{ TS_M_GET, "/v1/threads/{thread_id}/messages", ts_v1_messages_list, TS_R_NONE },
	{ TS_M_POST, "/v1/threads/{thread_id}/messages", ts_v1_message_create, TS_R_BODY },
	{ TS_M_GET, "/v1/threads/{thread_id}/messages/{message_id}", ts_v1_message_get, TS_R_NONE },
	{ TS_M_POST, "/v1/threads/{thread_id}/messages/{message_id}", ts_v1_message_modify, TS_R_BODY },
	{ TS_M_DELETE, "/v1/threads/{thread_id}/messages/{message_id}", ts_v1_message_delete, TS_R_NONE },
	/* OpenAI's Conversations API (API reference: tag conversations);
	 * GET /v1/conversations is Azure's listing of the caller's own. */
	{ TS_M_GET, "/v1/conversations", ts_conv_list, TS_R_NONE },
	{ TS_M_POST, "/v1/conversations", ts_conv_create, TS_R_BODY },
	{ TS_M_GET, "/v1/conversations/{conversation_id}", ts_conv_get, TS_R_NONE },
	{ TS_M_POST, "/v1/conversations/{conversation_id}", ts_conv_update, TS_R_BODY },
	{ TS_M_DELETE, "/v1/conversations/{conversation_id}", ts_conv_delete, TS_R_NONE },
	{ TS_M_GET, "/v1/conversations/{conversation_id}/items", ts_conv_items_list, TS_R_NONE },
	{ TS_M_POST, "/v1/conversations/{conversation_id}/items", ts_conv_items_create, TS_R_BODY },
	{ TS_M_GET, "/v1/conversations/{conversation_id}/items/{item_id}", ts_conv_item_get, TS_R_NONE },
	{ TS_M_DELETE, "/v1/conversations/{conversation_id}/items/{item_id}", ts_conv_item_delete, TS_R_NONE },
	/* DualMind's arena message list (API reference: tag arena); its
	 * /api/threads/{id}/messages is /api's own, so it lives under /arena. */
	{ TS_M_GET, "/arena/api/threads/{thread_id}/messages", ts_arena_messages_list, TS_R_NONE },
	{ TS_M_POST, "/arena/api/threads/{thread_id}/messages", ts_arena_turn_create, TS_R_BODY },
	/* The agent platform's thread messages (API reference: tag agent),
	 * with and without the app segment. */
#define TS_AGENT_ROUTES(prefix) \
	{ TS_M_GET, prefix "/threads/{thread_id}/messages", ts_agent_messages_list, TS_R_NONE }, \
	{ TS_M_POST, prefix "/threads/{thread_id}/messages", ts_agent_message_create, TS_R_BODY }, \
	{ TS_M_DELETE, prefix "/threads/{thread_id}/messages", ts_agent_messages_clear, TS_R_NONE }, \
	{ TS_M_POST, prefix "/threads/{thread_id}/messages/context", ts_agent_messages_context, TS_R_BODY }, \
	{ TS_M_DELETE, prefix "/threads/{thread_id}/messages/{message_id}", ts_agent_message_delete, TS_R_NONE }
	TS_AGENT_ROUTES("/v1/orgs/{org_id}/workspaces/{workspace_id}/apps/{app_id}/namespaces/{namespace_id}"),
	TS_AGENT_ROUTES("/v1/orgs/{org_id}/workspaces/{workspace_id}/namespaces/{namespace_id}"),
#undef TS_AGENT_ROUTES
	/* Knowledge Stack's thread messages (API reference: tag ks): its
	 * paths are OpenAI's, so they live under /ks. */
	{ TS_M_GET, "/ks/v1/threads/{thread_id}/messages", ts_ks_messages_list, TS_R_NONE },
	{ TS_M_POST, "/ks/v1/threads/{thread_id}/messages", ts_ks_message_create, TS_R_BODY },
	{ TS_M_GET, "/ks/v1/threads/{thread_id}/messages/{message_id}", ts_ks_message_get, TS_R_NONE },
};

_Static_assert(sizeof(ts_routes) / sizeof(ts_routes[0]) <= TS_MAX_ROUTES, "the matcher scores at most TS_MAX_ROUTES");
const size_t ts_nroutes = sizeof(ts_routes) / sizeof(ts_routes[0]);

const struct ts_surface *
ts_surface_of(const char *path)
{
	if (ts_arena_path(path))
		return &ts_arena_surface;
	/* Before the generic /v1: the agent platform's paths are under /v1/orgs. */
	if (ts_agent_path(path))
		return &ts_agent_surface;
	if (ts_conv_path(path))
		return &ts_conv_surface;
	if (ts_ks_path(path))
		return &ts_ks_surface;
	if (ts_page_path(path))
		return &ts_page_surface;
	if (ts_api_shared_path(path))
		return &ts_api_shared_surface;
	return ts_v1_path(path) ? &ts_v1_surface : &ts_api_surface;
}
