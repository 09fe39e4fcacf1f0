/*
 * Unit tests for checkd's SMTP reply parser (checkd/check_smtp.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../checkd/checkd.h"

static int
parse(const char *s, size_t len, int *code, size_t *used)
{
	const char	*err = NULL;
	int		 r;

	r = smtp_reply_parse((const uint8_t *)s, len, code, used, &err);
	if (r == -1)
		cr_assert_not_null(err);
	return (r);
}

#define P(s, c, u)	parse(s, strlen(s), c, u)

Test(smtp, single_and_multi)
{
	int	 code = 0;
	size_t	 used = 0;

	cr_assert_eq(P("220 mail.test ESMTP\r\n", &code, &used), 1);
	cr_assert_eq(code, 220);
	cr_assert_eq(used, 21);
	cr_assert_eq(P("250-mail.test\r\n250-SIZE 1000\r\n250 HELP\r\n",
	    &code, &used), 1);
	cr_assert_eq(code, 250);
	cr_assert_eq(P("554\r\n", &code, &used), 1);
	cr_assert_eq(code, 554);
	cr_assert_eq(P("421 bye\n", &code, &used), 1);
	/* Only the first reply is taken. */
	cr_assert_eq(P("220 a\r\n250 b\r\n", &code, &used), 1);
	cr_assert_eq(used, 7);
}

Test(smtp, incomplete)
{
	static const char *more[] = { "", "2", "220", "220 mail",
	    "250-a\r\n", "250-a\r\n250", "250-a\r\n250 b" };
	size_t	 i, used;
	int	 code;

	for (i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		cr_assert_eq(P(more[i], &code, &used), 0, "%s", more[i]);
}

Test(smtp, garbage)
{
	static const char *bad[] = { "HTTP/1.1 200 OK\r\n", "\r\n", "22\r\n",
	    "600 no\r\n", "120 low\r\n", "2a0 x\r\n", "220x\r\n",
	    "250-a\r\n251 b\r\n", "SSH-2.0-OpenSSH\r\n" };
	size_t	 i, used;
	int	 code;
	char	*big;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(P(bad[i], &code, &used), -1, "%s", bad[i]);
	big = malloc(SMTP_LINE_MAX + 10);
	memset(big, 'x', SMTP_LINE_MAX + 10);
	memcpy(big, "220 ", 4);
	cr_assert_eq(parse(big, SMTP_LINE_MAX + 10, &code, &used), -1);
	big[SMTP_LINE_MAX + 5] = '\n';
	cr_assert_eq(parse(big, SMTP_LINE_MAX + 10, &code, &used), -1);
	free(big);
}

Test(smtp, truncation)
{
	const char	*s = "250-mail.test\r\n250-8BITMIME\r\n250 OK\r\n";
	size_t		 i, used;
	int		 code;

	for (i = 0; i < strlen(s); i++)
		cr_assert_eq(parse(s, i, &code, &used), 0, "prefix %zu", i);
	cr_assert_eq(parse(s, strlen(s), &code, &used), 1);
}

Test(smtp, random)
{
	uint8_t		 b[300];
	const char	*err;
	size_t		 i, j, len, used;
	int		 code, r;

	srandom(3);
	for (i = 0; i < 50000; i++) {
		len = random() % sizeof(b);
		for (j = 0; j < len; j++)
			b[j] = i % 2 ? random() : "0123456789 -\r\n"[random() %
			    14];
		err = NULL;
		r = smtp_reply_parse(b, len, &code, &used, &err);
		cr_assert(r >= -1 && r <= 1);
		if (r == 1) {
			cr_assert(code >= 200 && code <= 599);
			cr_assert_leq(used, len);
		}
	}
}

Test(smtp, secs)
{
	char	 b[16];

	cr_assert_str_eq(check_secs(3000, b, sizeof(b)), "3 s");
	cr_assert_str_eq(check_secs(2500, b, sizeof(b)), "2.5 s");
	cr_assert_str_eq(check_secs(250, b, sizeof(b)), "0.250 s");
}
