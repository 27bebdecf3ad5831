/* The subcommands of the threadstore command (see docs/threadstore.1). */
#ifndef TS_CLI_H
#define TS_CLI_H

/* Runs the command line; returns the process exit status. */
int ts_cli_main(int argc, char **argv);

#endif
