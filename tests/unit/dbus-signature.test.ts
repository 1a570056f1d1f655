// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { busNameError, errorNameError, interfaceNameError, memberNameError, objectPathError } from '../../src/dbus/names.js';
import { alignmentOf, parseSignature, parseSingleCompleteType, signatureOfValue } from '../../src/dbus/signature.js';

function errorOf(sig: string): string {
  const r = parseSignature(sig);
  if (r.ok) throw new Error(`"${sig}" was accepted`);
  return r.error;
}

describe('parseSignature', () => {
  it('splits a signature into complete types, each keeping its own text', () => {
    const r = parseSignature('sia{sv}(i(yx))aav');
    if (!r.ok) throw new Error(r.error);
    expect(r.types.map((t) => t.signature)).toEqual(['s', 'i', 'a{sv}', '(i(yx))', 'aav']);
    const dict = r.types[2];
    if (dict?.code !== 'a' || dict.element.code !== '{') throw new Error('not a dict');
    expect(dict.element.key.code).toBe('s');
    expect(dict.element.value.code).toBe('v');
    const st = r.types[3];
    if (st?.code !== '(') throw new Error('not a struct');
    expect(st.fields.map((f) => f.signature)).toEqual(['i', '(yx)']);
  });

  it('accepts the empty signature (a message without body)', () => {
    expect(parseSignature('')).toEqual({ ok: true, types: [] });
  });

  it.each([
    ['a', 'array without element type'],
    ['()', 'empty struct'],
    ['(i', 'struct not closed'],
    ['i)', "')' without '('"],
    ['{sv}', 'dict entry outside an array'],
    ['(s{sv})', 'dict entry outside an array'],
    ['a{vs}', "key of type 'v' is not a basic type"],
    ['a{(i)s}', "key of type '(' is not a basic type"],
    ['a{s}', 'dict entry without value'],
    ['a{}', 'dict entry without key'],
    ['a{sii}', 'more than two types'],
    ['a{si', 'dict entry not closed'],
    ['z', 'unknown type code "z"'],
    ['ae', 'unknown type code "e"'],
    ['i}', "'}' without '{'"],
  ])('rejects %j: %s', (sig, why) => {
    expect(errorOf(sig)).toContain(why);
  });

  it('allows 32 nested arrays and 32 nested structs, not 33', () => {
    expect(parseSignature(`${'a'.repeat(32)}i`).ok).toBe(true);
    expect(errorOf(`${'a'.repeat(33)}i`)).toContain('more than 32 nested arrays');
    expect(parseSignature(`${'('.repeat(32)}i${')'.repeat(32)}`).ok).toBe(true);
    expect(errorOf(`${'('.repeat(33)}i${')'.repeat(33)}`)).toContain('more than 32 nested structs');
    // Both at once is fine: the limits are separate.
    expect(parseSignature(`${'a('.repeat(32)}i${')'.repeat(32)}`).ok).toBe(true);
  });

  it('counts dict entries with structs', () => {
    const sig = `${'a{s'.repeat(16)}${'(i'.repeat(16)}${')'.repeat(16)}${'}'.repeat(16)}`;
    expect(parseSignature(sig).ok).toBe(true);
    const over = `${'a{s'.repeat(17)}${'(i'.repeat(16)}${')'.repeat(16)}${'}'.repeat(17)}`;
    expect(errorOf(over)).toContain('more than 32 nested structs');
  });

  it('allows 255 bytes, not 256', () => {
    expect(parseSignature('i'.repeat(255)).ok).toBe(true);
    expect(errorOf('i'.repeat(256))).toContain('256 bytes');
  });

  it('parseSingleCompleteType wants exactly one type', () => {
    expect(parseSingleCompleteType('a{sv}').ok).toBe(true);
    expect(parseSingleCompleteType('ii')).toEqual({ ok: false, error: 'signature "ii" holds 2 complete types where one is required' });
    expect(parseSingleCompleteType('').ok).toBe(false);
  });

  it('knows the alignment of every kind of type', () => {
    const r = parseSignature('ybnqiuxtdsogha(i){}v'.replace('{}', 'a{yy}'));
    if (!r.ok) throw new Error(r.error);
    expect(r.types.map((t) => `${t.signature}:${alignmentOf(t)}`)).toEqual([
      'y:1', 'b:4', 'n:2', 'q:2', 'i:4', 'u:4', 'x:8', 't:8', 'd:8', 's:4', 'o:4', 'g:1', 'h:4', 'a(i):4', 'a{yy}:4', 'v:1',
    ]);
    const dict = r.types[14];
    if (dict?.code !== 'a') throw new Error('not an array');
    expect(alignmentOf(dict.element)).toBe(8);
  });

  it('signatureOfValue rebuilds the signature of nested values', () => {
    expect(
      signatureOfValue({
        type: 'a',
        elementSignature: '{sv}',
        items: [],
      }),
    ).toBe('a{sv}');
    expect(signatureOfValue({ type: '{', key: { type: 'y', value: 1 }, value: { type: 'v', signature: 's', value: { type: 's', value: '' } } })).toBe('{yv}');
  });
});

describe('names', () => {
  it.each(['/', '/a', '/org/example/Echo', '/a_b/C9/_'])('object path %j is valid', (p) => {
    expect(objectPathError(p)).toBeUndefined();
  });
  it.each([
    ['', "does not start with '/'"],
    ['a/b', "does not start with '/'"],
    ['/a/', "ends with '/'"],
    ['/a//b', 'empty element'],
    ['/a-b', 'characters other than'],
    ['/a.b', 'characters other than'],
  ])('object path %j is invalid: %s', (p, why) => {
    expect(objectPathError(p)).toContain(why);
  });

  it('interface and error names need two elements without leading digits', () => {
    expect(interfaceNameError('org.example.Echo')).toBeUndefined();
    expect(interfaceNameError('_a._1')).toBeUndefined();
    expect(interfaceNameError('org')).toContain('fewer than two elements');
    expect(interfaceNameError('org.1example')).toContain('invalid element "1example"');
    expect(interfaceNameError('org..x')).toContain('empty element');
    expect(interfaceNameError('.org.x')).toContain('empty element');
    expect(interfaceNameError('org.ex-ample')).toContain('invalid element');
    expect(interfaceNameError(`a.${'b'.repeat(253)}`)).toBeUndefined();
    expect(interfaceNameError(`a.${'b'.repeat(254)}`)).toContain('256 bytes');
    expect(errorNameError('org.example.Error.Failed')).toBeUndefined();
    expect(errorNameError('Failed')).toContain('error name');
  });

  it('member names are one element', () => {
    expect(memberNameError('Echo')).toBeUndefined();
    expect(memberNameError('_x9')).toBeUndefined();
    expect(memberNameError('')).toContain('empty');
    expect(memberNameError('9x')).toBeDefined();
    expect(memberNameError('a.b')).toBeDefined();
    expect(memberNameError('a'.repeat(256))).toContain('256 bytes');
  });

  it('bus names: unique names may start elements with digits, well-known ones may use hyphens', () => {
    expect(busNameError(':1.42')).toBeUndefined();
    expect(busNameError('org.example.Echo')).toBeUndefined();
    expect(busNameError('org.ex-ample.a_b')).toBeUndefined();
    expect(busNameError('org.1example')).toContain('invalid element');
    expect(busNameError(':1')).toContain('fewer than two elements');
    expect(busNameError('org')).toContain('fewer than two elements');
    expect(busNameError('org.example.')).toContain('empty element');
    expect(busNameError(':1.a b')).toContain('invalid element');
  });
});
