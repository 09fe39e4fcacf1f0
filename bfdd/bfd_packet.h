/*
 * BFD control packets (RFC 5880 4.1, 6.8.6): parsing with every check the
 * RFC asks for before a session is even looked up, and building.  Pure:
 * no sockets, no clock.
 */
#ifndef HAD_BFD_PACKET_H
#define HAD_BFD_PACKET_H

#include <stddef.h>
#include <stdint.h>

#define BFD_VERSION		1
#define BFD_PKT_LEN		24	/* without authentication */
#define BFD_PORT		3784	/* RFC 5881 single hop */
#define BFD_SPORT_MIN		49152	/* RFC 5881 4: source ports */
#define BFD_SPORT_MAX		65535
#define BFD_TTL			255

enum bfd_state {
	BFD_STATE_ADMIN_DOWN = 0,
	BFD_STATE_DOWN,
	BFD_STATE_INIT,
	BFD_STATE_UP,
	BFD_STATE_MAX
};

/* Diagnostic codes, RFC 5880 4.1. */
enum bfd_diag {
	BFD_DIAG_NONE = 0,
	BFD_DIAG_TIME_EXPIRED,		/* Control Detection Time Expired */
	BFD_DIAG_ECHO_FAILED,
	BFD_DIAG_NEIGHBOR_DOWN,		/* Neighbor Signaled Session Down */
	BFD_DIAG_FWD_RESET,
	BFD_DIAG_PATH_DOWN,
	BFD_DIAG_CONCAT_DOWN,
	BFD_DIAG_ADMIN_DOWN,
	BFD_DIAG_REV_CONCAT_DOWN,
	BFD_DIAG_MAX
};

#define BFD_FLAG_P		0x20	/* Poll */
#define BFD_FLAG_F		0x10	/* Final */
#define BFD_FLAG_C		0x08	/* Control Plane Independent */
#define BFD_FLAG_A		0x04	/* Authentication Present */
#define BFD_FLAG_D		0x02	/* Demand */
#define BFD_FLAG_M		0x01	/* Multipoint */

struct bfd_pkt {
	uint8_t		version;
	uint8_t		diag;
	uint8_t		state;		/* enum bfd_state */
	uint8_t		flags;		/* BFD_FLAG_* */
	uint8_t		mult;
	uint8_t		len;
	uint32_t	my_discr;
	uint32_t	your_discr;
	uint32_t	desired_tx_us;
	uint32_t	required_rx_us;
	uint32_t	required_echo_rx_us;
};

/*
 * Why a received packet was dropped: parse checks first, then what
 * bfdd checks around them.  bfd_drop_name() has the names, which
 * `hactl show bfd -j' prints as keys.
 */
enum bfd_drop {
	BFD_DROP_NONE = 0,
	BFD_DROP_SHORT,		/* fewer bytes than a packet */
	BFD_DROP_VERSION,	/* version not 1 */
	BFD_DROP_LENGTH,	/* length field too small or past the data */
	BFD_DROP_MULT,		/* detect mult 0 */
	BFD_DROP_MULTIPOINT,	/* M bit */
	BFD_DROP_MY_DISCR,	/* my discriminator 0 */
	BFD_DROP_YOUR_DISCR,	/* your discriminator 0 while not Down */
	BFD_DROP_AUTH,		/* A bit: no authentication configured */
	BFD_DROP_UNKNOWN_DISCR,	/* your discriminator matches no session */
	BFD_DROP_NO_SESSION,	/* from an address with no session */
	BFD_DROP_TTL,		/* TTL or hop limit below the floor */
	BFD_DROP_ADMIN_DOWN,	/* our session is AdminDown */
	BFD_DROP_MAX
};

int		 bfd_pkt_parse(const uint8_t *, size_t, struct bfd_pkt *);
size_t		 bfd_pkt_build(const struct bfd_pkt *, uint8_t *, size_t);
int		 bfd_ttl_ok(unsigned int, unsigned int);
const char	*bfd_state_name(unsigned int);
const char	*bfd_diag_name(unsigned int);
const char	*bfd_drop_name(unsigned int);

#endif /* HAD_BFD_PACKET_H */
