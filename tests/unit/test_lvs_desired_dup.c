/*
 * lvsd's desired table for a large config: a service defined twice
 * (two virtual servers, or a group and a virtual server) counts once,
 * with the first definition, and the order of the config stays.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "conf.h"
#include "../../lvsd/lvs_ipvs.h"

static struct had_conf *
load(const char *text)
{
	struct conf_diags	 diags;
	struct had_conf		*c;

	conf_diags_init(&diags);
	c = conf_load_string(text, "t.conf", NULL, &diags);
	if (c == NULL)
		conf_diags_print(stderr, &diags);
	conf_diags_free(&diags);
	cr_assert_not_null(c);
	return (c);
}

/* n virtual servers 198.18.0.I:80, then the second again, weight 9. */
static char *
conf_text(int n)
{
	char	*buf, *p;
	size_t	 len = 256 * (size_t)(n + 2);
	int	 i;

	cr_assert_not_null(buf = malloc(len));
	p = buf;
	for (i = 0; i <= n; i++)
		p += snprintf(p, len - (p - buf),
		    "virtual_server 198.18.0.%d 80 {\n"
		    " real_server 198.19.0.%d 80 { weight %d }\n}\n",
		    i < n ? i + 1 : 2, i + 1, i < n ? 1 : 9);
	return (buf);
}

Test(desired, service_defined_twice_counts_once)
{
	struct had_conf		*c;
	struct lvs_table	 t;
	uint8_t			 a[4];
	char			*text;
	size_t			 i;
	int			 n;

	/* A few (linear search) and many (hash index). */
	for (n = 4; n <= 64; n *= 4) {
		text = conf_text(n);
		c = load(text);
		lvs_table_init(&t);
		cr_assert_eq(lvs_desired(c, NULL, &t), 0);
		cr_assert_eq(t.nsvcs, (size_t)n, "%d services", n);
		for (i = 0; i < t.nsvcs; i++) {
			inet_pton(AF_INET, "198.18.0.0", a);
			a[3] = i + 1;
			cr_expect(memcmp(t.svcs[i].addr, a, 4) == 0);
			cr_expect_eq(t.svcs[i].vs_index, i);
			cr_assert_eq(t.svcs[i].ndests, 1);
			cr_expect_eq(t.svcs[i].dests[0].weight, 1);
		}
		lvs_table_free(&t);
		conf_free(c);
		free(text);
	}
}
