/*
 * checkd: health checks and the scheduling of track scripts.
 */
#ifndef HAD_CHECKD_H
#define HAD_CHECKD_H

#include <sys/queue.h>

#include <stdint.h>
#include <time.h>

#include "conf.h"

struct imsg;
struct event_base;

struct track_script {
	TAILQ_ENTRY(track_script)	 entry;
	struct vrrp_script_conf		 c;
	struct event			*timer;
	uint32_t			 id;		/* of the running request */
	int				 running;
	int				 up;
	uint32_t			 successes;	/* in a row */
	uint32_t			 failures;	/* in a row */
	uint64_t			 runs;
	int32_t				 last_status;
	uint32_t			 last_duration_ms;
	int				 last_timed_out;
	time_t				 last_change;
};
TAILQ_HEAD(track_scripts, track_script);

/* check_script.c */
void	check_script_init(struct event_base *);
void	check_script_reconf(const struct had_conf *);
int	check_script_result(struct imsg *);
void	check_script_send_all(void);

#endif /* HAD_CHECKD_H */
