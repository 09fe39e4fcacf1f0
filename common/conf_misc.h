/*
 * Naming the LVS objects of the config, shared by had and its children.
 *
 * conf_misc_name: the name under which checkd asks had to run a
 * MISC_CHECK.  checkd sends a name, never a command: had computes the
 * same name over its own config and runs the misc_path of the check
 * that matches.
 *
 * conf_lvs_id and conf_lvs_find: a virtual server and a real server by
 * value, as lvsd names them to had (IMSG_LVS_NOTIFY), and the lookup of
 * such a name in a config.  conf_vs_name and conf_rs_name: the same
 * objects for log lines ("TCP 198.18.0.100:80", "FWM 1", "group G";
 * "198.18.0.10:80").
 */
#ifndef HAD_CONF_MISC_H
#define HAD_CONF_MISC_H

#include <stddef.h>

struct had_conf;
struct vs_conf;
struct rs_conf;
struct conf_vs;
struct conf_rs;
struct conf_check;
struct msg_lvs_id;
struct msg_lvs_notify;

#define CONF_VSNAMELEN	80	/* "TCP [2001:db8::1]:65535", "group ..." */
#define CONF_RSNAMELEN	56	/* "[2001:db8::1]:65535" */

void		 conf_misc_name(const struct vs_conf *, const struct rs_conf *,
		    const struct conf_check *, char *, size_t);

void		 conf_lvs_id(const struct vs_conf *, const struct rs_conf *,
		    struct msg_lvs_id *);
const char	*conf_lvs_id_vs(const struct msg_lvs_id *, char *, size_t);
const char	*conf_lvs_id_rs(const struct msg_lvs_id *, char *, size_t);
void		 conf_addr_port(int, const void *, uint16_t, char *, size_t);
int		 conf_lvs_id_is_vs(const struct msg_lvs_id *,
		    const struct vs_conf *);
const char	*conf_vs_name(const struct vs_conf *, char *, size_t);
const char	*conf_rs_name(const struct rs_conf *, char *, size_t);
int		 conf_lvs_find(const struct had_conf *,
		    const struct msg_lvs_id *, const struct conf_vs **,
		    const struct conf_rs **);
int		 conf_lvs_notify_check(const struct had_conf *,
		    const struct msg_lvs_notify *, const struct conf_vs **,
		    const struct conf_rs **);
int		 conf_drain_parse(const char *, const char *,
		    struct msg_lvs_id *, char *, size_t);
int		 conf_drain_match(const struct msg_lvs_id *,
		    const struct vs_conf *, const struct rs_conf *);
int		 conf_drain_find(const struct had_conf *,
		    const struct msg_lvs_id *);

#endif /* HAD_CONF_MISC_H */
