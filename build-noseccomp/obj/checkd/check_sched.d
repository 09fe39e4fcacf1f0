build-noseccomp/obj/checkd/check_sched.o: checkd/check_sched.c \
 checkd/checkd.h common/conf.h common/msg.h common/conf_misc.h \
 common/child.h common/imsg.h common/imsg.h common/log.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
common/conf_misc.h:
common/child.h:
common/imsg.h:
common/imsg.h:
common/log.h:
