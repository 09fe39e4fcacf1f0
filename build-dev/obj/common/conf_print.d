build-dev/obj/common/conf_print.o: common/conf_print.c common/conf.h \
 common/msg.h
common/conf.h:
common/msg.h:
