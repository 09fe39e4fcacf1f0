build-noseccomp/obj/checkd/main.o: checkd/main.c checkd/checkd.h \
 common/conf.h common/msg.h common/child.h common/imsg.h common/imsg.h \
 common/log.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
common/child.h:
common/imsg.h:
common/imsg.h:
common/log.h:
