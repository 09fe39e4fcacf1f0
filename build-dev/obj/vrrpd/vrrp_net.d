build-dev/obj/vrrpd/vrrp_net.o: vrrpd/vrrp_net.c common/log.h \
 vrrpd/vrrpd.h common/conf.h common/msg.h common/msg.h \
 vrrpd/vrrp_packet.h vrrpd/vrrp_state.h
common/log.h:
vrrpd/vrrpd.h:
common/conf.h:
common/msg.h:
common/msg.h:
vrrpd/vrrp_packet.h:
vrrpd/vrrp_state.h:
