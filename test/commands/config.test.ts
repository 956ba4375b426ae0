/* CONFIG GET / SET / REWRITE / RESETSTAT / HELP and the side effects of CONFIG SET. */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { startRespite, RawClient, freePort } from '../helpers/servers';
import type { RunningServer } from '../../src/index';

async function withServer(opts: Record<string, string>, f: (srv: RunningServer, c: RawClient) => Promise<void>): Promise<void> {
  const srv = await startRespite(opts);
  const c = await RawClient.connect(srv.port);
  try {
    await f(srv, c);
  } finally {
    c.close();
    await srv.close();
  }
}

const OK = { simple: 'OK' };

test('CONFIG GET: several patterns, globs, map reply in RESP3', async () => {
  await withServer({}, async (_srv, c) => {
    assert.deepEqual(await c.call('CONFIG', 'GET', 'hz', 'timeout'), ['hz', '10', 'timeout', '0']);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'nosuch'), []);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'Maxclients'), ['Maxclients', '10000']);
    const lat = (await c.call('CONFIG', 'GET', 'latency-t*')) as string[];
    assert.deepEqual(lat, ['latency-tracking', 'yes', 'latency-tracking-info-percentiles', '50 99 99.9']);
    const all = (await c.call('CONFIG', 'GET', '*')) as string[];
    assert.ok(all.length >= 40 && all.length % 2 === 0);
    await c.call('HELLO', '3');
    assert.deepEqual(await c.call('CONFIG', 'GET', 'hz', 'port'), { map: [['hz', '10'], ['port', String(_srv.port)]] });
    assert.deepEqual(await c.call('CONFIG', 'GET'), { error: "ERR wrong number of arguments for 'config|get' command" });
  });
});

test('CONFIG SET: several parameters at once, all or nothing', async () => {
  await withServer({}, async (srv, c) => {
    assert.deepEqual(await c.call('CONFIG', 'SET', 'timeout', '100', 'tcp-keepalive', '60', 'loglevel', 'WARNING'), OK);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'timeout', 'tcp-keepalive', 'loglevel'),
      ['timeout', '100', 'tcp-keepalive', '60', 'loglevel', 'warning']);
    // a bad value anywhere restores every parameter of the command
    assert.deepEqual(await c.call('CONFIG', 'SET', 'timeout', '5', 'maxclients', '0'), {
      error: "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive",
    });
    assert.equal(srv.server.config.timeout, 100);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'timeout', '5', 'timeout', '6'),
      { error: "ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter" });
    assert.deepEqual(await c.call('CONFIG', 'SET', 'databases', '4'),
      { error: "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config" });
    assert.deepEqual(await c.call('CONFIG', 'SET', 'dir', '/tmp'),
      { error: "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config" });
    assert.deepEqual(await c.call('CONFIG', 'SET', 'no-such-option', 'yes'),
      { error: "ERR Unknown option or number of arguments for CONFIG SET - 'no-such-option'" });
    assert.deepEqual(await c.call('CONFIG', 'SET', 'appendonly', 'yes'),
      { error: "ERR CONFIG SET failed (possibly related to argument 'appendonly') - AOF persistence is not supported by this server yet" });
    assert.deepEqual(await c.call('CONFIG', 'SET', 'timeout', '1', 'x'), { error: 'ERR syntax error' });
    // hz is clamped to [1, 500]
    await c.call('CONFIG', 'SET', 'hz', '100000');
    assert.deepEqual(await c.call('CONFIG', 'GET', 'hz'), ['hz', '500']);
    await c.call('CONFIG', 'SET', 'hz', '0');
    assert.deepEqual(await c.call('CONFIG', 'GET', 'hz'), ['hz', '1']);
  });
});

test('CONFIG SET dir: protected config, allowed by enable-protected-configs', async () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-dir-'));
  await withServer({ 'enable-protected-configs': 'yes' }, async (_srv, c) => {
    assert.deepEqual(await c.call('CONFIG', 'SET', 'dir', d), OK);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'dir'), ['dir', d]);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'dir', path.join(d, 'none')),
      { error: "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory" });
    fs.mkdirSync(path.join(d, 'sub'));
    assert.deepEqual(await c.call('CONFIG', 'SET', 'dir', 'sub'), OK, 'relative to the current dir');
    assert.deepEqual(await c.call('CONFIG', 'GET', 'dir'), ['dir', path.join(d, 'sub')]);
  });
  fs.rmSync(d, { recursive: true });
});

test('CONFIG SET side effects: proto-max-bulk-len, maxclients, requirepass', async () => {
  await withServer({}, async (srv, c) => {
    const other = await RawClient.connect(srv.port);
    try {
      assert.deepEqual(await c.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb'), OK);
      // an already connected client gets the new limit
      other.write(`*2\r\n$4\r\nECHO\r\n$${1024 * 1024 + 1}\r\n`);
      assert.deepEqual((await other.readReply())[0], { error: 'ERR Protocol error: invalid bulk length' });
    } finally {
      other.close();
    }
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxclients', '1'), OK);
    const extra = await RawClient.connect(srv.port);
    assert.equal(await extra.waitClose(), '-ERR max number of clients reached\r\n');
    await c.call('CONFIG', 'SET', 'maxclients', '100');
    assert.deepEqual(await c.call('CONFIG', 'SET', 'requirepass', 'secret'), OK);
    assert.deepEqual(await c.call('PING'), { simple: 'PONG' }, 'existing connections stay authenticated');
    const fresh = await RawClient.connect(srv.port);
    try {
      assert.deepEqual(await fresh.call('PING'), { error: 'NOAUTH Authentication required.' });
    } finally {
      fresh.close();
    }
    assert.deepEqual(await c.call('CONFIG', 'SET', 'requirepass', ''), OK);
  });
});

test('CONFIG SET port: re-binds, keeps the old port when the new one is busy, orders pipelined replies', async () => {
  await withServer({}, async (srv, c) => {
    const oldPort = srv.port;
    const blocker = net.createServer();
    const busy = await new Promise<number>((res) => blocker.listen(0, '127.0.0.1', () => res((blocker.address() as net.AddressInfo).port)));
    try {
      assert.deepEqual(await c.call('CONFIG', 'SET', 'port', String(busy)), {
        error: "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
      });
      assert.deepEqual(await c.call('CONFIG', 'GET', 'port'), ['port', String(oldPort)]);
      (await RawClient.connect(oldPort)).close();
      // a failed bind restores the other parameters of the same command too
      assert.deepEqual((await c.call('CONFIG', 'SET', 'timeout', '77', 'port', String(busy)) as { error: string }).error
        .startsWith("ERR CONFIG SET failed (possibly related to argument 'port')"), true);
      assert.deepEqual(await c.call('CONFIG', 'GET', 'timeout'), ['timeout', '0']);
    } finally {
      blocker.close();
    }
    const next = await freePort();
    c.write(`*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$4\r\nport\r\n$${String(next).length}\r\n${next}\r\n*1\r\n$4\r\nPING\r\n`);
    assert.deepEqual((await c.readReply())[0], OK);
    assert.deepEqual((await c.readReply())[0], { simple: 'PONG' });
    const moved = await RawClient.connect(next);
    try {
      assert.deepEqual(await moved.call('CONFIG', 'GET', 'port'), ['port', String(next)]);
      assert.match((await moved.call('INFO', 'server') as string), new RegExp(`\r\ntcp_port:${next}\r\n`));
    } finally {
      moved.close();
    }
    await assert.rejects(RawClient.connect(oldPort));
  });
});

test('CONFIG SET bind: re-binds the listeners; an address that cannot be bound is refused', async () => {
  await withServer({}, async (srv, c) => {
    assert.deepEqual(await c.call('CONFIG', 'SET', 'bind', '192.0.2.1'), {
      error: "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.",
    });
    assert.deepEqual(await c.call('CONFIG', 'GET', 'bind'), ['bind', '127.0.0.1 -::1']);
    (await RawClient.connect(srv.port)).close();
    assert.deepEqual(await c.call('CONFIG', 'SET', 'bind', '127.0.0.1'), OK);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'bind'), ['bind', '127.0.0.1']);
    const again = await RawClient.connect(srv.port);
    assert.deepEqual(await again.call('PING'), { simple: 'PONG' });
    again.close();
  });
});

test('CONFIG REWRITE: without a config file, into a file, and failures', async () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-rw-'));
  const file = path.join(d, 'redis.conf');
  fs.writeFileSync(file, '# keep me\nhz 10\ntimeout 0\ntimeout 5\n');
  await withServer({}, async (srv, c) => {
    assert.deepEqual(await c.call('CONFIG', 'REWRITE'), { error: 'ERR The server is running without a config file' });
    srv.server.configFile = file;
    await c.call('CONFIG', 'SET', 'hz', '20', 'maxclients', '500', 'loglevel', 'notice');
    assert.deepEqual(await c.call('CONFIG', 'REWRITE'), OK);
    const text = fs.readFileSync(file, 'latin1');
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 4), ['# keep me', 'hz 20', 'timeout 0', '']);
    assert.ok(lines.includes('# Generated by CONFIG REWRITE'));
    assert.ok(lines.includes('maxclients 500'));
    assert.ok(!lines.includes('loglevel notice'), 'defaults are not appended');
    assert.ok(lines.includes(`port ${srv.port}`));
    assert.equal(fs.statSync(file).mode & 0o777, 0o644 & ~process.umask());
    srv.server.configFile = path.join(d, 'missing-dir', 'redis.conf');
    assert.deepEqual(await c.call('CONFIG', 'REWRITE'), { error: 'ERR Rewriting config file: No such file or directory' });
  });
  fs.rmSync(d, { recursive: true });
});

test('CONFIG HELP and RESETSTAT', async () => {
  await withServer({}, async (_srv, c) => {
    const help = (await c.call('CONFIG', 'HELP')) as { simple: string }[];
    assert.equal(help.length, 11);
    assert.equal(help[0].simple, 'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.equal(help[1].simple, 'GET <pattern>');
    assert.deepEqual(await c.call('CONFIG', 'NOPE'), { error: "ERR unknown subcommand 'NOPE'. Try CONFIG HELP." });
    await c.call('GET', 'x');
    assert.deepEqual(await c.call('CONFIG', 'RESETSTAT'), OK);
    const stats = await c.call('INFO', 'stats') as string;
    assert.match(stats, /\r\nkeyspace_misses:0\r\n/);
    assert.match(stats, /\r\ntotal_commands_processed:1\r\n/);
  });
});

test('CONFIG SET save "": accepted (no save points), as Redis does', async () => {
  await withServer({}, async (_srv, c) => {
    assert.deepEqual(await c.call('CONFIG', 'SET', 'save', ''), OK);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'save'), ['save', '']);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'save', '', 'hz', '11'), OK);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'hz'), ['hz', '11']);
  });
});
