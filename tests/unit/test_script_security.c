/*
 * Commands as had runs them (parentd/script_security.c): split into
 * words with keepalived's quoting, no shell; the program resolved one
 * component at a time, and with enable_script_security refused when a
 * user other than root (or the script's) could change a directory, a
 * symlink or the file on the way, or a #! interpreter.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "../../parentd/had.h"

#define NOBODY	65534

static char	 words[512];
static char	*argv[8];
static char	 why[PATH_MAX + 64];

static int
split(const char *cmd)
{
	return (script_split(cmd, words, sizeof(words), argv, 8, why,
	    sizeof(why)));
}

Test(script_split, blanks_separate_words)
{
	cr_assert_eq(split("  /bin/echo a\tb  c "), 4);
	cr_assert_str_eq(argv[0], "/bin/echo");
	cr_assert_str_eq(argv[3], "c");
	cr_assert_null(argv[4]);
}

Test(script_split, shell_operators_are_words)
{
	cr_assert_eq(split("/bin/true && /srv/x/evil.sh; rm -rf /"), 6);
	cr_assert_str_eq(argv[1], "&&");
	cr_assert_str_eq(argv[2], "/srv/x/evil.sh;");
}

Test(script_split, quotes_group)
{
	cr_assert_eq(split("/bin/sh -c 'exit 7' \"a b\"c"), 4);
	cr_assert_str_eq(argv[2], "exit 7");
	cr_assert_str_eq(argv[3], "a bc");
	cr_assert_eq(split("x 'it\"s' \"say \\\"hi\\\" \\n\""), 3);
	cr_assert_str_eq(argv[1], "it\"s");
	cr_assert_str_eq(argv[2], "say \"hi\" \\n");
	cr_assert_eq(split("x '' \"\""), 3);
	cr_assert_str_eq(argv[1], "");
}

Test(script_split, backslash_escapes)
{
	cr_assert_eq(split("x a\\ b \\'c"), 3);
	cr_assert_str_eq(argv[1], "a b");
	cr_assert_str_eq(argv[2], "'c");
	cr_assert_eq(split("x 'a\\b'"), 2);
	cr_assert_str_eq(argv[1], "a\\b");
}

Test(script_split, refused)
{
	cr_assert_eq(split("x 'open"), -1);
	cr_assert(strstr(why, "unterminated") != NULL);
	cr_assert_eq(split("x \"open"), -1);
	cr_assert_eq(split("   "), -1);
	cr_assert_eq(split("1 2 3 4 5 6 7 8"), -1);
	cr_assert_eq(split("1 2 3 4 5 6 7"), 7);
}

/* A root-owned, root-only directory to build paths in. */
static char	 base[64];

static void
mk_base(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root");
	strlcpy(base, "/run/had-unit-XXXXXX", sizeof(base));
	if (mkdtemp(base) == NULL)
		strlcpy(base, "", sizeof(base));
	cr_assert(base[0] != '\0');
	cr_assert_eq(chmod(base, 0755), 0);
}

static void
rm_base(void)
{
	char	 cmd[128];

	if (base[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
		cr_assert_eq(system(cmd), 0);
	}
}

static const char *
at(const char *rel)
{
	static char	 p[4][PATH_MAX];
	static int	 i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", base, rel);
	return (p[i]);
}

static void
file(const char *rel, const char *text, mode_t mode, uid_t uid, gid_t gid)
{
	int	 fd;

	fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, mode);
	cr_assert(fd != -1);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cr_assert_eq(chmod(at(rel), mode), 0);
	cr_assert_eq(chown(at(rel), uid, gid), 0);
}

static void
dir(const char *rel, mode_t mode, uid_t uid, gid_t gid)
{
	cr_assert_eq(mkdir(at(rel), mode), 0);
	cr_assert_eq(chmod(at(rel), mode), 0);
	cr_assert_eq(chown(at(rel), uid, gid), 0);
}

static int
resolve(const char *prog, int check, uid_t uid, struct script_file *sf)
{
	int	 r;

	r = script_resolve(prog, check, uid, sf, why, sizeof(why));
	if (r == 0)
		close(sf->fd);
	return (r);
}

Test(script_resolve, system_programs, .init = mk_base, .fini = rm_base)
{
	struct script_file	 sf;
	struct stat		 a, b;

	cr_assert_eq(resolve("/bin/true", 1, 0, &sf), 0, "%s", why);
	cr_assert_eq(sf.script, 0);
	cr_assert_eq(stat("/bin/true", &a), 0);
	cr_assert_eq(lstat(sf.path, &b), 0);
	cr_assert(S_ISREG(b.st_mode), "%s is the file, no link", sf.path);
	cr_assert(a.st_ino == b.st_ino);
	cr_assert_eq(resolve("true", 1, 0, &sf), 0, "%s", why);
	cr_assert_eq(sf.ino, a.st_ino);
	cr_assert_eq(resolve("no-such-program-here", 0, 0, &sf), -1);
	cr_assert(strstr(why, "not found") != NULL, "%s", why);
	cr_assert_eq(resolve("/bin", 0, 0, &sf), -1);
	cr_assert_eq(resolve("/bin/true/x", 0, 0, &sf), -1);
}

Test(script_resolve, world_writable_dir, .init = mk_base, .fini = rm_base)
{
	struct script_file	 sf;
	char			 tmp[] = "/tmp/had-unit-XXXXXX", p[64];
	int			 fd;

	cr_assert(mkdtemp(tmp) != NULL);
	snprintf(p, sizeof(p), "%s/s", tmp);
	fd = open(p, O_WRONLY | O_CREAT, 0755);
	cr_assert(fd != -1);
	cr_assert_eq(write(fd, "\177ELF", 4), 4);
	close(fd);
	cr_assert_eq(resolve(p, 0, 0, &sf), 0, "%s", why);
	cr_assert_eq(resolve(p, 1, 0, &sf), -1);
	cr_assert(strstr(why, "/tmp may be changed by a user other than "
	    "root") != NULL, "%s", why);
	unlink(p);
	rmdir(tmp);
}

Test(script_resolve, group_writable, .init = mk_base, .fini = rm_base)
{
	struct script_file	 sf;

	dir("g", 0775, 0, NOBODY);
	file("g/s.sh", "#!/bin/sh\nexit 0\n", 0755, 0, 0);
	cr_assert_eq(resolve(at("g/s.sh"), 1, 0, &sf), -1);
	cr_assert(strstr(why, "/g may be changed") != NULL, "%s", why);
	/* keepalived's rule: group root may write. */
	cr_assert_eq(chown(at("g"), 0, 0), 0);
	cr_assert_eq(resolve(at("g/s.sh"), 1, 0, &sf), 0, "%s", why);
	cr_assert_eq(sf.script, 1);
	cr_assert_eq(chmod(at("g/s.sh"), 0757), 0);
	cr_assert_eq(resolve(at("g/s.sh"), 1, 0, &sf), -1);
	cr_assert(strstr(why, "s.sh may be changed") != NULL, "%s", why);
}

Test(script_resolve, owners, .init = mk_base, .fini = rm_base)
{
	struct script_file	 sf;

	dir("u", 0755, NOBODY, NOBODY);
	file("u/s", "\177ELF", 0755, 0, 0);
	file("n", "\177ELF", 0755, NOBODY, NOBODY);
	cr_assert_eq(resolve(at("u/s"), 1, 0, &sf), -1);
	cr_assert(strstr(why, "/u may be changed") != NULL, "%s", why);
	cr_assert_eq(resolve(at("u/s"), 1, NOBODY, &sf), 0, "%s", why);
	cr_assert_eq(resolve(at("n"), 1, 0, &sf), -1);
	cr_assert_eq(resolve(at("n"), 1, NOBODY, &sf), 0, "%s", why);
}

Test(script_resolve, symlinks, .init = mk_base, .fini = rm_base)
{
	struct script_file	 sf;
	char			 want[PATH_MAX];

	dir("a", 0755, 0, 0);
	dir("b", 0755, 0, 0);
	file("b/s", "\177ELF", 0755, 0, 0);
	cr_assert_eq(symlink("../b/s", at("a/rel")), 0);
	cr_assert_eq(symlink(at("b"), at("a/abs")), 0);
	cr_assert_eq(symlink("loop", at("a/loop")), 0);
	strlcpy(want, at("b/s"), sizeof(want));
	cr_assert_eq(resolve(at("a/rel"), 1, 0, &sf), 0, "%s", why);
	cr_assert_str_eq(sf.path, want);
	cr_assert_eq(resolve(at("a/abs/s"), 1, 0, &sf), 0, "%s", why);
	cr_assert_str_eq(sf.path, want);
	cr_assert_eq(resolve(at("a/../a/./rel"), 1, 0, &sf), 0, "%s", why);
	cr_assert_str_eq(sf.path, want);
	cr_assert_eq(resolve(at("a/loop"), 0, 0, &sf), -1);
	/* A link someone else owns is someone else's. */
	cr_assert_eq(lchown(at("a/rel"), NOBODY, NOBODY), 0);
	cr_assert_eq(resolve(at("a/rel"), 1, 0, &sf), -1);
	cr_assert(strstr(why, "/a/rel may be changed") != NULL, "%s", why);
	/* A link into a directory someone else may write. */
	cr_assert_eq(symlink("/tmp", at("a/tmp")), 0);
	cr_assert_eq(resolve(at("a/tmp/x"), 1, 0, &sf), -1);
}

Test(script_resolve, interpreter, .init = mk_base, .fini = rm_base)
{
	struct script_file	 sf;
	char			 text[PATH_MAX + 16];

	dir("u", 0777, 0, 0);
	file("u/interp", "\177ELF", 0755, 0, 0);
	snprintf(text, sizeof(text), "#!%s -x\n", at("u/interp"));
	file("s", text, 0755, 0, 0);
	file("rel", "#! sh\n", 0755, 0, 0);
	cr_assert_eq(resolve(at("s"), 0, 0, &sf), 0, "%s", why);
	cr_assert_eq(resolve(at("s"), 1, 0, &sf), -1);
	cr_assert(strstr(why, "/u may be changed") != NULL, "%s", why);
	cr_assert_eq(resolve(at("rel"), 1, 0, &sf), -1);
	cr_assert(strstr(why, "bad #! line") != NULL, "%s", why);
}
