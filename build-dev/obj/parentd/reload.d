build-dev/obj/parentd/reload.o: parentd/reload.c common/conf.h \
 common/msg.h parentd/had.h common/conf_diff.h common/imsg.h common/msg.h \
 common/log.h
common/conf.h:
common/msg.h:
parentd/had.h:
common/conf_diff.h:
common/imsg.h:
common/msg.h:
common/log.h:
