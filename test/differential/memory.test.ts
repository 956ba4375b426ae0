/* MEMORY family against real Redis 7.0: errors, arity and HELP/PURGE byte for byte; for the
 * figures (which are Respite's own), the reply shapes: MEMORY STATS field names, order and value
 * types in RESP2 and RESP3 (with per-db maps), DOCTOR / MALLOC-STATS reply types, and a seeded
 * random sequence of writes and MEMORY USAGE calls (valid and invalid options) where every reply
 * must be identical once MEMORY USAGE's number is masked. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, rng } from '../helpers/servers';

let pair: Pair;

before(async () => {
  pair = await Pair.start();
});

after(async () => {
  await pair.close();
});

/** Replace every number in a reply with N (integers and RESP3 doubles; RESP2 double bulks too). */
function mask(raw: string): string {
  return raw
    .replace(/^:-?\d+\r\n/gm, ':N\r\n')
    .replace(/^,[^\r]*\r\n/gm, ',N\r\n')
    .replace(/^\$\d+\r\n-?\d+(\.\d+)?(e[+-]?\d+)?\r\n/gm, '$D\r\nN\r\n');
}

/** Both servers' replies, masked, must be identical. */
async function sameShape(...args: string[]): Promise<string> {
  const [a, b] = await pair.both(...args);
  assert.equal(mask(a), mask(b), `shape differs for ${args.join(' ')}`);
  return a;
}

test('MEMORY errors, arity, HELP and PURGE are byte-identical', async () => {
  await pair.same('FLUSHALL');
  await pair.same('SET', 'a', 'b');
  for (const cmd of [
    ['MEMORY'], ['MEMORY', 'FOO'], ['MEMORY', 'foo', 'bar'], ['MEMORY', 'HELP'], ['memory', 'help'],
    ['MEMORY', 'HELP', 'x'], ['MEMORY', 'PURGE'], ['MEMORY', 'PURGE', 'x'], ['MEMORY', 'STATS', 'x'],
    ['MEMORY', 'DOCTOR', 'x'], ['MEMORY', 'MALLOC-STATS', 'x'], ['MEMORY', 'USAGE'], ['MEMORY', 'USAGE', 'nokey'],
    ['MEMORY', 'USAGE', 'a', 'SAMPLES'], ['MEMORY', 'USAGE', 'a', 'SAMPLES', '-1'],
    ['MEMORY', 'USAGE', 'a', 'SAMPLES', 'x'], ['MEMORY', 'USAGE', 'a', 'SAMPLES', ' 1'],
    ['MEMORY', 'USAGE', 'a', 'SAMPLES', '1.0'], ['MEMORY', 'USAGE', 'a', 'SAMPLES', '9223372036854775808'],
    ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'], ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1'],
    ['MEMORY', 'USAGE', 'nokey', 'foo'], ['MEMORY', 'USAGE', 'a', 'SAMPLES', '1', 'SAMPLES'],
    ['MEMORY', 'USAGE', 'a', 'samples', '1', 'bogus', '2'], ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '0'],
    ['MEMORY', 'USAGE', '', 'SAMPLES', '5'], ['MEMORY', 'MALLOC-STATS', 'a', 'b'],
  ]) await pair.same(...cmd);
  await pair.both('HELLO', '3');
  await pair.same('MEMORY', 'HELP');
  await pair.same('MEMORY', 'USAGE', 'nokey');
  await pair.same('MEMORY', 'FOO');
  await pair.both('HELLO', '2');
});

test('MEMORY STATS: same fields, order, nesting and value types (RESP2 and RESP3)', async () => {
  await pair.same('FLUSHALL');
  await sameShape('MEMORY', 'STATS');
  await pair.same('SET', 'a', 'b');
  await pair.same('SELECT', '5');
  await pair.same('SET', 'x', 'y', 'EX', '100');
  await pair.same('HSET', 'h', 'f', 'v');
  await pair.same('SELECT', '0');
  await sameShape('MEMORY', 'STATS');
  await pair.both('HELLO', '3');
  await sameShape('MEMORY', 'STATS');
  await pair.both('HELLO', '2');
});

test('MEMORY DOCTOR and MALLOC-STATS: same reply types (bulk / verbatim txt)', async () => {
  await pair.same('FLUSHALL');
  for (const proto of ['2', '3']) {
    await pair.both('HELLO', proto);
    for (const sub of ['DOCTOR', 'MALLOC-STATS']) {
      const [a, b] = await pair.both('MEMORY', sub);
      assert.equal(a[0], b[0], `${sub} RESP${proto}`);
      if (proto === '3') {
        assert.match(a, /^=\d+\r\ntxt:/);
        assert.match(b, /^=\d+\r\ntxt:/);
      }
    }
  }
  await pair.both('HELLO', '2');
  // An empty Redis gets the "empty instance" text; Respite judges memory above startup, so it
  // may or may not be "empty" here, but its reply is always one of Redis's report texts.
  const ours = await pair.ours.call('MEMORY', 'DOCTOR');
  assert.match(String(ours), /^(Hi Sam, this instance is empty|Hi Sam, I can't find|Sam, I detected a few issues)/);
});

test('MEMORY USAGE: seeded random sequence over every type, numbers masked', async () => {
  await pair.same('FLUSHALL');
  const r = rng(606);
  const keys = ['s', 'l', 'h', 'z', 'st', 'n1', 'n2', ''];
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const elem = (): string => (r() < 0.3 ? String(Math.floor(r() * 1000) - 500) : 'e'.repeat(1 + Math.floor(r() * 80)));
  const sampleOpts = (): string[] => {
    const x = r();
    if (x < 0.4) return [];
    if (x < 0.6) return ['SAMPLES', pick(['0', '1', '5', '100', '9223372036854775807'])];
    if (x < 0.7) return [pick(['samples', 'SaMpLeS']), pick(['-1', 'abc', '', '1.5', '9223372036854775808'])];
    if (x < 0.8) return ['SAMPLES'];
    if (x < 0.9) return ['SAMPLES', '2', 'SAMPLES', pick(['3', '-3'])];
    return [pick(['foo', 'SAMPLE', 'count'])];
  };
  for (let i = 0; i < 2500; i++) {
    const x = r();
    const k = pick(keys);
    if (x < 0.45) {
      await sameShape('MEMORY', 'USAGE', k, ...sampleOpts());
      continue;
    }
    if (x < 0.55) await pair.same('SET', k, elem());
    else if (x < 0.63) await pair.same('RPUSH', k, elem(), elem(), elem());
    else if (x < 0.71) await pair.same('HSET', k, elem(), elem());
    else if (x < 0.79) await pair.same('SADD', k, elem(), elem());
    else if (x < 0.87) await pair.same('ZADD', k, String(Math.floor(r() * 100) / 4), elem());
    else if (x < 0.92) await pair.same('DEL', k);
    else if (x < 0.96) await pair.same('EXPIRE', k, '1000');
    else await pair.same('APPEND', k, elem());
  }
  await sameShape('MEMORY', 'STATS');
});
