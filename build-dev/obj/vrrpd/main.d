build-dev/obj/vrrpd/main.o: vrrpd/main.c common/child.h common/imsg.h \
 common/msg.h vrrpd/vrrpd.h common/conf.h common/msg.h \
 vrrpd/vrrp_packet.h vrrpd/vrrp_state.h
common/child.h:
common/imsg.h:
common/msg.h:
vrrpd/vrrpd.h:
common/conf.h:
common/msg.h:
vrrpd/vrrp_packet.h:
vrrpd/vrrp_state.h:
