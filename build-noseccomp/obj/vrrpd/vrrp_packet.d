build-noseccomp/obj/vrrpd/vrrp_packet.o: vrrpd/vrrp_packet.c \
 vrrpd/vrrp_packet.h
vrrpd/vrrp_packet.h:
