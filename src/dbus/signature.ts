// SPDX-License-Identifier: MIT
/**
 * Type signatures ("Type System" and "Valid Signatures" of the D-Bus
 * specification): parsing into a type tree, validation, alignment.
 *
 * Decoding and encoding are driven by the tree, never by re-scanning the
 * string, so each node keeps the substring it came from (arrays need their
 * element signature even when empty, variants and structs are shown with it).
 */
import {
  DBUS_MAX_ARRAY_DEPTH,
  DBUS_MAX_SIGNATURE_LENGTH,
  DBUS_MAX_STRUCT_DEPTH,
  type DbusBasicCode,
  type DbusValue,
} from './message.js';

export type DbusBasicType = { code: DbusBasicCode; signature: DbusBasicCode };
export type DbusType =
  | DbusBasicType
  | { code: 'a'; element: DbusType; signature: string }
  | { code: '('; fields: DbusType[]; signature: string }
  | { code: '{'; key: DbusBasicType; value: DbusType; signature: string }
  | { code: 'v'; signature: 'v' };

export type SignatureParseResult = { ok: true; types: DbusType[] } | { ok: false; error: string };

const BASIC_CODES: ReadonlySet<string> = new Set(['y', 'b', 'n', 'q', 'i', 'u', 'x', 't', 'd', 's', 'o', 'g', 'h']);

export function isBasicCode(c: string): c is DbusBasicCode {
  return BASIC_CODES.has(c);
}

/**
 * Alignment of a type on the wire, measured from the start of the message.
 * Structs and dict entries align to 8 whatever their fields, so that a
 * reader can skip to them without knowing their contents.
 */
export function alignmentOf(type: DbusType): 1 | 2 | 4 | 8 {
  switch (type.code) {
    case 'y':
    case 'g':
    case 'v':
      return 1;
    case 'n':
    case 'q':
      return 2;
    case 'b':
    case 'i':
    case 'u':
    case 'h':
    case 's':
    case 'o':
    case 'a':
      return 4;
    case 'x':
    case 't':
    case 'd':
    case '(':
    case '{':
      return 8;
  }
}

class SignatureError extends Error {}

/** Recursive descent over one signature; depth counters make the recursion bounded. */
class SignatureParser {
  private pos = 0;
  private arrayDepth = 0;
  private structDepth = 0;

  constructor(private readonly sig: string) {}

  parseAll(): DbusType[] {
    const types: DbusType[] = [];
    while (this.pos < this.sig.length) types.push(this.parseOne(false));
    return types;
  }

  private fail(message: string): never {
    throw new SignatureError(`${message} at position ${this.pos} of signature "${this.sig}"`);
  }

  private parseOne(inArray: boolean): DbusType {
    const start = this.pos;
    const c = this.sig[this.pos];
    if (c === undefined) this.fail('missing type');
    this.pos++;
    if (isBasicCode(c)) return { code: c, signature: c };
    switch (c) {
      case 'v':
        return { code: 'v', signature: 'v' };
      case 'a': {
        if (++this.arrayDepth > DBUS_MAX_ARRAY_DEPTH) this.fail(`more than ${DBUS_MAX_ARRAY_DEPTH} nested arrays`);
        if (this.pos >= this.sig.length) this.fail('array without element type');
        const element = this.parseOne(true);
        this.arrayDepth--;
        return { code: 'a', element, signature: this.sig.slice(start, this.pos) };
      }
      case '(': {
        if (++this.structDepth > DBUS_MAX_STRUCT_DEPTH) this.fail(`more than ${DBUS_MAX_STRUCT_DEPTH} nested structs`);
        const fields: DbusType[] = [];
        while (this.sig[this.pos] !== ')') {
          if (this.pos >= this.sig.length) this.fail('struct not closed');
          fields.push(this.parseOne(false));
        }
        if (fields.length === 0) this.fail('empty struct');
        this.pos++;
        this.structDepth--;
        return { code: '(', fields, signature: this.sig.slice(start, this.pos) };
      }
      case '{': {
        // A dict entry is only meaningful as the element of an array (a dict).
        if (!inArray) this.fail('dict entry outside an array');
        // Counted with structs: it is a struct of two on the wire.
        if (++this.structDepth > DBUS_MAX_STRUCT_DEPTH) this.fail(`more than ${DBUS_MAX_STRUCT_DEPTH} nested structs`);
        const keyCode = this.sig[this.pos];
        if (keyCode === undefined || keyCode === '}') this.fail('dict entry without key');
        if (!isBasicCode(keyCode)) this.fail(`dict entry key of type '${keyCode}' is not a basic type`);
        this.pos++;
        if (this.sig[this.pos] === '}' || this.pos >= this.sig.length) this.fail('dict entry without value');
        const value = this.parseOne(false);
        if (this.sig[this.pos] !== '}') this.fail(this.pos >= this.sig.length ? 'dict entry not closed' : 'dict entry with more than two types');
        this.pos++;
        this.structDepth--;
        return { code: '{', key: { code: keyCode, signature: keyCode }, value, signature: this.sig.slice(start, this.pos) };
      }
      case ')':
        return this.fail("')' without '('");
      case '}':
        return this.fail("'}' without '{'");
      default:
        this.pos--;
        return this.fail(`unknown type code ${JSON.stringify(c)}`);
    }
  }
}

/** Parse a signature: zero or more complete types, at most 255 bytes, within the nesting limits. */
export function parseSignature(sig: string): SignatureParseResult {
  // Every valid character is ASCII, so the string length is the byte length.
  if (sig.length > DBUS_MAX_SIGNATURE_LENGTH) {
    return { ok: false, error: `signature is ${sig.length} bytes long, more than ${DBUS_MAX_SIGNATURE_LENGTH}` };
  }
  try {
    return { ok: true, types: new SignatureParser(sig).parseAll() };
  } catch (e) {
    if (e instanceof SignatureError) return { ok: false, error: e.message };
    throw e;
  }
}

/** Parse a signature that must be exactly one complete type (a variant's). */
export function parseSingleCompleteType(sig: string): { ok: true; type: DbusType } | { ok: false; error: string } {
  const r = parseSignature(sig);
  if (!r.ok) return r;
  const [first, ...rest] = r.types;
  if (first === undefined) return { ok: false, error: 'empty signature where one complete type is required' };
  if (rest.length > 0) return { ok: false, error: `signature "${sig}" holds ${r.types.length} complete types where one is required` };
  return { ok: true, type: first };
}

export function isValidSignature(sig: string): boolean {
  return parseSignature(sig).ok;
}

/** The signature of a value, computed from the value alone. */
export function signatureOfValue(value: DbusValue): string {
  switch (value.type) {
    case 'a':
      return `a${value.elementSignature}`;
    case '(':
      return value.signature;
    case '{':
      return `{${value.key.type}${signatureOfValue(value.value)}}`;
    default:
      return value.type;
  }
}
