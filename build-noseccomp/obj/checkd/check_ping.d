build-noseccomp/obj/checkd/check_ping.o: checkd/check_ping.c \
 checkd/checkd.h common/conf.h common/msg.h common/imsg.h common/log.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
common/imsg.h:
common/log.h:
