build-noseccomp/obj/common/conf_compat.o: common/conf_compat.c \
 common/conf.h common/msg.h
common/conf.h:
common/msg.h:
