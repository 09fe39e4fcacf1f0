/*
 * Loading the configuration and reloading it, per process.
 *
 * had parses the whole file; if that fails nothing changes anywhere.
 * Otherwise each targeted process's part is compared with what it runs
 * and a RECONF sequence goes only to those whose part changed.  The
 * client waits for every child's RECONF_DONE and gets a summary.
 */
#include <sys/types.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event.h>

#include "conf.h"
#include "had.h"
#include "log.h"

static const char *short_name[PROC_MAX] = { "had", "vrrp", "lvs", "check",
    "bfd" };

static struct {
	int			 active;
	uint32_t		 client;
	int			 pending[PROC_MAX];
	struct conf_blob	 old[PROC_MAX];		/* to restore */
	char			 summary[PROC_MAX][HAD_REASONLEN];
	char			 names[PROC_MAX][500];	/* by name */
	int			 failed;
	struct event		*timeout_ev;
} rl;

static struct had_conf *
reload_parse(uint32_t client)
{
	struct conf_diags	 diags;
	struct conf_diag	*d;
	struct conf_opts	 opts;
	struct had_conf		*conf;
	char			 line[600];

	memset(&opts, 0, sizeof(opts));
	opts.config_id = env->config_id;
	conf_diags_init(&diags);
	conf = conf_load(env->conffile, &opts, &diags);
	TAILQ_FOREACH(d, &diags, entry) {
		snprintf(line, sizeof(line), "%s:%d:%d: %s: %s%s%s%s",
		    d->file, d->line, d->col,
		    d->level == CONF_ERR ? "error" : "warning", d->msg,
		    d->hint[0] ? " (" : "", d->hint, d->hint[0] ? ")" : "");
		if (d->level == CONF_ERR)
			log_warnx("%s", line);
		else
			log_info("%s", line);
		if (client != 0)
			control_text(client, d->level == CONF_ERR ? 2 : 1,
			    "%s", line);
	}
	conf_diags_free(&diags);
	return (conf);
}

/*
 * Give the heap that a parse (its tree) or the config before a reload
 * left free back to the kernel: glibc keeps it otherwise, and had's RSS
 * stayed at the peak of old and new configs together, double the size
 * after one reload of 20,000 real servers.
 */
static void
reload_trim(void)
{
	malloc_trim(0);
}

int
reload_load_initial(void)
{
	struct had_conf	*conf;
	enum had_proc	 p;

	if ((conf = reload_parse(0)) == NULL) {
		log_warnx("%s: configuration has errors; not starting",
		    env->conffile);
		return (-1);
	}
	for (p = PROC_VRRP; p < PROC_MAX; p++)
		if (conf_blob_build(&env->blobs[p], conf, p) == -1)
			fatal("building the configuration of %s",
			    proc_name(p));
	env->conf = conf;
	env->generation = 1;
	reload_trim();
	return (0);
}

static void
reload_finish(void)
{
	enum had_proc	 p;
	uint32_t	 client = rl.client;
	int		 failed = rl.failed;
	char		 all[256];

	all[0] = '\0';

	for (p = PROC_VRRP; p < PROC_MAX; p++) {
		if (rl.summary[p][0] == '\0')
			continue;
		log_info("reload: %s: %s", short_name[p], rl.summary[p]);
		control_text(client, 0, "%s: %s", short_name[p],
		    rl.summary[p]);
		/* What changed by name, unless the child refused it. */
		if (rl.names[p][0] != '\0' && strncmp(rl.summary[p],
		    "refused", 7) != 0) {
			log_info("reload: %s: %s", short_name[p],
			    rl.names[p]);
			control_text(client, 0, "%s: %s", short_name[p],
			    rl.names[p]);
		}
		snprintf(all + strlen(all), sizeof(all) - strlen(all),
		    "%s%s: %s", all[0] ? "; " : "", short_name[p],
		    rl.summary[p]);
		conf_blob_free(&rl.old[p]);
	}
	if (rl.timeout_ev != NULL)
		evtimer_del(rl.timeout_ev);
	rl.active = 0;
	sd_notifyf("READY=1\nSTATUS=reload %s", failed ? "incomplete" :
	    "done");
	event_record("reload", env->conffile, "%s%s%s",
	    failed ? "incomplete" : "done", all[0] ? ": " : "", all);
	if (failed)
		control_end(client, 1, "reload incomplete");
	else
		control_end(client, 0, "reload done");
	reload_trim();
}

static int
reload_pending(void)
{
	enum had_proc	 p;

	for (p = PROC_VRRP; p < PROC_MAX; p++)
		if (rl.pending[p])
			return (1);
	return (0);
}

static void
reload_timeout(int fd, short ev, void *arg)
{
	enum had_proc	 p;

	for (p = PROC_VRRP; p < PROC_MAX; p++) {
		if (!rl.pending[p])
			continue;
		rl.pending[p] = 0;
		rl.failed = 1;
		snprintf(rl.summary[p], sizeof(rl.summary[p]),
		    "no answer within %d ms", RECONF_TIMEOUT_MS);
	}
	reload_finish();
}

void
reload_request(uint32_t client, enum ctl_reload_target target)
{
	struct had_conf		*conf;
	struct had_conf		*old;
	struct conf_blob	 nb;
	struct timeval		 tv;
	enum had_proc		 p;

	if (rl.active) {
		control_end(client, 1, "a reload is already in progress");
		return;
	}
	if ((conf = reload_parse(client)) == NULL) {
		log_warnx("reload: %s has errors; the running configuration "
		    "stays", env->conffile);
		control_end(client, 1, "%s has errors; the running "
		    "configuration is unchanged", env->conffile);
		return;
	}
	/* Sockets and children are in the namespace: only a restart moves. */
	if (strcmp(conf->global.net_namespace,
	    env->conf->global.net_namespace) != 0) {
		log_warnx("reload: net_namespace changed from '%s' to '%s': "
		    "it changes only with a restart; the running "
		    "configuration stays", env->conf->global.net_namespace,
		    conf->global.net_namespace);
		control_end(client, 1, "net_namespace cannot change on a "
		    "reload (as in keepalived): restart had; the running "
		    "configuration is unchanged");
		conf_free(conf);
		return;
	}
	sd_notifyf("RELOADING=1");
	memset(rl.summary, 0, sizeof(rl.summary));
	memset(rl.names, 0, sizeof(rl.names));
	memset(rl.pending, 0, sizeof(rl.pending));
	rl.client = client;
	rl.failed = 0;
	rl.active = 1;
	env->generation++;

	for (p = PROC_VRRP; p < PROC_MAX; p++) {
		if (target != CTL_RELOAD_ALL && (int)target != (int)p)
			continue;
		if (conf_blob_build(&nb, conf, p) == -1)
			fatal("building the configuration of %s",
			    proc_name(p));
		if (conf_blob_equal(&nb, &env->blobs[p])) {
			conf_blob_free(&nb);
			strlcpy(rl.summary[p], "unchanged",
			    sizeof(rl.summary[p]));
			continue;
		}
		rl.old[p] = env->blobs[p];
		env->blobs[p] = nb;
		conf_diff_names(env->conf, conf, p, rl.names[p],
		    sizeof(rl.names[p]));
		if (!child_started(p)) {
			/* Its first work: started, its RECONF_DONE awaited. */
			if (child_start_wanted(p, conf)) {
				rl.pending[p] = 1;
				continue;
			}
			if (!child_wanted(p, conf)) {
				snprintf(rl.summary[p], sizeof(rl.summary[p]),
				    "not started: %s", child_idle_why(p));
				rl.names[p][0] = '\0';
				continue;
			}
		}
		if (!child_is_up(p)) {
			strlcpy(rl.summary[p], "not running; it gets the new "
			    "configuration when it restarts",
			    sizeof(rl.summary[p]));
			continue;
		}
		rl.pending[p] = 1;
		child_send_config(p);
	}
	/* Scripts, notify and track files follow the newest file. */
	if (target == CTL_RELOAD_ALL || target == CTL_RELOAD_LVS)
		script_lvs_removed(env->conf, conf);
	old = env->conf;
	env->conf = conf;
	track_files_apply(old);
	conf_free(old);

	if (!reload_pending()) {
		reload_finish();
		return;
	}
	if (rl.timeout_ev == NULL)
		rl.timeout_ev = evtimer_new(env->base, reload_timeout, NULL);
	tv.tv_sec = RECONF_TIMEOUT_MS / 1000;
	tv.tv_usec = (RECONF_TIMEOUT_MS % 1000) * 1000;
	evtimer_add(rl.timeout_ev, &tv);
}

void
reload_child_done(enum had_proc p, const struct msg_reconf_done *done)
{
	if (done->error)
		log_warnx("%s refused configuration generation %llu: %s",
		    proc_name(p), (unsigned long long)done->generation,
		    done->reason);
	/* A child's first config (start, respawn): its buffers are free. */
	if (!rl.active && !done->error)
		reload_trim();
	if (!rl.active || !rl.pending[p] ||
	    done->generation != env->children[p].generation)
		return;
	rl.pending[p] = 0;
	if (done->error) {
		rl.failed = 1;
		/* The child keeps its old config: so do we. */
		conf_blob_free(&env->blobs[p]);
		env->blobs[p] = rl.old[p];
		memset(&rl.old[p], 0, sizeof(rl.old[p]));
		snprintf(rl.summary[p], sizeof(rl.summary[p]),
		    "refused the new configuration: %s", done->reason);
	} else
		snprintf(rl.summary[p], sizeof(rl.summary[p]),
		    "%u added, %u changed, %u removed, %u unchanged",
		    done->added, done->changed, done->removed,
		    done->unchanged);
	if (!reload_pending())
		reload_finish();
}

void
reload_child_gone(enum had_proc p)
{
	if (!rl.active || !rl.pending[p])
		return;
	rl.pending[p] = 0;
	strlcpy(rl.summary[p], "died during the reload; it restarts with the "
	    "new configuration", sizeof(rl.summary[p]));
	if (!reload_pending())
		reload_finish();
}
