// SPDX-License-Identifier: MIT
/* A tiny TAP producer: plan, ok / not ok, skip, diagnostics. */
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_planned = -1;
static int tap_count;
static int tap_failures;

void tap_plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* A description must stay on one line and must not start a directive. */
static void tap_put_desc(const char *desc)
{
	for (const char *p = desc; *p; p++) {
		if (*p == '\n' || *p == '\r')
			putchar(' ');
		else if (*p == '#')
			fputs("\\#", stdout);
		else
			putchar(*p);
	}
}

void tap_resume_at(int n)
{
	tap_count = n;
}

int tap_ok(int pass, const char *desc)
{
	tap_count++;
	if (!pass)
		tap_failures++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	tap_put_desc(desc);
	putchar('\n');
	fflush(stdout);
	return tap_count;
}

int tap_skip(const char *desc, const char *reason)
{
	tap_count++;
	printf("ok %d - ", tap_count);
	tap_put_desc(desc);
	printf(" # SKIP %s\n", reason);
	fflush(stdout);
	return tap_count;
}

void tap_diag_block(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;

		while (j < len && text[j] != '\n')
			j++;
		printf("# %.*s\n", (int)(j - i), text + i);
		i = j + 1;
	}
	fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	tap_diag_block(buf, (size_t)n);
}

int tap_exit_status(void)
{
	if (tap_failures)
		return 1;
	if (tap_planned >= 0 && tap_count != tap_planned)
		return 1;
	return 0;
}
