/*
 * A process's part of the configuration as the list of items sent to it:
 * what had keeps per child (to resend after a respawn) and what reloads
 * compare.
 */
#ifndef HAD_CONF_DIFF_H
#define HAD_CONF_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#include "conf.h"

struct conf_kw;

/*
 * An object's identity: what a reload adds, changes and removes by, and
 * what the children carry state across by.
 */
struct conf_okey {
	uint32_t	 kind;
	uint32_t	 type;		/* virtual_server: VS_TYPE_* */
	uint32_t	 protocol;
	uint32_t	 fwmark;
	uint16_t	 port;
	uint8_t		 pad[2];
	struct conf_addr addr;
	char		 name[HAD_NAMELEN];
};

/* What a change does to an object (conf_kw_diff). */
#define CONF_CHG_NONE	0
#define CONF_CHG_SOFT	1	/* applied in place */
#define CONF_CHG_HARD	2	/* stopped and started again */

struct conf_blob_item {
	uint32_t	kind;
	uint32_t	len;
	size_t		off;
};

struct conf_blob {
	uint8_t			*buf;
	size_t			 len;
	size_t			 cap;
	struct conf_blob_item	*items;
	size_t			 nitems;
	size_t			 itemcap;
};

int		 conf_blob_build(struct conf_blob *, const struct had_conf *,
		    enum had_proc);
void		 conf_blob_free(struct conf_blob *);
const void	*conf_blob_body(const struct conf_blob *, size_t);
int		 conf_blob_equal(const struct conf_blob *,
		    const struct conf_blob *);
/* Objects added, changed, removed and unchanged, in that order. */
void		 conf_diff_count(const struct had_conf *,
		    const struct had_conf *, enum had_proc, uint32_t *,
		    uint32_t *, uint32_t *, uint32_t *);
/* The same by name, for hactl reload. */
void		 conf_diff_names(const struct had_conf *,
		    const struct had_conf *, enum had_proc, char *, size_t);
/* Keyword by keyword of the object's table; the names go to why. */
int		 conf_kw_diff(const struct conf_kw *, const void *,
		    const void *, const struct had_conf *,
		    const struct had_conf *, char *, size_t);
int		 conf_global_diff(const struct had_conf *,
		    const struct had_conf *, char *, size_t);
int		 conf_instance_diff(const struct had_conf *,
		    const struct conf_instance *, const struct had_conf *,
		    const struct conf_instance *, int, char *, size_t);
void		 conf_vs_key(const struct vs_conf *, struct conf_okey *);
int		 conf_vs_same(const struct vs_conf *,
		    const struct vs_conf *);
uint32_t	 conf_vs_hash(const struct vs_conf *);
int		 conf_rs_same(const struct rs_conf *,
		    const struct rs_conf *);
int		 conf_check_diff(const struct conf_check *,
		    const struct conf_check *);

#endif /* HAD_CONF_DIFF_H */
