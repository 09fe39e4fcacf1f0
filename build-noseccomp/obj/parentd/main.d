build-noseccomp/obj/parentd/main.o: parentd/main.c common/conf.h \
 common/msg.h parentd/had.h common/conf_diff.h common/imsg.h common/msg.h \
 common/log.h common/proc.h
common/conf.h:
common/msg.h:
parentd/had.h:
common/conf_diff.h:
common/imsg.h:
common/msg.h:
common/log.h:
common/proc.h:
