build-noseccomp/obj/common/proc.o: common/proc.c common/log.h \
 common/msg.h common/proc.h
common/log.h:
common/msg.h:
common/proc.h:
