/*
 * The split-brain guard (had's witness): vrrp_witness_next(), pure, on
 * every state, peer lost or not and witness state; the state machine
 * it steers, with a fake clock; and the witness's vrrp_script on the
 * wire: made once per witness, only to checkd and vrrpd, and refused
 * when a sender changed it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "conf.h"
#include "../../vrrpd/vrrp_packet.h"
#include "../../vrrpd/vrrp_state.h"

#define SEC	1000000ULL
#define T0	(5000 * SEC)

#define B	VRRP_STATE_BACKUP
#define M	VRRP_STATE_MASTER
#define F	VRRP_STATE_FAULT
#define I	VRRP_STATE_INIT

Test(witness, the_rule_in_full)
{
	static const struct {
		enum vrrp_state		cur;
		int			lost;
		enum vrrp_witness	w;
		enum vrrp_state		next;
	} t[] = {
		/* No witness, or up: the RFC's machine decides. */
		{ B, 1, VRRP_WITNESS_NONE, M }, { B, 1, VRRP_WITNESS_UP, M },
		{ B, 0, VRRP_WITNESS_UP, B }, { M, 0, VRRP_WITNESS_UP, M },
		{ M, 1, VRRP_WITNESS_NONE, M },
		/* Peer lost, witness not up: Fault, never Master. */
		{ B, 1, VRRP_WITNESS_DOWN, F },
		{ B, 1, VRRP_WITNESS_UNKNOWN, F },
		/* A backup that hears its master waits on. */
		{ B, 0, VRRP_WITNESS_DOWN, B },
		{ B, 0, VRRP_WITNESS_UNKNOWN, B },
		/* A master gives up on a known-down witness only. */
		{ M, 0, VRRP_WITNESS_DOWN, F }, { M, 1, VRRP_WITNESS_DOWN, F },
		{ M, 0, VRRP_WITNESS_UNKNOWN, M },
		/* Fault of the witness's: out once it is up. */
		{ F, 1, VRRP_WITNESS_UP, B }, { F, 1, VRRP_WITNESS_NONE, B },
		{ F, 1, VRRP_WITNESS_DOWN, F },
		{ F, 1, VRRP_WITNESS_UNKNOWN, F },
		/* Another Fault (tracking): the witness does not lift it. */
		{ F, 0, VRRP_WITNESS_UP, F }, { F, 0, VRRP_WITNESS_DOWN, F },
		{ I, 1, VRRP_WITNESS_DOWN, I }, { I, 0, VRRP_WITNESS_UP, I },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		cr_expect_eq(vrrp_witness_next(t[i].cur, t[i].lost, t[i].w),
		    t[i].next, "case %zu: %s lost %d witness %s -> %s, want "
		    "%s", i, vrrp_state_name(t[i].cur), t[i].lost,
		    vrrp_witness_names[t[i].w],
		    vrrp_state_name(vrrp_witness_next(t[i].cur, t[i].lost,
		    t[i].w)), vrrp_state_name(t[i].next));
}

static void
mksm(struct vrrp_sm *sm)
{
	struct vrrp_sm_config	c;

	memset(&c, 0, sizeof(c));
	c.version = 3;
	c.priority = 100;
	c.adver_int = 100;
	c.preempt = 1;
	c.primary.af = AF_INET;
	inet_pton(AF_INET, "198.18.0.2", &c.primary.in.v4);
	vrrp_sm_init(sm, &c);
}

/* As vrrpd does it: a copy says "Master", the witness says "Fault". */
Test(witness, steers_the_state_machine)
{
	struct vrrp_sm		sm, copy;
	struct vrrp_actions	act;
	uint64_t		now;

	mksm(&sm);
	vrrp_sm_startup(&sm, T0, &act);
	cr_assert_eq(act.new_state, B);
	now = act.timer_at;
	copy = sm;
	vrrp_sm_timer(&copy, now, &act);
	cr_assert_eq(act.new_state, M);
	cr_expect_eq(sm.state, B, "the copy is not the machine");
	cr_assert_eq(vrrp_witness_next(sm.state, 1, VRRP_WITNESS_DOWN), F);
	vrrp_sm_set_fault(&sm, now, 1, "witness down", &act);
	cr_expect_eq(act.new_state, F);
	cr_expect_eq(act.flags & VRRP_ACT_BECOME_MASTER, 0);
	/* The witness answers: a fresh start, Backup, then Master. */
	cr_assert_eq(vrrp_witness_next(sm.state, 1, VRRP_WITNESS_UP), B);
	vrrp_sm_set_fault(&sm, now + SEC, 0, "witness up", &act);
	cr_expect_eq(act.new_state, B);
	vrrp_sm_timer(&sm, act.timer_at, &act);
	cr_expect_eq(act.new_state, M);
	/* Master, witness down: Fault, priority 0 and the VIPs away. */
	cr_assert_eq(vrrp_witness_next(sm.state, 0, VRRP_WITNESS_DOWN), F);
	vrrp_sm_set_fault(&sm, act.timer_at, 1, "witness down", &act);
	cr_expect_eq(act.new_state, F);
	cr_expect(act.flags & VRRP_ACT_SEND_PRIO0);
	cr_expect(act.flags & VRRP_ACT_LEAVE_MASTER);
}

struct items {
	int			 n, nwit;
	struct vrrp_script_conf	 ws;
	size_t			 wlen;
};

static int
collect(uint32_t kind, const void *body, size_t len, void *arg)
{
	struct items		*it = arg;
	struct vrrp_script_conf	 s;

	it->n++;
	if (kind != CONF_ITEM_VRRP_SCRIPT)
		return 0;
	memset(&s, 0, sizeof(s));
	memcpy(&s, body, len);
	if (!CONF_IS_WITNESS(&s))
		return 0;
	it->nwit++;
	it->ws = s;
	it->wlen = len;
	return 0;
}

#define WCONF(w1, w2)							\
	"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"	\
	" witness " w1 "\n}\n"						\
	"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n"	\
	" witness " w2 "\n}\n"

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
	return c;
}

Test(witness, one_script_per_witness_for_checkd_and_vrrpd)
{
	struct had_conf	*c;
	struct items	 it;

	c = load(WCONF("198.18.3.1 interval 200 timeout 100",
	    "198.18.3.1 interval 200 timeout 100"));
	memset(&it, 0, sizeof(it));
	cr_assert_eq(conf_emit(c, PROC_CHECK, collect, &it), 0);
	cr_expect_eq(it.nwit, 1);
	cr_expect_str_eq(it.ws.name, "witness 198.18.3.1 200/100");
	cr_expect_eq(it.ws.witness_ms, 200);
	cr_expect_eq(it.ws.witness_timeout_ms, 100);
	cr_expect_eq(it.ws.script[0], '\0');
	memset(&it, 0, sizeof(it));
	cr_assert_eq(conf_emit(c, PROC_VRRP, collect, &it), 0);
	cr_expect_eq(it.nwit, 1);
	memset(&it, 0, sizeof(it));
	cr_assert_eq(conf_emit(c, PROC_LVS, collect, &it), 0);
	cr_expect_eq(it.nwit, 0);
	conf_free(c);

	c = load(WCONF("2001:db8::1", "198.18.3.1"));
	memset(&it, 0, sizeof(it));
	cr_assert_eq(conf_emit(c, PROC_CHECK, collect, &it), 0);
	cr_expect_eq(it.nwit, 2);
	cr_expect_str_eq(it.ws.name, "witness 198.18.3.1 1000/500");
	conf_free(c);
}

/* What a receiver makes of the witness script s: 0 or -1. */
static int
rx_script(const struct vrrp_script_conf *s)
{
	struct had_conf	*rx;
	char		 err[256];
	int		 r;

	cr_assert_not_null(rx = conf_new());
	r = conf_receive_item(rx, PROC_CHECK, CONF_ITEM_VRRP_SCRIPT, s,
	    sizeof(*s), err, sizeof(err));
	conf_free(rx);
	return (r);
}

/* A hostile sender's witness script: refused, whatever it changed. */
Test(witness, a_changed_witness_script_is_refused)
{
	struct had_conf		*c;
	struct items		 it;
	struct vrrp_script_conf	 s;

	c = load(WCONF("198.18.3.1", "198.18.3.1"));
	memset(&it, 0, sizeof(it));
	cr_assert_eq(conf_emit(c, PROC_CHECK, collect, &it), 0);
	conf_free(c);
	cr_expect_eq(rx_script(&it.ws), 0);
	s = it.ws;
	s.witness_ms = 5;			/* below the bound */
	cr_expect_eq(rx_script(&s), -1);
	s = it.ws;
	strlcpy(s.script, "/bin/sh -c id", sizeof(s.script));
	cr_expect_eq(rx_script(&s), -1);
	s = it.ws;
	strlcpy(s.name, "witness 198.18.9.9 1000/500", sizeof(s.name));
	cr_expect_eq(rx_script(&s), -1);
	s = it.ws;
	s.witness.af = 0;
	s.witness_ms = 0;			/* half a witness */
	cr_expect_eq(rx_script(&s), -1);
}
