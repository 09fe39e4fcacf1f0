/*
 * The name under which checkd asks had to run a MISC_CHECK.  checkd sends
 * a name, never a command: had computes the same name over its own
 * config and runs the misc_path of the check that matches.
 */
#ifndef HAD_CONF_MISC_H
#define HAD_CONF_MISC_H

#include <stddef.h>

struct vs_conf;
struct rs_conf;
struct check_conf;

void	conf_misc_name(const struct vs_conf *, const struct rs_conf *,
	    const struct check_conf *, char *, size_t);

#endif /* HAD_CONF_MISC_H */
