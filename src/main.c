/*
 * threadstore: a conversation store served as JSON over FastCGI.
 * The command line is in cli.c; the request path starts at ts_handle_request
 * (app.c); the worker model is server.c.
 */
#include "cli.h"

int
main(int argc, char **argv)
{
	return ts_cli_main(argc, argv);
}
