build-dev/obj/parentd/sdnotify.o: parentd/sdnotify.c parentd/had.h \
 common/conf_diff.h common/msg.h common/imsg.h common/msg.h common/log.h
parentd/had.h:
common/conf_diff.h:
common/msg.h:
common/imsg.h:
common/msg.h:
common/log.h:
