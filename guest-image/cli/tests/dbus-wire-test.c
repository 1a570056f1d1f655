// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of dbus-wire.c, built and run on the host by
 * tests/node/kdbus-cli.test.ts:
 *   gcc -Wall -Wextra -Werror -I.. dbus-wire-test.c ../dbus-wire.c
 * Prints TAP-like "ok N - what" / "not ok N - what" lines; exits 1 on any
 * failure. Byte layouts are checked against the D-Bus specification's
 * marshalling rules, and malformed input must give an error, not a crash
 * (run it under -fsanitize=address,undefined to make "no crash" strict).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbus-wire.h"

static int failures, n;

static void check(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		failures++;
}

/* Marshals text arguments; returns the buffer (caller frees). */
static struct dbus_buf marshal(const char *sig, const char *const *words, int *used, char *err)
{
	struct dbus_buf b = { 0 };
	int argc = 0;

	while (words[argc])
		argc++;
	*used = dbus_marshal_args(&b, sig, argc, (char *const *)words, err, 128);
	return b;
}

static int bytes_equal(const struct dbus_buf *b, const char *hex)
{
	char out[1024] = "";
	size_t i;

	for (i = 0; i < b->len && i * 2 + 2 < sizeof(out); i++)
		sprintf(out + i * 2, "%02x", b->data[i]);
	if (strcmp(out, hex)) {
		printf("#   got      %s\n#   expected %s\n", out, hex);
		return 0;
	}
	return 1;
}

/* Prints the body to a string (compact or verbose). */
static int print(const struct dbus_buf *b, const char *sig, int verbose, char *text, size_t len,
		 char *err)
{
	FILE *f = fmemopen(text, len, "w");
	int ret;

	ret = dbus_print_body(f, b->data, b->len, 0, sig, verbose, "", err, 128);
	fclose(f);
	return ret;
}

static void layout_tests(void)
{
	static const char *const w1[] = { "7", "hi", NULL };
	static const char *const w2[] = { "1", "258", NULL };
	static const char *const w3[] = { "0", NULL };
	static const char *const w4[] = { "5", "0", NULL };
	static const char *const w5[] = { "3", "1", "2", "3", NULL };
	static const char *const w6[] = { "2", "k", "s", "v", "n", "i", "-1", NULL };
	static const char *const w7[] = { "g", "a{sv}", NULL };
	static const char *const w8[] = { "true", "255", "-32768", "65535", "9007199254740993", "1.5", "/a/b", NULL };
	struct dbus_buf b;
	char err[128] = "", text[512];
	int used;

	/* y then s: the string's length is aligned to 4 (3 padding bytes). */
	b = marshal("ys", w1, &used, err);
	check(used == 2 && bytes_equal(&b, "07000000020000006869" "00"), "ys: uint32 length aligned to 4");
	check(print(&b, "ys", 0, text, sizeof(text), err) == 0 && !strcmp(text, "ys 7 \"hi\"\n"),
	      "ys prints compactly: %s", text);
	dbus_buf_free(&b);

	/* y then t: 7 bytes of padding before a 64-bit value. */
	b = marshal("yt", w2, &used, err);
	check(bytes_equal(&b, "01000000000000000201000000000000"), "yt: uint64 aligned to 8");
	dbus_buf_free(&b);

	/* Empty array of structs: length 0, still padded to 8 for the elements. */
	b = marshal("a(ii)", w3, &used, err);
	check(bytes_equal(&b, "0000000000000000"), "empty a(ii): length 0 + padding to 8");
	dbus_buf_free(&b);

	/* y then empty a(ii): the padding after the length is to offset 8. */
	b = marshal("ya(ii)", w4, &used, err);
	check(used == 2 && bytes_equal(&b, "0500000000000000"),
	      "y + empty a(ii): padding to 4, length, padding to 8");
	dbus_buf_free(&b);

	b = marshal("ai", w5, &used, err);
	check(bytes_equal(&b, "0c000000010000000200000003000000"), "ai: byte length 12");
	check(print(&b, "ai", 0, text, sizeof(text), err) == 0 && !strcmp(text, "ai 3 1 2 3\n"),
	      "ai compact: %s", text);
	dbus_buf_free(&b);

	/* Dict of variants: entries aligned to 8, variant signature, value. */
	b = marshal("a{sv}", w6, &used, err);
	check(used == 7, "a{sv}: used all 7 words (%d: %s)", used, err);
	check(print(&b, "a{sv}", 0, text, sizeof(text), err) == 0 &&
	      !strcmp(text, "a{sv} 2 \"k\" s \"v\" \"n\" i -1\n"), "a{sv} compact: %s (%s)", text, err);
	check(print(&b, "a{sv}", 1, text, sizeof(text), err) == 0 &&
	      strstr(text, "DICT_ENTRY \"sv\" {") && strstr(text, "VARIANT \"i\" {") &&
	      strstr(text, "INT32 -1;"), "a{sv} verbose");
	/* Check the exact bytes of the first entry: len, pad, "k", "s" sig, "v". */
	check(b.len > 8 && b.data[4] == 0 && b.data[8] == 1 && b.data[12] == 'k' && b.data[14] == 1 &&
	      b.data[15] == 's' && b.data[17] == 0 && b.data[20] == 1 && b.data[24] == 'v',
	      "a{sv}: first dict entry layout");
	dbus_buf_free(&b);

	/* Variant containing a signature of a container type. */
	b = marshal("v", w7, &used, err);
	check(used == 2 && bytes_equal(&b, "016700" "05617b73767d00"), "v g: nested signature");
	dbus_buf_free(&b);

	b = marshal("bynqtdo", w8, &used, err);
	check(used == 7, "bynqtdo marshals (%s)", err);
	check(print(&b, "bynqtdo", 0, text, sizeof(text), err) == 0 &&
	      !strcmp(text, "bynqtdo true 255 -32768 65535 9007199254740993 1.5 \"/a/b\"\n"),
	      "basic types round-trip: %s", text);
	dbus_buf_free(&b);
}

static void nesting_tests(void)
{
	static const char *const w1[] = { "2", "one", "1", "x", "two", "2", "a", "b", NULL };
	static const char *const w2[] = { "v", "v", "a(sv)", "1", "k", "as", "1", "deep", NULL };
	struct dbus_buf b;
	char err[128], text[1024];
	int used;

	b = marshal("a(sas)", w1, &used, err);
	check(used == 8, "a(sas) uses 8 words (%d: %s)", used, err);
	check(print(&b, "a(sas)", 0, text, sizeof(text), err) == 0 &&
	      !strcmp(text, "a(sas) 2 \"one\" 1 \"x\" \"two\" 2 \"a\" \"b\"\n"), "a(sas) compact: %s", text);
	dbus_buf_free(&b);

	b = marshal("v", w2, &used, err);
	check(used == 8, "variant in variant in variant (%d: %s)", used, err);
	check(print(&b, "v", 0, text, sizeof(text), err) == 0 &&
	      !strcmp(text, "v v v a(sv) 1 \"k\" as 1 \"deep\"\n"), "nested variants: %s", text);
	check(print(&b, "v", 1, text, sizeof(text), err) == 0 && strstr(text, "STRUCT \"sv\" {") &&
	      strstr(text, "ARRAY \"s\" {"), "nested variants verbose");
	dbus_buf_free(&b);
}

static void arg_error_tests(void)
{
	static const char *const none[] = { NULL };
	static const char *const big[] = { "256", NULL };
	static const char *const nan[] = { "abc", NULL };
	static const char *const badpath[] = { "a/b", NULL };
	static const char *const badvar[] = { "ii", "1", "2", NULL };
	struct dbus_buf b;
	char err[128];
	int used;

	b = marshal("s", none, &used, err);
	check(used < 0 && strstr(err, "too few"), "missing argument: %s", err);
	dbus_buf_free(&b);
	b = marshal("y", big, &used, err);
	check(used < 0, "byte out of range: %s", err);
	dbus_buf_free(&b);
	b = marshal("i", nan, &used, err);
	check(used < 0, "not a number: %s", err);
	dbus_buf_free(&b);
	b = marshal("o", badpath, &used, err);
	check(used < 0, "bad object path: %s", err);
	dbus_buf_free(&b);
	b = marshal("v", badvar, &used, err);
	check(used < 0, "variant of two types: %s", err);
	dbus_buf_free(&b);
	b = marshal("a{vs}", none, &used, err);
	check(used < 0, "dict with a variant key: %s", err);
	dbus_buf_free(&b);
}

static void signature_tests(void)
{
	static const char *good[] = { "", "s", "a{sv}", "a(ii)", "aa{s(ai)}", "(v)", "ybnqiuxtdsogh", NULL };
	static const char *bad[] = { "{sv}", "a", "()", "(s", "s)", "a{vs}", "a{s}", "a{sss}", "z", "(ii}", NULL };
	char deep[80];
	int i;

	for (i = 0; good[i]; i++)
		check(dbus_signature_valid(good[i]), "signature \"%s\" is valid", good[i]);
	for (i = 0; bad[i]; i++)
		check(!dbus_signature_valid(bad[i]), "signature \"%s\" is invalid", bad[i]);
	memset(deep, 'a', 33);
	strcpy(deep + 33, "i");
	check(!dbus_signature_valid(deep), "33 nested arrays are invalid");
	deep[32] = 'i';
	deep[33] = 0;
	check(dbus_signature_valid(deep), "32 nested arrays are the limit");
	check(dbus_path_valid("/") && dbus_path_valid("/a/b_1") && !dbus_path_valid("/a/") &&
	      !dbus_path_valid("//") && !dbus_path_valid("a") && !dbus_path_valid("/a-b"), "object paths");
	check(dbus_interface_valid("org.example.Echo") && !dbus_interface_valid("org") &&
	      !dbus_interface_valid("org..x") && !dbus_interface_valid("org.1x"), "interface names");
	check(dbus_bus_name_valid(":1.5") && dbus_bus_name_valid("org.ex-ample.X") &&
	      !dbus_bus_name_valid(":1") && !dbus_bus_name_valid("org.1x"), "bus names");
	check(dbus_member_valid("Echo") && !dbus_member_valid("1Echo") && !dbus_member_valid("a.b"),
	      "member names");
}

/* A whole message: build, parse back, then corrupt it in many ways. */
static void message_tests(void)
{
	static const char *const w[] = { "hello", "2", "3", NULL };
	struct dbus_msg m = {
		.type = DBUS_MSG_METHOD_CALL, .serial = 7, .path = "/org/example/Echo",
		.interface = "org.example.Echo", .member = "Echo", .destination = "org.example.Echo",
		.sender = ":1.4", .signature = "sii",
	};
	struct dbus_buf body = { 0 }, msg = { 0 };
	struct dbus_msg p;
	char err[128];
	uint8_t *copy;
	size_t cut, i;
	int ok;

	check(dbus_marshal_args(&body, "sii", 3, (char *const *)w, err, sizeof(err)) == 3, "body marshals");
	m.body = body.data;
	m.body_len = body.len;
	check(dbus_msg_build(&m, &msg) == 0, "message builds");
	check(msg.data[0] == 'l' && msg.data[1] == 1 && msg.data[3] == 1 && msg.data[4] == body.len &&
	      msg.data[8] == 7, "fixed header: l, type, version 1, body length, serial");
	check(dbus_msg_parse(msg.data, msg.len, &p, err, sizeof(err)) == 0, "parses back (%s)", err);
	check(p.serial == 7 && !strcmp(p.path, "/org/example/Echo") && !strcmp(p.member, "Echo") &&
	      !strcmp(p.interface, "org.example.Echo") && !strcmp(p.destination, "org.example.Echo") &&
	      !strcmp(p.sender, ":1.4") && !strcmp(p.signature, "sii") && p.body_len == body.len &&
	      (size_t)(p.body - msg.data) % 8 == 0, "all header fields round-trip");

	/* Every truncation must be refused. */
	ok = 1;
	for (cut = 0; cut < msg.len; cut++) {
		copy = malloc(cut ? cut : 1);
		memcpy(copy, msg.data, cut);
		if (dbus_msg_parse(copy, cut, &p, err, sizeof(err)) == 0)
			ok = 0;
		free(copy);
	}
	check(ok, "every truncated message is refused");

	/* Flipping any single byte either still parses or fails cleanly. */
	copy = malloc(msg.len);
	for (i = 0; i < msg.len; i++) {
		int bit;

		for (bit = 0; bit < 8; bit++) {
			memcpy(copy, msg.data, msg.len);
			copy[i] ^= 1 << bit;
			if (dbus_msg_parse(copy, msg.len, &p, err, sizeof(err)) == 0 && p.signature)
				dbus_print_body(NULL, p.body, p.body_len, p.endian == 'B', p.signature, 1, "", err,
						sizeof(err));
		}
	}
	check(1, "single-bit corruptions never crash");

	memcpy(copy, msg.data, msg.len);
	copy[3] = 2;
	check(dbus_msg_parse(copy, msg.len, &p, err, sizeof(err)) < 0 && strstr(err, "version"),
	      "version 2 refused: %s", err);
	memcpy(copy, msg.data, msg.len);
	copy[0] = 'x';
	check(dbus_msg_parse(copy, msg.len, &p, err, sizeof(err)) < 0, "bad endianness refused: %s", err);
	memcpy(copy, msg.data, msg.len);
	copy[4] += 8;
	check(dbus_msg_parse(copy, msg.len, &p, err, sizeof(err)) < 0 && strstr(err, "truncated"),
	      "body length too long: %s", err);
	free(copy);

	/* Extra bytes after the body. */
	copy = calloc(1, msg.len + 8);
	memcpy(copy, msg.data, msg.len);
	check(dbus_msg_parse(copy, msg.len + 8, &p, err, sizeof(err)) < 0, "trailing bytes refused: %s", err);
	free(copy);

	/* A signature that does not describe the body. */
	m.signature = "sis";
	dbus_msg_build(&m, &msg);
	check(dbus_msg_parse(msg.data, msg.len, &p, err, sizeof(err)) < 0, "body/signature mismatch: %s", err);
	m.signature = "si";
	dbus_msg_build(&m, &msg);
	check(dbus_msg_parse(msg.data, msg.len, &p, err, sizeof(err)) < 0 && strstr(err, "after the last"),
	      "short signature leaves bytes: %s", err);
	m.signature = "s{";
	dbus_msg_build(&m, &msg);
	check(dbus_msg_parse(msg.data, msg.len, &p, err, sizeof(err)) < 0, "bad signature refused: %s", err);
	m.signature = "sii";
	m.member = NULL;
	dbus_msg_build(&m, &msg);
	check(dbus_msg_parse(msg.data, msg.len, &p, err, sizeof(err)) < 0, "call without member refused: %s", err);

	/* An error reply. */
	memset(&m, 0, sizeof(m));
	m.type = DBUS_MSG_ERROR;
	m.serial = 9;
	m.reply_serial = 7;
	m.error_name = "org.example.Error.Failed";
	dbus_msg_build(&m, &msg);
	check(dbus_msg_parse(msg.data, msg.len, &p, err, sizeof(err)) == 0 && p.reply_serial == 7 &&
	      !strcmp(p.error_name, "org.example.Error.Failed") && !p.signature, "error message round-trips");
	dbus_buf_free(&body);
	dbus_buf_free(&msg);
}

/* Hand-made bodies (including big-endian) against the reader. */
static void reader_tests(void)
{
	static const uint8_t be_i[] = { 0x00, 0x00, 0x01, 0x02 };
	static const uint8_t badbool[] = { 2, 0, 0, 0 };
	static const uint8_t badpad[] = { 1, 1, 0, 0, 5, 0, 0, 0 };
	static const uint8_t nonul[] = { 2, 0, 0, 0, 'h', 'i', 'x' };
	static const uint8_t inner_nul[] = { 2, 0, 0, 0, 'h', 0, 0 };
	static const uint8_t hugearr[] = { 0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0 };
	static const uint8_t overrun[] = { 6, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0 };
	static const uint8_t badutf8[] = { 2, 0, 0, 0, 0xc3, 0x28, 0 };
	static const uint8_t varbad[] = { 2, 'i', 'i', 0, 1, 0, 0, 0, 2, 0, 0, 0 };
	uint8_t deep[256];
	char err[128], text[64];
	FILE *f;
	int i;

	f = fmemopen(text, sizeof(text), "w");
	check(dbus_print_body(f, be_i, 4, 1, "i", 0, "", err, sizeof(err)) == 0, "big-endian int");
	fclose(f);
	check(!strcmp(text, "i 258\n"), "big-endian value is 258: %s", text);
	check(dbus_print_body(NULL, badbool, 4, 0, "b", 0, "", err, sizeof(err)) < 0, "boolean 2: %s", err);
	check(dbus_print_body(NULL, badpad, 8, 0, "yu", 0, "", err, sizeof(err)) < 0 && strstr(err, "padding"),
	      "non-zero padding: %s", err);
	check(dbus_print_body(NULL, nonul, sizeof(nonul), 0, "s", 0, "", err, sizeof(err)) < 0,
	      "string without NUL: %s", err);
	check(dbus_print_body(NULL, inner_nul, sizeof(inner_nul), 0, "s", 0, "", err, sizeof(err)) < 0,
	      "string with inner NUL: %s", err);
	check(dbus_print_body(NULL, hugearr, sizeof(hugearr), 0, "ai", 0, "", err, sizeof(err)) < 0,
	      "array longer than the limit: %s", err);
	check(dbus_print_body(NULL, overrun, sizeof(overrun), 0, "ai", 0, "", err, sizeof(err)) < 0,
	      "element overruns array length: %s", err);
	check(dbus_print_body(NULL, badutf8, sizeof(badutf8), 0, "s", 0, "", err, sizeof(err)) < 0,
	      "invalid UTF-8: %s", err);
	check(dbus_print_body(NULL, varbad, sizeof(varbad), 0, "v", 0, "", err, sizeof(err)) < 0,
	      "variant with two types: %s", err);
	check(dbus_print_body(NULL, be_i, 4, 0, "(", 0, "", err, sizeof(err)) < 0, "bad body signature");
	check(dbus_print_body(NULL, be_i, 0, 0, "i", 0, "", err, sizeof(err)) < 0, "empty body for i");

	/* Variants nested 100 deep ("v" signature each time) hit the depth limit. */
	for (i = 0; i + 3 <= (int)sizeof(deep); i += 3) {
		deep[i] = 1;
		deep[i + 1] = 'v';
		deep[i + 2] = 0;
	}
	check(dbus_print_body(NULL, deep, sizeof(deep) - sizeof(deep) % 3, 0, "v", 0, "", err,
			      sizeof(err)) < 0 && strstr(err, "deep"), "deep variant nesting: %s", err);
}

int main(void)
{
	layout_tests();
	nesting_tests();
	arg_error_tests();
	signature_tests();
	message_tests();
	reader_tests();
	printf("1..%d\n%s: %d failure(s)\n", n, failures ? "FAIL" : "PASS", failures);
	return failures != 0;
}
