/*
 * What a configured command runs, and whether it may run.
 *
 * A command is split into words as keepalived does (blanks separate
 * words, single and double quotes group them, a backslash escapes the
 * next character) and never given to a shell: a command that wants one
 * says /bin/sh -c '...'.  The program, its first word, is looked up in
 * SCRIPT_PATH when it has no slash and resolved one component at a
 * time from "/", through descriptors, without following any symlink
 * unseen.  With enable_script_security every directory, symlink and the
 * file on the way (and so for a #! script's interpreter) must belong to
 * root or to the user the script runs as, and be writable by no one
 * else (group-writable only for group root): then no other user can
 * swap what runs between the check and the exec.  The file is kept
 * open, and a binary is run from that descriptor.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "had.h"

#define SCRIPT_MAXLINKS		40	/* as the kernel's ELOOP */
#define SCRIPT_MAXINTERP	4	/* #! of #!, as the kernel */

/*
 * Split cmd into at most maxargv - 1 words, NULL-terminated in argv,
 * their text in buf (at least strlen(cmd) + 1 bytes).  The number of
 * words, or -1 with why set.
 */
int
script_split(const char *cmd, char *buf, size_t buflen, char **argv,
    int maxargv, char *why, size_t len)
{
	const char	*p = cmd;
	char		*o = buf;
	int		 argc = 0;
	char		 q;

	if (buflen < strlen(cmd) + 1) {
		snprintf(why, len, "command too long");
		return (-1);
	}
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		if (argc >= maxargv - 1) {
			snprintf(why, len, "more than %d words", maxargv - 1);
			return (-1);
		}
		argv[argc++] = o;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n') {
			if (*p == '\\') {
				if (p[1] != '\0')
					p++;
				*o++ = *p++;
				continue;
			}
			if (*p != '\'' && *p != '"') {
				*o++ = *p++;
				continue;
			}
			q = *p++;
			while (*p != '\0' && *p != q) {
				/* In "...", \ escapes only " and \, as sh. */
				if (q == '"' && *p == '\\' &&
				    (p[1] == '"' || p[1] == '\\'))
					p++;
				*o++ = *p++;
			}
			if (*p == '\0') {
				snprintf(why, len, "unterminated %c quote", q);
				return (-1);
			}
			p++;
		}
		*o++ = '\0';
	}
	argv[argc] = NULL;
	if (argc == 0) {
		snprintf(why, len, "empty command");
		return (-1);
	}
	return (argc);
}

/* Another user than root (or uid, the script's) may change it. */
static int
script_unsafe(const struct stat *st, uid_t uid)
{
	if (st->st_uid != 0 && st->st_uid != uid)
		return (1);
	if (S_ISLNK(st->st_mode))
		return (0);	/* its mode means nothing */
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0)
		return (1);
	return ((st->st_mode & S_IWOTH) != 0);
}

static void
path_append(char *cur, size_t size, const char *comp)
{
	if (strcmp(cur, "/") != 0)
		strlcat(cur, "/", size);
	strlcat(cur, comp, size);
}

static void
path_up(char *cur)
{
	char	*s;

	if ((s = strrchr(cur, '/')) == NULL || s == cur)
		strlcpy(cur, "/", 2);
	else
		*s = '\0';
}

/* Replace dirfd by fd, a directory whose path is now cur. */
static void
walk_enter(int *dirfd, int fd)
{
	close(*dirfd);
	*dirfd = fd;
}

/*
 * Resolve path (absolute) to a regular file, component by component.
 * check: refuse, with why, anything on the way that a user other than
 * root or uid could change.  On success sf->fd is the file, open for
 * reading, and sf->path its path without symlinks.
 */
static int
script_walk(const char *path, int check, uid_t uid, struct script_file *sf,
    char *why, size_t len)
{
	char		 rest[2 * PATH_MAX], tmp[2 * PATH_MAX], comp[NAME_MAX + 1];
	char		 cur[PATH_MAX], shown[PATH_MAX], bad[PATH_MAX];
	char		 target[PATH_MAX];
	struct stat	 st, st2;
	const char	*p;
	ssize_t		 n;
	size_t		 cl;
	int		 dirfd, fd, links = 0;

	bad[0] = '\0';
	if (path[0] != '/') {
		snprintf(why, len, "%s: not an absolute path", path);
		return (-1);
	}
	if (strlcpy(rest, path, sizeof(rest)) >= sizeof(rest)) {
		snprintf(why, len, "%s: path too long", path);
		return (-1);
	}
	if ((dirfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fstat(dirfd, &st) == -1) {
		snprintf(why, len, "/: %s", strerror(errno));
		if (dirfd != -1)
			close(dirfd);
		return (-1);
	}
	strlcpy(cur, "/", sizeof(cur));
	if (check && script_unsafe(&st, uid))
		strlcpy(bad, "/", sizeof(bad));
	for (p = rest;;) {
		while (*p == '/')
			p++;
		cl = strcspn(p, "/");
		if (cl == 0) {
			snprintf(why, len, "%s: is a directory", cur);
			goto fail;
		}
		if (cl > NAME_MAX) {
			snprintf(why, len, "%s: name too long", path);
			goto fail;
		}
		memcpy(comp, p, cl);
		comp[cl] = '\0';
		p += cl;
		while (*p == '/')
			p++;
		if (strcmp(comp, ".") == 0)
			continue;
		strlcpy(shown, cur, sizeof(shown));
		if (strcmp(comp, "..") == 0)
			path_up(shown);
		else
			path_append(shown, sizeof(shown), comp);
		if ((fd = openat(dirfd, comp, O_PATH | O_NOFOLLOW |
		    O_CLOEXEC)) == -1 || fstat(fd, &st) == -1) {
			snprintf(why, len, "%s: %s", shown, strerror(errno));
			if (fd != -1)
				close(fd);
			goto fail;
		}
		if (check && bad[0] == '\0' && script_unsafe(&st, uid))
			strlcpy(bad, shown, sizeof(bad));
		if (S_ISLNK(st.st_mode)) {
			n = readlinkat(fd, "", target, sizeof(target) - 1);
			close(fd);
			if (n <= 0 || ++links > SCRIPT_MAXLINKS) {
				snprintf(why, len, "%s: %s", shown, n <= 0 ?
				    strerror(errno) : strerror(ELOOP));
				goto fail;
			}
			target[n] = '\0';
			if ((size_t)snprintf(tmp, sizeof(tmp), "%s%s%s", target,
			    *p != '\0' ? "/" : "", p) >= sizeof(tmp)) {
				snprintf(why, len, "%s: path too long", shown);
				goto fail;
			}
			strlcpy(rest, tmp, sizeof(rest));
			p = rest;
			if (target[0] == '/') {
				if ((fd = open("/", O_PATH | O_DIRECTORY |
				    O_CLOEXEC)) == -1) {
					snprintf(why, len, "/: %s",
					    strerror(errno));
					goto fail;
				}
				walk_enter(&dirfd, fd);
				strlcpy(cur, "/", sizeof(cur));
			}
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			walk_enter(&dirfd, fd);
			strlcpy(cur, shown, sizeof(cur));
			continue;
		}
		if (*p != '\0') {
			snprintf(why, len, "%s: %s", shown, strerror(ENOTDIR));
			close(fd);
			goto fail;
		}
		close(fd);
		if (!S_ISREG(st.st_mode)) {
			snprintf(why, len, "%s: not a regular file", shown);
			goto fail;
		}
		if (check && script_unsafe(&st, uid)) {
			snprintf(why, len, "%s may be changed by a user other "
			    "than root%s", shown, uid != 0 ?
			    " and the script's" : "");
			goto fail;
		}
		if (bad[0] != '\0') {
			snprintf(why, len, "%s may be changed by a user other "
			    "than root%s", bad, uid != 0 ?
			    " and the script's" : "");
			goto fail;
		}
		/* What was checked is what is opened. */
		if ((fd = openat(dirfd, comp, O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1 ||
		    fstat(fd, &st2) == -1 || st2.st_dev != st.st_dev ||
		    st2.st_ino != st.st_ino) {
			snprintf(why, len, "%s: %s", shown, fd == -1 ?
			    strerror(errno) : "changed while checked");
			if (fd != -1)
				close(fd);
			goto fail;
		}
		close(dirfd);
		sf->fd = fd;
		sf->dev = st.st_dev;
		sf->ino = st.st_ino;
		strlcpy(sf->path, shown, sizeof(sf->path));
		return (0);
	}
 fail:
	close(dirfd);
	return (-1);
}

/* The interpreter a #! file names, into interp; 0 if none. */
static int
script_interp(int fd, char *interp, size_t size)
{
	char	 line[256];
	ssize_t	 n;
	size_t	 i, l;

	if ((n = pread(fd, line, sizeof(line) - 1, 0)) < 2 ||
	    line[0] != '#' || line[1] != '!')
		return (0);
	line[n] = '\0';
	for (i = 2; line[i] == ' ' || line[i] == '\t'; i++)
		;
	l = strcspn(line + i, " \t\n");
	if (l == 0 || l >= size)
		return (-1);
	memcpy(interp, line + i, l);
	interp[l] = '\0';
	return (1);
}

static int
script_resolve_depth(const char *prog, int check, uid_t uid,
    struct script_file *sf, int depth, char *why, size_t len)
{
	struct script_file	 isf;
	char			 interp[PATH_MAX], cand[PATH_MAX];
	const char		*p, *q;
	int			 r;

	memset(sf, 0, sizeof(*sf));
	sf->fd = -1;
	if (strchr(prog, '/') == NULL) {
		for (p = SCRIPT_PATH; *p != '\0'; p = *q ? q + 1 : q) {
			q = p + strcspn(p, ":");
			if ((size_t)snprintf(cand, sizeof(cand), "%.*s/%s",
			    (int)(q - p), p, prog) >= sizeof(cand))
				continue;
			if (faccessat(AT_FDCWD, cand, X_OK, AT_EACCESS) == 0)
				break;
		}
		if (*p == '\0') {
			snprintf(why, len, "%s: not found in %s", prog,
			    SCRIPT_PATH);
			return (-1);
		}
		prog = cand;
	}
	if (script_walk(prog, check, uid, sf, why, len) == -1)
		return (-1);
	if ((r = script_interp(sf->fd, interp, sizeof(interp))) == 0)
		return (0);
	sf->script = 1;
	if (r == -1 || depth >= SCRIPT_MAXINTERP || interp[0] != '/') {
		snprintf(why, len, "%s: bad #! line", sf->path);
		goto fail;
	}
	/* The kernel opens the interpreter by name: it must be as safe. */
	if (script_resolve_depth(interp, check, uid, &isf, depth + 1, why,
	    len) == -1)
		goto fail;
	close(isf.fd);
	return (0);
 fail:
	close(sf->fd);
	sf->fd = -1;
	return (-1);
}

/*
 * Find and check the program prog (a command's first word) for a run as
 * uid.  check: enable_script_security.  0 with sf->fd open, or -1 with
 * why saying which file and why, for the log.
 */
int
script_resolve(const char *prog, int check, uid_t uid, struct script_file *sf,
    char *why, size_t len)
{
	return (script_resolve_depth(prog, check, uid, sf, 0, why, len));
}
