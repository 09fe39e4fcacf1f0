build-dev/obj/common/conf_diff.o: common/conf_diff.c common/conf.h \
 common/msg.h common/conf_diff.h
common/conf.h:
common/msg.h:
common/conf_diff.h:
