/*
 * The seccomp-bpf allowlist of each child and the report of a violation.
 */
#ifndef HAD_SANDBOX_H
#define HAD_SANDBOX_H

#include <sys/types.h>

#include <stdint.h>

#include "msg.h"

#define HAD_SANDBOX_FD		4	/* pipe to had: the refused call */
#define SANDBOX_MAGIC		0x73656363U

/* What a child writes to HAD_SANDBOX_FD before it dies. */
struct sandbox_report {
	uint32_t	magic;
	uint32_t	arch;
	int32_t		nr;
};

int	sandbox_enter(enum had_proc);
void	sandbox_describe(const struct sandbox_report *, char *, size_t);

#endif /* HAD_SANDBOX_H */
