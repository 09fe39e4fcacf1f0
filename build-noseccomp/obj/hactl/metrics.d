build-noseccomp/obj/hactl/metrics.o: hactl/metrics.c hactl/hactl.h \
 common/msg.h
hactl/hactl.h:
common/msg.h:
