build-dev/obj/hactl/main.o: hactl/main.c hactl/hactl.h common/msg.h \
 common/imsg.h
hactl/hactl.h:
common/msg.h:
common/imsg.h:
