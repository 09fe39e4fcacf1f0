build-noseccomp/obj/common/sandbox.o: common/sandbox.c common/log.h \
 common/proc.h common/sandbox.h common/msg.h
common/log.h:
common/proc.h:
common/sandbox.h:
common/msg.h:
