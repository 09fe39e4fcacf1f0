build-dev/obj/common/child.o: common/child.c common/child.h common/imsg.h \
 common/msg.h common/conf.h common/conf_diff.h common/log.h common/proc.h \
 common/sandbox.h
common/child.h:
common/imsg.h:
common/msg.h:
common/conf.h:
common/conf_diff.h:
common/log.h:
common/proc.h:
common/sandbox.h:
