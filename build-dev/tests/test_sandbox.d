build-dev/tests/test_sandbox: tests/unit/test_sandbox.c common/msg.h \
 common/sandbox.h common/msg.h
common/msg.h:
common/sandbox.h:
common/msg.h:
