build-dev/obj/common/conf_lex.o: common/conf_lex.c common/conf.h \
 common/msg.h
common/conf.h:
common/msg.h:
