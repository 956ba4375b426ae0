/* Differential LATENCY tests against real Redis 7.0: errors and HELP byte for byte; after the
 * same DEBUG SLEEP, LATEST / HISTORY / GRAPH / DOCTOR compared with times and milliseconds
 * masked (the machines differ by a millisecond or so); LATENCY HISTOGRAM compared by shape:
 * the same commands with the same call counts, in RESP2 and RESP3, with bucket boundaries from
 * the same power-of-two series. Respite's own eventloop-stall event is left out. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, type RawClient } from '../helpers/servers';
import type { Reply } from '../helpers/resp';

let pair: Pair;

before(async () => {
  pair = await Pair.start({ respite: { 'enable-debug-command': 'yes' }, redisArgs: ['--enable-debug-command', 'yes'] });
});

after(async () => {
  await pair.close();
});

/** Replace every number with N (times and latencies differ between the two machines). */
function digits(s: string): string {
  return s.replace(/\d+/g, 'N');
}

test('errors, HELP and the threshold parameter match Redis', async () => {
  await pair.sameAll([
    ['LATENCY', 'HELP'],
    ['latency', 'help', 'x'],
    ['LATENCY'],
    ['LATENCY', 'NOPE'],
    ['LATENCY', 'HISTORY'],
    ['LATENCY', 'HISTORY', 'a', 'b'],
    ['LATENCY', 'GRAPH'],
    ['LATENCY', 'GRAPH', 'nosuch'],
    ['LATENCY', 'GRAPH', 'a\x00b\r\nc'],
    ['LATENCY', 'LATEST', 'x'],
    ['LATENCY', 'DOCTOR', 'x'],
    ['LATENCY', 'HISTORY', 'nosuch'],
    ['LATENCY', 'RESET', 'nosuch', 'other'],
    ['CONFIG', 'SET', 'latency-monitor-threshold', '-1'],
    ['CONFIG', 'SET', 'latency-monitor-threshold', 'abc'],
    ['CONFIG', 'SET', 'latency-monitor-threshold', '9223372036854775808'],
    ['CONFIG', 'GET', 'latency-monitor-threshold'],
    ['LATENCY', 'LATEST'],
  ]);
});

test('after the same slow command: LATEST, HISTORY, GRAPH, DOCTOR agree up to the numbers', async () => {
  await pair.same('CONFIG', 'SET', 'latency-monitor-threshold', '20');
  await pair.same('DEBUG', 'SLEEP', '0.05');
  const [la, lb] = await Promise.all([pair.ours.call('LATENCY', 'LATEST'), pair.theirs.call('LATENCY', 'LATEST')]);
  const pick = (l: Reply): Reply[] => (l as Reply[][]).filter((e) => e[0] === 'command').flat();
  const ca = pick(la), cb = pick(lb);
  assert.equal(ca.length, 4);
  assert.equal(cb.length, 4);
  assert.ok((ca[2] as number) >= 50 && (cb[2] as number) >= 50);
  assert.ok(Math.abs((ca[1] as number) - (cb[1] as number)) <= 2, 'same unix second, give or take');
  const [ha, hb] = await pair.both('LATENCY', 'HISTORY', 'command');
  assert.equal(digits(ha), digits(hb));
  const [ga, gb] = await pair.both('LATENCY', 'GRAPH', 'command');
  assert.equal(digits(ga), digits(gb));
  const [da, db] = await Promise.all([pair.ours.call('LATENCY', 'DOCTOR'), pair.theirs.call('LATENCY', 'DOCTOR')]);
  const head = (d: Reply): string[] => (d as string).split('\n').filter((l) => /^(Dave|\d+\. command:|I have a few advices)/.test(l)).map(digits);
  assert.deepEqual(head(da), head(db));
  await pair.same('LATENCY', 'RESET', 'COMMAND', 'nosuch');
  await pair.same('LATENCY', 'HISTORY', 'command');
  await pair.same('CONFIG', 'SET', 'latency-monitor-threshold', '0');
  await Promise.all([pair.ours.call('LATENCY', 'RESET'), pair.theirs.call('LATENCY', 'RESET')]);
  const [xa, xb] = await Promise.all([pair.ours.call('LATENCY', 'DOCTOR'), pair.theirs.call('LATENCY', 'DOCTOR')]);
  assert.equal((xa as string).split('. ')[0], (xb as string).split('. ')[0], 'the "disabled" report');
});

/** The usec boundaries LATENCY HISTOGRAM can report (hdr_histogram's power-of-two levels). */
const LEVELS = new Set([1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633, 135266, 270532, 541065, 1073741]);

/** A LATENCY HISTOGRAM reply (RESP2 or RESP3) as sorted [name, calls] plus a check of each distribution. */
function shape(r: Reply): [string, number][] {
  const entries: [Reply, Reply][] = Array.isArray(r)
    ? Array.from({ length: r.length / 2 }, (_, i) => [r[2 * i], r[2 * i + 1]] as [Reply, Reply])
    : (r as { map: [Reply, Reply][] }).map;
  const out: [string, number][] = [];
  for (const [name, body] of entries) {
    const kv: Reply[] = Array.isArray(body) ? body : (body as { map: [Reply, Reply][] }).map.flat();
    assert.equal(kv[0], 'calls');
    assert.equal(kv[2], 'histogram_usec');
    const h = kv[3];
    const flat: Reply[] = Array.isArray(h) ? h : (h as { map: [Reply, Reply][] }).map.flat();
    for (let i = 0; i < flat.length; i += 2) assert.ok(LEVELS.has(flat[i] as number), `bucket ${String(flat[i])}`);
    assert.equal(flat[flat.length - 1], kv[1], 'the last cumulative count is the number of calls');
    out.push([name as string, kv[1] as number]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

async function sameShape(a: RawClient, b: RawClient, ...cmd: string[]): Promise<void> {
  const [ra, rb] = await Promise.all([a.call(...cmd), b.call(...cmd)]);
  assert.deepEqual(shape(ra), shape(rb), JSON.stringify(cmd));
}

test('LATENCY HISTOGRAM: same commands and call counts, RESP2 and RESP3', async () => {
  await pair.same('CONFIG', 'RESETSTAT');
  for (let i = 0; i < 5; i++) await pair.same('SET', 'k', String(i));
  for (let i = 0; i < 3; i++) await pair.same('GET', 'k');
  await pair.same('CONFIG', 'GET', 'hz');
  await pair.same('DEBUG', 'SLEEP', '0.002');
  await sameShape(pair.ours, pair.theirs, 'LATENCY', 'HISTOGRAM');
  await sameShape(pair.ours, pair.theirs, 'LATENCY', 'HISTOGRAM', 'set', 'GET', 'nosuch', 'config', 'config|get', 'set|x', '', 'debug');
  await pair.same('LATENCY', 'HISTOGRAM', 'nosuch', 'lpush', 'config|nosuch');
  const [a, b] = await pair.connectMore();
  try {
    await Promise.all([a.call('HELLO', '3'), b.call('HELLO', '3')]);
    await sameShape(a, b, 'LATENCY', 'HISTOGRAM', 'set', 'hello', 'debug');
    await sameShape(a, b, 'LATENCY', 'HISTOGRAM');
    const [ra, rb] = await Promise.all([a.raw('LATENCY', 'HISTOGRAM', 'get'), b.raw('LATENCY', 'HISTOGRAM', 'get')]);
    // Byte layout up to the buckets (their number depends on the measured times).
    const upTo = (x: string): string => x.slice(0, x.indexOf('histogram_usec\r\n%') + 17);
    assert.equal(upTo(ra), upTo(rb));
    assert.ok(upTo(ra).startsWith('%1\r\n$3\r\nget\r\n%2\r\n$5\r\ncalls\r\n:3\r\n$14\r\nhistogram_usec\r\n%'));
  } finally {
    a.close();
    b.close();
  }
});
