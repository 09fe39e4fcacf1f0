build-dev/obj/checkd/check_dns.o: checkd/check_dns.c checkd/checkd.h \
 common/conf.h common/msg.h
checkd/checkd.h:
common/conf.h:
common/msg.h:
