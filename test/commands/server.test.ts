/* Server family: INFO, TIME, DEBUG, SHUTDOWN (in-process Respite). */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { startRespite, RawClient } from '../helpers/servers';
import type { Reply } from '../helpers/resp';
import type { RunningServer } from '../../src/index';

function str(r: Reply): string {
  if (typeof r === 'string') return r;
  if (r !== null && typeof r === 'object' && 'verbatim' in r) return r.verbatim;
  if (r !== null && typeof r === 'object' && 'simple' in r) return r.simple;
  assert.fail(`not a string: ${JSON.stringify(r)}`);
}

/** INFO as a field -> value map. */
async function info(c: RawClient, ...sections: string[]): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const line of str(await c.call('INFO', ...sections)).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

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

/** Send one command on a fresh socket and return the exact bytes received (until `ms` of quiet). */
function rawExchange(port: number, cmd: string, ms = 200): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(cmd));
    let buf = '';
    let t: NodeJS.Timeout | null = null;
    const done = () => { s.destroy(); resolve(buf); };
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (t !== null) clearTimeout(t);
      t = setTimeout(done, ms);
    });
    s.on('error', reject);
    t = setTimeout(done, 1000);
  });
}

test('INFO: sections, selectors and format', async () => {
  await withServer({}, async (srv, c) => {
    const all = str(await c.call('INFO'));
    assert.deepEqual(all.split('\r\n').filter((l) => l.startsWith('#')),
      ['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication', '# CPU', '# Modules',
        '# Errorstats', '# Cluster', '# Keyspace']);
    assert.ok(all.endsWith('\r\n') && !all.includes('\n\n') && !/[^\r]\n/.test(all));
    const every = str(await c.call('INFO', 'everything'));
    assert.ok(every.includes('# Commandstats\r\n') && every.includes('# Latencystats\r\n'));
    assert.equal(str(await c.call('INFO', 'nosuch')), '');
    assert.equal(str(await c.call('INFO', 'SERVER', 'CLIENTS')).split('\r\n').filter((l) => l.startsWith('#')).length, 2);
    assert.equal(await c.raw('INFO', 'modules'), '$11\r\n# Modules\r\n\r\n');
    const s = await info(c, 'server');
    assert.equal(s.get('redis_version'), '7.0.15');
    assert.match(s.get('respite_version')!, /^\d+\.\d+\.\d+/);
    assert.equal(s.get('redis_mode'), 'standalone');
    assert.equal(s.get('tcp_port'), String(srv.port));
    assert.equal(s.get('process_id'), String(process.pid));
    assert.equal(s.get('run_id'), srv.server.runId);
    assert.equal(s.get('hz'), '10');
    assert.match(s.get('server_time_usec')!, /^\d{16}$/);
    await c.call('HELLO', '3');
    assert.deepEqual(await c.call('INFO', 'cluster'), { verbatim: '# Cluster\r\ncluster_enabled:0\r\n', format: 'txt' });
  });
});

test('INFO: clients, keyspace, persistence and stats follow the server state', async () => {
  await withServer({}, async (srv, c) => {
    const c2 = await RawClient.connect(srv.port);
    try {
      assert.equal((await info(c, 'clients')).get('connected_clients'), '2');
      assert.equal((await info(c, 'clients')).get('maxclients'), '10000');
    } finally {
      c2.close();
    }
    assert.equal(str(await c.call('INFO', 'keyspace')), '# Keyspace\r\n');
    const dirty0 = Number((await info(c, 'persistence')).get('rdb_changes_since_last_save'));
    await c.call('SET', 'a', '1');
    await c.call('SET', 'b', '2', 'EX', '1000');
    srv.server.dbs[3].add('x', 'y');
    assert.match(str(await c.call('INFO', 'keyspace')),
      /^# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=\d+\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n$/);
    const p = await info(c, 'persistence');
    assert.equal(Number(p.get('rdb_changes_since_last_save')), dirty0 + 2);
    assert.equal(p.get('loading'), '0');
    assert.equal(p.get('aof_enabled'), '0');
    await c.call('GET', 'a');
    await c.call('GET', 'nosuch');
    const st = await info(c, 'stats');
    assert.equal(st.get('keyspace_hits'), '1');
    assert.equal(st.get('keyspace_misses'), '1');
    assert.ok(Number(st.get('total_commands_processed')) >= 5);
    assert.ok(Number(st.get('total_connections_received')) >= 2);
    const r = await info(c, 'replication');
    assert.equal(r.get('role'), 'master');
    assert.match(r.get('master_replid')!, /^[0-9a-f]{40}$/);
    assert.equal(r.get('master_replid'), (await info(c, 'replication')).get('master_replid'));
    const m = await info(c, 'memory');
    assert.ok(Number(m.get('used_memory')) > 0 && Number(m.get('used_memory_rss')) > 0);
    assert.ok(Number(m.get('used_memory_peak')) >= Number(m.get('used_memory')));
    assert.match(m.get('used_memory_human')!, /^\d+(\.\d\d[KMGTP])?B?$/);
    assert.match((await info(c, 'cpu')).get('used_cpu_user')!, /^\d+\.\d{6}$/);
  });
});

test('INFO: commandstats, errorstats and latencystats; CONFIG RESETSTAT clears them', async () => {
  await withServer({}, async (_srv, c) => {
    await c.call('SET', 'k', 'v');
    await c.call('SET', 'k', 'v', 'EX', 'abc');
    await c.call('NOSUCH');
    await c.call('GET');
    await c.call('CONFIG', 'GET', 'hz');
    const cs = str(await c.call('INFO', 'commandstats'));
    assert.match(cs, /\r\ncmdstat_set:calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1\r\n/);
    assert.match(cs, /\r\ncmdstat_get:calls=0,usec=0,usec_per_call=0\.00,rejected_calls=1,failed_calls=0\r\n/);
    assert.match(cs, /\r\ncmdstat_config\|get:calls=1,/);
    assert.equal(str(await c.call('INFO', 'errorstats')), '# Errorstats\r\nerrorstat_ERR:count=3\r\n');
    const ls = str(await c.call('INFO', 'latencystats'));
    assert.match(ls, /\r\nlatency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n/);
    assert.ok(!ls.includes('latency_percentiles_usec_get:'), 'rejected calls are not timed');
    await c.call('CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99.99');
    assert.match(str(await c.call('INFO', 'latencystats')), /latency_percentiles_usec_set:p50=[\d.]+,p99\.99=[\d.]+\r\n/);
    await c.call('CONFIG', 'SET', 'latency-tracking-info-percentiles', '');
    assert.match(str(await c.call('INFO', 'latencystats')), /latency_percentiles_usec_set:\r\n/);
    assert.equal(await c.raw('CONFIG', 'RESETSTAT'), '+OK\r\n');
    assert.equal(str(await c.call('INFO', 'errorstats')), '# Errorstats\r\n');
    const after = str(await c.call('INFO', 'commandstats'));
    assert.ok(!after.includes('cmdstat_set') && after.includes('cmdstat_config|resetstat:calls=1'));
    const st = await info(c, 'stats');
    assert.equal(st.get('total_error_replies'), '0');
    assert.equal(st.get('keyspace_hits'), '0');
    await c.call('CONFIG', 'SET', 'latency-tracking', 'no');
    await c.call('SET', 'k', 'v');
    assert.ok(!str(await c.call('INFO', 'latencystats')).includes('usec_set'));
  });
});

test('TIME: seconds and microseconds as bulk strings, close to the local clock', async () => {
  await withServer({}, async (_srv, c) => {
    const raw = await c.raw('TIME');
    const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n\$\d+\r\n(\d+)\r\n$/.exec(raw);
    assert.ok(m !== null, raw);
    assert.ok(Number(m[2]) < 1e6);
    assert.ok(Math.abs(Number(m[1]) - Date.now() / 1000) < 5);
    assert.deepEqual(await c.call('TIME', 'x'), { error: "ERR wrong number of arguments for 'time' command" });
  });
});

test('DEBUG: refused unless enable-debug-command allows it', async () => {
  await withServer({}, async (_srv, c) => {
    const r = await c.call('DEBUG', 'SLEEP', '0');
    assert.match((r as { error: string }).error, /^ERR DEBUG command not allowed\. If the enable-debug-command option/);
  });
  await withServer({ 'enable-debug-command': 'local' }, async (_srv, c) => {
    assert.deepEqual(await c.call('DEBUG', 'SLEEP', '0'), { simple: 'OK' });
  });
});

test('DEBUG: OBJECT, SLEEP, SET-ACTIVE-EXPIRE, POPULATE, LOG, ERROR, CHANGE-REPL-ID, HELP', async () => {
  await withServer({ 'enable-debug-command': 'yes' }, async (srv, c) => {
    await c.call('SET', 'n', '123');
    await c.call('SET', 's', 'hello');
    await c.call('SET', 'big', 'a'.repeat(73));
    assert.match(str(await c.call('DEBUG', 'OBJECT', 'n')),
      /^Value at:0x[0-9a-f]+ refcount:2147483647 encoding:int serializedlength:2 lru:\d+ lru_seconds_idle:\d+$/);
    assert.match(str(await c.call('DEBUG', 'OBJECT', 's')), / refcount:1 encoding:embstr serializedlength:6 /);
    assert.match(str(await c.call('DEBUG', 'OBJECT', 'big')), / encoding:raw serializedlength:13 /);
    assert.deepEqual(await c.call('DEBUG', 'OBJECT', 'nokey'), { error: 'ERR no such key' });
    assert.deepEqual(await c.call('DEBUG', 'OBJECT'),
      { error: "ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP." });
    // SLEEP stops the whole server for at least the time asked
    const t0 = Date.now();
    assert.deepEqual(await c.call('DEBUG', 'SLEEP', '0.2'), { simple: 'OK' });
    assert.ok(Date.now() - t0 >= 190);
    assert.deepEqual(await c.call('DEBUG', 'SLEEP', 'junk'), { simple: 'OK' });
    assert.deepEqual(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), { simple: 'OK' });
    assert.equal(srv.server.config.activeExpireEnabled, false);
    await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    assert.equal(srv.server.config.activeExpireEnabled, true);
    assert.deepEqual(await c.call('DEBUG', 'POPULATE', '3', 'p', '10'), { simple: 'OK' });
    assert.equal(await c.call('GET', 'p:2'), 'value:2\0\0\0');
    assert.deepEqual(await c.call('DEBUG', 'POPULATE', '-1'), { error: 'ERR value is out of range, must be positive' });
    assert.deepEqual(await c.call('DEBUG', 'LOG', 'hi'), { simple: 'OK' });
    const before = (await info(c, 'replication')).get('master_replid');
    assert.deepEqual(await c.call('DEBUG', 'CHANGE-REPL-ID'), { simple: 'OK' });
    assert.notEqual((await info(c, 'replication')).get('master_replid'), before);
    assert.equal(await c.raw('DEBUG', 'ERROR', 'WRONG\r\nthing'), '-WRONG  thing\r\n');
    assert.ok(!str(await c.call('INFO', 'errorstats')).includes('WRONG'));
    const help = (await c.call('DEBUG', 'HELP')) as Reply[];
    assert.deepEqual(help[0], { simple: 'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:' });
    assert.ok(help.some((h) => (h as { simple: string }).simple === 'SLEEP <seconds>'));
    assert.deepEqual(help[help.length - 1], { simple: '    Prints this help.' });
    assert.deepEqual(await c.call('DEBUG', 'RELOAD'),
      { error: "ERR unknown subcommand or wrong number of arguments for 'RELOAD'. Try DEBUG HELP." });
    assert.deepEqual(await c.call('DEBUG', 'CONFIG-REWRITE-FORCE-ALL'),
      { error: 'ERR CONFIG-REWRITE-FORCE-ALL failed: Bad address' });
  });
});

test('DEBUG PROTOCOL: every type in RESP2 and RESP3, exact bytes', async () => {
  const srv = await startRespite({ 'enable-debug-command': 'yes' });
  try {
    const dbg = (t: string) => `*3\r\n$5\r\nDEBUG\r\n$8\r\nPROTOCOL\r\n$${t.length}\r\n${t}\r\n`;
    assert.equal(await rawExchange(srv.port, dbg('attrib')), '$39\r\nSome real reply following the attribute\r\n');
    assert.equal(await rawExchange(srv.port, dbg('push')), '-ERR RESP2 is not supported by this command\r\n');
    assert.equal(await rawExchange(srv.port, dbg('map')), '*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n');
    const hello3 = '*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n';
    const r3 = await rawExchange(srv.port, hello3 + dbg('attrib') + dbg('bignum') + dbg('map') + dbg('double'));
    assert.ok(r3.endsWith(
      '|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n' +
      '(1234567999999999999999999999999999999\r\n%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n,3.141\r\n'), JSON.stringify(r3));
  } finally {
    await srv.close();
  }
});

test('SHUTDOWN: argument errors, SAVE without persistence, and a real shutdown', async () => {
  await withServer({}, async (srv, c) => {
    assert.deepEqual(await c.call('SHUTDOWN', 'bogus'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('SHUTDOWN', 'SAVE', 'NOSAVE'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('SHUTDOWN', 'ABORT', 'NOW'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('SHUTDOWN', 'ABORT'), { error: 'ERR No shutdown in progress.' });
    assert.deepEqual(await c.call('SHUTDOWN', 'SAVE'), { error: 'ERR Errors trying to SHUTDOWN. Check logs.' });
    assert.deepEqual(await c.call('PING'), { simple: 'PONG' });
    let called = 0;
    srv.server.onShutdown = () => { called++; void srv.server.close(); };
    c.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nnosave\r\n*1\r\n$4\r\nPING\r\n');
    assert.equal(await c.waitClose(), '', 'no reply, not even to the pipelined PING');
    assert.equal(called, 1);
  });
  // an embedded server without onShutdown just closes
  const srv = await startRespite({});
  const c = await RawClient.connect(srv.port);
  c.write('*3\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n$5\r\nFORCE\r\n');
  assert.equal(await c.waitClose(), '');
  await srv.close();
  await assert.rejects(RawClient.connect(srv.port));
});
