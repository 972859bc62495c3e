/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/cli.h: the subcommands whose command lines are parsed outside lazytrace.c (the offline
 * ones, cli_replay.c). Each takes argv[0] as the subcommand's name and returns the process's
 * exit status: 2 for a usage error (one line on stderr), 0 for --help.
 */
#ifndef LT_CLI_H
#define LT_CLI_H

int cmd_dump(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_compare(int argc, char **argv);

#endif /* LT_CLI_H */
