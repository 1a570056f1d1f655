/* SPDX-License-Identifier: MIT */
/* A tiny TAP (Test Anything Protocol, version 12) producer. */
#ifndef KT_TAP_H
#define KT_TAP_H

#include <stddef.h>

void tap_plan(int n);
/* Continue numbering after test point n (resuming a run at n + 1). */
void tap_resume_at(int n);
/* Prints "ok N - desc" or "not ok N - desc"; returns the test number. */
int tap_ok(int pass, const char *desc);
/* "ok N - desc # SKIP reason" */
int tap_skip(const char *desc, const char *reason);
/* Prints every line of the formatted text as a "# " diagnostic line. */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints a block of text (several lines) as diagnostics. */
void tap_diag_block(const char *text, size_t len);
/* 0 iff every test point was ok (skips count as ok) and the plan was met. */
int tap_exit_status(void);

#endif
