/* MONITOR command tests against an in-process Respite: the line format, quoting of binary
 * arguments, database after SELECT, redaction, hidden commands (admin, rejected, queued, the
 * serving re-run of a blocked command), MONITOR inside MULTI, a second MONITOR, the replica
 * keyspace restriction, RESET / disconnect, CLIENT LIST flag O and the unix-socket address.
 * (Line-by-line agreement with Redis: test/differential/monitor.test.ts.) */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startRespite, freePort, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';

let srv: RunningServer;

before(async () => {
  srv = await startRespite({ 'enable-debug-command': 'yes' });
});

after(async () => {
  await srv.close();
});

/** A monitor connection: MONITOR sent, +OK read; `lines(n)` collects the next n monitor lines. */
async function monitor(port = srv.port): Promise<RawClient> {
  const m = await RawClient.connect(port);
  assert.deepEqual(await m.call('MONITOR'), { simple: 'OK' });
  return m;
}

async function lines(m: RawClient, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const [r] = await m.readReply();
    out.push((r as { simple: string }).simple);
  }
  return out;
}

/** Monitor lines with the timestamp and client port masked. */
function masked(ls: string[]): string[] {
  return ls.map((l) => l.replace(/^\d+\.\d{6} /, 'T ').replace(/127\.0\.0\.1:\d+/, 'ADDR'));
}

test('line format: timestamp, db and address, quoted arguments; SELECT shows its new db', async () => {
  const m = await monitor();
  const c = await RawClient.connect(srv.port);
  try {
    await c.call('SET', 'k', 'v');
    await c.call('SELECT', '3');
    await c.call('GET', 'k');
    await c.call('SELECT', '0');
    const ls = await lines(m, 4);
    assert.match(ls[0], /^\d{10}\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "k" "v"$/);
    const now = Date.now() / 1000;
    assert.ok(Math.abs(Number(ls[0].split(' ')[0]) - now) < 5);
    assert.deepEqual(masked(ls), ['T [0 ADDR] "SET" "k" "v"', 'T [3 ADDR] "SELECT" "3"', 'T [3 ADDR] "GET" "k"', 'T [0 ADDR] "SELECT" "0"']);
  } finally {
    c.close();
    m.close();
  }
});

test('binary arguments are quoted like sdscatrepr', async () => {
  const m = await monitor();
  const c = await RawClient.connect(srv.port);
  try {
    await c.call('SET', 'b', 'a\nb\r\t\x07\x08"\\\x00\xff\x7f \xe9~');
    const [l] = masked(await lines(m, 1));
    assert.equal(l, 'T [0 ADDR] "SET" "b" "a\\nb\\r\\t\\a\\b\\"\\\\\\x00\\xff\\x7f \\xe9~"');
  } finally {
    c.close();
    m.close();
  }
});

test('hidden: admin commands, rejected commands, queued-only commands; secrets redacted', async () => {
  const m = await monitor();
  const c = await RawClient.connect(srv.port);
  try {
    await c.call('CONFIG', 'SET', 'hz', '10'); // admin: hidden
    await c.call('DEBUG', 'SLEEP', '0'); // admin: hidden
    await c.call('SLOWLOG', 'LEN'); // admin: hidden
    await c.call('NOSUCH'); // rejected: hidden
    await c.call('GET'); // arity: hidden
    await c.call('AUTH', 'pw');
    await c.call('HELLO', '2', 'AUTH', 'default', 'pw');
    await c.call('MULTI');
    await c.call('SET', 'q', '1');
    await c.call('DISCARD');
    await c.call('MULTI');
    await c.call('INCR', 'q');
    await c.call('EXEC');
    await c.call('CLIENT', 'SETNAME', 'x'); // not admin: shown
    await c.call('PING');
    assert.deepEqual(masked(await lines(m, 9)), [
      'T [0 ADDR] "AUTH" "(redacted)"',
      'T [0 ADDR] "HELLO" "2" "AUTH" "(redacted)" "(redacted)"',
      'T [0 ADDR] "MULTI"',
      'T [0 ADDR] "DISCARD"',
      'T [0 ADDR] "MULTI"',
      'T [0 ADDR] "INCR" "q"',
      'T [0 ADDR] "EXEC"',
      'T [0 ADDR] "CLIENT" "SETNAME" "x"',
      'T [0 ADDR] "PING"',
    ]);
  } finally {
    c.close();
    m.close();
  }
});

test('MONITOR inside MULTI fails at EXEC; a second MONITOR gets no reply', async () => {
  const c = await RawClient.connect(srv.port);
  try {
    await c.call('MULTI');
    assert.deepEqual(await c.call('MONITOR'), { simple: 'QUEUED' });
    assert.deepEqual(await c.call('EXEC'), [{ error: "ERR MONITOR isn't allowed for DENY BLOCKING client" }]);
    assert.deepEqual(await c.call('MONITOR'), { simple: 'OK' });
    c.write('*1\r\n$7\r\nMONITOR\r\n*1\r\n$4\r\nPING\r\n');
    assert.deepEqual((await c.readReply())[0], { simple: 'PONG' }, 'the second MONITOR is ignored silently');
    // The monitor sees its own PING, fed after the reply.
    assert.match(((await c.readReply())[0] as { simple: string }).simple, /"PING"$/);
  } finally {
    c.close();
  }
});

test('a monitor cannot touch the keyspace; CLIENT LIST shows O; RESET ends monitoring', async () => {
  const m = await monitor();
  try {
    assert.deepEqual(await m.call('GET', 'k'), { error: "ERR Replica can't interact with the keyspace" });
    assert.deepEqual(await m.call('SET', 'k', 'v'), { error: "ERR Replica can't interact with the keyspace" });
    const info = (await m.call('CLIENT', 'INFO')) as string;
    assert.match(info, / flags=O /);
    assert.match((await lines(m, 1))[0], /"CLIENT" "INFO"$/);
    assert.deepEqual(await m.call('RESET'), { simple: 'RESET' });
    assert.match((await m.call('CLIENT', 'INFO')) as string, / flags=N /);
    assert.equal(await m.call('GET', 'nokey'), null);
    assert.equal(srv.server.monitors.length, 0);
  } finally {
    m.close();
  }
});

test('a disconnected monitor is forgotten; several monitors get the same lines', async () => {
  const a = await monitor();
  const b = await monitor();
  const c = await RawClient.connect(srv.port);
  try {
    assert.equal(srv.server.monitors.length, 2);
    await c.call('ECHO', 'hi');
    assert.deepEqual(masked(await lines(a, 1)), masked(await lines(b, 1)));
    a.close();
    const count = (): number => srv.server.monitors.length;
    for (let i = 0; i < 50 && count() !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(srv.server.monitors.length, 1);
  } finally {
    b.close();
    c.close();
  }
});

test('a blocking command shows when it blocks, not again when it is served', async () => {
  const m = await monitor();
  const c = await RawClient.connect(srv.port);
  const d = await RawClient.connect(srv.port);
  try {
    await c.call('DEL', 'bl');
    d.write('*3\r\n$5\r\nBLPOP\r\n$2\r\nbl\r\n$1\r\n0\r\n');
    await new Promise((r) => setTimeout(r, 50));
    await c.call('RPUSH', 'bl', 'x');
    assert.deepEqual((await d.readReply())[0], ['bl', 'x']);
    await c.call('PING');
    assert.deepEqual(masked(await lines(m, 4)), [
      'T [0 ADDR] "DEL" "bl"', 'T [0 ADDR] "BLPOP" "bl" "0"', 'T [0 ADDR] "RPUSH" "bl" "x"', 'T [0 ADDR] "PING"',
    ]);
  } finally {
    c.close();
    d.close();
    m.close();
  }
});

test('unix-socket clients show as unix:<path>', async () => {
  const sock = path.join(os.tmpdir(), `respite-mon-${process.pid}.sock`);
  // Port 0 with a unix socket means "no TCP" (as in Redis): take a free port.
  const s2 = await startRespite({ unixsocket: sock, port: await freePort() });
  let m: RawClient | null = null;
  const u = net.connect(sock);
  const connected = new Promise<void>((r) => u.once('connect', () => r()));
  try {
    m = await monitor(s2.port);
    await connected;
    u.write('*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n');
    assert.deepEqual(masked(await lines(m, 1)), [`T [0 unix:${sock}] "ECHO" "x"`]);
  } finally {
    u.destroy();
    m?.close();
    await s2.close();
  }
});
