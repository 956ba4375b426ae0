/* Differential tests: the connection family and CLIENT against real Redis
 * 7.0, byte for byte wherever the reply is deterministic. Replies that carry
 * a connection id (HELLO, CLIENT ID) are compared with the id masked;
 * CLIENT LIST / INFO lines are compared by field names, order and value
 * formats, and by value for the fields that do not depend on the process. */

import { test, describe, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { Pair, RawClient, rng } from '../helpers/servers';

const enc = (...a: string[]) => '*' + a.length + '\r\n' + a.map((x) => `$${Buffer.byteLength(x, 'latin1')}\r\n${x}\r\n`).join('');

/** Mask connection ids in HELLO replies (RESP2 and RESP3). */
function maskId(raw: string): string {
  return raw.replace(/(\$2\r\nid\r\n):\d+\r\n/, '$1:<id>\r\n');
}

/** Write `payload` to a connection and read replies until the bulk `marker` arrives. */
async function readUntil(c: RawClient, payload: string, marker: string): Promise<string[]> {
  c.write(payload);
  const out: string[] = [];
  for (;;) {
    const [v, raw] = await c.readReply();
    out.push(maskId(raw.toString('latin1')));
    if (v === marker) return out;
  }
}

/** Per-field value formats of a CLIENT LIST line. */
const FORMAT: Record<string, RegExp> = {
  id: /^\d+$/, addr: /^[\d.]+:\d+$/, laddr: /^[\d.]+:\d+$/, fd: /^\d+$/, name: /^[!-~]*$/, age: /^\d+$/,
  idle: /^\d+$/, flags: /^[A-Za-z]+$/, db: /^\d+$/, sub: /^\d+$/, psub: /^\d+$/, ssub: /^\d+$/, multi: /^-?\d+$/,
  qbuf: /^\d+$/, 'qbuf-free': /^\d+$/, 'argv-mem': /^\d+$/, 'multi-mem': /^\d+$/, rbs: /^\d+$/, rbp: /^\d+$/,
  obl: /^\d+$/, oll: /^\d+$/, omem: /^\d+$/, 'tot-mem': /^\d+$/, events: /^r?w?$/, cmd: /^[a-z|-]+|NULL$/,
  user: /^\S+$/, redir: /^-?\d+$/, resp: /^[23]$/,
};
/** Fields whose value must be equal on both servers. */
const SAME_VALUE = ['name', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'multi-mem', 'cmd', 'user', 'redir', 'resp',
  'argv-mem', 'oll'];

/** The text of a CLIENT LIST / INFO reply (RESP2 bulk or RESP3 verbatim). */
function txt(r: unknown): string {
  return typeof r === 'string' ? r : (r as { verbatim: string }).verbatim;
}

function parseLine(line: string): [string, string][] {
  return line.split(' ').map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i), kv.slice(i + 1)] as [string, string];
  });
}

/** Assert two CLIENT INFO lines agree in shape and in the process-independent values. */
function sameLineShape(ours: string, theirs: string): void {
  const a = parseLine(ours), b = parseLine(theirs);
  assert.deepEqual(a.map((x) => x[0]), b.map((x) => x[0]), 'field names and order');
  for (const [k, v] of a) {
    assert.ok(FORMAT[k] !== undefined, `unexpected field ${k}`);
    assert.match(v, FORMAT[k], `ours ${k}=${v}`);
  }
  for (const [k, v] of b) assert.match(v, FORMAT[k], `redis ${k}=${v}`);
  const ma = Object.fromEntries(a), mb = Object.fromEntries(b);
  for (const k of SAME_VALUE) assert.equal(ma[k], mb[k], `field ${k}`);
}

describe('connection family vs Redis (no password)', () => {
  let p: Pair;
  before(async () => { p = await Pair.start(); });
  after(async () => { await p.close(); });

  test('PING, ECHO, SELECT, AUTH', async () => {
    for (const args of [
      ['PING'], ['PING', 'msg'], ['PING', ''], ['PING', 'a', 'b'], ['ping'],
      ['ECHO'], ['ECHO', 'x'], ['ECHO', '\x00\xff\r\n'], ['ECHO', 'a', 'b'],
      ['SELECT'], ['SELECT', '1'], ['SELECT', '15'], ['SELECT', '16'], ['SELECT', '-1'], ['SELECT', 'x'],
      ['SELECT', '01'], ['SELECT', '1.0'], ['SELECT', ''], ['SELECT', '2147483647'], ['SELECT', '2147483648'],
      ['SELECT', '-2147483649'], ['SELECT', '99999999999999999999'], ['SELECT', '0'], ['SELECT', '1', '2'],
      ['AUTH'], ['AUTH', 'x'], ['AUTH', 'default', 'x'], ['AUTH', 'someone', 'x'], ['AUTH', 'a', 'b', 'c'],
      ['auth', 'DEFAULT', 'x'],
    ]) await p.same(...args);
  });

  test('HELLO', async () => {
    for (const args of [
      ['HELLO', '1'], ['HELLO', '4'], ['HELLO', '-1'], ['HELLO', 'x'], ['HELLO', ''], ['HELLO', '3', 'foo'],
      ['HELLO', '3', 'AUTH'], ['HELLO', '3', 'AUTH', 'default'], ['HELLO', '3', 'SETNAME'], ['HELLO', '2', 'setname', 'a b'],
      ['HELLO', '3', 'AUTH', 'nobody', 'pw'], ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'x y'],
      ['HELLO', 'foo', 'bar'],
      // Found by the cross-family fuzzer: the option is printed with %s, so it ends at a NUL byte.
      ['HELLO', '3', 'ab\0cd'], ['HELLO', '2', '\0x'], ['HELLO', '3', 'a\r\n\0b'],
    ]) await p.same(...args);
    for (const args of [['HELLO'], ['HELLO', '3'], ['HELLO'], ['HELLO', '2', 'SETNAME', 'n1'], ['HELLO', '3', 'AUTH', 'default', 'x', 'SETNAME', 'n2'],
      ['HELLO', '2', 'setname', '']]) {
      const [a, b] = await p.both(...args);
      assert.equal(maskId(a), maskId(b), args.join(' '));
      await p.same('CLIENT', 'GETNAME');
    }
  });

  test('CLIENT subcommands: errors, names, help', async () => {
    for (const args of [
      ['CLIENT'], ['CLIENT', 'HELP'], ['client', 'help'], ['CLIENT', 'HELP', 'x'], ['CLIENT', 'nope'], ['CLIENT', 'nope', 'x'],
      ['CLIENT', 'SETINFO', 'LIB-NAME', 'x'], ['CLIENT', 'NO-TOUCH', 'ON'], ['CLIENT', 'ID', 'x'], ['CLIENT', 'INFO', 'x'],
      ['CLIENT', 'GETNAME'], ['CLIENT', 'GETNAME', 'x'], ['CLIENT', 'SETNAME'], ['CLIENT', 'SETNAME', 'a', 'b'],
      ['CLIENT', 'SETNAME', 'ok-name_1'], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', 'bad name'],
      ['CLIENT', 'SETNAME', 'tab\tname'], ['CLIENT', 'SETNAME', '\x7f'], ['CLIENT', 'SETNAME', '\xff'], ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', ''], ['CLIENT', 'GETNAME'],
      ['CLIENT', 'LIST', 'TYPE'], ['CLIENT', 'LIST', 'TYPE', 'foo'], ['CLIENT', 'LIST', 'ID'], ['CLIENT', 'LIST', 'ID', 'x'],
      ['CLIENT', 'LIST', 'ID', '1', 'x'], ['CLIENT', 'LIST', 'foo'], ['CLIENT', 'LIST', 'TYPE', 'normal', 'x'],
      ['CLIENT', 'LIST', 'ID', '999999'], ['CLIENT', 'LIST', 'TYPE', 'pubsub'], ['CLIENT', 'LIST', 'TYPE', 'master'],
      ['CLIENT', 'LIST', 'TYPE', 'replica'], ['CLIENT', 'LIST', 'TYPE', 'slave'],
      ['CLIENT', 'KILL'], ['CLIENT', 'KILL', '1.2.3.4:5'], ['CLIENT', 'KILL', 'ID', '0'], ['CLIENT', 'KILL', 'ID', '-5'],
      ['CLIENT', 'KILL', 'ID', 'x'], ['CLIENT', 'KILL', 'ID', '999999'], ['CLIENT', 'KILL', 'TYPE', 'foo'],
      ['CLIENT', 'KILL', 'TYPE', 'pubsub'], ['CLIENT', 'KILL', 'USER', 'nobody'], ['CLIENT', 'KILL', 'SKIPME', 'x'],
      // Found by the cross-family fuzzer: names are printed with %s, so they end at a NUL byte.
      ['CLIENT', 'KILL', 'TYPE', 'a\0b'], ['CLIENT', 'KILL', 'USER', 'a\0b'], ['CLIENT', 'KILL', 'USER', 'default\0x'],
      ['CLIENT', 'LIST', 'TYPE', 'x\0\r\n'], ['CLIENT', 'NO-EVICT', 'a\0b', 'c'],
      ['CLIENT', 'KILL', 'ID', '1', 'SKIPME'], ['CLIENT', 'KILL', 'MAXAGE', '1'], ['CLIENT', 'KILL', 'a', 'b', 'c'],
      ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5', 'LADDR', 'x'], ['CLIENT', 'KILL', 'USER', 'default', 'ID', '999999'],
      ['CLIENT', 'PAUSE'], ['CLIENT', 'PAUSE', 'x'], ['CLIENT', 'PAUSE', '-1'], ['CLIENT', 'PAUSE', '1.5'],
      ['CLIENT', 'PAUSE', 'x', 'y'], ['CLIENT', 'PAUSE', '10', 'y'], ['CLIENT', 'pause', '10', 'write', 'x'],
      ['CLIENT', 'UNPAUSE', 'x'], ['CLIENT', 'UNPAUSE'],
      ['CLIENT', 'NO-EVICT'], ['CLIENT', 'NO-EVICT', 'x'], ['CLIENT', 'NO-EVICT', 'on'], ['CLIENT', 'NO-EVICT', 'OFF'],
      ['CLIENT', 'REPLY'], ['CLIENT', 'REPLY', 'x'], ['CLIENT', 'REPLY', 'ON'], ['CLIENT', 'REPLY', 'on', 'x'],
    ]) await p.same(...args);
  });

  test('CLIENT INFO and LIST lines have Redis 7.0.15 shape', async () => {
    await p.same('SELECT', '3');
    await p.same('CLIENT', 'SETNAME', 'shape');
    await p.same('CLIENT', 'NO-EVICT', 'ON');
    const [a, b] = await Promise.all([p.ours.call('CLIENT', 'INFO'), p.theirs.call('CLIENT', 'INFO')]);
    assert.ok((a as string).endsWith('\n') && (b as string).endsWith('\n'));
    sameLineShape((a as string).trim(), (b as string).trim());
    const [la, lb] = await Promise.all([p.ours.call('CLIENT', 'LIST'), p.theirs.call('CLIENT', 'LIST')]);
    sameLineShape(txt(la).trim(), txt(lb).trim());
    const [ha, hb] = await p.both('HELLO', '3');
    assert.equal(maskId(ha), maskId(hb));
    const [ra, rb] = await Promise.all([p.ours.raw('CLIENT', 'INFO'), p.theirs.raw('CLIENT', 'INFO')]);
    assert.match(ra, /^=\d+\r\ntxt:/);
    assert.match(rb, /^=\d+\r\ntxt:/);
    sameLineShape(ra.slice(ra.indexOf('txt:') + 4, -3), rb.slice(rb.indexOf('txt:') + 4, -3));
    // A second connection: its last command shows in the caller's CLIENT LIST.
    const [oa, ob] = await p.connectMore();
    await Promise.all([oa.call('NOSUCHCMD'), ob.call('NOSUCHCMD')]);
    const ida = await oa.call('CLIENT', 'ID'), idb = await ob.call('CLIENT', 'ID');
    await Promise.all([oa.call('GET', 'x', 'y'), ob.call('GET', 'x', 'y')]);
    const [xa, xb] = await Promise.all([p.ours.call('CLIENT', 'LIST', 'ID', String(ida)),
      p.theirs.call('CLIENT', 'LIST', 'ID', String(idb))]);
    sameLineShape(txt(xa).trim(), txt(xb).trim());
    await Promise.all([oa.call('CLIENT', 'foo'), ob.call('CLIENT', 'foo')]);
    const [ya, yb] = await Promise.all([p.ours.call('CLIENT', 'LIST', 'ID', String(ida)),
      p.theirs.call('CLIENT', 'LIST', 'ID', String(idb))]);
    sameLineShape(txt(ya).trim(), txt(yb).trim());
    oa.close();
    ob.close();
    await p.same('RESET');
    await p.same('CLIENT', 'NO-EVICT', 'OFF');
  });

  test('CLIENT REPLY OFF / SKIP / ON pipelines', async () => {
    const payload = enc('CLIENT', 'REPLY', 'OFF') + enc('PING') + enc('CLIENT', 'REPLY', 'SKIP') + enc('ECHO', 'a') +
      enc('CLIENT', 'REPLY', 'ON') + enc('CLIENT', 'REPLY', 'SKIP') + enc('ECHO', 'skipped') + enc('ECHO', 'b') +
      enc('CLIENT', 'REPLY', 'SKIP') + enc('CLIENT', 'REPLY', 'ON') + enc('CLIENT', 'REPLY', 'SKIP') +
      enc('NOSUCH') + enc('CLIENT', 'REPLY', 'SKIP') + enc('CLIENT', 'REPLY', 'OFF') + enc('ECHO', 'c') +
      enc('CLIENT', 'REPLY', 'ON') + enc('ECHO', 'end');
    const [a, b] = await Promise.all([readUntil(p.ours, payload, 'end'), readUntil(p.theirs, payload, 'end')]);
    assert.deepEqual(a, b);
  });

  test('RESET and QUIT', async () => {
    const payload = enc('SELECT', '4') + enc('CLIENT', 'SETNAME', 'r') + enc('HELLO', '3') + enc('CLIENT', 'REPLY', 'OFF') +
      enc('RESET') + enc('CLIENT', 'GETNAME') + enc('ECHO', 'end');
    const [a, b] = await Promise.all([readUntil(p.ours, payload, 'end'), readUntil(p.theirs, payload, 'end')]);
    assert.deepEqual(a, b);
    await p.same('RESET', 'x');
    const [oa, ob] = await p.connectMore();
    const q = enc('QUIT', 'bye') + enc('PING');
    oa.write(q);
    ob.write(q);
    const [ca, cb] = await Promise.all([oa.waitClose(), ob.waitClose()]);
    assert.equal(ca, cb);
    const [ka, kb] = await p.connectMore();
    const kid = await Promise.all([ka.call('CLIENT', 'ID'), kb.call('CLIENT', 'ID')]);
    const k = (id: unknown) => enc('CLIENT', 'KILL', 'TYPE', 'normal', 'ID', '999999', 'SKIPME', 'no') +
      enc('CLIENT', 'KILL', 'USER', 'default', 'ID', String(id), 'SKIPME', 'no') + enc('PING');
    ka.write(k(kid[0]));
    kb.write(k(kid[1]));
    const [za, zb] = await Promise.all([ka.waitClose(), kb.waitClose()]);
    assert.equal(za, zb);
  });

  test('CLIENT PAUSE WRITE holds writes, not reads, and resumes in order', async () => {
    await p.same('SET', 'pk', 'old');
    const [oa, ob] = await p.connectMore();
    await p.same('CLIENT', 'PAUSE', '100000', 'WRITE');
    const batch = enc('GET', 'pk') + enc('NOSUCH') + enc('SET', 'pk', 'new') + enc('GET', 'pk');
    oa.write(batch);
    ob.write(batch);
    const first = await Promise.all([oa.readReply(), ob.readReply()]);
    assert.equal(first[0][1].toString(), first[1][1].toString());
    const second = await Promise.all([oa.readReply(), ob.readReply()]);
    assert.equal(second[0][1].toString(), second[1][1].toString(), 'rejections are not held');
    await p.same('GET', 'pk');
    await p.same('CLIENT', 'PAUSE', '100000', 'WRITE');
    await p.same('CLIENT', 'UNPAUSE');
    for (let i = 0; i < 2; i++) {
      const r = await Promise.all([oa.readReply(), ob.readReply()]);
      assert.equal(r[0][1].toString(), r[1][1].toString());
    }
    await p.same('GET', 'pk');
    await p.same('CLIENT', 'PAUSE', '0');
    await p.same('SET', 'pk', 'x');
    await p.same('CLIENT', 'PAUSE', '9223372036854775807', 'WRITE');
    await p.same('SET', 'pk', 'y');
    oa.close();
    ob.close();
  });

  test('seeded random sequence of connection commands', async () => {
    const r = rng(7141);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const names = ['', 'n1', 'conn-2', 'bad name', 'x\ny', 'UPPER', '~!@#', '\x7f'];
    const gen = (): string[] => {
      switch (Math.floor(r() * 16)) {
        case 0: return pick([['PING'], ['PING', 'm' + Math.floor(r() * 9)], ['PING', 'a', 'b']]);
        case 1: return ['ECHO', 'e' + Math.floor(r() * 100)];
        case 2: return ['SELECT', pick(['0', '1', '2', '15', '16', '-1', 'x', '3'])];
        case 3: return ['SET', 'k' + Math.floor(r() * 4), 'v' + Math.floor(r() * 100)];
        case 4: return ['GET', 'k' + Math.floor(r() * 4)];
        case 5: return ['CLIENT', 'SETNAME', pick(names)];
        case 6: return ['CLIENT', 'GETNAME'];
        case 7: return ['CLIENT', 'REPLY', pick(['ON', 'ON', 'OFF', 'SKIP', 'skip', 'bad'])];
        case 8: return ['HELLO', pick(['2', '3', '3', '4', 'x'])];
        case 9: return pick([['HELLO'], ['HELLO', '2', 'SETNAME', pick(names)], ['HELLO', '3', 'AUTH', 'default', 'p']]);
        case 10: return pick([['AUTH', 'x'], ['AUTH', 'default', 'y'], ['AUTH', 'u', 'p']]);
        case 11: return ['RESET'];
        case 12: return ['CLIENT', 'NO-EVICT', pick(['ON', 'OFF', 'x'])];
        case 13: return ['CLIENT', pick(['LIST', 'KILL', 'PAUSE']), pick(['TYPE', 'ID', 'x']), pick(['x', '0', 'bogus'])];
        case 14: return pick([['CLIENT', 'LIST', 'TYPE', 'pubsub'], ['CLIENT', 'KILL', 'ID', '999999'], ['CLIENT', 'HELP']]);
        default: return pick([['ECHO'], ['SELECT'], ['CLIENT'], ['CLIENT', 'nope'], ['NOSUCH', 'a']]);
      }
    };
    let total = 0;
    for (let batch = 0; batch < 60; batch++) {
      let payload = '';
      for (let i = 0; i < 50; i++) payload += enc(...gen());
      total += 50;
      payload += enc('CLIENT', 'REPLY', 'ON') + enc('ECHO', `end${batch}`);
      const [a, b] = await Promise.all([readUntil(p.ours, payload, `end${batch}`), readUntil(p.theirs, payload, `end${batch}`)]);
      assert.deepEqual(a, b, `batch ${batch}`);
    }
    assert.equal(total, 3000);
    await p.same('RESET');
  });
});

describe('connection family vs Redis (requirepass)', () => {
  let p: Pair;
  before(async () => {
    p = await Pair.start({ respite: { requirepass: 'pw' }, redisArgs: ['--requirepass', 'pw'] });
  });
  after(async () => { await p.close(); });

  test('AUTH, HELLO AUTH, NOAUTH and RESET', async () => {
    for (const args of [
      ['PING'], ['ECHO', 'x'], ['SELECT', '1'], ['CLIENT', 'ID'], ['NOSUCH'], ['HELLO'], ['HELLO', '3'], ['HELLO', '3', 'SETNAME', 'x'],
      ['HELLO', '4'], ['HELLO', '3', 'AUTH', 'default', 'bad'], ['AUTH', 'bad'], ['AUTH', 'default', 'bad'],
      ['AUTH', 'other', 'pw'], ['AUTH', 'a', 'b', 'c'], ['RESET'], ['AUTH', 'pw'], ['PING'], ['AUTH', 'bad'], ['PING'],
      ['AUTH', 'default', 'pw'], ['RESET'], ['PING'], ['AUTH', 'DEFAULT', 'pw'],
    ]) await p.same(...args);
    const [a, b] = await p.both('HELLO', '3', 'AUTH', 'default', 'pw', 'SETNAME', 'authed');
    assert.equal(maskId(a), maskId(b));
    await p.same('CLIENT', 'GETNAME');
    await p.same('HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'bad name');
    await p.same('RESET');
    await p.same('GET', 'x');
    const [oa, ob] = await p.connectMore();
    const big = 'x'.repeat(17000);
    const payload = `*2\r\n$4\r\nECHO\r\n$${big.length}\r\n${big}\r\n`;
    oa.write(payload);
    ob.write(payload);
    const [ca, cb] = await Promise.all([oa.waitClose(), ob.waitClose()]);
    assert.equal(ca, cb, 'unauthenticated bulk limit');
    const [qa, qb] = await p.connectMore();
    const q = enc('QUIT');
    qa.write(q);
    qb.write(q);
    const [za, zb] = await Promise.all([qa.waitClose(), qb.waitClose()]);
    assert.equal(za, zb, 'QUIT before AUTH');
  });
});

describe('admission vs Redis', () => {
  /** Connect from 127.0.0.2 (not loopback for Redis 7.0) and collect everything until close. */
  function fromOtherAddr(port: number): Promise<string> {
    return new Promise((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' });
      let got = '';
      s.on('data', (d) => { got += d.toString('latin1'); });
      s.on('error', () => { /* closed */ });
      s.on('close', () => resolve(got));
      s.on('connect', () => s.write('PING\r\n'));
    });
  }

  test('protected mode DENIED text is byte-identical', async () => {
    const p = await Pair.start();
    try {
      const [a, b] = await Promise.all([fromOtherAddr(p.respitePort), fromOtherAddr(p.redisPort)]);
      assert.match(b, /^-DENIED /);
      assert.equal(a, b);
    } finally {
      await p.close();
    }
  });

  test('maxclients rejection is byte-identical', async () => {
    const p = await Pair.start({ respite: { maxclients: 2 }, redisArgs: ['--maxclients', '2'] });
    try {
      const [a1, b1] = await p.connectMore();
      await Promise.all([a1.call('PING'), b1.call('PING')]);
      const [a2, b2] = await p.connectMore();
      const [ra, rb] = await Promise.all([a2.waitClose(), b2.waitClose()]);
      assert.equal(ra, '-ERR max number of clients reached\r\n');
      assert.equal(ra, rb);
      a1.close();
      b1.close();
    } finally {
      await p.close();
    }
  });
});
