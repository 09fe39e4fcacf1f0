build-noseccomp/obj/common/conf_wire.o: common/conf_wire.c common/conf.h \
 common/msg.h
common/conf.h:
common/msg.h:
