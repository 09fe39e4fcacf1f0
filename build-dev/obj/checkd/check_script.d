build-dev/obj/checkd/check_script.o: checkd/check_script.c \
 checkd/checkd.h common/conf.h common/msg.h common/child.h common/imsg.h \
 common/imsg.h common/log.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
common/child.h:
common/imsg.h:
common/imsg.h:
common/log.h:
