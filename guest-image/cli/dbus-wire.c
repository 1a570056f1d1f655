// SPDX-License-Identifier: GPL-2.0
/*
 * dbus-wire - D-Bus 1 wire format, written from the public D-Bus
 * specification ("Message Protocol": marshalling, message format, valid
 * names). See dbus-wire.h for the interface.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dbus-wire.h"

/* Nesting of values (arrays + structs + variants) we are willing to walk. */
#define WALK_MAX_DEPTH	64

void dbus_buf_free(struct dbus_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static uint8_t *buf_grow(struct dbus_buf *b, size_t n)
{
	if (b->oom)
		return NULL;
	if (n > DBUS_MAX_MESSAGE || b->len > DBUS_MAX_MESSAGE - n) {
		b->oom = 1;
		return NULL;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p) {
			b->oom = 1;
			return NULL;
		}
		b->data = p;
		b->cap = cap;
	}
	b->len += n;
	return b->data + b->len - n;
}

static void put(struct dbus_buf *b, const void *v, size_t n)
{
	uint8_t *p = buf_grow(b, n);

	if (p)
		memcpy(p, v, n);
}

/* Padding bytes must be zero on the wire, so pad by appending zeros. */
void dw_align(struct dbus_buf *b, size_t n)
{
	while (!b->oom && b->len % n) {
		uint8_t *p = buf_grow(b, 1);

		if (p)
			*p = 0;
	}
}

void dw_u8(struct dbus_buf *b, uint8_t v)
{
	put(b, &v, 1);
}

/* We only ever write little-endian, which is the host order on x86. */
void dw_u16(struct dbus_buf *b, uint16_t v)
{
	uint8_t le[2] = { v, v >> 8 };

	dw_align(b, 2);
	put(b, le, 2);
}

void dw_u32(struct dbus_buf *b, uint32_t v)
{
	uint8_t le[4] = { v, v >> 8, v >> 16, v >> 24 };

	dw_align(b, 4);
	put(b, le, 4);
}

void dw_u64(struct dbus_buf *b, uint64_t v)
{
	dw_align(b, 8);
	dw_u32(b, (uint32_t)v);
	dw_u32(b, (uint32_t)(v >> 32));
}

void dw_double(struct dbus_buf *b, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	dw_u64(b, bits);
}

void dw_string(struct dbus_buf *b, const char *s)
{
	size_t n = strlen(s);

	dw_u32(b, (uint32_t)n);
	put(b, s, n + 1);
}

void dw_signature(struct dbus_buf *b, const char *s)
{
	size_t n = strlen(s);

	dw_u8(b, (uint8_t)n);
	put(b, s, n + 1);
}

/*
 * The array length counts the element bytes only: not the length field
 * and not the padding to the first element, which is present even when
 * the array is empty.
 */
void dw_array_begin(struct dbus_buf *b, char elem_type, struct dw_array *a)
{
	dw_u32(b, 0);
	a->len_off = b->len - 4;
	dw_align(b, dbus_type_alignment(elem_type));
	a->start = b->len;
}

int dw_array_end(struct dbus_buf *b, const struct dw_array *a)
{
	size_t n = b->len - a->start;

	if (b->oom || n > DBUS_MAX_ARRAY)
		return -1;
	b->data[a->len_off] = n & 0xff;
	b->data[a->len_off + 1] = n >> 8 & 0xff;
	b->data[a->len_off + 2] = n >> 16 & 0xff;
	b->data[a->len_off + 3] = n >> 24 & 0xff;
	return 0;
}

size_t dbus_type_alignment(char type)
{
	switch (type) {
	case 'y': case 'g': case 'v':
		return 1;
	case 'n': case 'q':
		return 2;
	case 'b': case 'i': case 'u': case 'h': case 's': case 'o': case 'a':
		return 4;
	case 'x': case 't': case 'd': case '(': case '{': case 'r': case 'e':
		return 8;
	default:
		return 1;
	}
}

/* ---- signatures and names ---- */

static int is_basic(char c)
{
	return c && strchr("ybnqiuxtdsogh", c) != NULL;
}

/* Parses one complete type at *p; depths as in the spec's limits. */
static int sig_one(const char **p, int arrays, int structs)
{
	char c = **p;

	if (is_basic(c) || c == 'v') {
		(*p)++;
		return 0;
	}
	if (c == 'a') {
		if (arrays >= DBUS_MAX_DEPTH)
			return -1;
		(*p)++;
		if (**p != '{')
			return sig_one(p, arrays + 1, structs);
		/* A dict entry: only directly in an array, basic key, one value. */
		if (structs >= DBUS_MAX_DEPTH)
			return -1;
		(*p)++;
		if (!is_basic(**p))
			return -1;
		(*p)++;
		if (sig_one(p, arrays + 1, structs + 1) < 0 || **p != '}')
			return -1;
		(*p)++;
		return 0;
	}
	if (c == '(') {
		if (structs >= DBUS_MAX_DEPTH)
			return -1;
		(*p)++;
		if (**p == ')')
			return -1;	/* empty structs are not allowed */
		while (**p != ')')
			if (sig_one(p, arrays, structs + 1) < 0)
				return -1;
		(*p)++;
		return 0;
	}
	return -1;	/* includes '\0', '{', ')', '}' and unknown codes */
}

int dbus_signature_valid(const char *sig)
{
	const char *p = sig;

	if (strlen(sig) > DBUS_MAX_SIGNATURE)
		return 0;
	while (*p)
		if (sig_one(&p, 0, 0) < 0)
			return 0;
	return 1;
}

int dbus_single_type_valid(const char *sig)
{
	const char *p = sig;

	return strlen(sig) <= DBUS_MAX_SIGNATURE && *p && sig_one(&p, 0, 0) == 0 && !*p;
}

int dbus_path_valid(const char *path)
{
	const char *p;

	if (path[0] != '/')
		return 0;
	if (!path[1])
		return 1;
	for (p = path + 1;; p++) {
		if (*p == '/' || !*p) {
			if (p[-1] == '/')
				return 0;	/* empty element or trailing slash */
			if (!*p)
				return 1;
		} else if (!isalnum((unsigned char)*p) && *p != '_') {
			return 0;
		}
	}
}

/* Elements: [A-Za-z0-9_] (and '-' if dash), not starting with a digit. */
static int dotted_valid(const char *s, int dash, int digit_first)
{
	int elems = 0, len = 0;

	if (strlen(s) > DBUS_MAX_NAME || !*s)
		return 0;
	for (;; s++) {
		if (*s == '.' || !*s) {
			if (!len)
				return 0;
			elems++;
			len = 0;
			if (!*s)
				break;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '_' && !(dash && *s == '-'))
			return 0;
		if (!len && isdigit((unsigned char)*s) && !digit_first)
			return 0;
		len++;
	}
	return elems >= 2;
}

int dbus_interface_valid(const char *name)
{
	return dotted_valid(name, 0, 0);
}

int dbus_member_valid(const char *name)
{
	const char *s;

	if (!*name || strlen(name) > DBUS_MAX_NAME || isdigit((unsigned char)*name))
		return 0;
	for (s = name; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

int dbus_bus_name_valid(const char *name)
{
	if (name[0] == ':')
		return dotted_valid(name + 1, 1, 1);
	return dotted_valid(name, 1, 0);
}

/* ---- reader ---- */

static int rfail(struct dbus_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->err[0]) {
		va_start(ap, fmt);
		vsnprintf(r->err, sizeof(r->err), fmt, ap);
		va_end(ap);
	}
	return -1;
}

void dr_init(struct dbus_reader *r, const uint8_t *data, size_t len, int big_endian)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->big_endian = big_endian;
	r->err[0] = 0;
}

int dr_align(struct dbus_reader *r, size_t n)
{
	while (r->pos % n) {
		if (r->pos >= r->len)
			return rfail(r, "truncated at offset %zu (padding)", r->pos);
		if (r->data[r->pos])
			return rfail(r, "non-zero padding at offset %zu", r->pos);
		r->pos++;
	}
	return 0;
}

static int dr_bytes(struct dbus_reader *r, size_t n, uint8_t *out)
{
	size_t i;

	if (dr_align(r, n) < 0)
		return -1;
	if (r->len - r->pos < n)
		return rfail(r, "truncated at offset %zu (need %zu bytes)", r->pos, n);
	for (i = 0; i < n; i++)	/* to host order (little-endian) */
		out[i] = r->data[r->pos + (r->big_endian ? n - 1 - i : i)];
	r->pos += n;
	return 0;
}

int dr_u8(struct dbus_reader *r, uint8_t *v)
{
	return dr_bytes(r, 1, v);
}

int dr_u16(struct dbus_reader *r, uint16_t *v)
{
	uint8_t b[2];

	if (dr_bytes(r, 2, b) < 0)
		return -1;
	*v = b[0] | b[1] << 8;
	return 0;
}

int dr_u32(struct dbus_reader *r, uint32_t *v)
{
	uint8_t b[4];

	if (dr_bytes(r, 4, b) < 0)
		return -1;
	*v = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

int dr_u64(struct dbus_reader *r, uint64_t *v)
{
	uint8_t b[8];
	int i;

	if (dr_bytes(r, 8, b) < 0)
		return -1;
	*v = 0;
	for (i = 7; i >= 0; i--)
		*v = *v << 8 | b[i];
	return 0;
}

static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need, j;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			need = 1, cp = c & 0x1f;
		else if ((c & 0xf0) == 0xe0)
			need = 2, cp = c & 0x0f;
		else if ((c & 0xf8) == 0xf0)
			need = 3, cp = c & 0x07;
		else
			return 0;
		if (n - i <= need)
			return 0;
		for (j = 1; j <= need; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
		    (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

int dr_string(struct dbus_reader *r, char type, const char **s)
{
	uint32_t n;
	uint8_t n8;
	size_t start;

	if (type == 'g') {
		if (dr_u8(r, &n8) < 0)
			return -1;
		n = n8;
	} else if (dr_u32(r, &n) < 0) {
		return -1;
	}
	start = r->pos;
	if (n >= r->len - start)
		return rfail(r, "truncated string at offset %zu", start);
	if (r->data[start + n] != 0)
		return rfail(r, "string at offset %zu is not NUL-terminated", start);
	if (memchr(r->data + start, 0, n))
		return rfail(r, "string at offset %zu contains a NUL byte", start);
	*s = (const char *)r->data + start;
	r->pos = start + n + 1;
	if (type == 's' && !utf8_valid(r->data + start, n))
		return rfail(r, "string at offset %zu is not valid UTF-8", start);
	if (type == 'o' && !dbus_path_valid(*s))
		return rfail(r, "invalid object path \"%s\"", *s);
	if (type == 'g' && !dbus_signature_valid(*s))
		return rfail(r, "invalid signature \"%s\"", *s);
	return 0;
}

/* ---- walking values (validate, and optionally print) ---- */

struct walk {
	struct dbus_reader *r;
	FILE *out;		/* NULL: validate only */
	int verbose;
	const char *indent;	/* verbose: prefix of every line */
	int level;		/* verbose: nesting level */
	int depth;
};

static void print_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void vline(struct walk *w)
{
	int i;

	fputs(w->indent, w->out);
	for (i = 0; i < w->level; i++)
		fputs("        ", w->out);
}

static const char *verbose_name(char t)
{
	switch (t) {
	case 'y': return "BYTE";
	case 'b': return "BOOLEAN";
	case 'n': return "INT16";
	case 'q': return "UINT16";
	case 'i': return "INT32";
	case 'u': return "UINT32";
	case 'x': return "INT64";
	case 't': return "UINT64";
	case 'd': return "DOUBLE";
	case 's': return "STRING";
	case 'o': return "OBJECT_PATH";
	case 'g': return "SIGNATURE";
	case 'h': return "UNIX_FD";
	default: return "?";
	}
}

/* The text of one complete type starting at sig, into buf (for labels). */
static void type_text(const char *sig, char *buf, size_t n)
{
	const char *end = sig;

	if (sig_one(&end, 0, 0) < 0)
		end = sig + strlen(sig);
	snprintf(buf, n, "%.*s", (int)(end - sig), sig);
}

static int walk_one(struct walk *w, const char **sig);

static int walk_basic(struct walk *w, char t)
{
	struct dbus_reader *r = w->r;
	uint8_t y;
	uint16_t q;
	uint32_t u;
	uint64_t t64;
	const char *s;
	double d;

	if (w->out && w->verbose) {
		vline(w);
		fprintf(w->out, "%s ", verbose_name(t));
	}
	switch (t) {
	case 'y':
		if (dr_u8(r, &y) < 0)
			return -1;
		if (w->out)
			fprintf(w->out, "%u", y);
		break;
	case 'b':
		if (dr_u32(r, &u) < 0)
			return -1;
		if (u > 1)
			return rfail(r, "boolean with value %" PRIu32, u);
		if (w->out)
			fputs(u ? "true" : "false", w->out);
		break;
	case 'n': case 'q':
		if (dr_u16(r, &q) < 0)
			return -1;
		if (w->out)
			fprintf(w->out, t == 'n' ? "%d" : "%u", t == 'n' ? (int)(int16_t)q : (int)q);
		break;
	case 'i': case 'u': case 'h':
		if (dr_u32(r, &u) < 0)
			return -1;
		if (w->out) {
			if (t == 'i')
				fprintf(w->out, "%" PRId32, (int32_t)u);
			else
				fprintf(w->out, "%" PRIu32, u);
		}
		break;
	case 'x': case 't': case 'd':
		if (dr_u64(r, &t64) < 0)
			return -1;
		if (!w->out)
			break;
		if (t == 'x') {
			fprintf(w->out, "%" PRId64, (int64_t)t64);
		} else if (t == 't') {
			fprintf(w->out, "%" PRIu64, t64);
		} else {
			memcpy(&d, &t64, sizeof(d));
			fprintf(w->out, "%g", d);
		}
		break;
	case 's': case 'o': case 'g':
		if (dr_string(r, t, &s) < 0)
			return -1;
		if (w->out)
			print_quoted(w->out, s);
		break;
	default:
		return rfail(r, "unknown type '%c'", t);
	}
	if (w->out && w->verbose)
		fputs(";\n", w->out);
	return 0;
}

/* Opens a verbose container block: `ARRAY "s" {`. */
static void open_block(struct walk *w, const char *kind, const char *contents)
{
	if (!w->out || !w->verbose)
		return;
	vline(w);
	fprintf(w->out, "%s \"%s\" {\n", kind, contents);
	w->level++;
}

static void close_block(struct walk *w)
{
	if (!w->out || !w->verbose)
		return;
	w->level--;
	vline(w);
	fputs("};\n", w->out);
}

static void sep(struct walk *w)
{
	if (w->out && !w->verbose)
		fputc(' ', w->out);
}

static int walk_array(struct walk *w, const char **sig)
{
	struct dbus_reader *r = w->r;
	const char *elem = *sig + 1, *after = *sig;
	char label[DBUS_MAX_SIGNATURE + 1];
	uint32_t alen;
	size_t start, end, count = 0;
	FILE *out = w->out;

	if (sig_one(&after, 0, 0) < 0)
		return rfail(r, "bad array signature");
	if (dr_u32(r, &alen) < 0)
		return -1;
	if (alen > DBUS_MAX_ARRAY)
		return rfail(r, "array of %" PRIu32 " bytes is too long", alen);
	if (dr_align(r, dbus_type_alignment(*elem)) < 0)
		return -1;
	start = r->pos;
	if (alen > r->len - start)
		return rfail(r, "truncated array at offset %zu", start);
	end = start + alen;
	if (*elem == '{')
		elem++;	/* walk the dict entry's members like a struct's */

	/* Compact output puts the element count first: count in a dry run. */
	if (out && !w->verbose) {
		w->out = NULL;
		while (r->pos < end) {
			const char *s = elem;

			if (elem[-1] == '{') {
				if (dr_align(r, 8) < 0 || walk_one(w, &s) < 0 || walk_one(w, &s) < 0)
					break;
			} else if (walk_one(w, &s) < 0) {
				break;
			}
			count++;
		}
		w->out = out;
		if (r->err[0])
			return -1;
		r->pos = start;
		fprintf(out, "%zu", count);
	}
	type_text(*sig + 1, label, sizeof(label));
	open_block(w, "ARRAY", label);
	while (r->pos < end) {
		const char *s = elem;

		if (elem[-1] == '{') {
			char kv[DBUS_MAX_SIGNATURE + 1];

			if (dr_align(r, 8) < 0)
				return -1;
			snprintf(kv, sizeof(kv), "%.*s", (int)(after - elem - 1), elem);
			open_block(w, "DICT_ENTRY", kv);
			sep(w);
			if (walk_one(w, &s) < 0)
				return -1;
			sep(w);
			if (walk_one(w, &s) < 0)
				return -1;
			close_block(w);
		} else {
			sep(w);
			if (walk_one(w, &s) < 0)
				return -1;
		}
	}
	if (r->pos != end)
		return rfail(r, "array elements overrun the array length");
	close_block(w);
	*sig = after;
	return 0;
}

static int walk_one(struct walk *w, const char **sig)
{
	struct dbus_reader *r = w->r;
	char t = **sig;
	int ret = -1;

	if (++w->depth > WALK_MAX_DEPTH) {
		w->depth--;
		return rfail(r, "values nested too deeply");
	}
	if (t == 'a') {
		ret = walk_array(w, sig);
	} else if (t == '(') {
		char label[DBUS_MAX_SIGNATURE + 1];
		const char *end = *sig;

		if (sig_one(&end, 0, 0) < 0) {
			ret = rfail(r, "bad struct signature");
			goto out;
		}
		if (dr_align(r, 8) < 0)
			goto out;
		snprintf(label, sizeof(label), "%.*s", (int)(end - *sig - 2), *sig + 1);
		open_block(w, "STRUCT", label);
		(*sig)++;
		while (**sig != ')') {
			/* Compact output flattens structs: the parent separated
			 * the first member already. */
			if ((*sig)[-1] != '(')
				sep(w);
			if (walk_one(w, sig) < 0)
				goto out;
		}
		(*sig)++;
		close_block(w);
		ret = 0;
	} else if (t == 'v') {
		const char *inner, *s;

		if (dr_string(r, 'g', &inner) < 0)
			goto out;
		if (!dbus_single_type_valid(inner)) {
			ret = rfail(r, "variant signature \"%s\" is not one complete type", inner);
			goto out;
		}
		if (w->out && !w->verbose)
			fputs(inner, w->out);
		open_block(w, "VARIANT", inner);
		s = inner;
		sep(w);
		if (walk_one(w, &s) < 0)
			goto out;
		close_block(w);
		(*sig)++;
		ret = 0;
	} else if (is_basic(t)) {
		ret = walk_basic(w, t);
		(*sig)++;
	} else {
		ret = rfail(r, "bad type '%c' in signature", t ? t : '0');
	}
out:
	w->depth--;
	return ret;
}

int dr_skip(struct dbus_reader *r, const char **sig)
{
	struct walk w = { .r = r, .indent = "" };

	return walk_one(&w, sig);
}

int dbus_print_body(FILE *out, const uint8_t *body, size_t len, int big_endian,
		    const char *sig, int verbose, const char *indent, char *err, size_t errlen)
{
	struct dbus_reader r;
	struct walk w = { .r = &r, .out = out, .verbose = verbose, .indent = indent };
	const char *s = sig;
	int ret = 0;

	dr_init(&r, body, len, big_endian);
	if (!dbus_signature_valid(sig)) {
		snprintf(err, errlen, "invalid signature \"%s\"", sig);
		return -1;
	}
	/* Validate first, so a bad body prints nothing half-way. */
	w.out = NULL;
	while (*s && ret == 0)
		ret = walk_one(&w, &s);
	if (ret == 0 && r.pos != len)
		ret = rfail(&r, "%zu bytes after the last value", len - r.pos);
	if (ret < 0) {
		snprintf(err, errlen, "%s", r.err);
		return -1;
	}
	if (!out)
		return 0;
	w.out = out;
	r.pos = 0;
	s = sig;
	if (verbose) {
		fprintf(out, "%sMESSAGE \"%s\" {\n", indent, sig);
		w.level = 1;
	} else {
		fputs(sig, out);
	}
	while (*s) {
		sep(&w);
		walk_one(&w, &s);
	}
	if (verbose)
		fprintf(out, "%s};\n", indent);
	else
		fputc('\n', out);
	return 0;
}

/* ---- text arguments to a body ---- */

struct args {
	int argc, i;
	char *const *argv;
	char *err;
	size_t errlen;
};

static int afail(struct args *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->err, a->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *next_word(struct args *a, const char *what)
{
	if (a->i >= a->argc) {
		afail(a, "too few arguments: missing %s", what);
		return NULL;
	}
	return a->argv[a->i++];
}

static int parse_int(struct args *a, const char *w, int is_signed, int64_t min,
		     uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	if (is_signed) {
		long long v = strtoll(w, &end, 0);

		if (errno || *end || !*w || v < min || (v > 0 && (uint64_t)v > max))
			return afail(a, "\"%s\" is not a number in [%lld, %llu]", w,
				     (long long)min, (unsigned long long)max);
		*out = (uint64_t)v;
	} else {
		unsigned long long v = strtoull(w, &end, 0);

		if (errno || *end || !*w || w[0] == '-' || v > max)
			return afail(a, "\"%s\" is not a number in [0, %llu]", w,
				     (unsigned long long)max);
		*out = v;
	}
	return 0;
}

static int marshal_one(struct dbus_buf *b, const char **sig, struct args *a);

static int marshal_basic(struct dbus_buf *b, char t, struct args *a)
{
	const char *w = next_word(a, verbose_name(t));
	uint64_t v;
	double d;
	char *end;

	if (!w)
		return -1;
	switch (t) {
	case 'y':
		if (parse_int(a, w, 0, 0, 0xff, &v) < 0)
			return -1;
		dw_u8(b, (uint8_t)v);
		return 0;
	case 'b':
		if (!strcmp(w, "true") || !strcmp(w, "yes") || !strcmp(w, "1"))
			v = 1;
		else if (!strcmp(w, "false") || !strcmp(w, "no") || !strcmp(w, "0"))
			v = 0;
		else
			return afail(a, "\"%s\" is not a boolean (true/false)", w);
		dw_u32(b, (uint32_t)v);
		return 0;
	case 'n':
		if (parse_int(a, w, 1, INT16_MIN, INT16_MAX, &v) < 0)
			return -1;
		dw_u16(b, (uint16_t)v);
		return 0;
	case 'q':
		if (parse_int(a, w, 0, 0, UINT16_MAX, &v) < 0)
			return -1;
		dw_u16(b, (uint16_t)v);
		return 0;
	case 'i':
		if (parse_int(a, w, 1, INT32_MIN, INT32_MAX, &v) < 0)
			return -1;
		dw_u32(b, (uint32_t)v);
		return 0;
	case 'u': case 'h':
		if (parse_int(a, w, 0, 0, UINT32_MAX, &v) < 0)
			return -1;
		dw_u32(b, (uint32_t)v);
		return 0;
	case 'x':
		if (parse_int(a, w, 1, INT64_MIN, INT64_MAX, &v) < 0)
			return -1;
		dw_u64(b, v);
		return 0;
	case 't':
		if (parse_int(a, w, 0, 0, UINT64_MAX, &v) < 0)
			return -1;
		dw_u64(b, v);
		return 0;
	case 'd':
		errno = 0;
		d = strtod(w, &end);
		if (errno || *end || !*w)
			return afail(a, "\"%s\" is not a floating-point number", w);
		dw_double(b, d);
		return 0;
	case 's':
		if (strlen(w) > DBUS_MAX_ARRAY || !utf8_valid((const unsigned char *)w, strlen(w)))
			return afail(a, "string argument is not valid UTF-8");
		dw_string(b, w);
		return 0;
	case 'o':
		if (!dbus_path_valid(w))
			return afail(a, "\"%s\" is not a valid object path", w);
		dw_string(b, w);
		return 0;
	case 'g':
		if (!dbus_signature_valid(w))
			return afail(a, "\"%s\" is not a valid signature", w);
		dw_signature(b, w);
		return 0;
	}
	return afail(a, "unknown type '%c'", t);
}

static int marshal_one(struct dbus_buf *b, const char **sig, struct args *a)
{
	char t = **sig;

	if (is_basic(t)) {
		(*sig)++;
		return marshal_basic(b, t, a);
	}
	if (t == 'v') {
		const char *inner = next_word(a, "variant signature"), *s;

		if (!inner)
			return -1;
		if (!dbus_single_type_valid(inner))
			return afail(a, "variant signature \"%s\" is not one complete type", inner);
		dw_signature(b, inner);
		s = inner;
		(*sig)++;
		return marshal_one(b, &s, a);
	}
	if (t == '(') {
		dw_align(b, 8);
		(*sig)++;
		while (**sig != ')')
			if (marshal_one(b, sig, a) < 0)
				return -1;
		(*sig)++;
		return 0;
	}
	if (t == 'a') {
		const char *elem = *sig + 1, *s;
		const char *w = next_word(a, "array length");
		uint64_t n, k;
		struct dw_array arr;

		if (!w || parse_int(a, w, 0, 0, DBUS_MAX_ARRAY, &n) < 0)
			return -1;
		dw_array_begin(b, *elem, &arr);
		for (k = 0; k < n; k++) {
			s = elem;
			if (*s == '{') {
				dw_align(b, 8);
				s++;
				if (marshal_one(b, &s, a) < 0 || marshal_one(b, &s, a) < 0)
					return -1;
			} else if (marshal_one(b, &s, a) < 0) {
				return -1;
			}
		}
		if (dw_array_end(b, &arr) < 0)
			return afail(a, b->oom ? "out of memory" : "array longer than %u bytes",
				     DBUS_MAX_ARRAY);
		s = *sig;
		sig_one(&s, 0, 0);
		*sig = s;
		return 0;
	}
	return afail(a, "bad type '%c' in signature", t);
}

int dbus_marshal_args(struct dbus_buf *b, const char *sig, int argc, char *const argv[],
		      char *err, size_t errlen)
{
	struct args a = { .argc = argc, .argv = argv, .err = err, .errlen = errlen };
	const char *s = sig;

	if (!dbus_signature_valid(sig)) {
		snprintf(err, errlen, "\"%s\" is not a valid D-Bus signature", sig);
		return -1;
	}
	while (*s)
		if (marshal_one(b, &s, &a) < 0)
			return -1;
	if (b->oom) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return a.i;
}

/* ---- messages ---- */

const char *dbus_msg_type_name(uint8_t type)
{
	switch (type) {
	case DBUS_MSG_METHOD_CALL: return "method_call";
	case DBUS_MSG_METHOD_RETURN: return "method_return";
	case DBUS_MSG_ERROR: return "error";
	case DBUS_MSG_SIGNAL: return "signal";
	default: return "unknown";
	}
}

static void field_str(struct dbus_buf *b, uint8_t code, char type, const char *v)
{
	char sig[2] = { type, 0 };

	if (!v)
		return;
	dw_align(b, 8);
	dw_u8(b, code);
	dw_signature(b, sig);
	if (type == 'g')
		dw_signature(b, v);
	else
		dw_string(b, v);
}

static void field_u32(struct dbus_buf *b, uint8_t code, uint32_t v)
{
	if (!v)
		return;
	dw_align(b, 8);
	dw_u8(b, code);
	dw_signature(b, "u");
	dw_u32(b, v);
}

int dbus_msg_build(const struct dbus_msg *m, struct dbus_buf *b)
{
	struct dw_array fields;

	b->len = 0;
	b->oom = 0;
	dw_u8(b, 'l');
	dw_u8(b, m->type);
	dw_u8(b, m->flags);
	dw_u8(b, 1);
	dw_u32(b, (uint32_t)m->body_len);
	dw_u32(b, m->serial);
	dw_array_begin(b, '(', &fields);
	field_str(b, DBUS_FIELD_PATH, 'o', m->path);
	field_str(b, DBUS_FIELD_INTERFACE, 's', m->interface);
	field_str(b, DBUS_FIELD_MEMBER, 's', m->member);
	field_str(b, DBUS_FIELD_ERROR_NAME, 's', m->error_name);
	field_u32(b, DBUS_FIELD_REPLY_SERIAL, m->reply_serial);
	field_str(b, DBUS_FIELD_DESTINATION, 's', m->destination);
	field_str(b, DBUS_FIELD_SENDER, 's', m->sender);
	if (m->signature && *m->signature)
		field_str(b, DBUS_FIELD_SIGNATURE, 'g', m->signature);
	field_u32(b, DBUS_FIELD_UNIX_FDS, m->unix_fds);
	if (dw_array_end(b, &fields) < 0) {
		errno = ENOMEM;
		return -1;
	}
	dw_align(b, 8);			/* the body starts 8-aligned */
	if (m->body_len)
		put(b, m->body, m->body_len);
	if (b->oom) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static int mfail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int dbus_msg_parse(const uint8_t *data, size_t len, struct dbus_msg *m, char *err, size_t errlen)
{
	struct dbus_reader r;
	uint32_t body_len, flen;
	size_t fend, hend;

	memset(m, 0, sizeof(*m));
	if (len < 16)
		return mfail(err, errlen, "message of %zu bytes is shorter than a header", len);
	if (data[0] != 'l' && data[0] != 'B')
		return mfail(err, errlen, "bad endianness byte 0x%02x", data[0]);
	dr_init(&r, data, len, data[0] == 'B');
	m->endian = data[0];
	m->type = data[1];
	m->flags = data[2];
	m->version = data[3];
	if (m->version != 1)
		return mfail(err, errlen, "unsupported protocol version %u", m->version);
	if (m->type < DBUS_MSG_METHOD_CALL || m->type > DBUS_MSG_SIGNAL)
		return mfail(err, errlen, "unknown message type %u", m->type);
	r.pos = 4;
	if (dr_u32(&r, &body_len) < 0 || dr_u32(&r, &m->serial) < 0 || dr_u32(&r, &flen) < 0)
		return mfail(err, errlen, "%s", r.err);
	if (!m->serial)
		return mfail(err, errlen, "serial is 0");
	if (flen > DBUS_MAX_ARRAY || flen > len - 16)
		return mfail(err, errlen, "header fields (%u bytes) overrun the message", flen);
	fend = 16 + flen;
	while (r.pos < fend) {
		const char *vsig, *s;
		uint8_t code;
		char want;

		if (dr_align(&r, 8) < 0 || dr_u8(&r, &code) < 0 || dr_string(&r, 'g', &vsig) < 0)
			return mfail(err, errlen, "header: %s", r.err);
		if (!dbus_single_type_valid(vsig))
			return mfail(err, errlen, "header field %u: bad variant signature", code);
		switch (code) {
		case DBUS_FIELD_PATH: want = 'o'; break;
		case DBUS_FIELD_REPLY_SERIAL: case DBUS_FIELD_UNIX_FDS: want = 'u'; break;
		case DBUS_FIELD_SIGNATURE: want = 'g'; break;
		case DBUS_FIELD_INTERFACE: case DBUS_FIELD_MEMBER: case DBUS_FIELD_ERROR_NAME:
		case DBUS_FIELD_DESTINATION: case DBUS_FIELD_SENDER: want = 's'; break;
		default: want = 0; break;	/* unknown fields are skipped */
		}
		if (code == 0)
			return mfail(err, errlen, "header field code 0 is invalid");
		if (!want) {
			s = vsig;
			if (dr_skip(&r, &s) < 0)
				return mfail(err, errlen, "header: %s", r.err);
			continue;
		}
		if (vsig[0] != want || vsig[1])
			return mfail(err, errlen, "header field %u has type \"%s\", not \"%c\"",
				     code, vsig, want);
		if (want == 'u') {
			uint32_t v;

			if (dr_u32(&r, &v) < 0)
				return mfail(err, errlen, "header: %s", r.err);
			if (code == DBUS_FIELD_REPLY_SERIAL)
				m->reply_serial = v;
			else
				m->unix_fds = v;
			continue;
		}
		if (dr_string(&r, want, &s) < 0)
			return mfail(err, errlen, "header: %s", r.err);
		switch (code) {
		case DBUS_FIELD_PATH: m->path = s; break;
		case DBUS_FIELD_SIGNATURE: m->signature = s; break;
		case DBUS_FIELD_INTERFACE:
			if (!dbus_interface_valid(s))
				return mfail(err, errlen, "invalid interface \"%s\"", s);
			m->interface = s;
			break;
		case DBUS_FIELD_MEMBER:
			if (!dbus_member_valid(s))
				return mfail(err, errlen, "invalid member \"%s\"", s);
			m->member = s;
			break;
		case DBUS_FIELD_ERROR_NAME:
			if (!dbus_interface_valid(s))
				return mfail(err, errlen, "invalid error name \"%s\"", s);
			m->error_name = s;
			break;
		case DBUS_FIELD_DESTINATION: m->destination = s; break;
		case DBUS_FIELD_SENDER: m->sender = s; break;
		}
	}
	if (r.pos != fend)
		return mfail(err, errlen, "header fields overrun their array");
	r.pos = fend;
	if (dr_align(&r, 8) < 0)
		return mfail(err, errlen, "header: %s", r.err);
	hend = r.pos;
	if (body_len > len - hend)
		return mfail(err, errlen, "body of %u bytes is truncated (%zu present)",
			     body_len, len - hend);
	if (body_len < len - hend)
		return mfail(err, errlen, "%zu bytes after the body", len - hend - body_len);
	m->body = data + hend;
	m->body_len = body_len;

	switch (m->type) {
	case DBUS_MSG_METHOD_CALL:
		if (!m->path || !m->member)
			return mfail(err, errlen, "method call without path or member");
		break;
	case DBUS_MSG_SIGNAL:
		if (!m->path || !m->interface || !m->member)
			return mfail(err, errlen, "signal without path, interface or member");
		break;
	case DBUS_MSG_ERROR:
		if (!m->error_name || !m->reply_serial)
			return mfail(err, errlen, "error without name or reply serial");
		break;
	case DBUS_MSG_METHOD_RETURN:
		if (!m->reply_serial)
			return mfail(err, errlen, "method return without reply serial");
		break;
	}
	if (!m->signature && body_len)
		return mfail(err, errlen, "body without signature");
	if (m->signature)
		return dbus_print_body(NULL, m->body, body_len, m->endian == 'B', m->signature, 0,
				       "", err, errlen);
	return 0;
}
