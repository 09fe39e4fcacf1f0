build-dev/obj/hactl/output.o: hactl/output.c hactl/hactl.h common/msg.h
hactl/hactl.h:
common/msg.h:
