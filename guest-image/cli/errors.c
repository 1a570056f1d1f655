// SPDX-License-Identifier: GPL-2.0
/*
 * errors.c: errno names and what they mean for kdbus.
 *
 * strerror() texts are about files and sockets ("Connection refused"); a
 * kdbus user needs the kdbus reason ("the bus requires metadata you did
 * not offer"). The meanings follow the errno tables of the kdbus
 * specification, per command where the same errno means different things.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define E(x) { x, #x }
static const struct {
	int err;
	const char *name;
} names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(ENXIO), E(E2BIG), E(EBADF), E(EAGAIN),
	E(ENOMEM), E(EACCES), E(EFAULT), E(EBUSY), E(EEXIST), E(ENOTDIR), E(EINVAL),
	E(EMFILE), E(ENOTTY), E(ETXTBSY), E(ENOSPC), E(EMLINK), E(EPIPE), E(EDOM),
	E(ENAMETOOLONG), E(EXFULL), E(EBADSLT), E(ECOMM), E(EBADMSG), E(ENOTUNIQ),
	E(EBADFD), E(EREMCHG), E(EDESTADDRREQ), E(EMSGSIZE), E(EOPNOTSUPP),
	E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENOBUFS), E(ESHUTDOWN), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EREMOTEIO), E(EMEDIUMTYPE), E(ECANCELED), E(ENODEV), E(EROFS),
};

const char *errno_name(int err)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* Command-specific meanings first ("" = any command), then generic ones. */
static const struct {
	const char *op;
	int err;
	const char *text;
} meanings[] = {
	{ "open", ENOENT, "no such bus or endpoint (see `kdbus ls`)" },
	{ "open", EACCES, "the endpoint's file mode does not let you in (see `kdbus ls`)" },
	{ "open", ESHUTDOWN, "the bus or endpoint is being shut down" },
	{ "HELLO", ECONNREFUSED, "the bus requires metadata you did not offer" },
	{ "HELLO", EPERM, "only the bus owner may connect as monitor, activator or policy holder" },
	{ "HELLO", EOPNOTSUPP, "monitors cannot connect through a custom endpoint" },
	{ "HELLO", EEXIST, "the name already has an activator, or another connection holds its policy" },
	{ "HELLO", EMFILE, "too many connections for this user (1024 per domain)" },
	{ "HELLO", EINVAL, "the kernel refused the HELLO parameters (name, flags or metadata mask)" },
	{ "BUS_MAKE", EEXIST, "a bus of that name exists already" },
	{ "BUS_MAKE", EINVAL, "bad bus name (must be <euid>-NAME; letters, digits, _ - .) or parameters" },
	{ "BUS_MAKE", EMFILE, "you own 16 buses in this domain already" },
	{ "ENDPOINT_MAKE", EPERM, "only the bus owner may make endpoints" },
	{ "ENDPOINT_MAKE", EEXIST, "an endpoint of that name exists already" },
	{ "ENDPOINT_MAKE", EINVAL, "bad endpoint name (must be <euid>-NAME)" },
	{ "ENDPOINT_UPDATE", EEXIST, "the same name appears twice in the policy" },
	{ "ENDPOINT_UPDATE", EINVAL, "a policy rule or name is invalid" },
	{ "NAME_ACQUIRE", EEXIST, "another connection owns the name (try --queue or --replace)" },
	{ "NAME_ACQUIRE", EPERM, "the bus policy does not let you own that name" },
	{ "NAME_ACQUIRE", EINVAL, "not a valid well-known name (like org.example.Name)" },
	{ "NAME_ACQUIRE", E2BIG, "this connection holds 256 names already" },
	{ "CONN_INFO", ESRCH, "nobody owns that name" },
	{ "CONN_INFO", ENXIO, "no connection with that ID" },
	{ "SEND", ESRCH, "nobody owns the destination name" },
	{ "SEND", ENXIO, "no connection with that ID (or it is not an ordinary connection)" },
	{ "SEND", EADDRNOTAVAIL, "the name is only held by an activator and auto-start was disabled" },
	{ "SEND", EPERM, "the bus policy does not let you talk to the destination" },
	{ "SEND", ETIMEDOUT, "no reply before the timeout" },
	{ "SEND", EPIPE, "the destination disconnected or dropped the call" },
	{ "SEND", ENOBUFS, "the destination's receive quota is exhausted (it does not read its queue)" },
	{ "SEND", EXFULL, "the destination's pool is full" },
	{ "SEND", EMLINK, "too many calls of ours are waiting for replies (128)" },
	{ "SEND", EDOM, "the bloom filter does not have the bus's bloom size" },
	{ "SEND", EMSGSIZE, "the message is too large" },
	{ "SEND", ECOMM, "the destination does not accept file descriptors" },
	{ "SEND", EREMOTEIO, "the reply could not be delivered to us" },
	{ "SEND", EBADSLT, "the call being answered is gone (timed out or already answered)" },
	{ "", ESHUTDOWN, "the connection, endpoint or bus was shut down" },
	{ "", ECONNREFUSED, "the bus requires metadata you did not offer" },
	{ "", EOPNOTSUPP, "not possible for this kind of connection" },
	{ "", EPERM, "not permitted (only the bus owner, or policy forbids it)" },
	{ "", EACCES, "permission denied" },
	{ "", ENOENT, "no such file or directory" },
	{ "", EXFULL, "the pool is full" },
	{ "", EINVAL, "invalid argument" },
	{ "", ENOTTY, "not a kdbus file (is kdbusfs mounted there?)" },
	{ "", EBADFD, "the file is already in use for something else" },
};

const char *kdbus_meaning(const char *op, int err)
{
	size_t i;

	for (i = 0; i < sizeof(meanings) / sizeof(meanings[0]); i++)
		if (meanings[i].err == err && op && !strcmp(meanings[i].op, op))
			return meanings[i].text;
	for (i = 0; i < sizeof(meanings) / sizeof(meanings[0]); i++)
		if (meanings[i].err == err && !meanings[i].op[0])
			return meanings[i].text;
	return strerror(err);
}

static void vreport(const char *op, int err, const char *fmt, va_list ap)
{
	fprintf(stderr, PROG ": ");
	if (op && *op && strcmp(op, "open"))
		fprintf(stderr, "%s: ", op);
	fprintf(stderr, "%s: %s", errno_name(err), kdbus_meaning(op, err));
	if (fmt) {
		fprintf(stderr, ": ");
		vfprintf(stderr, fmt, ap);
	}
	fputc('\n', stderr);
}

int report(const char *op, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(op, err, fmt, ap);
	va_end(ap);
	return 1;
}

void die(const char *op, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(op, err, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}
