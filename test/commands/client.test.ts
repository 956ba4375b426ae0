/* CLIENT subcommands: ID, INFO, LIST, SETNAME/GETNAME, KILL, PAUSE/UNPAUSE,
 * REPLY, NO-EVICT, HELP and their error paths. */

import { test, describe, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';

const FIELDS = [
  'id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf',
  'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user',
  'redir', 'resp',
];

/** Parse one CLIENT LIST line into an ordered list of [field, value]. */
function fields(line: string): [string, string][] {
  return line.split(' ').map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i), kv.slice(i + 1)] as [string, string];
  });
}

function lineMap(line: string): Record<string, string> {
  return Object.fromEntries(fields(line));
}

/** CLIENT LIST lines by client id. */
async function list(c: RawClient, ...args: string[]): Promise<Map<number, Record<string, string>>> {
  const out = (await c.call('CLIENT', 'LIST', ...args)) as string;
  const m = new Map<number, Record<string, string>>();
  for (const l of out.split('\n')) if (l !== '') m.set(Number(lineMap(l).id), lineMap(l));
  return m;
}

/** Wait (bounded) until `cond` holds. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), what);
}

/** True if no reply arrives within a short grace period. */
async function silent(c: RawClient): Promise<boolean> {
  try {
    await c.readReply(100);
    return false;
  } catch {
    return true;
  }
}

const cmd = (...a: string[]) => '*' + a.length + '\r\n' + a.map((x) => `$${Buffer.byteLength(x, 'latin1')}\r\n${x}\r\n`).join('');

describe('CLIENT', () => {
  let srv: RunningServer;
  let a: RawClient;
  let b: RawClient;
  before(async () => {
    srv = await startRespite();
    a = await RawClient.connect(srv.port);
    b = await RawClient.connect(srv.port);
  });
  after(async () => {
    a.close();
    b.close();
    await srv.close();
  });

  test('ID, SETNAME, GETNAME', async () => {
    const ida = (await a.call('CLIENT', 'ID')) as number;
    const idb = (await b.call('CLIENT', 'ID')) as number;
    assert.ok(idb > ida);
    assert.equal(await a.raw('CLIENT', 'GETNAME'), '$-1\r\n');
    assert.equal(await a.raw('CLIENT', 'SETNAME', 'alpha-1'), '+OK\r\n');
    assert.equal(await a.call('CLIENT', 'GETNAME'), 'alpha-1');
    for (const bad of ['a b', 'a\nb', 'caf\xe9', '\x7f']) {
      assert.deepEqual(await a.call('CLIENT', 'SETNAME', bad),
        { error: 'ERR Client names cannot contain spaces, newlines or special characters.' });
    }
    assert.equal(await a.call('CLIENT', 'GETNAME'), 'alpha-1', 'a rejected name keeps the old one');
    assert.equal(await a.raw('CLIENT', 'SETNAME', ''), '+OK\r\n');
    assert.equal(await a.raw('CLIENT', 'GETNAME'), '$-1\r\n');
    assert.deepEqual(await a.call('CLIENT', 'ID', 'x'), { error: "ERR wrong number of arguments for 'client|id' command" });
    assert.deepEqual(await a.call('CLIENT', 'SETNAME'), { error: "ERR wrong number of arguments for 'client|setname' command" });
    assert.deepEqual(await a.call('CLIENT'), { error: "ERR wrong number of arguments for 'client' command" });
    assert.deepEqual(await a.call('CLIENT', 'nope'), { error: "ERR unknown subcommand 'nope'. Try CLIENT HELP." });
    // Redis 7.2 additions are unknown in 7.0.
    assert.deepEqual(await a.call('client', 'setinfo', 'lib-name', 'x'), { error: "ERR unknown subcommand 'setinfo'. Try CLIENT HELP." });
    assert.deepEqual(await a.call('CLIENT', 'NO-TOUCH', 'ON'), { error: "ERR unknown subcommand 'NO-TOUCH'. Try CLIENT HELP." });
  });

  test('INFO line: field order and values', async () => {
    await b.call('SELECT', '2');
    await b.call('CLIENT', 'SETNAME', 'bee');
    const info = (await b.call('CLIENT', 'INFO')) as string;
    assert.ok(info.endsWith('\n') && !info.slice(0, -1).includes('\n'));
    const f = fields(info.slice(0, -1));
    assert.deepEqual(f.map((x) => x[0]), FIELDS);
    const m = lineMap(info.slice(0, -1));
    assert.equal(Number(m.id), await b.call('CLIENT', 'ID'));
    assert.match(m.addr, /^127\.0\.0\.1:\d+$/);
    assert.equal(m.laddr, `127.0.0.1:${srv.port}`);
    assert.equal(m.name, 'bee');
    assert.equal(m.db, '2');
    assert.equal(m.flags, 'N');
    assert.equal(m.multi, '-1');
    assert.equal(m.cmd, 'client|info');
    assert.equal(m.user, 'default');
    assert.equal(m.redir, '-1');
    assert.equal(m.resp, '2');
    assert.equal(m['argv-mem'], String('client'.length + 'info'.length));
    assert.match(m.events, /^r/);
    for (const k of ['age', 'idle', 'fd', 'qbuf', 'obl', 'omem', 'tot-mem']) assert.match(m[k], /^-?\d+$/, k);
    // RESP3: a verbatim string.
    await b.call('HELLO', '3');
    const raw = await b.raw('CLIENT', 'INFO');
    assert.match(raw, /^=\d+\r\ntxt:id=\d+ .* resp=3\n\r\n$/);
    await b.call('HELLO', '2');
    await b.call('SELECT', '0');
  });

  test('IPv6 peers are shown as [ip]:port, as Redis does', async () => {
    const c6 = await RawClient.connect(srv.port, '::1');
    const m = lineMap(((await c6.call('CLIENT', 'INFO')) as string).trim());
    assert.match(m.addr, /^\[::1\]:\d+$/);
    assert.equal(m.laddr, `[::1]:${srv.port}`);
    assert.equal(await a.call('CLIENT', 'KILL', 'ADDR', m.addr), 1);
    await c6.waitClose();
  });

  test('LIST: every client, TYPE and ID filters, cmd tracking', async () => {
    const ida = (await a.call('CLIENT', 'ID')) as number;
    const idb = (await b.call('CLIENT', 'ID')) as number;
    await b.call('GET', 'somekey');
    let m = await list(a);
    assert.ok(m.has(ida) && m.has(idb));
    assert.equal(m.get(idb)!.cmd, 'get');
    assert.equal(m.get(ida)!.cmd, 'client|list');
    assert.equal(m.get(idb)!['argv-mem'], '0', 'only the running command counts');
    await b.call('NOSUCHCMD');
    m = await list(a);
    assert.equal(m.get(idb)!.cmd, 'NULL', 'unknown command: cmd=NULL');
    await b.call('GET');
    assert.equal((await list(a)).get(idb)!.cmd, 'get', 'arity errors still record the command');
    assert.equal((await list(a, 'TYPE', 'normal')).size, 2);
    assert.equal((await list(a, 'type', 'PUBSUB')).size, 0);
    assert.equal((await list(a, 'TYPE', 'master')).size, 0);
    assert.equal((await list(a, 'TYPE', 'replica')).size, 0);
    assert.equal((await list(a, 'TYPE', 'slave')).size, 0);
    m = await list(a, 'ID', String(idb), '999999', String(idb));
    assert.deepEqual([...m.keys()], [idb]);
    const dup = (await a.call('CLIENT', 'LIST', 'ID', String(idb), String(idb))) as string;
    assert.equal(dup.split('\n').length, 3, 'a repeated id is listed twice');
    assert.equal(await a.raw('CLIENT', 'LIST', 'ID', '999999'), '$0\r\n\r\n');
    assert.deepEqual(await a.call('CLIENT', 'LIST', 'TYPE', 'bogus'), { error: "ERR Unknown client type 'bogus'" });
    assert.deepEqual(await a.call('CLIENT', 'LIST', 'ID', 'x'), { error: 'ERR Invalid client ID' });
    for (const args of [['TYPE'], ['ID'], ['foo'], ['TYPE', 'normal', 'x'], ['foo', 'bar', 'baz']]) {
      assert.deepEqual(await a.call('CLIENT', 'LIST', ...args), { error: 'ERR syntax error' }, args.join(' '));
    }
  });

  test('REPLY OFF / SKIP / ON', async () => {
    const c = await RawClient.connect(srv.port);
    c.write(cmd('CLIENT', 'REPLY', 'OFF') + cmd('PING') + cmd('SET', 'rk', '1') + cmd('CLIENT', 'REPLY', 'ON') + cmd('ECHO', 'back'));
    assert.equal((await c.readReply())[1].toString(), '+OK\r\n', 'ON answers');
    assert.equal((await c.readReply())[1].toString(), '$4\r\nback\r\n');
    assert.equal(await c.call('GET', 'rk'), '1', 'commands ran while replies were off');
    c.write(cmd('CLIENT', 'REPLY', 'SKIP') + cmd('ECHO', 'skipped') + cmd('ECHO', 'seen'));
    assert.equal((await c.readReply())[1].toString(), '$4\r\nseen\r\n');
    c.write(cmd('CLIENT', 'REPLY', 'SKIP') + cmd('CLIENT', 'REPLY', 'ON') + cmd('PING'));
    assert.equal((await c.readReply())[1].toString(), '+OK\r\n', 'REPLY ON answers even when skipped');
    assert.equal((await c.readReply())[1].toString(), '+PONG\r\n');
    c.write(cmd('CLIENT', 'REPLY', 'OFF') + cmd('CLIENT', 'REPLY', 'SKIP') + cmd('PING') + cmd('CLIENT', 'REPLY', 'ON') + cmd('ECHO', 'x'));
    assert.equal((await c.readReply())[1].toString(), '+OK\r\n');
    assert.equal((await c.readReply())[1].toString(), '$1\r\nx\r\n');
    assert.deepEqual(await c.call('CLIENT', 'REPLY', 'maybe'), { error: 'ERR syntax error' });
    assert.deepEqual(await c.call('CLIENT', 'REPLY'), { error: "ERR wrong number of arguments for 'client|reply' command" });
    c.close();
  });

  test('NO-EVICT and HELP', async () => {
    assert.equal(await a.raw('CLIENT', 'NO-EVICT', 'on'), '+OK\r\n');
    assert.match((await a.call('CLIENT', 'INFO')) as string, / flags=e /);
    assert.equal(await a.raw('CLIENT', 'NO-EVICT', 'OFF'), '+OK\r\n');
    assert.match((await a.call('CLIENT', 'INFO')) as string, / flags=N /);
    assert.deepEqual(await a.call('CLIENT', 'NO-EVICT', 'maybe'), { error: 'ERR syntax error' });
    const help = (await a.call('client', 'help')) as { simple: string }[];
    assert.equal(help[0].simple, 'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.equal(help[help.length - 2].simple, 'HELP');
    assert.equal(help[help.length - 1].simple, '    Prints this help.');
    assert.ok(help.some((h) => h.simple === 'PAUSE <timeout> [WRITE|ALL]'));
  });
});

describe('CLIENT KILL', () => {
  let srv: RunningServer;
  before(async () => { srv = await startRespite(); });
  after(async () => { await srv.close(); });

  test('old form by address', async () => {
    const a = await RawClient.connect(srv.port);
    const v = await RawClient.connect(srv.port);
    const addr = lineMap(((await v.call('CLIENT', 'INFO')) as string).trim()).addr;
    assert.equal(await a.raw('CLIENT', 'KILL', addr), '+OK\r\n');
    await v.waitClose();
    assert.deepEqual(await a.call('CLIENT', 'KILL', addr), { error: 'ERR No such client' });
    assert.deepEqual(await a.call('CLIENT', 'KILL', '1.2.3.4:5'), { error: 'ERR No such client' });
    // The old form may kill the caller: +OK, then closed.
    const self = lineMap(((await a.call('CLIENT', 'INFO')) as string).trim()).addr;
    a.write(cmd('CLIENT', 'KILL', self) + cmd('PING'));
    assert.equal(await a.waitClose(), '+OK\r\n');
  });

  test('new form filters count the kills', async () => {
    const a = await RawClient.connect(srv.port);
    const v1 = await RawClient.connect(srv.port);
    const v2 = await RawClient.connect(srv.port);
    const id1 = (await v1.call('CLIENT', 'ID')) as number;
    assert.equal(await a.call('CLIENT', 'KILL', 'ID', String(id1)), 1);
    await v1.waitClose();
    assert.equal(await a.call('CLIENT', 'KILL', 'ID', String(id1)), 0);
    const addr2 = lineMap(((await v2.call('CLIENT', 'INFO')) as string).trim()).addr;
    assert.equal(await a.call('CLIENT', 'KILL', 'ADDR', addr2, 'ID', '999999'), 0, 'filters are ANDed');
    assert.equal(await a.call('CLIENT', 'KILL', 'addr', addr2, 'type', 'normal', 'user', 'default'), 1);
    await v2.waitClose();
    const v3 = await RawClient.connect(srv.port);
    await v3.call('PING');
    assert.equal(await a.call('CLIENT', 'KILL', 'LADDR', `127.0.0.1:${srv.port}`), 1, 'SKIPME defaults to yes');
    await v3.waitClose();
    assert.equal(await a.call('CLIENT', 'KILL', 'TYPE', 'pubsub'), 0);
    assert.equal(await a.call('CLIENT', 'KILL', 'TYPE', 'master'), 0);
    assert.equal(await a.call('CLIENT', 'KILL', 'TYPE', 'slave'), 0);
    assert.deepEqual(await a.call('PING'), { simple: 'PONG' });
    // SKIPME no: the caller is killed after the reply.
    a.write(cmd('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'no') + cmd('PING'));
    assert.equal(await a.waitClose(), ':1\r\n');
  });

  test('errors', async () => {
    const a = await RawClient.connect(srv.port);
    const E = (m: string) => ({ error: m });
    assert.deepEqual(await a.call('CLIENT', 'KILL'), E("ERR wrong number of arguments for 'client|kill' command"));
    for (const id of ['0', '-1', 'abc', '9223372036854775808']) {
      assert.deepEqual(await a.call('CLIENT', 'KILL', 'ID', id), E('ERR client-id should be greater than 0'), id);
    }
    assert.deepEqual(await a.call('CLIENT', 'KILL', 'TYPE', 'foo'), E("ERR Unknown client type 'foo'"));
    assert.deepEqual(await a.call('CLIENT', 'KILL', 'USER', 'nobody'), E("ERR No such user 'nobody'"));
    assert.deepEqual(await a.call('CLIENT', 'KILL', 'SKIPME', 'maybe'), E('ERR syntax error'));
    assert.deepEqual(await a.call('CLIENT', 'KILL', 'ID', '5', 'SKIPME'), E('ERR syntax error'));
    assert.deepEqual(await a.call('CLIENT', 'KILL', 'MAXAGE', '10'), E('ERR syntax error'), 'MAXAGE is 7.4');
    assert.deepEqual(await a.call('CLIENT', 'KILL', 'FOO', 'bar'), E('ERR syntax error'));
    assert.equal(await a.raw('PING'), '+PONG\r\n', 'errors kill nobody');
    a.close();
  });
});

describe('CLIENT PAUSE', () => {
  let srv: RunningServer;
  let a: RawClient;
  let b: RawClient;
  before(async () => {
    srv = await startRespite();
    a = await RawClient.connect(srv.port);
    b = await RawClient.connect(srv.port);
  });
  after(async () => {
    a.close();
    b.close();
    await srv.close();
  });
  const held = () => srv.server.pause.heldCount;

  test('errors', async () => {
    const E = (m: string) => ({ error: m });
    assert.deepEqual(await a.call('CLIENT', 'PAUSE'), E("ERR wrong number of arguments for 'client|pause' command"));
    assert.deepEqual(await a.call('CLIENT', 'PAUSE', 'abc'), E('ERR timeout is not an integer or out of range'));
    assert.deepEqual(await a.call('CLIENT', 'PAUSE', '-1'), E('ERR timeout is negative'));
    assert.deepEqual(await a.call('CLIENT', 'PAUSE', 'abc', 'foo'), E('ERR CLIENT PAUSE mode must be WRITE or ALL'));
    assert.deepEqual(await a.call('CLIENT', 'PAUSE', '10', 'write', 'x'),
      E("ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP."));
    assert.deepEqual(await a.call('CLIENT', 'UNPAUSE', 'x'), E("ERR wrong number of arguments for 'client|unpause' command"));
    assert.equal(srv.server.pause.type, 0, 'no error starts a pause');
  });

  test('WRITE holds writes (and MULTI-queued writes), lets reads through, resumes in order', async () => {
    await a.call('SET', 'pk', 'old');
    assert.equal(await a.raw('CLIENT', 'PAUSE', '100000', 'WRITE'), '+OK\r\n');
    b.write(cmd('GET', 'pk') + cmd('SET', 'pk', 'new') + cmd('GET', 'pk'));
    assert.equal((await b.readReply())[1].toString(), '$3\r\nold\r\n');
    await until(() => held() === 1, 'SET is held');
    assert.ok(await silent(b), 'nothing after the held SET is answered');
    assert.equal(await a.call('GET', 'pk'), 'old', 'reads still run for others');
    assert.deepEqual(await a.call('NOSUCH'), { error: "ERR unknown command 'NOSUCH', with args beginning with: " },
      'rejections are answered at once');
    const bid = (await a.call('CLIENT', 'ID')) as number + 1;
    const blist = (await a.call('CLIENT', 'LIST')) as string;
    assert.match(blist, new RegExp(`id=${bid} .* flags=b .*argv-mem=8 `), 'held client shows flag b');
    assert.equal(await a.raw('CLIENT', 'PAUSE', '100000', 'WRITE'), '+OK\r\n', 'CLIENT PAUSE is not a write');
    assert.equal(await a.raw('CLIENT', 'UNPAUSE'), '+OK\r\n');
    assert.equal((await b.readReply())[1].toString(), '+OK\r\n');
    assert.equal((await b.readReply())[1].toString(), '$3\r\nnew\r\n');
    assert.equal(held(), 0);
  });

  test('ALL holds every command, CLIENT UNPAUSE included, until the deadline', async () => {
    assert.equal(await a.raw('CLIENT', 'PAUSE', '300'), '+OK\r\n');
    a.write(cmd('CLIENT', 'UNPAUSE'));
    b.write(cmd('PING') + cmd('ECHO', 'after'));
    await until(() => held() === 2, 'both held');
    assert.ok(await silent(b));
    // Resumed by the timer, in the order they were held.
    assert.equal((await a.readReply())[1].toString(), '+OK\r\n');
    assert.equal((await b.readReply())[1].toString(), '+PONG\r\n');
    assert.equal((await b.readReply())[1].toString(), '$5\r\nafter\r\n');
    assert.equal(srv.server.pause.type, 0);
  });

  test('a pause extends to the furthest deadline and most restrictive type; 0 and huge timeouts end at once', async () => {
    assert.equal(await a.raw('CLIENT', 'PAUSE', '100000', 'WRITE'), '+OK\r\n');
    assert.equal(await a.raw('CLIENT', 'PAUSE', '10', 'ALL'), '+OK\r\n');
    assert.equal(srv.server.pause.type, 2);
    const end = srv.server.pause.end;
    assert.ok(end > Date.now() + 50000, 'deadline kept');
    b.write(cmd('PING'));
    await until(() => held() === 1, 'PING held under ALL');
    srv.server.pause.unpause();
    assert.equal((await b.readReply())[1].toString(), '+PONG\r\n');
    assert.equal(await a.raw('CLIENT', 'PAUSE', '0'), '+OK\r\n');
    assert.equal(await b.raw('PING'), '+PONG\r\n');
    assert.equal(await a.raw('CLIENT', 'PAUSE', '9223372036854775807'), '+OK\r\n');
    assert.equal(await b.raw('PING'), '+PONG\r\n', 'int64 overflow: the deadline is in the past');
    assert.equal(srv.server.pause.type, 0);
  });

  test('keys do not expire while paused; a held client that disconnects is dropped', async () => {
    await a.call('SET', 'ek', 'v', 'PX', '20');
    assert.equal(await a.raw('CLIENT', 'PAUSE', '100000', 'WRITE'), '+OK\r\n');
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(await a.call('GET', 'ek'), null, 'logically expired');
    assert.ok(srv.server.dbs[0].dict.get('ek') !== undefined, 'but not deleted while paused');
    const c = await RawClient.connect(srv.port);
    c.write(cmd('SET', 'gone', '1'));
    await until(() => held() === 1, 'held');
    c.close();
    await until(() => held() === 0, 'dropped on close');
    assert.equal(await a.raw('CLIENT', 'UNPAUSE'), '+OK\r\n');
    assert.equal(await a.call('GET', 'ek'), null);
    assert.equal(srv.server.dbs[0].dict.get('ek'), undefined, 'deleted once the pause ended');
    assert.equal(await a.call('GET', 'gone'), null, 'the closed client\'s command never ran');
  });
});
