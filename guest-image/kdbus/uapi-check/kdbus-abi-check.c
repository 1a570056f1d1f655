// SPDX-License-Identifier: GPL-2.0
/*
 * Compile-time ABI check of the kdbus uapi header (spec sections 4 and 5).
 * Build: i686-linux-gnu-gcc -c -I guest-image/kdbus/uapi kdbus-abi-check.c
 * (also builds with the host gcc for x86_64).
 */
#include <stddef.h>
#include <linux/kdbus.h>

#define CHECK_SIZE(t, s) _Static_assert(sizeof(t) == (s), #t " size")
#define CHECK_OFF(t, f, o) _Static_assert(offsetof(t, f) == (o), #t "." #f)

CHECK_SIZE(struct kdbus_cmd, 24);
CHECK_SIZE(struct kdbus_x_hello_refused, 64);
CHECK_SIZE(struct kdbus_x_conn_masks, 24);
CHECK_SIZE(struct kdbus_cmd_hello, 96);
CHECK_SIZE(struct kdbus_cmd_free, 32);
CHECK_SIZE(struct kdbus_cmd_info, 56);
CHECK_SIZE(struct kdbus_cmd_list, 40);
CHECK_SIZE(struct kdbus_cmd_send, 56);
CHECK_SIZE(struct kdbus_cmd_recv, 64);
CHECK_SIZE(struct kdbus_cmd_match, 32);
CHECK_SIZE(struct kdbus_msg, 64);
CHECK_SIZE(struct kdbus_msg_info, 24);
CHECK_SIZE(struct kdbus_info, 24);
CHECK_SIZE(struct kdbus_item, 80);
CHECK_SIZE(struct kdbus_vec, 16);
CHECK_SIZE(struct kdbus_memfd, 24);
CHECK_SIZE(struct kdbus_creds, 64);
CHECK_SIZE(struct kdbus_pids, 24);
CHECK_SIZE(struct kdbus_audit, 8);
CHECK_SIZE(struct kdbus_timestamp, 24);
CHECK_SIZE(struct kdbus_bloom_parameter, 16);
CHECK_SIZE(struct kdbus_bloom_filter, 8);
CHECK_SIZE(struct kdbus_name, 8);
CHECK_SIZE(struct kdbus_notify_id_change, 16);
CHECK_SIZE(struct kdbus_notify_name_change, 32);
CHECK_SIZE(struct kdbus_policy_access, 24);

CHECK_OFF(struct kdbus_cmd_hello, attach_flags_send, 24);
CHECK_OFF(struct kdbus_cmd_hello, attach_flags_recv, 32);
CHECK_OFF(struct kdbus_cmd_hello, bus_flags, 40);
CHECK_OFF(struct kdbus_cmd_hello, id, 48);
CHECK_OFF(struct kdbus_cmd_hello, pool_size, 56);
CHECK_OFF(struct kdbus_cmd_hello, offset, 64);
CHECK_OFF(struct kdbus_cmd_hello, items_size, 72);
CHECK_OFF(struct kdbus_cmd_hello, id128, 80);
CHECK_OFF(struct kdbus_cmd_hello, items, 96);
CHECK_OFF(struct kdbus_cmd_info, id, 24);
CHECK_OFF(struct kdbus_cmd_info, attach_flags, 32);
CHECK_OFF(struct kdbus_cmd_info, offset, 40);
CHECK_OFF(struct kdbus_cmd_info, info_size, 48);
CHECK_OFF(struct kdbus_cmd_send, msg_address, 24);
CHECK_OFF(struct kdbus_cmd_send, reply, 32);
CHECK_OFF(struct kdbus_cmd_send, items, 56);
CHECK_OFF(struct kdbus_cmd_recv, priority, 24);
CHECK_OFF(struct kdbus_cmd_recv, dropped_msgs, 32);
CHECK_OFF(struct kdbus_cmd_recv, msg, 40);
CHECK_OFF(struct kdbus_cmd_list, offset, 24);
CHECK_OFF(struct kdbus_cmd_list, list_size, 32);
CHECK_OFF(struct kdbus_cmd_match, cookie, 24);
CHECK_OFF(struct kdbus_cmd_free, offset, 24);
CHECK_OFF(struct kdbus_msg, priority, 16);
CHECK_OFF(struct kdbus_msg, dst_id, 24);
CHECK_OFF(struct kdbus_msg, src_id, 32);
CHECK_OFF(struct kdbus_msg, payload_type, 40);
CHECK_OFF(struct kdbus_msg, cookie, 48);
CHECK_OFF(struct kdbus_msg, timeout_ns, 56);
CHECK_OFF(struct kdbus_msg, cookie_reply, 56);
CHECK_OFF(struct kdbus_msg, items, 64);
CHECK_OFF(struct kdbus_item, data, 16);
CHECK_OFF(struct kdbus_item, vec.offset, 24);
CHECK_OFF(struct kdbus_item, memfd.fd, 32);
CHECK_OFF(struct kdbus_item, name_change.name, 48);
CHECK_OFF(struct kdbus_item, caps.caps, 20);
CHECK_OFF(struct kdbus_item, bloom_filter.data, 24);
CHECK_OFF(struct kdbus_item, name.name, 24);
CHECK_OFF(struct kdbus_info, items, 24);

_Static_assert(KDBUS_CMD_BUS_MAKE == 0x40189500, "BUS_MAKE");
_Static_assert(KDBUS_CMD_ENDPOINT_MAKE == 0x40189510, "ENDPOINT_MAKE");
_Static_assert(KDBUS_CMD_ENDPOINT_UPDATE == 0x40189511, "ENDPOINT_UPDATE");
_Static_assert(KDBUS_CMD_HELLO == 0xC0609580, "HELLO");
_Static_assert(KDBUS_CMD_UPDATE == 0x40189581, "UPDATE");
_Static_assert(KDBUS_CMD_BYEBYE == 0x40189582, "BYEBYE");
_Static_assert(KDBUS_CMD_FREE == 0x40209583, "FREE");
_Static_assert(KDBUS_CMD_CONN_INFO == 0x80389584, "CONN_INFO");
_Static_assert(KDBUS_CMD_BUS_CREATOR_INFO == 0x80389585, "BUS_CREATOR_INFO");
_Static_assert(KDBUS_CMD_LIST == 0x80289586, "LIST");
_Static_assert(KDBUS_CMD_SEND == 0x40389590, "SEND");
_Static_assert(KDBUS_CMD_RECV == 0x80409591, "RECV");
_Static_assert(KDBUS_CMD_NAME_ACQUIRE == 0x401895A0, "NAME_ACQUIRE");
_Static_assert(KDBUS_CMD_NAME_RELEASE == 0x401895A1, "NAME_RELEASE");
_Static_assert(KDBUS_CMD_MATCH_ADD == 0x402095B0, "MATCH_ADD");
_Static_assert(KDBUS_CMD_MATCH_REMOVE == 0x402095B1, "MATCH_REMOVE");
_Static_assert(_KDBUS_ATTACH_ALL == 0x3FFF, "ATTACH_ALL");
_Static_assert(KDBUS_ITEM_CONN_DESCRIPTION == 0x100D, "CONN_DESCRIPTION");
_Static_assert(KDBUS_ITEM_REPLY_DEAD == 0x8006, "REPLY_DEAD");
