build-dev/obj/vrrpd/vrrp_state.o: vrrpd/vrrp_state.c vrrpd/vrrp_packet.h \
 vrrpd/vrrp_state.h
vrrpd/vrrp_packet.h:
vrrpd/vrrp_state.h:
