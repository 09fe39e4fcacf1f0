build-dev/obj/checkd/check_udp.o: checkd/check_udp.c checkd/checkd.h \
 common/conf.h common/msg.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
