build-noseccomp/obj/parentd/children.o: parentd/children.c parentd/had.h \
 common/conf_diff.h common/msg.h common/imsg.h common/msg.h common/log.h \
 common/proc.h common/sandbox.h
parentd/had.h:
common/conf_diff.h:
common/msg.h:
common/imsg.h:
common/msg.h:
common/log.h:
common/proc.h:
common/sandbox.h:
