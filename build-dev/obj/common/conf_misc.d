build-dev/obj/common/conf_misc.o: common/conf_misc.c common/conf.h \
 common/msg.h common/conf_misc.h
common/conf.h:
common/msg.h:
common/conf_misc.h:
