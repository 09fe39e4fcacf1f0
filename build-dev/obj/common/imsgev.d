build-dev/obj/common/imsgev.o: common/imsgev.c common/imsg.h common/log.h \
 common/msg_contract.h common/msg.h
common/imsg.h:
common/log.h:
common/msg_contract.h:
common/msg.h:
