/* Connection family: PING, ECHO, SELECT, AUTH, HELLO, QUIT, RESET, protected
 * mode and maxclients, over raw sockets and with ioredis / node-redis. */

import { test, describe, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import { DENIED_PROTECTED } from '../../src/server/listener';

const WRONGPASS = { error: 'WRONGPASS invalid username-password pair or user is disabled.' };

/** Decode a HELLO reply (RESP2 flat array or RESP3 map) into an object. */
function helloFields(r: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(r)) {
    for (let i = 0; i < r.length; i += 2) out[r[i] as string] = r[i + 1];
  } else {
    for (const [k, v] of (r as { map: [string, unknown][] }).map) out[k] = v;
  }
  return out;
}

describe('connection without a password', () => {
  let srv: RunningServer;
  let c: RawClient;
  before(async () => {
    srv = await startRespite();
    c = await RawClient.connect(srv.port);
  });
  after(async () => {
    c.close();
    await srv.close();
  });

  test('PING and ECHO', async () => {
    assert.equal(await c.raw('PING'), '+PONG\r\n');
    assert.equal(await c.raw('PING', 'hi\r\nx'), '$5\r\nhi\r\nx\r\n');
    assert.deepEqual(await c.call('PING', 'a', 'b'), { error: "ERR wrong number of arguments for 'ping' command" });
    assert.equal(await c.raw('ECHO', ''), '$0\r\n\r\n');
    assert.equal(await c.raw('ECHO', 'bin\x00\xff'), '$5\r\nbin\x00\xff\r\n');
    assert.deepEqual(await c.call('ECHO'), { error: "ERR wrong number of arguments for 'echo' command" });
    assert.deepEqual(await c.call('ECHO', 'a', 'b'), { error: "ERR wrong number of arguments for 'echo' command" });
  });

  test('SELECT switches database and validates the index', async () => {
    await c.call('SET', 'k', 'db0');
    assert.equal(await c.raw('SELECT', '3'), '+OK\r\n');
    assert.equal(await c.call('GET', 'k'), null);
    await c.call('SET', 'k', 'db3');
    assert.deepEqual(await c.call('SELECT', '16'), { error: 'ERR DB index is out of range' });
    assert.deepEqual(await c.call('SELECT', '-1'), { error: 'ERR DB index is out of range' });
    assert.deepEqual(await c.call('SELECT', 'x'), { error: 'ERR value is not an integer or out of range' });
    assert.deepEqual(await c.call('SELECT', '01'), { error: 'ERR value is not an integer or out of range' });
    assert.deepEqual(await c.call('SELECT', '2147483648'),
      { error: 'ERR value is out of range, value must between -2147483648 and 2147483647' });
    assert.equal(await c.call('GET', 'k'), 'db3', 'failed SELECTs keep the db');
    await c.call('SELECT', '0');
    assert.equal(await c.call('GET', 'k'), 'db0');
  });

  test('AUTH without a configured password', async () => {
    assert.deepEqual(await c.call('AUTH', 'x'), {
      error: 'ERR AUTH <password> called without any password configured for the default user. ' +
        'Are you sure your configuration is correct?',
    });
    assert.deepEqual(await c.call('AUTH', 'default', 'anything'), { simple: 'OK' }, 'default user is nopass');
    assert.deepEqual(await c.call('AUTH', 'bob', 'x'), WRONGPASS);
    assert.deepEqual(await c.call('AUTH', 'a', 'b', 'c'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('AUTH'), { error: "ERR wrong number of arguments for 'auth' command" });
  });

  test('HELLO reports the server and switches protocol', async () => {
    const h2 = helloFields(await c.call('HELLO'));
    const id = await c.call('CLIENT', 'ID');
    assert.deepEqual(h2, {
      server: 'redis', version: '7.0.15', proto: 2, id, mode: 'standalone', role: 'master', modules: [],
    });
    const raw3 = await c.raw('HELLO', '3');
    assert.ok(raw3.startsWith('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n'), raw3);
    assert.ok(raw3.includes('$5\r\nproto\r\n:3\r\n'));
    assert.ok(raw3.endsWith('$7\r\nmodules\r\n*0\r\n'));
    // RESP3 now: null is '_', maps are '%'.
    assert.equal(await c.raw('CLIENT', 'GETNAME'), '_\r\n');
    assert.equal(helloFields(await c.call('HELLO')).proto, 3, 'HELLO without version keeps RESP3');
    const h = helloFields(await c.call('HELLO', '2', 'SETNAME', 'conn1'));
    assert.equal(h.proto, 2);
    assert.equal(await c.raw('CLIENT', 'GETNAME'), '$5\r\nconn1\r\n');
    assert.equal(await c.raw('CLIENT', 'SETNAME', ''), '+OK\r\n');
  });

  test('HELLO errors', async () => {
    assert.deepEqual(await c.call('HELLO', '1'), { error: 'NOPROTO unsupported protocol version' });
    assert.deepEqual(await c.call('HELLO', '4'), { error: 'NOPROTO unsupported protocol version' });
    assert.deepEqual(await c.call('HELLO', 'x'), { error: 'ERR Protocol version is not an integer or out of range' });
    assert.deepEqual(await c.call('HELLO', '3', 'foo'), { error: "ERR Syntax error in HELLO option 'foo'" });
    assert.deepEqual(await c.call('HELLO', '3', 'AUTH', 'default'), { error: "ERR Syntax error in HELLO option 'AUTH'" });
    assert.deepEqual(await c.call('HELLO', '3', 'SETNAME'), { error: "ERR Syntax error in HELLO option 'SETNAME'" });
    assert.deepEqual(await c.call('HELLO', '3', 'SETNAME', 'a b'),
      { error: 'ERR Client names cannot contain spaces, newlines or special characters.' });
    assert.deepEqual(await c.call('HELLO', '3', 'AUTH', 'nobody', 'x'), WRONGPASS);
    assert.equal(await c.raw('PING'), '+PONG\r\n', 'a failed HELLO 3 leaves RESP2');
  });

  test('QUIT replies OK, closes, and runs nothing after it', async () => {
    const q = await RawClient.connect(srv.port);
    q.write('*1\r\n$4\r\nQUIT\r\n*3\r\n$3\r\nSET\r\n$6\r\nquitk1\r\n$1\r\nv\r\n');
    const rest = await q.waitClose();
    assert.equal(rest, '+OK\r\n');
    assert.equal(await c.call('GET', 'quitk1'), null);
    const q2 = await RawClient.connect(srv.port);
    assert.equal(await q2.raw('QUIT', 'extra', 'args'), '+OK\r\n');
    await q2.waitClose();
  });

  test('RESET restores a fresh connection state', async () => {
    const r = await RawClient.connect(srv.port);
    const id = await r.call('CLIENT', 'ID');
    await r.call('SELECT', '5');
    await r.call('CLIENT', 'SETNAME', 'named');
    await r.call('HELLO', '3');
    await r.call('CLIENT', 'NO-EVICT', 'ON');
    assert.equal(await r.raw('RESET'), '+RESET\r\n');
    assert.equal(await r.call('CLIENT', 'ID'), id, 'same connection id');
    assert.equal(await r.raw('CLIENT', 'GETNAME'), '$-1\r\n', 'RESP2 and no name');
    const info = (await r.call('CLIENT', 'INFO')) as string;
    assert.match(info, / db=0 /);
    assert.match(info, / flags=e /, 'NO-EVICT survives RESET');
    assert.match(info, / resp=2\n$/);
    // Replies are back on after RESET.
    r.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n');
    r.write('*1\r\n$5\r\nRESET\r\n*1\r\n$4\r\nPING\r\n');
    assert.equal((await r.readReply())[1].toString(), '+PONG\r\n', 'the skipped RESET sends nothing');
    assert.deepEqual(await r.call('RESET', 'x'), { error: "ERR wrong number of arguments for 'reset' command" });
    r.close();
  });

  test('ioredis and node-redis speak to it (RESP2 and RESP3)', async () => {
    const io = new Redis(srv.port, '127.0.0.1', { lazyConnect: true, enableReadyCheck: false });
    await io.connect();
    assert.equal(await io.ping(), 'PONG');
    assert.equal(await io.echo('hello'), 'hello');
    assert.equal(await io.client('SETNAME', 'io'), 'OK');
    assert.equal(await io.client('GETNAME'), 'io');
    io.disconnect();
    const nr = createClient({ socket: { port: srv.port, host: '127.0.0.1' }, RESP: 3, name: 'nr3' });
    await nr.connect();
    assert.equal(await nr.ping(), 'PONG');
    assert.equal(await nr.clientGetName(), 'nr3');
    const info = await nr.clientInfo();
    assert.equal(info.resp, 3);
    assert.equal(info.name, 'nr3');
    await nr.close();
  });
});

describe('connection with requirepass', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startRespite({ requirepass: 's3cret' });
  });
  after(async () => {
    await srv.close();
  });

  test('new clients must authenticate; AUTH forms', async () => {
    const c = await RawClient.connect(srv.port);
    assert.deepEqual(await c.call('PING'), { error: 'NOAUTH Authentication required.' });
    assert.deepEqual(await c.call('SELECT', '1'), { error: 'NOAUTH Authentication required.' });
    assert.deepEqual(await c.call('AUTH', 'wrong'), WRONGPASS);
    assert.deepEqual(await c.call('AUTH', 'default', 'wrong'), WRONGPASS);
    assert.deepEqual(await c.call('AUTH', 'other', 's3cret'), WRONGPASS);
    assert.equal(await c.raw('AUTH', 's3cret'), '+OK\r\n');
    assert.equal(await c.raw('PING'), '+PONG\r\n');
    assert.deepEqual(await c.call('AUTH', 'wrong'), WRONGPASS);
    assert.equal(await c.raw('PING'), '+PONG\r\n', 'a failed AUTH keeps the session');
    assert.equal(await c.raw('AUTH', 'default', 's3cret'), '+OK\r\n');
    c.close();
  });

  test('HELLO requires auth, HELLO AUTH authenticates', async () => {
    const c = await RawClient.connect(srv.port);
    assert.deepEqual(await c.call('HELLO', '3'), {
      error: 'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH ' +
        '<user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    });
    assert.deepEqual(await c.call('HELLO', '3', 'AUTH', 'default', 'nope'), WRONGPASS);
    const r = await c.call('HELLO', '3', 'AUTH', 'default', 's3cret', 'SETNAME', 'me');
    assert.equal(helloFields(r).proto, 3);
    assert.equal(await c.call('CLIENT', 'GETNAME'), 'me');
    c.close();
  });

  test('unauthenticated clients get the parser limits; AUTH lifts them', async () => {
    const c = await RawClient.connect(srv.port);
    const big = 'x'.repeat(20000);
    c.write(`*2\r\n$4\r\nECHO\r\n$${big.length}\r\n${big}\r\n`);
    const [r] = await c.readReply();
    assert.deepEqual(r, { error: 'ERR Protocol error: unauthenticated bulk length' });
    await c.waitClose();
    const d = await RawClient.connect(srv.port);
    await d.call('AUTH', 's3cret');
    assert.equal(await d.call('ECHO', big), big);
    // RESET logs the client out again (a password is set) and restores the limits.
    assert.equal(await d.raw('RESET'), '+RESET\r\n');
    assert.deepEqual(await d.call('PING'), { error: 'NOAUTH Authentication required.' });
    d.write(`*2\r\n$4\r\nECHO\r\n$${big.length}\r\n${big}\r\n`);
    assert.deepEqual((await d.readReply())[0], { error: 'ERR Protocol error: unauthenticated bulk length' });
    d.close();
  });

  test('QUIT and RESET work before AUTH', async () => {
    const c = await RawClient.connect(srv.port);
    assert.equal(await c.raw('RESET'), '+RESET\r\n');
    assert.equal(await c.raw('QUIT'), '+OK\r\n');
    await c.waitClose();
  });

  test('ioredis and node-redis authenticate with the password', async () => {
    const io = new Redis(srv.port, '127.0.0.1', { password: 's3cret', lazyConnect: true, enableReadyCheck: false });
    await io.connect();
    assert.equal(await io.ping(), 'PONG');
    io.disconnect();
    const nr = createClient({ socket: { port: srv.port, host: '127.0.0.1' }, password: 's3cret', RESP: 3 });
    await nr.connect();
    assert.equal(await nr.ping(), 'PONG');
    await nr.close();
  });
});

describe('admission: protected mode and maxclients', () => {
  test('protected mode denies non-loopback peers with Redis 7.0.15 text', async () => {
    assert.ok(DENIED_PROTECTED.includes('4) Setup a an authentication password for the default user. '));
    const srv = await startRespite();
    try {
      const sock = net.connect({ port: srv.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
      let got = '';
      sock.on('data', (d) => { got += d.toString('latin1'); });
      await new Promise<void>((resolve) => sock.on('close', () => resolve()));
      assert.equal(got, DENIED_PROTECTED);
      // The loopback address itself is local.
      const c = await RawClient.connect(srv.port);
      assert.equal(await c.raw('PING'), '+PONG\r\n');
      c.close();
    } finally {
      await srv.close();
    }
  });

  test('with a password (or protected-mode off) non-loopback peers are accepted', async () => {
    const srv = await startRespite({ requirepass: 'pw' });
    try {
      const sock = net.connect({ port: srv.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
      await new Promise<void>((resolve) => sock.on('connect', () => resolve()));
      sock.write('PING\r\n');
      const got = await new Promise<string>((resolve) => sock.once('data', (d) => resolve(d.toString())));
      assert.equal(got, '-NOAUTH Authentication required.\r\n');
      sock.destroy();
    } finally {
      await srv.close();
    }
  });

  test('maxclients rejects the extra connection', async () => {
    const srv = await startRespite({ maxclients: 2 });
    try {
      const a = await RawClient.connect(srv.port);
      const b = await RawClient.connect(srv.port);
      assert.equal(await a.raw('PING'), '+PONG\r\n');
      assert.equal(await b.raw('PING'), '+PONG\r\n');
      const x = await RawClient.connect(srv.port);
      assert.equal(await x.waitClose(), '-ERR max number of clients reached\r\n');
      a.close();
      await new Promise((r) => setTimeout(r, 50));
      const y = await RawClient.connect(srv.port);
      assert.equal(await y.raw('PING'), '+PONG\r\n', 'a freed slot is reusable');
      b.close();
      y.close();
    } finally {
      await srv.close();
    }
  });
});
