// SPDX-License-Identifier: MIT
/**
 * 64-bit integers in the JSON trace format, losslessly.
 *
 * kdbus fields are u64 (and one s64, `priority`). Almost every value a trace
 * carries is far below 2^53 (ids and cookies are counters, monotonic times are
 * ns since boot), so it travels as a plain JSON number. The few that are not —
 * `~0` (broadcast destination, `_KDBUS_ATTACH_ANY`), flag bit 63
 * (`KDBUS_FLAG_NEGOTIATE`), `KDBUS_PAYLOAD_DBUS`, CLOCK_REALTIME ns — travel
 * as a string of decimal digits (with a leading `-` for a negative s64).
 *
 * The form is canonical: a number exactly when the value is a safe integer
 * (|v| ≤ 2^53 − 1), a string otherwise; so two values are equal iff their
 * `String()` forms are equal, and `BigInt(v)` converts either form.
 */

/** An unsigned 64-bit value: a safe-integer number, else a decimal string. */
export type U64 = number | string;
/** A signed 64-bit value: a safe-integer number, else a decimal string (maybe with `-`). */
export type S64 = number | string;

export const U64_MAX: U64 = '18446744073709551615';

const TWO_32 = 0x1_0000_0000;
/** The largest high word for which hi·2^32 + lo is still a safe integer. */
const SAFE_HI = 0x1f_ffff;

/** Canonical form of a bigint (callers keep it within u64/s64 range). */
export function u64FromBigInt(v: bigint): U64 {
  return v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** Reads a little-endian u64 at `offset` (the caller checked the bounds). */
export function readU64(view: DataView, offset: number): U64 {
  const lo = view.getUint32(offset, true);
  const hi = view.getUint32(offset + 4, true);
  if (hi <= SAFE_HI) return hi * TWO_32 + lo;
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** Reads a little-endian s64 at `offset`. */
export function readS64(view: DataView, offset: number): S64 {
  return u64FromBigInt(view.getBigInt64(offset, true));
}

/** Exact value as a bigint. */
export function u64ToBigInt(v: U64 | S64): bigint {
  return BigInt(v);
}

/** As a JS number: exact for safe integers, the nearest double otherwise (for display and arithmetic on times). */
export function u64ToNumber(v: U64 | S64): number {
  return typeof v === 'number' ? v : Number(v);
}

export function u64Equals(a: U64 | S64, b: U64 | S64): boolean {
  return String(a) === String(b);
}

export function u64IsZero(v: U64 | S64): boolean {
  return v === 0;
}

/** True for a bit set in a flag word given in either form. */
export function u64HasBit(v: U64, bit: number): boolean {
  if (typeof v === 'number' && bit < 53) return Math.floor(v / 2 ** bit) % 2 === 1;
  return ((BigInt(v) >> BigInt(bit)) & 1n) === 1n;
}

/** Whether `v` is a value in canonical U64 form (used by the JSON validator). */
export function isCanonicalU64(v: unknown): v is U64 {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0;
  if (typeof v !== 'string' || !/^[0-9]{16,20}$/.test(v)) return false;
  const b = BigInt(v);
  return b > BigInt(Number.MAX_SAFE_INTEGER) && b <= 0xffff_ffff_ffff_ffffn;
}

/** Whether `v` is a value in canonical S64 form. */
export function isCanonicalS64(v: unknown): v is S64 {
  if (typeof v === 'number') return Number.isSafeInteger(v);
  if (typeof v !== 'string' || !/^-?[0-9]{16,19}$/.test(v)) return false;
  const b = BigInt(v);
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return (b > max || b < -max) && b <= 0x7fff_ffff_ffff_ffffn && b >= -0x8000_0000_0000_0000n;
}
