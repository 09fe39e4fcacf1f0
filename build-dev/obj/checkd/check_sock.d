build-dev/obj/checkd/check_sock.o: checkd/check_sock.c checkd/checkd.h \
 common/conf.h common/msg.h common/log.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
common/log.h:
