build-dev/obj/lvsd/main.o: lvsd/main.c common/child.h common/imsg.h \
 common/msg.h common/log.h lvsd/lvs_ipvs.h common/msg.h lvsd/lvsd.h \
 common/conf.h
common/child.h:
common/imsg.h:
common/msg.h:
common/log.h:
lvsd/lvs_ipvs.h:
common/msg.h:
lvsd/lvsd.h:
common/conf.h:
