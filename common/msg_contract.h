/*
 * The message contract: for each message type, who may send it to whom,
 * its payload size, the string fields that must end in a NUL, the id
 * fields and their ranges, and whether a descriptor comes with it.
 * imsgev checks every message against it before any dispatch function
 * sees it (msg_contract.c has the table).
 */
#ifndef HAD_MSG_CONTRACT_H
#define HAD_MSG_CONTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

/* The ends of a channel: the five processes and an hactl client. */
#define MSG_PEER_CTL		PROC_MAX
#define MSG_NPEERS		(PROC_MAX + 1)
#define MSG_ROUTE(from, to)	(1ULL << ((from) * MSG_NPEERS + (to)))

#define MSGC_MAXSTR		10
#define MSGC_MAXID		4

enum msgc_fd { MSGC_FD_NEVER = 0, MSGC_FD_ALWAYS, MSGC_FD_MAYBE };

/* Flags of a contract entry. */
#define MSGC_ROOT		0x1	/* a control request that changes state */

struct msgc_str {
	const char	*name;
	uint16_t	 off;
	uint16_t	 len;		/* of one string, NUL included */
	uint16_t	 count;		/* strings back to back */
};

struct msgc_id {
	const char	*name;
	uint16_t	 off;
	uint16_t	 size;		/* 1, 2 or 4 bytes, unsigned */
	uint32_t	 min;
	uint32_t	 max;
};

struct msg_contract {
	uint32_t		 type;
	const char		*name;
	uint64_t		 routes;	/* MSG_ROUTE() bits */
	uint32_t		 min;		/* payload bytes */
	uint32_t		 max;
	uint8_t			 fd;		/* enum msgc_fd */
	uint8_t			 flags;
	struct msgc_str		 strs[MSGC_MAXSTR];
	struct msgc_id		 ids[MSGC_MAXID];
};

struct imsg;

const struct msg_contract *msg_contract_find(uint32_t);
const struct msg_contract *msg_contract_table(size_t *);
int		 msg_contract_check(const struct imsg *, int, int, char *,
		    size_t);
const char	*msg_type_name(uint32_t);
const char	*msg_peer_name(int);

#endif /* HAD_MSG_CONTRACT_H */
