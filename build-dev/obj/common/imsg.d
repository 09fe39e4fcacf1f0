build-dev/obj/common/imsg.o: common/imsg.c common/imsg.h common/log.h
common/imsg.h:
common/log.h:
