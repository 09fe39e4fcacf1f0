build-noseccomp/obj/lvsd/lvs_reconcile.o: lvsd/lvs_reconcile.c \
 common/child.h common/imsg.h common/msg.h common/conf.h \
 common/conf_misc.h common/log.h lvsd/lvsd.h common/msg.h lvsd/lvs_ipvs.h
common/child.h:
common/imsg.h:
common/msg.h:
common/conf.h:
common/conf_misc.h:
common/log.h:
lvsd/lvsd.h:
common/msg.h:
lvsd/lvs_ipvs.h:
