/*
 * hactl output: aligned tables for people, JSON (-j) for programs.
 */
#include <sys/capability.h>

#include <stdio.h>
#include <string.h>

#include "hactl.h"
#include "msg.h"

void
json_string(FILE *f, const char *s)
{
	const unsigned char	*p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static size_t
caps_append(char *buf, size_t len, size_t off, int first, int cap)
{
	char	*name = cap_to_name(cap);

	off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
	    first ? "" : ",", name != NULL ? name : "?");
	cap_free(name);
	return (off);
}

/*
 * "cap_net_raw", "none", or for a mostly full set "all" and what is
 * missing from it ("all except cap_sys_resource").
 */
char *
caps_string(uint64_t mask, char *buf, size_t len)
{
	int	 i, bits, n = 0, missing = 0;
	size_t	 off = 0;

	bits = cap_max_bits();
	if (bits <= 0 || bits > 64)
		bits = 64;
	for (i = 0; i < bits; i++)
		if (mask & (1ULL << i))
			n++;
	buf[0] = '\0';
	if (n == 0) {
		strlcpy(buf, "none", len);
		return (buf);
	}
	if (n > bits / 2) {
		off = strlcpy(buf, "all", len);
		for (i = 0; i < bits; i++) {
			if (mask & (1ULL << i))
				continue;
			if (!missing++)
				off += snprintf(buf + off, off < len ?
				    len - off : 0, " except ");
			off = caps_append(buf, len, off, missing == 1, i);
		}
		return (buf);
	}
	for (i = 0; i < 64; i++)
		if (mask & (1ULL << i))
			off = caps_append(buf, len, off, off == 0, i);
	return (buf);
}

void
fmt_duration(int64_t s, char *buf, size_t len)
{
	if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)s / 60,
		    (long long)s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", (long long)s / 3600,
		    (long long)(s % 3600) / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", (long long)s / 86400,
		    (long long)(s % 86400) / 3600);
}

void
out_begin(struct hactl_out *o, uint32_t type)
{
	o->nrows = 0;
	if (o->json) {
		printf("[");
		return;
	}
	if (type == IMSG_CTL_SHOW_PROCS)
		printf("%-7s %7s %-6s %-14s %-20s %8s %8s  %s\n", "NAME", "PID",
		    "USER", "CAPABILITIES", "ROOT", "UPTIME", "RESTARTS",
		    "LAST EXIT");
}

void
out_proc(struct hactl_out *o, const struct msg_ctl_proc *r)
{
	char	 eff[256], prm[256], bnd[256], up[32];

	caps_string(r->cap_eff, eff, sizeof(eff));
	if (o->json) {
		caps_string(r->cap_prm, prm, sizeof(prm));
		caps_string(r->cap_bnd, bnd, sizeof(bnd));
		printf("%s\n  {\"name\": ", o->nrows ? "," : "");
		json_string(stdout, r->name);
		printf(", \"running\": %s, \"pid\": %d, \"uid\": %u, "
		    "\"user\": ", r->state ? "true" : "false", r->pid, r->uid);
		json_string(stdout, r->user);
		printf(", \"cap_eff\": \"%016llx\", \"cap_prm\": \"%016llx\", "
		    "\"cap_bnd\": \"%016llx\", \"capabilities\": ",
		    (unsigned long long)r->cap_eff,
		    (unsigned long long)r->cap_prm,
		    (unsigned long long)r->cap_bnd);
		json_string(stdout, eff);
		printf(", \"bounding\": ");
		json_string(stdout, bnd);
		printf(", \"no_new_privs\": %d, \"root\": ", r->no_new_privs);
		json_string(stdout, r->root);
		printf(", \"started\": %lld, \"uptime\": %lld, "
		    "\"restarts\": %u, \"last_exit\": ",
		    (long long)r->started, (long long)r->uptime, r->restarts);
		json_string(stdout, r->last_exit);
		printf("}");
	} else {
		if (r->state)
			fmt_duration(r->uptime, up, sizeof(up));
		else
			strlcpy(up, "down", sizeof(up));
		printf("%-7s %7d %-6s %-14s %-20s %8s %8u  %s\n", r->name,
		    r->pid, r->state ? r->user : "-", r->state ? eff : "-",
		    r->state ? r->root : "-", up, r->restarts,
		    r->last_exit[0] ? r->last_exit : "-");
	}
	o->nrows++;
}

void
out_finish(struct hactl_out *o, uint32_t type)
{
	if (o->json) {
		printf("%s]\n", o->nrows ? "\n" : "");
		return;
	}
	if (o->nrows == 0 && type != IMSG_CTL_RELOAD && type != IMSG_CTL_LOG)
		printf("(none)\n");
}
