build-dev/obj/checkd/check_http.o: checkd/check_http.c checkd/checkd.h \
 common/conf.h common/msg.h common/log.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
common/log.h:
