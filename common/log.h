/*
 * Logging shared by every had process: syslog (daemon facility) when
 * running as a service, stderr in the foreground (-d).
 */
#ifndef HAD_LOG_H
#define HAD_LOG_H

#include <stdarg.h>

void	log_init(int debug, int facility);
void	log_procinit(const char *name);
void	log_setverbose(int verbose);
int	log_getverbose(void);
void	logit(int pri, const char *fmt, ...)
	    __attribute__((__format__(printf, 2, 3)));
void	vlog(int pri, const char *fmt, va_list ap)
	    __attribute__((__format__(printf, 2, 0)));
void	log_warn(const char *fmt, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	log_warnx(const char *fmt, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	log_info(const char *fmt, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	log_debug(const char *fmt, ...)
	    __attribute__((__format__(printf, 1, 2)));
void	fatal(const char *fmt, ...)
	    __attribute__((__format__(printf, 1, 2), __noreturn__));
void	fatalx(const char *fmt, ...)
	    __attribute__((__format__(printf, 1, 2), __noreturn__));

#endif /* HAD_LOG_H */
