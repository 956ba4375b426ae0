/* Request parser: fed whole, byte by byte, at random split points, and fuzzed. */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RequestParser, splitArgs, parseLL } from '../../src/protocol/parser';
import { encodeCommand } from '../helpers/resp';
import { rng } from '../helpers/servers';

/** Feed `chunks` and collect every parsed argv (empty commands skipped). */
function parseAll(chunks: Buffer[], p = new RequestParser()): { cmds: string[][]; error: string | null } {
  const cmds: string[][] = [];
  for (const ch of chunks) {
    p.feed(ch);
    for (;;) {
      const a = p.next();
      if (a === null) break;
      if (a.length) cmds.push(a);
    }
    if (p.error) break;
  }
  return { cmds, error: p.error };
}

function splitAt(buf: Buffer, points: number[]): Buffer[] {
  const out: Buffer[] = [];
  let last = 0;
  for (const p of [...points].sort((a, b) => a - b)) {
    if (p > last && p < buf.length) { out.push(buf.subarray(last, p)); last = p; }
  }
  out.push(buf.subarray(last));
  return out;
}

const SAMPLE: string[][] = [
  ['SET', 'key', 'value'],
  ['GET', 'key'],
  ['MSET', 'a', '', 'b', '\r\n\x00\xff binary'],
  ['PING'],
  ['APPEND', 'big', 'x'.repeat(70000)],
];
const WIRE = Buffer.concat([...SAMPLE.map(encodeCommand), Buffer.from('PING "a b" \'c\'\r\nECHO x\n\r\n')]);
const EXPECT = [...SAMPLE, ['PING', 'a b', 'c'], ['ECHO', 'x']];

test('parses a pipeline fed whole', () => {
  assert.deepEqual(parseAll([WIRE]).cmds, EXPECT);
});

test('parses a pipeline fed byte by byte', () => {
  const chunks: Buffer[] = [];
  for (let i = 0; i < WIRE.length; i++) chunks.push(WIRE.subarray(i, i + 1));
  assert.deepEqual(parseAll(chunks).cmds, EXPECT);
});

test('parses a pipeline split at random points (seeded)', () => {
  const r = rng(42);
  for (let iter = 0; iter < 200; iter++) {
    const pts = Array.from({ length: 1 + Math.floor(r() * 12) }, () => Math.floor(r() * WIRE.length));
    assert.deepEqual(parseAll(splitAt(WIRE, pts)).cmds, EXPECT, `split points ${pts}`);
  }
});

test('multibulk count <= 0 is skipped, like Redis', () => {
  assert.deepEqual(parseAll([Buffer.from('*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n')]).cmds, [['PING']]);
});

test('the two bytes after a bulk payload are skipped unchecked', () => {
  const r = parseAll([Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nvXX*1\r\n$3\r\nGET\r\n')]);
  assert.deepEqual(r.cmds, [['SET', 'k', 'v'], ['GET']]);
});

test('protocol errors carry Redis texts', () => {
  const cases: [string, string][] = [
    ['*a\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['*2\r\n$3\r\nget\r\n$-5\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*2\r\nx3\r\nget\r\n', "ERR Protocol error: expected '$', got 'x'"],
    ['PING "a\r\n', 'ERR Protocol error: unbalanced quotes in request'],
    ['*3000000000\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['*1\r\n$536870913\r\n', 'ERR Protocol error: invalid bulk length'],
  ];
  for (const [wire, err] of cases) assert.equal(parseAll([Buffer.from(wire, 'latin1')]).error, err, wire);
});

test('unauthenticated clients are limited to 10 args and 16 KB bulks', () => {
  const p = new RequestParser();
  p.authenticated = false;
  assert.equal(parseAll([Buffer.from('*11\r\n')], p).error, 'ERR Protocol error: unauthenticated multibulk length');
  const q = new RequestParser();
  q.authenticated = false;
  assert.equal(parseAll([Buffer.from('*1\r\n$16385\r\n')], q).error, 'ERR Protocol error: unauthenticated bulk length');
});

test('too big inline / count strings are rejected', () => {
  assert.equal(parseAll([Buffer.alloc(70000, 'a')]).error, 'ERR Protocol error: too big inline request');
  assert.equal(parseAll([Buffer.concat([Buffer.from('*'), Buffer.alloc(70000, '1')])]).error,
    'ERR Protocol error: too big mbulk count string');
  assert.equal(parseAll([Buffer.concat([Buffer.from('*1\r\n$'), Buffer.alloc(70000, '1')])]).error,
    'ERR Protocol error: too big bulk count string');
});

test('a big argument arriving in many chunks is assembled exactly', () => {
  const big = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  const wire = encodeCommand(['SET', 'k', big]);
  const chunks: Buffer[] = [];
  for (let o = 0; o < wire.length; o += 65536) chunks.push(wire.subarray(o, o + 65536));
  const r = parseAll(chunks);
  assert.equal(r.cmds.length, 1);
  assert.ok(Buffer.from(r.cmds[0][2], 'latin1').equals(big));
});

test('splitArgs follows sdssplitargs', () => {
  assert.deepEqual(splitArgs('set "a\\x41\\n" \'b\\\'c\''), ['set', 'aA\n', "b'c"]);
  assert.deepEqual(splitArgs('  a   b  '), ['a', 'b']);
  assert.deepEqual(splitArgs('a"b c"'), ['ab c']);
  assert.equal(splitArgs('"a"b'), null);
  assert.equal(splitArgs("'a"), null);
  assert.deepEqual(splitArgs(''), []);
});

test('parseLL is strict like string2ll', () => {
  const b = (s: string) => { const x = Buffer.from(s); return parseLL(x, 0, x.length); };
  assert.equal(b('123'), 123);
  assert.equal(b('-5'), -5);
  assert.equal(b('0'), 0);
  assert.equal(b('01'), null);
  assert.equal(b('+1'), null);
  assert.equal(b(''), null);
  assert.equal(b('1a'), null);
  assert.equal(b('-0'), null);
});

test('random bytes never throw and either parse or report an error (fuzz, seeded)', () => {
  const r = rng(7);
  const alphabet = Buffer.from('*$\r\n0123456789-abc "\'\\x');
  for (let iter = 0; iter < 3000; iter++) {
    const len = Math.floor(r() * 64);
    const buf = Buffer.alloc(len);
    for (let i = 0; i < len; i++) buf[i] = r() < 0.8 ? alphabet[Math.floor(r() * alphabet.length)] : Math.floor(r() * 256);
    const p = new RequestParser();
    const res = parseAll(splitAt(buf, [Math.floor(r() * len)]), p);
    assert.ok(Array.isArray(res.cmds));
  }
});
