build-dev/obj/vrrpd/vrrp_arp.o: vrrpd/vrrp_arp.c common/log.h \
 vrrpd/vrrpd.h common/conf.h common/msg.h common/msg.h \
 vrrpd/vrrp_packet.h vrrpd/vrrp_state.h
common/log.h:
vrrpd/vrrpd.h:
common/conf.h:
common/msg.h:
common/msg.h:
vrrpd/vrrp_packet.h:
vrrpd/vrrp_state.h:
