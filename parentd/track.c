/*
 * track_file (vrrp_track_file): had watches the files and opens them;
 * checkd reads and parses them.
 *
 * Why split it so: checkd is chrooted to an empty directory and has no
 * capability, so it cannot reach the path; had can, but a file that an
 * operator's tool writes is untrusted input, and had parses none.  So had
 * keeps one inotify descriptor on the directories of the files (the
 * events tell when to look; no polling), and on each change it opens the
 * file read-only and passes the descriptor to checkd, which reads a
 * number from it, keeps the state for `hactl show checks' and tells
 * vrrpd the value.  A read-only descriptor of a regular file gives checkd
 * no more than that file: the open refuses symbolic links (O_NOFOLLOW),
 * anything but a regular file and a file with more than one link (a hard
 * link to a file the writer of the directory could not read).  A file
 * that is missing or cannot be opened is sent as an error: it counts as
 * 0, as keepalived counts it.
 */
#include <sys/types.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "had.h"
#include "log.h"

#define TRACK_DIRS_MAX	64

struct track_dir {
	char	path[HAD_PATHLEN];
	int	wd;
};

static int		 ino_fd = -1;
static struct event	*ino_ev;
static struct track_dir	 dirs[TRACK_DIRS_MAX];
static size_t		 ndirs;
static int		 inited;	/* init_file done for the first config */

static void
track_split(const char *path, char *dir, size_t dlen, const char **base)
{
	const char	*slash = strrchr(path, '/');

	/* The parser made it absolute: there is a slash. */
	*base = slash + 1;
	if (slash == path)
		strlcpy(dir, "/", dlen);
	else
		snprintf(dir, dlen, "%.*s", (int)(slash - path), path);
}

/*
 * Opens a track file for checkd: the descriptor, or -1 with errno.  Not
 * following a symbolic link, a regular file with one link only.
 */
static int
track_open(const char *path)
{
	struct stat	 st;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC | O_NOCTTY)) == -1)
		return (-1);
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode) || st.st_nlink > 1) {
		errno = S_ISREG(st.st_mode) ? EMLINK : EINVAL;
		goto fail;
	}
	return (fd);
 fail:
	close(fd);
	return (-1);
}

static void
track_send(const struct vrrp_script_conf *sc)
{
	struct msg_track_file	 m;
	int			 fd;

	memset(&m, 0, sizeof(m));
	strlcpy(m.name, sc->name, sizeof(m.name));
	if ((fd = track_open(sc->file)) == -1)
		m.error = errno ? errno : EIO;
	if (child_compose(PROC_CHECK, IMSG_TRACK_FILE_FD, 0, fd, &m,
	    sizeof(m)) == -1) {
		log_warn("track_file %s: passing it to checkd", sc->name);
		if (fd != -1)
			close(fd);
	}
}

/* Every track file to checkd: once it has applied a configuration. */
void
track_files_send_all(void)
{
	const struct conf_script	*cs;

	if (env->conf == NULL || !child_is_up(PROC_CHECK))
		return;
	TAILQ_FOREACH(cs, &env->conf->scripts, entry)
		if (CONF_IS_TRACK_FILE(&cs->c))
			track_send(&cs->c);
}

static void
track_ino_cb(int fd, short ev, void *arg)
{
	union {
		struct inotify_event	e;
		char			buf[4096];
	} u;
	const struct inotify_event	*e;
	const struct conf_script	*cs;
	const char			*base;
	char				 dir[HAD_PATHLEN];
	ssize_t				 n, off;
	size_t				 i;
	int				 all = 0;

	if ((n = read(fd, u.buf, sizeof(u.buf))) <= 0)
		return;
	for (off = 0; off + (ssize_t)sizeof(*e) <= n;
	    off += sizeof(*e) + e->len) {
		e = (const struct inotify_event *)(u.buf + off);
		if (off + (ssize_t)(sizeof(*e) + e->len) > n)
			break;
		if (e->mask & IN_Q_OVERFLOW) {
			all = 1;
			continue;
		}
		if (e->len == 0)
			continue;
		TAILQ_FOREACH(cs, &env->conf->scripts, entry) {
			if (!CONF_IS_TRACK_FILE(&cs->c))
				continue;
			track_split(cs->c.file, dir, sizeof(dir), &base);
			for (i = 0; i < ndirs; i++)
				if (dirs[i].wd == e->wd &&
				    strcmp(dirs[i].path, dir) == 0)
					break;
			if (i < ndirs && strcmp(base, e->name) == 0)
				track_send(&cs->c);
		}
	}
	if (all)
		track_files_send_all();
}

/* init_file: as keepalived, at start (and for a file new in a reload). */
static void
track_init_file(const struct vrrp_script_conf *sc)
{
	char	 buf[16];
	int	 fd, flags, len;

	flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
	flags |= sc->init_overwrite ? O_TRUNC : O_EXCL;
	if ((fd = open(sc->file, flags, 0644)) == -1) {
		if (errno != EEXIST)
			log_warn("track_file %s: init_file %s", sc->name,
			    sc->file);
		return;
	}
	len = snprintf(buf, sizeof(buf), "%d\n", sc->init_value);
	if (write(fd, buf, len) != len)
		log_warn("track_file %s: writing %s", sc->name, sc->file);
	else
		log_info("track_file %s: %s initialised to %d", sc->name,
		    sc->file, sc->init_value);
	close(fd);
}

static int
track_was_there(const struct had_conf *old, const char *name)
{
	const struct conf_script	*cs;

	if (old == NULL)
		return (0);
	TAILQ_FOREACH(cs, &old->scripts, entry)
		if (CONF_IS_TRACK_FILE(&cs->c) && strcmp(cs->c.name,
		    name) == 0)
			return (1);
	return (0);
}

/*
 * The watches follow env->conf: a fresh inotify descriptor each time
 * (a watch per directory of a track file).  old: the configuration
 * before a reload, NULL at start.
 */
void
track_files_apply(const struct had_conf *old)
{
	const struct conf_script	*cs;
	const char			*base;
	char				 dir[HAD_PATHLEN];
	size_t				 i;
	int				 wd;

	if (ino_ev != NULL) {
		event_del(ino_ev);
		event_free(ino_ev);
		ino_ev = NULL;
	}
	if (ino_fd != -1)
		close(ino_fd);
	ino_fd = -1;
	ndirs = 0;
	TAILQ_FOREACH(cs, &env->conf->scripts, entry) {
		if (!CONF_IS_TRACK_FILE(&cs->c))
			continue;
		if (cs->c.init_file && (!inited ||
		    !track_was_there(old, cs->c.name)))
			track_init_file(&cs->c);
		if (ino_fd == -1 &&
		    (ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
			log_warn("track_file: inotify: changes to the files "
			    "are not seen");
			break;
		}
		track_split(cs->c.file, dir, sizeof(dir), &base);
		for (i = 0; i < ndirs; i++)
			if (strcmp(dirs[i].path, dir) == 0)
				break;
		if (i < ndirs)
			continue;
		if (ndirs == TRACK_DIRS_MAX) {
			log_warnx("track_file %s: more than %d directories "
			    "of track files: changes to %s are not seen",
			    cs->c.name, TRACK_DIRS_MAX, cs->c.file);
			continue;
		}
		/*
		 * A write once it is closed (not IN_MODIFY: `echo 5 > f'
		 * truncates first, and an empty file reads as 0), a rename
		 * onto it or away, a removal.
		 */
		if ((wd = inotify_add_watch(ino_fd, dir, IN_CLOSE_WRITE |
		    IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
		    IN_ONLYDIR)) == -1) {
			log_warn("track_file %s: watching %s: changes to %s "
			    "are not seen", cs->c.name, dir, cs->c.file);
			continue;
		}
		strlcpy(dirs[ndirs].path, dir, sizeof(dirs[ndirs].path));
		dirs[ndirs++].wd = wd;
	}
	inited = 1;
	if (ino_fd != -1) {
		ino_ev = event_new(env->base, ino_fd, EV_READ | EV_PERSIST,
		    track_ino_cb, NULL);
		event_add(ino_ev, NULL);
	}
	track_files_send_all();
}
