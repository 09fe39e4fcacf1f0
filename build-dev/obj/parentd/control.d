build-dev/obj/parentd/control.o: parentd/control.c parentd/had.h \
 common/conf_diff.h common/msg.h common/imsg.h common/msg.h common/log.h
parentd/had.h:
common/conf_diff.h:
common/msg.h:
common/imsg.h:
common/msg.h:
common/log.h:
