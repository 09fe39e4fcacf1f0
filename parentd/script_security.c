/*
 * enable_script_security: a script that runs as root must not be one
 * that another user could change.  keepalived's rule: the program (the
 * first word of the command, looked up in PATH when it has no slash),
 * and every directory on its real path, must belong to root and be
 * writable by nobody else (group-writable only for group root).
 * Checked before every run, so a file changed since the last reload is
 * caught.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "had.h"

#define SCRIPT_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
			"/sbin:/bin"

/* Another user than root may write st's file. */
static int
unsafe_mode(const struct stat *st)
{
	if (st->st_uid != 0)
		return (1);
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0)
		return (1);
	return ((st->st_mode & S_IWOTH) != 0);
}

/* The program a command runs: its first word, found in PATH. */
static int
script_program(const char *cmd, char *out, size_t len)
{
	char		 word[PATH_MAX], dir[PATH_MAX];
	const char	*p, *q;
	size_t		 n;

	while (*cmd == ' ' || *cmd == '\t')
		cmd++;
	n = strcspn(cmd, " \t");
	if (n == 0 || n >= sizeof(word))
		return (-1);
	memcpy(word, cmd, n);
	word[n] = '\0';
	if (strchr(word, '/') != NULL)
		return (strlcpy(out, word, len) < len ? 0 : -1);
	for (p = SCRIPT_PATH; *p != '\0'; p = *q ? q + 1 : q) {
		q = p + strcspn(p, ":");
		if ((size_t)(q - p) >= sizeof(dir))
			continue;
		memcpy(dir, p, q - p);
		dir[q - p] = '\0';
		if ((size_t)snprintf(out, len, "%s/%s", dir, word) >= len)
			continue;
		if (access(out, X_OK) == 0)
			return (0);
	}
	return (-1);
}

/*
 * 0: cmd may run as root.  -1: it may not; why says which file, for the
 * log.
 */
int
script_security_check(const char *cmd, char *why, size_t len)
{
	char		 prog[PATH_MAX], real[PATH_MAX], *slash;
	struct stat	 st;

	if (script_program(cmd, prog, sizeof(prog)) == -1) {
		snprintf(why, len, "its program is not found");
		return (-1);
	}
	if (realpath(prog, real) == NULL) {
		snprintf(why, len, "%s: %s", prog, strerror(errno));
		return (-1);
	}
	for (;;) {
		if (stat(real, &st) == -1) {
			snprintf(why, len, "%s: %s", real, strerror(errno));
			return (-1);
		}
		if (unsafe_mode(&st)) {
			snprintf(why, len, "%s may be changed by a user other "
			    "than root", real);
			return (-1);
		}
		if ((slash = strrchr(real, '/')) == NULL || real[1] == '\0')
			break;
		if (slash == real)
			slash[1] = '\0';	/* "/" itself last */
		else
			*slash = '\0';
	}
	return (0);
}
