/* Differential tests of the bitmap family: the same commands against real Redis 7.0 and Respite,
 * replies compared byte for byte. Edge cases first, then a seeded random sequence. */

import { test, before, after } from 'node:test';
import { Pair, rng } from '../helpers/servers';

let pair: Pair;

/** Store a list at `key` on both servers (for the WRONGTYPE paths). */
async function makeList(key: string): Promise<void> {
  await pair.same('DEL', key);
  await pair.same('RPUSH', key, 'x');
}

before(async () => {
  pair = await Pair.start();
  await makeList('lst');
});

after(async () => {
  await pair.close();
});

test('SETBIT / GETBIT: values, growth, argument errors and their order', async () => {
  await pair.sameAll([
    ['SETBIT', 'sb', 7, 1], ['GETBIT', 'sb', 7], ['GET', 'sb'], ['SETBIT', 'sb', 7, 1], ['SETBIT', 'sb', 7, 0],
    ['SETBIT', 'sb', 100, 1], ['GET', 'sb'], ['GETBIT', 'sb', 100], ['GETBIT', 'sb', 101], ['GETBIT', 'sb', 10000],
    ['GETBIT', 'nosuch', 0], ['GETBIT', 'nosuch', 4294967295],
    ['SETBIT', 'sb', 4294967296, 1], ['SETBIT', 'sb', -1, 1], ['SETBIT', 'sb', '01', 1], ['SETBIT', 'sb', '+1', 1],
    ['SETBIT', 'sb', '1.0', 1], ['SETBIT', 'sb', '', 1], ['SETBIT', 'sb', 'x', 2],
    ['SETBIT', 'sb', 1, 2], ['SETBIT', 'sb', 1, -1], ['SETBIT', 'sb', 1, '01'], ['SETBIT', 'sb', 1, ' 1'],
    ['SETBIT', 'sb', 1, 'true'], ['SETBIT', 'sb', 1, '9223372036854775808'],
    ['GETBIT', 'sb', 4294967296], ['GETBIT', 'sb', -1], ['GETBIT', 'sb', 'x'],
    ['SETBIT', 'lst', 0, 1], ['SETBIT', 'lst', 'x', 1], ['SETBIT', 'lst', 0, 5], ['GETBIT', 'lst', 0],
    ['GETBIT', 'lst', -1],
    ['SET', 'num', '12'], ['GETBIT', 'num', 2], ['GETBIT', 'num', 3], ['SETBIT', 'num', 6, 1], ['GET', 'num'],
    ['SET', 'empty', ''], ['GETBIT', 'empty', 0], ['SETBIT', 'empty', 0, 0], ['GET', 'empty'],
    ['SETBIT'], ['SETBIT', 'sb', 1], ['GETBIT', 'sb'], ['GETBIT', 'sb', 1, 2],
  ]);
});

test('BITCOUNT: ranges, units, negative indexes, lookup-before-parse quirk', async () => {
  await pair.same('SET', 'bc', 'foobar');
  await pair.same('SET', 'bc0', '');
  await pair.same('SET', 'bcbin', Buffer.from([0xff, 0xf0, 0x00, 0x81, 0x7e]));
  const idx = ['0', '1', '2', '-1', '-2', '-3', '-6', '-7', '5', '6', '100', '-100', '-200',
    '9223372036854775807', '-9223372036854775808', '-9223372036854775807'];
  for (const k of ['bc', 'bc0', 'bcbin', 'nosuch']) {
    await pair.same('BITCOUNT', k);
    for (const s of idx) {
      for (const e of idx) {
        await pair.same('BITCOUNT', k, s, e);
        await pair.same('BITCOUNT', k, s, e, 'BIT');
        await pair.same('BITCOUNT', k, s, e, 'byte');
      }
    }
  }
  for (let s = -50; s <= 50; s += 7) {
    for (let e = -50; e <= 50; e += 3) await pair.same('BITCOUNT', 'bcbin', s, e, 'bit');
  }
  await pair.sameAll([
    ['BITCOUNT', 'bc', 1], ['BITCOUNT', 'bc', 1, 2, 'bits'], ['BITCOUNT', 'bc', -1, -2, 'bits'],
    ['BITCOUNT', 'bc', 'a', 'b'], ['BITCOUNT', 'bc', 0, 'b'], ['BITCOUNT', 'bc', 'a', 0, 'foo'],
    ['BITCOUNT', 'bc', 0, 1, 2, 3], ['BITCOUNT', 'bc', 0, 1, 'bit', 'x'],
    ['BITCOUNT', 'nosuch', 'a', 'b'], ['BITCOUNT', 'nosuch', 1], ['BITCOUNT', 'nosuch', 0, 1, 2, 3],
    ['BITCOUNT', 'lst'], ['BITCOUNT', 'lst', 'a'], ['BITCOUNT', 'lst', 0, 1, 'foo'], ['BITCOUNT'],
    ['BITCOUNT', 'bc', '-9223372036854775807', '-9223372036854775808'],
  ]);
});

test('BITPOS: every argument form, end given or not, BIT mode', async () => {
  await pair.same('SET', 'bp1', Buffer.from([0xff, 0xf0, 0x00]));
  await pair.same('SET', 'bp2', Buffer.from([0xff, 0xff]));
  await pair.same('SET', 'bp3', Buffer.from([0x00, 0x00, 0x01]));
  await pair.same('SET', 'bp4', Buffer.alloc(40, 0xff));
  await pair.same('SET', 'bp5', Buffer.concat([Buffer.alloc(37), Buffer.from([0x10]), Buffer.alloc(30)]));
  await pair.same('SET', 'bp0', '');
  const idx = ['0', '1', '2', '3', '-1', '-2', '-3', '7', '8', '9', '15', '16', '17', '23', '24', '-100', '100',
    '9223372036854775807', '-9223372036854775808'];
  for (const k of ['bp1', 'bp2', 'bp3', 'bp0', 'nosuch']) {
    for (const bit of ['0', '1']) {
      await pair.same('BITPOS', k, bit);
      for (const s of idx) {
        await pair.same('BITPOS', k, bit, s);
        for (const e of idx) {
          await pair.same('BITPOS', k, bit, s, e);
          await pair.same('BITPOS', k, bit, s, e, 'bit');
          await pair.same('BITPOS', k, bit, s, e, 'BYTE');
        }
      }
    }
  }
  for (const k of ['bp4', 'bp5']) {
    for (const bit of ['0', '1']) {
      await pair.same('BITPOS', k, bit);
      for (let s = -330; s <= 330; s += 37) {
        await pair.same('BITPOS', k, bit, s);
        for (let e = -330; e <= 330; e += 41) {
          await pair.same('BITPOS', k, bit, s, e, 'bit');
          await pair.same('BITPOS', k, bit, s >> 3, e >> 3);
        }
      }
    }
  }
  await pair.sameAll([
    ['BITPOS', 'bp1', 2], ['BITPOS', 'bp1', -1], ['BITPOS', 'bp1', 'a'], ['BITPOS', 'nosuch', 2],
    ['BITPOS', 'nosuch', 1, 'a'], ['BITPOS', 'nosuch', 0, 1, 2, 'foo'], ['BITPOS', 'nosuch', 1, 1, 2, 3, 4],
    ['BITPOS', 'bp1', 1, 1, 2, 3, 4], ['BITPOS', 'bp1', 1, 'a'], ['BITPOS', 'bp1', 1, 0, 'a'],
    ['BITPOS', 'bp1', 1, 0, 1, 'foo'], ['BITPOS', 'bp1', 1, 0, 'a', 'foo'], ['BITPOS', 'bp1', 1, 'a', 1, 'foo'],
    ['BITPOS', 'bp2', 0, 1, 'bit'], ['BITPOS', 'lst', 1], ['BITPOS', 'lst', 2], ['BITPOS', 'lst', 1, 'a'],
    ['BITPOS', 'bp1'],
  ]);
});

test('BITOP: operations, padding, missing sources, destination replace/delete, errors', async () => {
  await pair.sameAll([
    ['SET', 'o1', 'foobar'], ['SET', 'o2', 'abcdef'], ['SET', 'o3', 'x'],
    ['SET', 'olong', Buffer.alloc(100, 0x5a)], ['SET', 'olong2', Buffer.alloc(67, 0xc3)],
    ['BITOP', 'AND', 'od', 'o1', 'o2'], ['GET', 'od'], ['BITOP', 'or', 'od', 'o1', 'o2', 'o3'], ['GET', 'od'],
    ['BITOP', 'Xor', 'od', 'o1', 'o3'], ['GET', 'od'], ['BITOP', 'NOT', 'od', 'o1'], ['GET', 'od'],
    ['BITOP', 'AND', 'od', 'o1', 'o3'], ['GET', 'od'], ['BITOP', 'AND', 'od', 'o1', 'nosuch'], ['GET', 'od'],
    ['BITOP', 'OR', 'od', 'nosuch', 'o3'], ['GET', 'od'],
    ['BITOP', 'AND', 'od', 'olong', 'olong2'], ['GET', 'od'], ['BITOP', 'OR', 'od', 'olong', 'olong2'], ['GET', 'od'],
    ['BITOP', 'XOR', 'od', 'olong2', 'olong', 'o1'], ['GET', 'od'], ['BITOP', 'NOT', 'od', 'olong'], ['GET', 'od'],
    ['BITOP', 'AND', 'od', 'od', 'o1'], ['GET', 'od'], ['BITOP', 'XOR', 'o1', 'o1', 'o1'], ['GET', 'o1'],
    ['BITOP', 'OR', 'od', 'nosuch'], ['GET', 'od'], ['BITOP', 'OR', 'od', 'nosuch', 'nosuch2'],
    ['BITOP', 'NOT', 'od', 'nosuch'], ['BITOP', 'NOT', 'od', 'o2', 'o3'], ['BITOP', 'NOT', 'od', 'nosuch', 'x'],
    ['BITOP', 'NAND', 'od', 'o2'], ['BITOP', 'DIFF', 'od', 'o2', 'o3'], ['BITOP', 'nott', 'od', 'o2'],
    ['BITOP', 'AND', 'od', 'lst'], ['BITOP', 'AND', 'od', 'o2', 'lst'], ['BITOP', 'AND', 'od', 'nosuch', 'lst'],
    ['BITOP', 'OR', 'lst', 'o2'], ['GET', 'lst'], ['BITOP', 'AND', 'od'], ['BITOP', 'AND'],
    ['SET', 'e', ''], ['BITOP', 'OR', 'od2', 'o2'], ['BITOP', 'OR', 'od2', 'e'], ['GET', 'od2'],
    ['SET', 'ttl', 'v'], ['EXPIRE', 'ttl', 100], ['BITOP', 'OR', 'ttl', 'o2'], ['TTL', 'ttl'], ['GET', 'ttl'],
  ]);
  await makeList('lst');
});

test('BITFIELD: types, offsets, overflow policies, exact 64-bit arithmetic', async () => {
  await pair.sameAll([
    ['BITFIELD', 'bf', 'SET', 'i8', 0, 100], ['BITFIELD', 'bf', 'GET', 'i8', 0, 'GET', 'u4', 0, 'GET', 'u4', 4],
    ['BITFIELD', 'bf', 'INCRBY', 'i8', 0, 100], ['BITFIELD', 'bf', 'overflow', 'sat', 'INCRBY', 'i8', 0, 100],
    ['BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', 0, 1, 'GET', 'i8', 0],
    ['BITFIELD', 'bf', 'SET', 'u8', '#3', 255, 'OVERFLOW', 'WRAP', 'INCRBY', 'u8', '#3', 10, 'GET', 'u8', 24],
    ['BITFIELD', 'bf', 'OVERFLOW', 'SAT', 'SET', 'u8', 0, -1, 'SET', 'u8', 8, 256, 'SET', 'i8', 16, -129],
    ['BITFIELD', 'bf', 'OVERFLOW', 'WRAP', 'SET', 'u8', 0, -1, 'SET', 'u8', 8, 257, 'SET', 'i8', 16, -129],
    ['BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'SET', 'u8', 0, -1, 'SET', 'u8', 8, 256, 'SET', 'i8', 16, 127],
    ['GET', 'bf'],
    ['BITFIELD', 'b64', 'SET', 'i64', 0, '9223372036854775807', 'INCRBY', 'i64', 0, 1, 'GET', 'i64', 0],
    ['BITFIELD', 'b64', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', 0, '-9223372036854775808', 'INCRBY', 'i64', 0, -1],
    ['BITFIELD', 'b64', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', 0, '9223372036854775807', 'INCRBY', 'i64', 0, 1],
    ['BITFIELD', 'b64', 'OVERFLOW', 'FAIL', 'INCRBY', 'i64', 0, 1, 'INCRBY', 'i64', 0, '-9223372036854775808'],
    ['BITFIELD', 'b64', 'SET', 'u63', 3, '9223372036854775807', 'GET', 'u63', 3, 'GET', 'i64', 3, 'GET', 'i64', 2],
    ['BITFIELD', 'b64', 'OVERFLOW', 'SAT', 'INCRBY', 'u63', 3, 1, 'INCRBY', 'u63', 3, '-9223372036854775808'],
    ['BITFIELD', 'b64', 'INCRBY', 'u63', 3, '-9223372036854775807', 'INCRBY', 'u63', 3, '9007199254740993'],
    ['BITFIELD', 'b64', 'SET', 'i33', 5, '-4294967296', 'INCRBY', 'i33', 5, '-4294967297', 'GET', 'i33', 5],
    ['BITFIELD', 'b64', 'INCRBY', 'u32', 7, '9223372036854775807', 'INCRBY', 'i32', 7, '-9223372036854775807'],
    ['BITFIELD', 'b64', 'INCRBY', 'u1', 0, 1, 'INCRBY', 'i1', 0, 1, 'INCRBY', 'i1', 0, -1, 'GET', 'i1', 0],
    ['BITFIELD', 'b64', 'GET', 'i64', 60, 'GET', 'u63', 61, 'GET', 'i64', 1000, 'GET', 'u1', 7],
    ['GET', 'b64'],
    ['BITFIELD', 'nosuch', 'GET', 'i64', 0, 'GET', 'u63', '#5'],
    ['BITFIELD', 'nosuch'], ['BITFIELD', 'nosuch', 'OVERFLOW', 'SAT'], ['GET', 'nosuch'],
    // Redis's signed overflow check wraps `max - value` for values near INT64_MIN: SAT picks the maximum.
    ['BITFIELD', 'q', 'OVERFLOW', 'SAT', 'SET', 'i37', 13, '-9223372036854775808', 'GET', 'i37', 13],
    ['BITFIELD', 'q', 'OVERFLOW', 'SAT', 'SET', 'i8', 0, '-9223372036854775681', 'GET', 'i8', 0],
    ['BITFIELD', 'q', 'OVERFLOW', 'SAT', 'SET', 'i8', 0, '-9223372036854775680', 'GET', 'i8', 0],
    ['BITFIELD', 'q', 'OVERFLOW', 'SAT', 'SET', 'i63', 0, '-9223372036854775808', 'GET', 'i63', 0],
    ['BITFIELD', 'q', 'OVERFLOW', 'SAT', 'SET', 'i63', 0, '-4611686018427387905', 'GET', 'i63', 0],
    ['BITFIELD', 'q', 'OVERFLOW', 'WRAP', 'SET', 'i37', 13, '-9223372036854775808', 'GET', 'i37', 13],
    ['BITFIELD', 'q', 'OVERFLOW', 'FAIL', 'SET', 'i37', 13, '-9223372036854775808', 'GET', 'i37', 13],
    ['BITFIELD', 'q', 'OVERFLOW', 'SAT', 'SET', 'u37', 13, '-9223372036854775808', 'INCRBY', 'u37', 13,
      '-9223372036854775808', 'INCRBY', 'i37', 13, '-9223372036854775808', 'INCRBY', 'i64', 13, '-9223372036854775808'],
    ['GET', 'q'],
    ['BITFIELD', 'bfnew', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', 0, 1000], ['GET', 'bfnew'],
    ['BITFIELD', 'bfnew', 'SET', 'u8', 100, 0], ['GET', 'bfnew'],
  ]);
});

test('BITFIELD / BITFIELD_RO: argument errors, their order, WRONGTYPE', async () => {
  await pair.sameAll([
    ['BITFIELD', 'k', 'GET'], ['BITFIELD', 'k', 'GET', 'u8'], ['BITFIELD', 'k', 'GET', 'u8', 0, 'foo'],
    ['BITFIELD', 'k', 'foo'], ['BITFIELD', 'k', 'OVERFLOW'], ['BITFIELD', 'k', 'OVERFLOW', 'foo'],
    ['BITFIELD', 'k', 'OVERFLOW', 'foo', 'GET', 'x', 1], ['BITFIELD', 'k', 'GET', 'x', 0],
    ['BITFIELD', 'k', 'GET', 'u64', 0], ['BITFIELD', 'k', 'GET', 'i65', 0], ['BITFIELD', 'k', 'GET', 'i0', 0],
    ['BITFIELD', 'k', 'GET', 'U8', 0], ['BITFIELD', 'k', 'GET', 'u08', 0], ['BITFIELD', 'k', 'GET', 'u', 0],
    ['BITFIELD', 'k', 'GET', '', 0], ['BITFIELD', 'k', 'GET', 'i-1', 0], ['BITFIELD', 'k', 'GET', 'u+8', 0],
    ['BITFIELD', 'k', 'GET', 'u8\x00junk', 0], ['BITFIELD', 'k', 'GET', 'u8', -1], ['BITFIELD', 'k', 'GET', 'u8', '#-1'],
    ['BITFIELD', 'k', 'GET', 'u8', '#1'], ['BITFIELD', 'k', 'GET', 'u8', '##1'], ['BITFIELD', 'k', 'GET', 'u8', '#'],
    ['BITFIELD', 'k', 'GET', 'u8', ''], ['BITFIELD', 'k', 'GET', 'u8', '#+1'], ['BITFIELD', 'k', 'GET', 'u8', '#-0'],
    ['BITFIELD', 'k', 'GET', 'u8', 4294967295], ['BITFIELD', 'k', 'GET', 'u8', 4294967296],
    ['BITFIELD', 'k', 'GET', 'u8', '#536870911'], ['BITFIELD', 'k', 'GET', 'u8', '#536870912'],
    ['BITFIELD', 'k', 'GET', 'i64', '#288230376151711745'], ['BITFIELD', 'k', 'GET', 'i64', '#144115188075855872'],
    ['BITFIELD', 'k', 'SET', 'u8', 0], ['BITFIELD', 'k', 'SET', 'u8', 0, 'x'],
    ['BITFIELD', 'k', 'SET', 'u8', 0, '99999999999999999999'], ['BITFIELD', 'k', 'INCRBY', 'u8', 0, 'x'],
    ['BITFIELD', 'k', 'INCRBY', 'u8', 0, '1.5'], ['BITFIELD', 'k', 'SET', 'u8', 0, 1, 'GET', 'u8'], ['GET', 'k'],
    ['BITFIELD', 'lst', 'GET', 'u8', 0], ['BITFIELD', 'lst', 'SET', 'u8', 0, 1], ['BITFIELD', 'lst', 'GET', 'u8', 'x'],
    ['BITFIELD', 'lst'],
    ['BITFIELD_RO', 'lst', 'GET', 'u8', 0], ['BITFIELD_RO', 'lst', 'SET', 'u8', 0, 1],
    ['BITFIELD_RO', 'nok', 'SET', 'u8', 0, 1], ['BITFIELD_RO', 'nok', 'GET', 'u8', 0, 'SET', 'x', 1, 2],
    ['BITFIELD_RO', 'nok', 'GET', 'u8', 0, 'SET', 'u8', 0, 'x'], ['BITFIELD_RO', 'nok'],
    ['BITFIELD_RO', 'nok', 'OVERFLOW', 'SAT'], ['BITFIELD_RO', 'nok', 'OVERFLOW', 'SAT', 'GET', 'u8', 0],
    ['BITFIELD_RO', 'nok', 'INCRBY', 'u8', 0, 1], ['BITFIELD_RO', 'nok', 'GET', 'i64', 0, 'get', 'U8', 0],
    ['BITFIELD', 'nok', 'OVERFLOW', 'SAT', 'OVERFLOW', 'foo'], ['GET', 'nok'],
    ['SET', 'ro', 'hello'], ['BITFIELD_RO', 'ro', 'GET', 'u8', 0, 'GET', 'i16', '#1', 'GET', 'i64', 3],
    ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'GET', 'u8', 0, 'OVERFLOW', 'SAT'],
    ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'GET', 'u8', 0, 'INCRBY', 'u8', 0, 1],
    ['COMMAND', 'GETKEYSANDFLAGS', 'BITFIELD', 'k', 'foo'],
  ]);
});

test('RESP3: null for a refused BITFIELD operation, big integers', async () => {
  await pair.both('HELLO', '3');
  try {
    await pair.sameAll([
      ['BITFIELD', 'r3', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', 0, 1000, 'SET', 'i64', 8, '-9223372036854775808'],
      ['BITFIELD_RO', 'r3', 'GET', 'i64', 8, 'GET', 'u63', 9], ['BITPOS', 'r3', 1], ['BITCOUNT', 'r3'],
    ]);
  } finally {
    await pair.both('HELLO', '2');
  }
});

test('COMMAND INFO / DOCS of the bitmap family match Redis', async () => {
  for (const name of ['setbit', 'getbit', 'bitcount', 'bitpos', 'bitop', 'bitfield', 'bitfield_ro']) {
    await pair.same('COMMAND', 'INFO', name);
    const [ours, theirs] = await pair.both('COMMAND', 'DOCS', name);
    // Summaries are our own words: compare the documents with summaries removed.
    const strip = (s: string) => s.replace(/\$7\r\nsummary\r\n\$\d+\r\n[^\r]*\r\n/g, '');
    if (strip(ours) !== strip(theirs)) throw new Error(`COMMAND DOCS ${name} differs:\n${ours}\n---\n${theirs}`);
  }
});

test('proto-max-bulk-len bounds bit offsets', async () => {
  const small = await Pair.start({ respite: { 'proto-max-bulk-len': '1mb' }, redisArgs: ['--proto-max-bulk-len', '1mb'] });
  try {
    for (const cmd of [
      ['SETBIT', 'x', 8388607, 1], ['SETBIT', 'x', 8388608, 1], ['GETBIT', 'x', 8388608],
      ['BITFIELD', 'x', 'SET', 'i64', 8388607, -1], ['BITFIELD', 'x', 'SET', 'i8', '#1048576', 1],
      ['BITFIELD', 'x', 'GET', 'i8', '#1048575'], ['BITCOUNT', 'x'], ['BITPOS', 'x', 1, -2],
    ]) await small.same(...cmd);
  } finally {
    await small.close();
  }
});

/** Random integer in [lo, hi]. */
function between(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

const INTS = ['0', '1', '-1', '2', '127', '128', '-128', '255', '256', '32767', '-32768', '65535', '2147483647',
  '-9223372036854775807', '-9223372036854775000', '9223372036854775000', '-281474976710657', '281474976710657',
  '-2147483648', '4294967295', '4294967296', '9007199254740991', '9007199254740993', '-9007199254740993',
  '9223372036854775807', '-9223372036854775808', '4611686018427387904', '-4611686018427387905'];

function randInt(r: () => number): string {
  return r() < 0.5 ? pick(r, INTS) : String(between(r, -300, 300));
}

function randType(r: () => number): string {
  const signed = r() < 0.5;
  const w = r() < 0.4 ? pick(r, [1, 7, 8, 16, 31, 32, 33, 53, 63, 64]) : between(r, 1, 64);
  if (!signed && w === 64) return r() < 0.1 ? 'u64' : 'u63';
  return (signed ? 'i' : 'u') + w;
}

function randOffset(r: () => number): string {
  if (r() < 0.2) return '#' + between(r, 0, 12);
  return String(between(r, 0, 140));
}

function randIndex(r: () => number): string {
  if (r() < 0.05) return pick(r, ['9223372036854775807', '-9223372036854775808', 'x']);
  return String(between(r, -40, 40));
}

/** One random command over a handful of small keys. */
function randomCommand(r: () => number): string[] {
  const keys = ['a', 'b', 'c', 'd', 'missing', 'lst'];
  const key = r() < 0.03 ? 'lst' : pick(r, keys.slice(0, 5));
  const p = r();
  if (p < 0.18) {
    const bit = r() < 0.97 ? String(between(r, 0, 1)) : pick(r, ['2', '-1', 'x']);
    return ['SETBIT', key, String(between(r, 0, 200)), bit];
  }
  if (p < 0.26) return ['GETBIT', key, String(between(r, 0, 220))];
  if (p < 0.36) {
    const cmd = ['BITCOUNT', key];
    const n = r();
    if (n < 0.7) cmd.push(randIndex(r), randIndex(r));
    if (n < 0.4) cmd.push(pick(r, ['BIT', 'BYTE', 'bit', 'byte']));
    return cmd;
  }
  if (p < 0.48) {
    const cmd = ['BITPOS', key, r() < 0.97 ? String(between(r, 0, 1)) : '2'];
    const n = r();
    if (n < 0.75) cmd.push(randIndex(r));
    if (n < 0.5) cmd.push(randIndex(r));
    if (n < 0.3) cmd.push(pick(r, ['BIT', 'BYTE']));
    return cmd;
  }
  if (p < 0.56) {
    const op = r() < 0.97 ? pick(r, ['AND', 'OR', 'XOR', 'NOT']) : 'NAND';
    const n = op === 'NOT' && r() < 0.9 ? 1 : between(r, 1, 3);
    const cmd = ['BITOP', op, pick(r, keys.slice(0, 5))];
    for (let i = 0; i < n; i++) cmd.push(r() < 0.02 ? 'lst' : pick(r, keys.slice(0, 5)));
    return cmd;
  }
  if (p < 0.78) {
    const ro = r() < 0.15;
    const cmd = [ro ? 'BITFIELD_RO' : 'BITFIELD', key];
    const n = between(r, 0, 4);
    for (let i = 0; i < n; i++) {
      const q = r();
      if (q < 0.15) cmd.push('OVERFLOW', pick(r, ['WRAP', 'SAT', 'FAIL']));
      if (ro || q < 0.4) cmd.push('GET', randType(r), randOffset(r));
      else if (q < 0.7) cmd.push('SET', randType(r), randOffset(r), randInt(r));
      else cmd.push('INCRBY', randType(r), randOffset(r), randInt(r));
    }
    return cmd;
  }
  if (p < 0.92) return ['GET', key];
  const v = pick(r, ['', '12', '-7', 'foobar', '\xff\xf0\x00', '\x00\x00\x01', '\xff'.repeat(9), 'x'.repeat(50)]);
  return ['SET', pick(r, keys.slice(0, 4)), v];
}

test('seeded random bitmap sequence matches Redis', async () => {
  const r = rng(0xb17a9);
  for (let i = 0; i < 4000; i++) {
    const cmd = randomCommand(r);
    await pair.same(...cmd);
    if (cmd[0] === 'BITOP' && cmd[2] === 'lst') await makeList('lst');
  }
  for (const k of ['a', 'b', 'c', 'd']) await pair.same('GET', k);
});

test('a bit write always leaves a raw string, even when no bit changes', async () => {
  // Found by the cross-family fuzzer: an INCRBYFLOAT result ("5", embstr) stayed embstr after SETBIT k 0 0.
  await pair.sameAll([
    ['DEL', 'f'], ['SET', 'f', '4'], ['INCRBYFLOAT', 'f', '1'], ['OBJECT', 'ENCODING', 'f'],
    ['SETBIT', 'f', '0', '0'], ['OBJECT', 'ENCODING', 'f'], ['GET', 'f'],
    ['SET', 'f', '4'], ['INCRBYFLOAT', 'f', '1'], ['BITFIELD', 'f', 'GET', 'u8', '0'], ['OBJECT', 'ENCODING', 'f'],
    ['BITFIELD', 'f', 'SET', 'u1', '0', '0'], ['OBJECT', 'ENCODING', 'f'],
    ['SET', 'f', '4'], ['INCRBYFLOAT', 'f', '1'], ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '9'],
    ['OBJECT', 'ENCODING', 'f'], ['SET', 'f', '7'], ['SETBIT', 'f', '1', '0'], ['OBJECT', 'ENCODING', 'f'],
  ]);
});
