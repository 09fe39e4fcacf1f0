build-noseccomp/obj/checkd/check_poll.o: checkd/check_poll.c \
 checkd/checkd.h common/conf.h common/msg.h common/log.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
common/log.h:
