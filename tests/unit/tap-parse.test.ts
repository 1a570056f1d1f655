// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { parseTap, summarize } from '../../src/tap/parse.js';

describe('TAP parser', () => {
  it('reads the plan, test points and diagnostics attached to the point before them', () => {
    const r = parseTap([
      '# kdbus-tests',
      '1..3',
      'ok 1 - fs: mount works',
      'not ok 2 - bus: name rules',
      '# t-bus.c:42: expected EINVAL, got ENAMETOOLONG',
      '#   second line',
      'ok 3 - conn: hello',
      '',
    ].join('\n'));
    expect(r.plan).toEqual({ start: 1, end: 3, comment: null });
    expect(r.preamble).toEqual(['kdbus-tests']);
    expect(r.points.map((p) => [p.id, p.ok, p.description])).toEqual([
      [1, true, 'fs: mount works'],
      [2, false, 'bus: name rules'],
      [3, true, 'conn: hello'],
    ]);
    expect(r.points[1]?.diagnostics).toEqual(['t-bus.c:42: expected EINVAL, got ENAMETOOLONG', '  second line']);
    expect(summarize(r)).toEqual({ planned: 3, seen: 3, passed: 2, failed: 1, skipped: 0, complete: true, success: false });
  });

  it('understands SKIP and TODO directives and escaped #', () => {
    const r = parseTap('1..3\nok 1 - a: b # SKIP needs root\nnot ok 2 - c \\# d # TODO later\nok 3 - e # skipped: whatever\n');
    expect(r.points[0]).toMatchObject({ ok: true, description: 'a: b', directive: { kind: 'SKIP', reason: 'needs root' } });
    expect(r.points[1]).toMatchObject({ ok: false, description: 'c # d', directive: { kind: 'TODO', reason: 'later' } });
    expect(r.points[2]).toMatchObject({ description: 'e', directive: { kind: 'SKIP', reason: 'whatever' } });
    expect(summarize(r)).toMatchObject({ passed: 1, failed: 0, skipped: 2, success: true });
  });

  it('keeps a # that is not a directive in the description', () => {
    const r = parseTap('1..1\nok 1 - issue # 3 is fixed\n');
    expect(r.points[0]).toMatchObject({ description: 'issue # 3 is fixed', directive: null });
  });

  it('accepts points without numbers or dashes, and a trailing plan', () => {
    const r = parseTap('ok\nnot ok just words\nok 3\n1..3\n');
    expect(r.points.map((p) => [p.id, p.ok, p.description])).toEqual([
      [1, true, ''],
      [2, false, 'just words'],
      [3, true, ''],
    ]);
    expect(summarize(r)).toMatchObject({ planned: 3, complete: true, success: false });
  });

  it('flags a short count, a missing plan, wrong numbering and bail out as incomplete', () => {
    expect(summarize(parseTap('1..3\nok 1 - a\nok 2 - b\n'))).toMatchObject({ planned: 3, seen: 2, complete: false, success: false });
    expect(summarize(parseTap('ok 1 - a\n'))).toMatchObject({ planned: null, complete: false, success: false });
    expect(summarize(parseTap('1..2\nok 1 - a\nok 3 - b\n'))).toMatchObject({ complete: false });
    const bail = parseTap('1..2\nok 1 - a\nBail out! no kdbusfs\n');
    expect(bail.bailOut).toBe('no kdbusfs');
    expect(summarize(bail).complete).toBe(false);
  });

  it('handles CRLF, a plan comment and unknown lines', () => {
    const r = parseTap('1..0 # SKIP nothing to do\r\nsome noise\r\nTAP version 13\r\n');
    expect(r.plan).toEqual({ start: 1, end: 0, comment: 'SKIP nothing to do' });
    expect(r.unknown).toEqual(['some noise']);
    expect(summarize(r)).toMatchObject({ planned: 0, seen: 0, complete: true, success: true });
  });

  it('does not take "okay" or "oknot" for a test point', () => {
    const r = parseTap('1..0\nokay then\n');
    expect(r.points).toEqual([]);
    expect(r.unknown).toEqual(['okay then']);
  });
});
