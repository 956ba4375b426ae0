/* Unit tests of the chunked list deque (src/store/list.ts) and its listpack size model
 * (src/store/list-pack.ts): seeded random operations at several fills checked against a plain JS
 * array after every step (contents, length, node invariants: no empty node, tracked listpack
 * sizes equal to recomputed ones), the node limits of each fill, COPY's structure-preserving dup,
 * listpack entry sizes of every encoding, and C-style "%.2f". */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { rng } from '../helpers/servers';
import { ListValue, checkListInvariants } from '../../src/store/list';
import { fixed2, lpBytes, lpEntrySize } from '../../src/store/list-pack';

/** Element generator mixing small ints, wide ints and strings of several sizes. */
function elements(r: () => number): () => string {
  return () => {
    const k = Math.floor(r() * 10);
    if (k < 3) return String(Math.floor(r() * 6));
    if (k < 4) return String(Math.floor(r() * 2 ** 40) - 2 ** 39);
    if (k < 5) return 'x'.repeat(Math.floor(r() * 200));
    if (k < 6) return 'big'.repeat(Math.floor(r() * 1200));
    return 'v' + Math.floor(r() * 8);
  };
}

/** Full comparison of the list against the model. */
function same(l: ListValue, m: readonly string[], what: string): void {
  assert.equal(l.len, m.length, `${what}: length`);
  assert.equal(checkListInvariants(l), null, `${what}: invariants`);
  for (let i = 0; i < m.length; i++) if (l.get(i) !== m[i]) assert.fail(`${what}: element ${i}`);
  // Backwards too: the cursor cache walks in both directions.
  for (let i = m.length - 1; i >= 0; i -= 7) if (l.get(i) !== m[i]) assert.fail(`${what}: element ${i} (backwards)`);
}

for (const fill of [-2, -1, -5, 0, 1, 4, 100]) {
  test(`random operations against an array model (fill ${fill})`, () => {
    const r = rng(1000 + fill);
    const elem = elements(r);
    const l = new ListValue(fill, 0);
    let m: string[] = [];
    const steps = fill === 0 || fill === 1 ? 3000 : 6000;
    for (let step = 0; step < steps; step++) {
      const op = Math.floor(r() * 14);
      const v = elem();
      const grow = step < steps / 2;
      if (op < 3 && (grow || r() < 0.4)) { l.pushHead(v); m.unshift(v); }
      else if (op < 6 && (grow || r() < 0.4)) { l.pushTail(v); m.push(v); }
      else if (op < 7 && m.length > 0) { assert.equal(l.popHead(), m.shift()); }
      else if (op < 8 && m.length > 0) { assert.equal(l.popTail(), m.pop()); }
      else if (op < 10 && m.length > 0) {
        const p = Math.floor(r() * m.length);
        const after = r() < 0.5;
        l.insert(p, after, v);
        m.splice(after ? p + 1 : p, 0, v);
      } else if (op < 11 && m.length > 0) {
        const i = Math.floor(r() * m.length);
        l.set(i, v);
        m[i] = v;
      } else if (op < 12 && r() < 0.2) {
        const target = m.length > 0 && r() < 0.7 ? m[Math.floor(r() * m.length)] : v;
        const limit = Math.floor(r() * 3);
        const fromTail = r() < 0.5;
        let removed = 0;
        const keep: string[] = [];
        for (const e of fromTail ? [...m].reverse() : m) {
          if (e === target && (limit === 0 || removed < limit)) removed++;
          else keep.push(e);
        }
        assert.equal(l.removeMatching(target, limit, fromTail), removed);
        m = fromTail ? keep.reverse() : keep;
      } else if (op < 13 && m.length > 0 && r() < 0.1) {
        const start = Math.floor(r() * Math.min(m.length, 50));
        const count = Math.max(0, m.length - start - Math.floor(r() * 50));
        l.keepRange(start, count);
        m = m.slice(start, start + count);
      } else if (m.length > 0) {
        const i = Math.floor(r() * m.length);
        assert.equal(l.get(i), m[i]);
      }
      if (step % 200 === 0 || m.length < 20) same(l, m, `step ${step}`);
      else assert.equal(l.len, m.length);
    }
    same(l, m, 'end');
    const d = l.dup();
    same(d, m, 'dup');
    assert.equal(d.nn, l.nn, 'dup keeps the node structure');
    for (let k = 0; k < l.nn; k++) assert.equal(d.node(k).n, l.node(k).n);
    assert.equal(d.fill, l.fill);
    d.pushTail('only in the copy');
    assert.equal(l.len, m.length, 'the copy is independent');
    while (l.len > 0) assert.equal(l.popTail(), m.pop());
    assert.equal(l.nn, 0);
    assert.equal(l.nodes.length, 1, 'a drained list shrinks its node ring back to the minimum');
  });
}

test('node limits: byte levels for negative fills, counts under 8 KB for positive ones', () => {
  // 10-byte strings take 12 bytes; a node accepts while size + 10 + 8 <= limit.
  for (const [fill, perNode] of [[-1, 340], [-2, 681], [-3, 1364], [-5, 5460], [1, 1], [5, 5], [1000, 681], [0, 1]] as const) {
    const l = new ListValue(fill, 0);
    for (let i = 0; i < 20000; i++) l.pushTail('aaaaaaaaaa');
    assert.equal(l.node(0).n, perNode, `fill ${fill}`);
    assert.equal(l.node(0).sz, 7 + 12 * perNode);
    assert.equal(l.nn, Math.ceil(20000 / perNode));
  }
  assert.equal(new ListValue(-100, 0).fill, -5, 'fill is clamped like quicklistSetFill');
  assert.equal(new ListValue(1e6, 0).fill, 32767);
  assert.equal(new ListValue(-2, 1e6).compress, 65535);
});

test('pushes at both ends of a long list never move more than one node', () => {
  const l = new ListValue();
  for (let i = 0; i < 300000; i++) l.push(String(i % 1000), (i & 1) === 0);
  assert.equal(checkListInvariants(l), null);
  // Interior nodes are trimmed to their exact size; only the end nodes have slack.
  let slack = 0;
  for (let k = 1; k < l.nn - 1; k++) slack += l.node(k).a.length - l.node(k).n;
  assert.ok(slack <= (l.nn * 8), `interior slack ${slack} over ${l.nn} nodes`);
  assert.equal(l.get(0), '998');
  assert.equal(l.get(l.len - 1), '999');
  assert.equal(l.get(150000), '1');
});

test('listpack entry sizes of every encoding', () => {
  const cases: [string, number][] = [
    ['0', 2], ['127', 2], ['128', 3], ['-1', 3], ['4095', 3], ['-4096', 3], ['4096', 4], ['-32768', 4],
    ['32768', 5], ['-8388608', 5], ['8388608', 6], ['2147483647', 6], ['-2147483648', 6], ['2147483648', 10],
    ['9223372036854775807', 10], ['-9223372036854775808', 10], ['9223372036854775808', 21],
    ['-9223372036854775809', 22], ['007', 5], ['-0', 4], ['+1', 4], ['', 2], ['-', 3], ['1.0', 5],
    ['x'.repeat(63), 65], ['x'.repeat(64), 67], ['x'.repeat(125), 128], ['x'.repeat(126), 130],
    ['x'.repeat(4095), 4099], ['x'.repeat(4096), 4103], ['x'.repeat(16377), 16384], ['x'.repeat(16378), 16386],
  ];
  for (const [s, size] of cases) {
    assert.equal(lpEntrySize(s), size, `entry size of ${s.length > 20 ? `${s.length} bytes` : JSON.stringify(s)}`);
    // The serializer writes exactly that many bytes.
    assert.equal(lpBytes([s], 0, 1, 7 + size).length, 7 + size);
  }
  const b = lpBytes(['1', '-2', 'ab'], 0, 3, 7 + 2 + 3 + 4);
  assert.deepEqual([...b], [16, 0, 0, 0, 3, 0, 0x01, 0x01, 0xdf, 0xfe, 0x02, 0x82, 0x61, 0x62, 0x03, 0xff]);
});

test('"%.2f" rounds exact ties to even like C', () => {
  assert.equal(fixed2(1.125), '1.12');
  assert.equal(fixed2(1.375), '1.38');
  assert.equal(fixed2(9 / 8), '1.12');
  assert.equal(fixed2(2 / 3), '0.67');
  assert.equal(fixed2(681), '681.00');
  assert.equal(fixed2(1.005), '1.00'); // 1.005 is just below the tie in binary
  assert.equal(fixed2(100.625), '100.62');
});
