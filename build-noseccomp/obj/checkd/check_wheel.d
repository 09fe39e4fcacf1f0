build-noseccomp/obj/checkd/check_wheel.o: checkd/check_wheel.c \
 checkd/checkd.h common/conf.h common/msg.h common/log.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
common/log.h:
