build-dev/obj/common/imsgev.o: common/imsgev.c common/imsg.h common/log.h
common/imsg.h:
common/log.h:
