build-dev/obj/vrrpd/vrrpd.o: vrrpd/vrrpd.c common/child.h common/imsg.h \
 common/msg.h common/conf.h common/imsg.h common/log.h vrrpd/vrrpd.h \
 common/msg.h vrrpd/vrrp_packet.h vrrpd/vrrp_state.h
common/child.h:
common/imsg.h:
common/msg.h:
common/conf.h:
common/imsg.h:
common/log.h:
vrrpd/vrrpd.h:
common/msg.h:
vrrpd/vrrp_packet.h:
vrrpd/vrrp_state.h:
