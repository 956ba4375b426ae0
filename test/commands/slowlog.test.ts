/* SLOWLOG command tests against an in-process Respite: the config parameters, entry layout
 * (id, time, duration, arguments, address, name), argument trimming, redaction, max-len and id
 * numbering, what is never logged (rejected commands, EXEC itself), blocked commands, and
 * SLOWLOG GET's count rules. (Byte-level agreement with Redis: test/differential/slowlog.test.ts.) */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import type { Reply } from '../helpers/resp';

let srv: RunningServer;
let c: RawClient;

function assertError(r: unknown, re: RegExp): void {
  assert.ok(r !== null && typeof r === 'object' && 'error' in r, `expected an error, got ${JSON.stringify(r)}`);
  assert.match((r as { error: string }).error, re);
}

/** One decoded SLOWLOG GET entry. */
interface Entry { id: number; time: number; us: number; args: string[]; addr: string; name: string }

async function entries(count: string | null = '-1'): Promise<Entry[]> {
  const r = (count === null ? await c.call('SLOWLOG', 'GET') : await c.call('SLOWLOG', 'GET', count)) as Reply[];
  return r.map((e) => {
    const [id, time, us, args, addr, name] = e as [number, number, number, string[], string, string];
    return { id, time, us, args, addr, name };
  });
}

before(async () => {
  srv = await startRespite({ 'enable-debug-command': 'yes' });
  c = await RawClient.connect(srv.port);
});

after(async () => {
  c.close();
  await srv.close();
});

beforeEach(async () => {
  await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0', 'slowlog-max-len', '128');
  await c.call('CLIENT', 'SETNAME', '');
  await c.call('SLOWLOG', 'RESET');
});

test('config parameters: defaults, ranges and errors as Redis', async () => {
  const s2 = await startRespite();
  const d = await RawClient.connect(s2.port);
  try {
    assert.deepEqual(await d.call('CONFIG', 'GET', 'slowlog-log-slower-than'), ['slowlog-log-slower-than', '10000']);
    assert.deepEqual(await d.call('CONFIG', 'GET', 'slowlog-max-len'), ['slowlog-max-len', '128']);
    assertError(await d.call('CONFIG', 'SET', 'slowlog-log-slower-than', '-2'), /argument must be between -1 and 9223372036854775807 inclusive/);
    assertError(await d.call('CONFIG', 'SET', 'slowlog-max-len', '-1'), /argument must be between 0 and 9223372036854775807 inclusive/);
    assertError(await d.call('CONFIG', 'SET', 'slowlog-max-len', '1k'), /couldn't be parsed into an integer/);
    assert.deepEqual(await d.call('CONFIG', 'SET', 'slowlog-log-slower-than', '-1'), { simple: 'OK' });
    await d.call('DBSIZE');
    assert.equal(await d.call('SLOWLOG', 'LEN'), 0, 'negative threshold disables the log');
  } finally {
    d.close();
    await s2.close();
  }
});

test('entries: newest first, id, unix time, duration, arguments, address and name', async () => {
  await c.call('CLIENT', 'SETNAME', 'worker');
  await c.call('SET', 'k', 'v');
  await c.call('GET', 'k');
  const info = String(await c.call('CLIENT', 'INFO'));
  const addr = /addr=(\S+)/.exec(info)![1];
  const es = await entries();
  // SLOWLOG GET itself is logged after it ran, so it is not in its own reply.
  assert.deepEqual(es.map((e) => e.args), [['CLIENT', 'INFO'], ['GET', 'k'], ['SET', 'k', 'v'], ['CLIENT', 'SETNAME', 'worker'], ['SLOWLOG', 'RESET']]);
  for (let i = 1; i < es.length; i++) assert.equal(es[i].id, es[i - 1].id - 1);
  const now = Math.floor(Date.now() / 1000);
  for (const e of es) {
    assert.ok(Math.abs(e.time - now) <= 5);
    assert.ok(Number.isInteger(e.us) && e.us >= 0);
    assert.equal(e.addr, addr);
  }
  assert.equal(es[0].name, 'worker');
  assert.equal(es[4].name, '', 'the name the client had when the command ran');
  assert.equal(await c.call('SLOWLOG', 'LEN'), 6);
});

test('threshold: DEBUG SLEEP is logged with its duration; slower-than -1 logs nothing', async () => {
  await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '20000');
  await c.call('DEBUG', 'SLEEP', '0.03');
  const [e] = await entries('1');
  assert.deepEqual(e.args, ['DEBUG', 'SLEEP', '0.03']);
  assert.ok(e.us >= 30000, `duration ${e.us}`);
  await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '-1');
  await c.call('SLOWLOG', 'RESET');
  await c.call('DEBUG', 'SLEEP', '0.03');
  assert.equal(await c.call('SLOWLOG', 'LEN'), 0);
});

test('arguments are trimmed to 32 and each to 128 bytes', async () => {
  const many = ['RPUSH', 'list'];
  for (let i = 0; i < 40; i++) many.push(String(i));
  await c.call(...many);
  const long = 'x'.repeat(200);
  await c.call('SET', long, 'v'.repeat(128));
  const [eLong, eMany] = await entries('2');
  assert.equal(eMany.args.length, 32);
  assert.deepEqual(eMany.args.slice(0, 3), ['RPUSH', 'list', '0']);
  assert.equal(eMany.args[30], '28');
  assert.equal(eMany.args[31], '... (11 more arguments)');
  assert.deepEqual(eLong.args, ['SET', 'x'.repeat(128) + '... (72 more bytes)', 'v'.repeat(128)]);
});

test('secrets are redacted: AUTH, HELLO AUTH, CONFIG SET requirepass', async () => {
  await c.call('AUTH', 'secret');
  await c.call('AUTH', 'user', 'secret');
  await c.call('AUTH', 'a', 'b', 'c'); // syntax error before redaction: shown as sent
  await c.call('HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME');
  await c.call('HELLO', '4', 'AUTH', 'default', 'pw'); // bad protocol version: parsed no further
  await c.call('CONFIG', 'SET', 'requirepass', 'pw', 'timeout', '0');
  await c.call('AUTH', 'pw');
  await c.call('CONFIG', 'SET', 'requirepass', '');
  const es = (await entries()).reverse().slice(1); // oldest first, without SLOWLOG RESET
  assert.deepEqual(es.map((e) => e.args), [
    ['AUTH', '(redacted)'],
    ['AUTH', '(redacted)', '(redacted)'],
    ['AUTH', 'a', 'b', 'c'],
    ['HELLO', '2', 'AUTH', '(redacted)', '(redacted)', 'SETNAME'],
    ['HELLO', '4', 'AUTH', 'default', 'pw'],
    ['CONFIG', 'SET', 'requirepass', '(redacted)', 'timeout', '0'],
    ['AUTH', '(redacted)'],
    ['CONFIG', 'SET', 'requirepass', '(redacted)'],
  ]);
});

test('rejected commands and EXEC itself are not logged; queued commands are, when EXEC runs them', async () => {
  await c.call('NOSUCHCMD');
  await c.call('GET');
  await c.call('MULTI');
  await c.call('SET', 'a', '1');
  await c.call('INCR', 'a');
  await c.call('EXEC');
  const es = (await entries()).reverse();
  assert.deepEqual(es.map((e) => e.args), [['SLOWLOG', 'RESET'], ['MULTI'], ['SET', 'a', '1'], ['INCR', 'a']]);
});

test('slowlog-max-len keeps the newest entries; ids keep counting (also with max-len 0)', async () => {
  await c.call('CONFIG', 'SET', 'slowlog-max-len', '3');
  for (let i = 0; i < 10; i++) await c.call('SET', 'k', String(i));
  const es = await entries();
  assert.deepEqual(es.map((e) => e.args), [['SET', 'k', '9'], ['SET', 'k', '8'], ['SET', 'k', '7']]);
  const top = es[0].id;
  await c.call('CONFIG', 'SET', 'slowlog-max-len', '0');
  await c.call('PING');
  assert.equal(await c.call('SLOWLOG', 'LEN'), 0);
  await c.call('CONFIG', 'SET', 'slowlog-max-len', '5');
  await c.call('PING');
  const [e] = await entries('1');
  // SLOWLOG GET, CONFIG SET, PING, SLOWLOG LEN and CONFIG SET took ids while max-len was 0 / before.
  assert.equal(e.id, top + 6);
  // Lowering max-len trims on the next entry only.
  await c.call('CONFIG', 'SET', 'slowlog-max-len', '1');
  assert.equal(await c.call('SLOWLOG', 'LEN'), 1);
});

test('SLOWLOG GET count: default 10, -1 all, 0 none; errors as Redis', async () => {
  for (let i = 0; i < 14; i++) await c.call('PING');
  assert.equal((await entries(null)).length, 10);
  assert.equal((await entries('-1')).length, 16);
  assert.equal((await entries('0')).length, 0);
  assert.equal((await entries('3')).length, 3);
  assert.equal((await entries('1000')).length, 19);
  for (const bad of ['-2', 'abc', '1.5', '9223372036854775808', '']) {
    assertError(await c.call('SLOWLOG', 'GET', bad), /^ERR count should be greater than or equal to -1$/);
  }
  assertError(await c.call('SLOWLOG', 'GET', '1', '2'), /^ERR unknown subcommand or wrong number of arguments for 'GET'\. Try SLOWLOG HELP\.$/);
  assertError(await c.call('SLOWLOG', 'LEN', 'x'), /^ERR wrong number of arguments for 'slowlog\|len' command$/);
  assertError(await c.call('SLOWLOG', 'RESET', 'x'), /^ERR wrong number of arguments for 'slowlog\|reset' command$/);
  assertError(await c.call('SLOWLOG', 'NOPE'), /^ERR unknown subcommand 'NOPE'\. Try SLOWLOG HELP\.$/);
  assert.deepEqual(await c.call('SLOWLOG', 'RESET'), { simple: 'OK' });
  assert.equal(await c.call('SLOWLOG', 'LEN'), 1, 'RESET is logged after it ran');
});

test('SLOWLOG HELP', async () => {
  const r = (await c.call('slowlog', 'help')) as { simple: string }[];
  assert.equal(r[0].simple, 'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  assert.equal(r.length, 12);
  assert.equal(r[r.length - 1].simple, '    Prints this help.');
});

test('a blocked command is logged once, when it is served; a timed-out one is not logged', async () => {
  const d = await RawClient.connect(srv.port);
  try {
    await c.call('DEL', 'bl');
    assert.equal(await c.call('BLPOP', 'bl', '0.05'), null);
    d.write('*3\r\n$5\r\nBLPOP\r\n$2\r\nbl\r\n$1\r\n0\r\n');
    await new Promise((r) => setTimeout(r, 50));
    await c.call('RPUSH', 'bl', 'v');
    assert.deepEqual((await d.readReply())[0], ['bl', 'v']);
    const es = (await entries()).reverse().map((e) => e.args);
    assert.deepEqual(es, [['SLOWLOG', 'RESET'], ['DEL', 'bl'], ['RPUSH', 'bl', 'v'], ['BLPOP', 'bl', '0']]);
  } finally {
    d.close();
  }
});
