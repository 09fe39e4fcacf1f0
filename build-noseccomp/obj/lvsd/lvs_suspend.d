build-noseccomp/obj/lvsd/lvs_suspend.o: lvsd/lvs_suspend.c common/child.h \
 common/imsg.h common/msg.h common/log.h lvsd/lvsd.h common/conf.h \
 common/msg.h
common/child.h:
common/imsg.h:
common/msg.h:
common/log.h:
lvsd/lvsd.h:
common/conf.h:
common/msg.h:
