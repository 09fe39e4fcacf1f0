/*
 * checkd's ha_suspend: what it accepts from lvsd (IMSG_VS_PRESENCE),
 * and which checks it skips: suspended until lvsd says the address is
 * here, resumed and suspended again as lvsd says, never for a virtual
 * server without ha_suspend or one given by fwmark.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>
#include <syslog.h>

#include <criterion/criterion.h>

#include "conf.h"
#include "imsg.h"
#include "log.h"
#include "../../checkd/checkd.h"

static const char *test_conf =
    "virtual_server 198.18.0.100 80 {\n"
    "	ha_suspend\n"
    "	real_server 198.18.0.10 80 {\n"
    "		TCP_CHECK { }\n"
    "	}\n"
    "}\n"
    "virtual_server 198.18.0.100 81 {\n"
    "	real_server 198.18.0.10 80 {\n"
    "		TCP_CHECK { }\n"
    "	}\n"
    "}\n"
    "virtual_server 2001:db8::100 80 {\n"
    "	protocol UDP\n"
    "	ha_suspend\n"
    "	real_server 2001:db8::10 80 {\n"
    "		UDP_CHECK { }\n"
    "	}\n"
    "}\n"
    "virtual_server fwmark 7 {\n"
    "	ha_suspend\n"
    "	real_server 198.18.0.10 80 {\n"
    "		TCP_CHECK { }\n"
    "	}\n"
    "}\n";

static struct had_conf	*conf;

static void
setup(void)
{
	struct conf_diags	 d;

	log_init(1, LOG_DAEMON);
	conf_diags_init(&d);
	conf = conf_load_string(test_conf, "test.conf", NULL, &d);
	if (conf == NULL)
		conf_diags_print(stderr, &d);
	conf_diags_free(&d);
	cr_assert_not_null(conf);
	check_suspend_reconf(conf);
}

static void
teardown(void)
{
	check_suspend_shutdown();
	conf_free(conf);
}

TestSuite(suspend, .init = setup, .fini = teardown);

static struct msg_vs_presence
pres(int af, const char *addr, uint16_t port, int proto, uint32_t present)
{
	struct msg_vs_presence	 m;

	memset(&m, 0, sizeof(m));
	m.vs_af = af;
	m.vs_proto = proto;
	m.vs_port = port;
	cr_assert_eq(inet_pton(af, addr, m.vs_addr), 1);
	m.present = present;
	return (m);
}

static int
deliver(const void *data, size_t len)
{
	struct imsg	 imsg;

	memset(&imsg, 0, sizeof(imsg));
	imsg.hdr.type = IMSG_VS_PRESENCE;
	imsg.hdr.len = IMSG_HDR_SIZE + len;
	imsg.fd = -1;
	imsg.data = (void *)data;
	imsg.datalen = len;
	return (check_suspend_msg(&imsg));
}

/* A check of a real server of the virtual server given by address. */
struct fake {
	struct check_rs	 rs;
	struct check	 ck;
};

static void
fake_addr(struct fake *f, int af, const char *addr, uint16_t port, int proto)
{
	memset(f, 0, sizeof(*f));
	f->rs.id.vs_type = VS_TYPE_ADDR;
	f->rs.id.vs_af = af;
	f->rs.id.vs_proto = proto;
	f->rs.id.vs_port = port;
	cr_assert_eq(inet_pton(af, addr, f->rs.id.vs_addr), 1);
	f->ck.rs = &f->rs;
}

Test(suspend, valid)
{
	struct msg_vs_presence	 m;

	m = pres(AF_INET, "198.18.0.100", 80, LVS_PROTO_TCP, 1);
	cr_assert(check_suspend_valid(&m));
	m = pres(AF_INET6, "2001:db8::100", 0, LVS_PROTO_SCTP, 0);
	cr_assert(check_suspend_valid(&m));

	m = pres(AF_INET, "198.18.0.100", 80, LVS_PROTO_TCP, 1);
	m.vs_af = 0;
	cr_assert_not(check_suspend_valid(&m), "no family");
	m.vs_af = AF_UNIX;
	cr_assert_not(check_suspend_valid(&m), "AF_UNIX");
	m = pres(AF_INET, "198.18.0.100", 80, LVS_PROTO_TCP, 1);
	m.vs_addr[4] = 1;
	cr_assert_not(check_suspend_valid(&m), "bytes after an IPv4 address");
	m = pres(AF_INET, "198.18.0.100", 80, LVS_PROTO_MAX, 1);
	cr_assert_not(check_suspend_valid(&m), "protocol");
	m = pres(AF_INET, "198.18.0.100", 80, LVS_PROTO_TCP, 2);
	cr_assert_not(check_suspend_valid(&m), "present 2");
}

Test(suspend, message_checked)
{
	struct msg_vs_presence	 m;
	struct fake		 f;
	uint8_t			 big[sizeof(m) + 1];

	m = pres(AF_INET, "198.18.0.100", 80, LVS_PROTO_TCP, 1);
	memset(big, 0, sizeof(big));
	memcpy(big, &m, sizeof(m));
	cr_assert_eq(deliver(&m, sizeof(m) - 1), -1, "short");
	cr_assert_eq(deliver(big, sizeof(big)), -1, "long");
	m.present = 7;
	cr_assert_eq(deliver(&m, sizeof(m)), -1, "bad value");
	/* None of them changed anything: still suspended. */
	fake_addr(&f, AF_INET, "198.18.0.100", 80, LVS_PROTO_TCP);
	cr_assert(check_suspend_skip(&f.ck));
}

Test(suspend, follows_lvsd)
{
	struct msg_vs_presence	 m;
	struct msg_ctl_check	 row;
	struct fake		 f;

	fake_addr(&f, AF_INET, "198.18.0.100", 80, LVS_PROTO_TCP);
	f.ck.retrying = 1;
	cr_assert(check_suspend_skip(&f.ck), "suspended until lvsd says");
	cr_assert_eq(f.ck.retrying, 0, "the round is given up");
	memset(&row, 0, sizeof(row));
	check_suspend_row(&f.ck, &row);
	cr_assert_eq(row.suspended, 1);
	cr_assert(strstr(row.reason, "suspended") != NULL, "%s", row.reason);

	m = pres(AF_INET, "198.18.0.100", 80, LVS_PROTO_TCP, 1);
	cr_assert_eq(deliver(&m, sizeof(m)), 0);
	cr_assert_not(check_suspend_skip(&f.ck), "resumed");
	memset(&row, 0, sizeof(row));
	check_suspend_row(&f.ck, &row);
	cr_assert_eq(row.suspended, 0);

	m.present = 0;
	cr_assert_eq(deliver(&m, sizeof(m)), 0);
	cr_assert(check_suspend_skip(&f.ck), "suspended again");
	check_suspend_row(&f.ck, &row);
	cr_assert_str_eq(row.reason, "suspended: 198.18.0.100 not on this "
	    "director (ha_suspend)");

	/* Another port of the same address is another virtual server. */
	m = pres(AF_INET, "198.18.0.100", 81, LVS_PROTO_TCP, 0);
	cr_assert_eq(deliver(&m, sizeof(m)), 0);
	fake_addr(&f, AF_INET, "198.18.0.100", 81, LVS_PROTO_TCP);
	cr_assert_not(check_suspend_skip(&f.ck), "no ha_suspend on :81");
}

Test(suspend, ipv6_and_protocol)
{
	struct msg_vs_presence	 m;
	struct fake		 f;

	fake_addr(&f, AF_INET6, "2001:db8::100", 80, LVS_PROTO_UDP);
	cr_assert(check_suspend_skip(&f.ck));
	m = pres(AF_INET6, "2001:db8::100", 80, LVS_PROTO_TCP, 1);
	cr_assert_eq(deliver(&m, sizeof(m)), 0);
	cr_assert(check_suspend_skip(&f.ck), "TCP is not the UDP server");
	m.vs_proto = LVS_PROTO_UDP;
	cr_assert_eq(deliver(&m, sizeof(m)), 0);
	cr_assert_not(check_suspend_skip(&f.ck));
}

Test(suspend, fwmark_ignored)
{
	struct fake	 f;

	memset(&f, 0, sizeof(f));
	f.rs.id.vs_type = VS_TYPE_FWMARK;
	f.rs.id.vs_fwmark = 7;
	f.ck.rs = &f.rs;
	cr_assert_not(check_suspend_skip(&f.ck));
}

/* lvsd may apply a reload first: what it said is kept for ours. */
Test(suspend, lvsd_first)
{
	struct msg_vs_presence	 m;
	struct fake		 f;

	m = pres(AF_INET, "198.18.0.200", 80, LVS_PROTO_TCP, 1);
	cr_assert_eq(deliver(&m, sizeof(m)), 0);
	fake_addr(&f, AF_INET, "198.18.0.200", 80, LVS_PROTO_TCP);
	cr_assert_not(check_suspend_skip(&f.ck), "not ours yet");

	conf_free(conf);
	conf = conf_load_string("virtual_server 198.18.0.200 80 {\n"
	    "	ha_suspend\n"
	    "	real_server 198.18.0.10 80 {\n"
	    "		TCP_CHECK { }\n"
	    "	}\n"
	    "}\n", "test2.conf", NULL, NULL);
	cr_assert_not_null(conf);
	check_suspend_reconf(conf);
	cr_assert_not(check_suspend_skip(&f.ck), "present, as lvsd said");
	m.present = 0;
	cr_assert_eq(deliver(&m, sizeof(m)), 0);
	cr_assert(check_suspend_skip(&f.ck));
}
