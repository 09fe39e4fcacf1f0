build-noseccomp/obj/checkd/check_tcp.o: checkd/check_tcp.c \
 checkd/checkd.h common/conf.h common/msg.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
