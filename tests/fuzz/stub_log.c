/*
 * Quiet logging for the fuzz targets: every message is still formatted
 * (so a bad format argument is caught by the sanitizers) but goes
 * nowhere.  fatal() aborts: input that makes a daemon exit is a finding.
 * Set FUZZ_LOG=1 in the environment to see the messages on stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int	 verbose;

static int
log_loud(void)
{
	static int	 loud = -1;

	if (loud == -1)
		loud = getenv("FUZZ_LOG") != NULL;
	return (loud);
}

void
log_init(int debug, int facility)
{
}

void
log_procinit(const char *name)
{
}

void
log_setverbose(int v)
{
	verbose = v;
}

int
log_getverbose(void)
{
	return (verbose);
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char	 buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_loud())
		fprintf(stderr, "log: %s\n", buf);
}

void
logit(int pri, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

#define LOGFN(name)				\
void						\
name(const char *fmt, ...)			\
{						\
	va_list	 ap;				\
						\
	va_start(ap, fmt);			\
	vlog(0, fmt, ap);			\
	va_end(ap);				\
}
LOGFN(log_warn)
LOGFN(log_warnx)
LOGFN(log_info)
LOGFN(log_debug)

void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nfuzz: fatal() reached\n");
	abort();
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nfuzz: fatalx() reached\n");
	abort();
}
