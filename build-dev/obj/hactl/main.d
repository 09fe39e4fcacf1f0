build-dev/obj/hactl/main.o: hactl/main.c common/conf_misc.h hactl/hactl.h \
 common/msg.h common/imsg.h common/msg_contract.h common/msg.h
common/conf_misc.h:
hactl/hactl.h:
common/msg.h:
common/imsg.h:
common/msg_contract.h:
common/msg.h:
