build-noseccomp/obj/common/conf_parse.o: common/conf_parse.c \
 common/conf.h common/msg.h
common/conf.h:
common/msg.h:
