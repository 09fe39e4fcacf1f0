build-dev/obj/parentd/script.o: parentd/script.c common/conf.h \
 common/msg.h common/conf_misc.h parentd/had.h common/conf_diff.h \
 common/imsg.h common/msg.h common/log.h
common/conf.h:
common/msg.h:
common/conf_misc.h:
parentd/had.h:
common/conf_diff.h:
common/imsg.h:
common/msg.h:
common/log.h:
