build-dev/obj/checkd/check_suspend.o: checkd/check_suspend.c \
 checkd/checkd.h common/conf.h common/msg.h common/imsg.h common/log.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
common/imsg.h:
common/log.h:
