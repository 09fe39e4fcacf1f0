build-noseccomp/obj/checkd/check_smtp.o: checkd/check_smtp.c \
 checkd/checkd.h common/conf.h common/msg.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
