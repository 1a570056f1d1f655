/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dbus-wire - the D-Bus 1 wire format (marshalling and demarshalling).
 *
 * The payload of a kdbus message of type KDBUS_PAYLOAD_DBUS is a complete
 * D-Bus message: a fixed 12-byte header, the header-field array
 * a(yv), padding to 8, then the body. This module knows nothing about
 * kdbus; it is plain C so it can be unit-tested on the host.
 *
 * Everything we write is little-endian ('l'); everything we read may be
 * either endianness. Readers never trust the input: every length, offset,
 * signature and padding byte is checked, and errors come back as -1 with
 * a message, never as a crash.
 */
#ifndef KDBUS_CLI_DBUS_WIRE_H
#define KDBUS_CLI_DBUS_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum dbus_msg_type {
	DBUS_MSG_INVALID = 0,
	DBUS_MSG_METHOD_CALL = 1,
	DBUS_MSG_METHOD_RETURN = 2,
	DBUS_MSG_ERROR = 3,
	DBUS_MSG_SIGNAL = 4,
};

#define DBUS_FLAG_NO_REPLY_EXPECTED	0x1
#define DBUS_FLAG_NO_AUTO_START		0x2

enum dbus_header_field {
	DBUS_FIELD_PATH = 1,
	DBUS_FIELD_INTERFACE = 2,
	DBUS_FIELD_MEMBER = 3,
	DBUS_FIELD_ERROR_NAME = 4,
	DBUS_FIELD_REPLY_SERIAL = 5,
	DBUS_FIELD_DESTINATION = 6,
	DBUS_FIELD_SENDER = 7,
	DBUS_FIELD_SIGNATURE = 8,
	DBUS_FIELD_UNIX_FDS = 9,
};

#define DBUS_MAX_SIGNATURE	255
#define DBUS_MAX_NAME		255
#define DBUS_MAX_ARRAY		(64u * 1024 * 1024)	/* 2^26 bytes */
#define DBUS_MAX_MESSAGE	(128u * 1024 * 1024)	/* 2^27 bytes */
#define DBUS_MAX_DEPTH		32	/* per container kind (arrays, structs) */

/* A growable byte buffer; `oom` sticks once an allocation failed. */
struct dbus_buf {
	uint8_t *data;
	size_t len, cap;
	int oom;
};

void dbus_buf_free(struct dbus_buf *b);

/* Writer (little-endian). Alignment is relative to the buffer start. */
void dw_align(struct dbus_buf *b, size_t n);
void dw_u8(struct dbus_buf *b, uint8_t v);
void dw_u16(struct dbus_buf *b, uint16_t v);
void dw_u32(struct dbus_buf *b, uint32_t v);
void dw_u64(struct dbus_buf *b, uint64_t v);
void dw_double(struct dbus_buf *b, double v);
void dw_string(struct dbus_buf *b, const char *s);	/* s and o */
void dw_signature(struct dbus_buf *b, const char *s);	/* g */
/* Arrays: end patches the element byte count into the length field. */
struct dw_array {
	size_t len_off, start;
};
void dw_array_begin(struct dbus_buf *b, char elem_type, struct dw_array *a);
int dw_array_end(struct dbus_buf *b, const struct dw_array *a);	/* -1: oom/too long */

/* Reader; positions (and so alignment) are relative to `data`. */
struct dbus_reader {
	const uint8_t *data;
	size_t len, pos;
	int big_endian;
	char err[128];
};

void dr_init(struct dbus_reader *r, const uint8_t *data, size_t len, int big_endian);
int dr_align(struct dbus_reader *r, size_t n);
int dr_u8(struct dbus_reader *r, uint8_t *v);
int dr_u16(struct dbus_reader *r, uint16_t *v);
int dr_u32(struct dbus_reader *r, uint32_t *v);
int dr_u64(struct dbus_reader *r, uint64_t *v);
int dr_string(struct dbus_reader *r, char type, const char **s);	/* s, o, g */
/* Reads one complete value of signature `sig` (starting at *sig), checks it. */
int dr_skip(struct dbus_reader *r, const char **sig);

/* Names and signatures (D-Bus specification, "Valid names"). */
int dbus_signature_valid(const char *sig);	/* any number of complete types */
int dbus_single_type_valid(const char *sig);	/* exactly one complete type */
int dbus_path_valid(const char *path);
int dbus_interface_valid(const char *name);	/* also error names */
int dbus_member_valid(const char *name);
int dbus_bus_name_valid(const char *name);	/* unique (":1.5") or well-known */
size_t dbus_type_alignment(char type);

/*
 * Command-line arguments to a body, as busctl takes them: basic values
 * one word each, an array as its element count followed by the elements,
 * a variant as a signature followed by a value, structs and dict entries
 * as their members. Returns the number of argv words used, or -1 with
 * err set (the buffer then holds garbage).
 */
int dbus_marshal_args(struct dbus_buf *b, const char *sig, int argc, char *const argv[],
		      char *err, size_t errlen);

/*
 * Prints a body. Compact style is busctl's call output (`si "hi" 5`);
 * verbose style is its monitor output (one typed value per line, nested).
 * Returns 0 or -1 with r->err set after validating the body.
 */
int dbus_print_body(FILE *out, const uint8_t *body, size_t len, int big_endian,
		    const char *sig, int verbose, const char *indent, char *err, size_t errlen);

/* A whole message; pointers refer into the parsed buffer (or the caller's). */
struct dbus_msg {
	char endian;		/* 'l' or 'B' */
	uint8_t type;		/* enum dbus_msg_type */
	uint8_t flags;
	uint8_t version;
	uint32_t serial;
	uint32_t reply_serial;	/* 0: absent */
	uint32_t unix_fds;	/* 0: absent */
	const char *path, *interface, *member, *error_name, *destination, *sender;
	const char *signature;	/* NULL: absent (empty body) */
	const uint8_t *body;
	size_t body_len;
};

/* Builds header + body into *out (which is reset first). 0 or -1 (errno). */
int dbus_msg_build(const struct dbus_msg *m, struct dbus_buf *out);
/* Parses and validates a whole message; 0 or -1 with err set. */
int dbus_msg_parse(const uint8_t *data, size_t len, struct dbus_msg *m, char *err, size_t errlen);
const char *dbus_msg_type_name(uint8_t type);

#endif
