build-noseccomp/obj/parentd/script_security.o: parentd/script_security.c \
 parentd/had.h common/conf_diff.h common/msg.h common/imsg.h common/msg.h
parentd/had.h:
common/conf_diff.h:
common/msg.h:
common/imsg.h:
common/msg.h:
