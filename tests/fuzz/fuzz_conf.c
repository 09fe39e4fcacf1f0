/*
 * Configuration parser: conf_load_string() on arbitrary text in
 * keepalived's language.  A config that loads must survive the round
 * trips had relies on:
 *   print (had -n) and parse again: the same per-process items;
 *   conf_emit() to each child and conf_receive_item() there: accepted,
 *   and the same items again.
 * `include' lines are not followed (they would read the build host's
 * files): inputs that name one are skipped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_diff.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_INPUT	(64 * 1024)

static void
die(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_conf: %s\n", what);
	if (text != NULL)
		fprintf(stderr, "--- printed config ---\n%s\n---\n", text);
	abort();
}

struct rx_ctx {
	struct had_conf	*conf;
	enum had_proc	 proc;
	int		 failed;
	char		 err[256];
};

static int
rx_item(uint32_t kind, const void *body, size_t len, void *arg)
{
	struct rx_ctx	*rx = arg;

	if (conf_receive_item(rx->conf, rx->proc, kind, body, len, rx->err,
	    sizeof(rx->err)) == -1) {
		rx->failed = 1;
		return (-1);
	}
	return (0);
}

static void
check_blobs(const struct had_conf *a, const struct had_conf *b,
    const char *what, const char *text)
{
	struct conf_blob	 ba, bb;
	enum had_proc		 p;

	for (p = PROC_PARENT; p < PROC_MAX; p++) {
		memset(&ba, 0, sizeof(ba));
		memset(&bb, 0, sizeof(bb));
		if (conf_blob_build(&ba, a, p) == -1 ||
		    conf_blob_build(&bb, b, p) == -1)
			die("conf_blob_build failed", NULL);
		if (!conf_blob_equal(&ba, &bb)) {
			fprintf(stderr, "fuzz_conf: %s: items for process %d "
			    "differ\n", what, (int)p);
			die(what, text);
		}
		conf_blob_free(&ba);
		conf_blob_free(&bb);
	}
}

static void
check_wire(const struct had_conf *conf)
{
	struct rx_ctx		 rx;
	struct conf_blob	 ba, bb;
	enum had_proc		 p;

	for (p = PROC_VRRP; p < PROC_MAX; p++) {
		memset(&rx, 0, sizeof(rx));
		rx.proc = p;
		if ((rx.conf = conf_new()) == NULL)
			die("conf_new", NULL);
		if (conf_emit(conf, p, rx_item, &rx) == -1 || rx.failed) {
			fprintf(stderr, "fuzz_conf: process %d refused an "
			    "item of a valid config: %s\n", (int)p, rx.err);
			die("conf_receive_item", conf_print_string(conf));
		}
		memset(&ba, 0, sizeof(ba));
		memset(&bb, 0, sizeof(bb));
		if (conf_blob_build(&ba, conf, p) == -1 ||
		    conf_blob_build(&bb, rx.conf, p) == -1)
			die("conf_blob_build failed", NULL);
		if (!conf_blob_equal(&ba, &bb))
			die("received items differ from the sent ones",
			    conf_print_string(conf));
		conf_blob_free(&ba);
		conf_blob_free(&bb);
		conf_free(rx.conf);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_diags	 diags, diags2;
	struct had_conf		*conf, *conf2;
	char			*text, *printed, *printed2;

	if (size > MAX_INPUT)
		return (0);
	if ((text = malloc(size + 1)) == NULL)
		return (0);
	memcpy(text, data, size);
	text[size] = '\0';
	if (strstr(text, "include") != NULL) {
		free(text);
		return (0);
	}

	conf_diags_init(&diags);
	conf = conf_load_string(text, "fuzz.conf", NULL, &diags);
	(void)conf_diags_count(&diags, CONF_ERR);
	conf_diags_free(&diags);
	free(text);
	if (conf == NULL)
		return (0);

	if ((printed = conf_print_string(conf)) == NULL)
		die("conf_print_string failed", NULL);
	conf_diags_init(&diags2);
	conf2 = conf_load_string(printed, "printed.conf", NULL, &diags2);
	if (conf2 == NULL) {
		conf_diags_print(stderr, &diags2);
		die("the printed config does not load", printed);
	}
	conf_diags_free(&diags2);
	check_blobs(conf, conf2, "print and parse again", printed);
	if ((printed2 = conf_print_string(conf2)) == NULL)
		die("conf_print_string failed", NULL);
	if (strcmp(printed, printed2) != 0) {
		fprintf(stderr, "--- printed again ---\n%s\n", printed2);
		die("printing is not stable", printed);
	}
	check_wire(conf);

	free(printed);
	free(printed2);
	conf_free(conf2);
	conf_free(conf);
	return (0);
}
