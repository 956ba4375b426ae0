/* Transactions against real Redis 7.0: MULTI / EXEC / DISCARD / WATCH / UNWATCH scripts run on
 * Respite and redis-server side by side, every reply compared byte for byte, in RESP2 and RESP3.
 * Covers queueing and EXECABORT, runtime errors inside EXEC, WATCH invalidation by every cause
 * (writes from another client, expiry — lazy, active, and "logically expired at EXEC" —, FLUSHDB,
 * FLUSHALL, SWAPDB, MOVE, RENAME, COPY), blocking commands inside MULTI, a client blocked in BLPOP
 * served only after the whole EXEC, CLIENT INFO of a client in MULTI, commandstats, and a seeded
 * random two-client sequence. */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, rng, type RawClient } from '../helpers/servers';
import { encodeCommand } from '../helpers/resp';

type Arg = string | number;

/** One logical client: a connection to Respite and one to Redis, driven together. */
class Duo {
  constructor(readonly ours: RawClient, readonly theirs: RawClient) {}

  /** Send to both and assert identical raw replies; returns the reply. */
  async same(...args: Arg[]): Promise<string> {
    const [a, b] = await Promise.all([this.ours.raw(...args), this.theirs.raw(...args)]);
    assert.equal(a, b, `reply differs for ${JSON.stringify(args.map(String)).slice(0, 200)}`);
    return a;
  }

  async sameAll(cmds: readonly Arg[][]): Promise<void> {
    for (const c of cmds) await this.same(...c);
  }

  /** Send without reading (the reply is read later with `read`, e.g. a blocking command). */
  send(...args: Arg[]): void {
    const bytes = encodeCommand(args.map(String));
    this.ours.write(bytes);
    this.theirs.write(bytes);
  }

  /** Read one reply from both and assert they are identical. */
  async read(what = 'pending reply'): Promise<string> {
    const [[, a], [, b]] = await Promise.all([this.ours.readReply(), this.theirs.readReply()]);
    assert.equal(a.toString('latin1'), b.toString('latin1'), `reply differs for ${what}`);
    return a.toString('latin1');
  }

  close(): void {
    this.ours.close();
    this.theirs.close();
  }
}

let pair: Pair;
let A: Duo;
let B: Duo;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Switch a duo's protocol (HELLO's reply carries the client id, which differs: not compared). */
async function hello(d: Duo, proto: string): Promise<void> {
  await Promise.all([d.ours.call('HELLO', proto), d.theirs.call('HELLO', proto)]);
}

before(async () => {
  pair = await Pair.start({
    respite: { 'enable-debug-command': 'yes' },
    redisArgs: ['--enable-debug-command', 'yes'],
  });
  A = new Duo(pair.ours, pair.theirs);
  const [o, t] = await pair.connectMore();
  B = new Duo(o, t);
});

after(async () => {
  B.close();
  await pair.close();
});

beforeEach(async () => {
  await A.same('RESET');
  await B.same('RESET');
  await A.same('FLUSHALL');
  await A.same('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
});

test('queueing, EXEC reply with runtime errors inside, DISCARD (RESP2 and RESP3)', async () => {
  for (const proto of ['2', '3']) {
    await A.same('FLUSHALL');
    await hello(A, proto);
    await A.sameAll([
      ['SET', 's', 'x'],
      ['MULTI'],
      ['INCR', 's'],
      ['LPUSH', 's', 'a'],
      ['SET', 'n', '10'],
      ['INCRBY', 'n', '5'],
      ['HSET', 'h', 'f', 'v'],
      ['HGETALL', 'h'],
      ['GET', 'missing'],
      ['SELECT', '1'],
      ['SET', 'in1', 'yes'],
      ['DBSIZE'],
      ['EXEC'],
      ['DBSIZE'],
      ['SELECT', '0'],
      ['GET', 'n'],
      // DISCARD drops the queue.
      ['MULTI'],
      ['SET', 'n', 'discarded'],
      ['DISCARD'],
      ['GET', 'n'],
      // An empty transaction.
      ['MULTI'],
      ['EXEC'],
      // Errors of the control commands.
      ['EXEC'],
      ['DISCARD'],
      ['MULTI'],
      ['MULTI'], // not nested, and not an abort
      ['WATCH', 'n'], // refused, not an abort either
      ['UNWATCH'], // queued
      ['PING'],
      ['EXEC'],
      ['UNWATCH'],
      ['UNWATCH'],
    ]);
  }
});

test('EXECABORT after queue-time errors; the queue is not run and MULTI is left', async () => {
  for (const bad of [['NOSUCHCMD', 'x'], ['SET', 'k'], ['GET'], ['SHUTDOWN'], ['CLIENT', 'NOSUCH'], ['CONFIG']]) {
    await A.sameAll([
      ['MULTI'],
      ['SET', 'k', 'queued'],
      bad,
      ['SET', 'k2', 'after the error'],
      ['EXEC'],
      ['EXISTS', 'k', 'k2'],
      ['EXEC'],
    ]);
  }
  await A.same('INFO', 'errorstats').then(() => undefined);
});

test('WATCH: another client writing a watched key fails EXEC with a null array (RESP2 and RESP3)', async () => {
  for (const proto of ['2', '3']) {
    await hello(A, proto);
    await A.sameAll([['SET', 'w', '1'], ['WATCH', 'w', 'other']]);
    await B.same('INCR', 'w');
    await A.sameAll([['MULTI'], ['SET', 'w', 'mine'], ['EXEC'], ['GET', 'w']]);
    // After a failed EXEC nothing is watched any more.
    await A.sameAll([['MULTI'], ['SET', 'w', 'mine'], ['EXEC'], ['GET', 'w']]);
    // Writes to unwatched keys, or to the same name in another db, are no change.
    await A.same('WATCH', 'w');
    await B.sameAll([['SET', 'other', 'x'], ['SELECT', '3'], ['SET', 'w', 'db3'], ['SELECT', '0']]);
    await A.sameAll([['MULTI'], ['GET', 'w'], ['EXEC']]);
    // UNWATCH forgets; DISCARD forgets.
    await A.sameAll([['WATCH', 'w'], ['UNWATCH']]);
    await B.same('SET', 'w', 'changed');
    await A.sameAll([['MULTI'], ['GET', 'w'], ['EXEC']]);
    await A.sameAll([['WATCH', 'w'], ['MULTI'], ['DISCARD']]);
    await B.same('SET', 'w', 'changed again');
    await A.sameAll([['MULTI'], ['GET', 'w'], ['EXEC']]);
    // The client's own write before MULTI dirties it too; its writes inside EXEC do not matter.
    await A.sameAll([['WATCH', 'w'], ['SET', 'w', 'own'], ['MULTI'], ['GET', 'w'], ['EXEC']]);
    // A dirty client's WATCH is a no-op until UNWATCH clears the mark.
    await A.same('WATCH', 'w');
    await B.same('SET', 'w', 'again');
    await A.sameAll([['WATCH', 'z'], ['MULTI'], ['PING'], ['EXEC']]);
    await A.same('WATCH', 'w');
    await B.same('SET', 'w', 'again');
    await A.sameAll([['UNWATCH'], ['WATCH', 'z'], ['MULTI'], ['PING'], ['EXEC']]);
    // Keys watched in several dbs.
    await A.sameAll([['SELECT', '2'], ['WATCH', 'k'], ['SELECT', '0'], ['WATCH', 'k']]);
    await B.sameAll([['SELECT', '2'], ['LPUSH', 'k', 'x'], ['SELECT', '0']]);
    await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
    // No-op writes (nothing deleted, nothing added) do not touch.
    await A.sameAll([['SADD', 'set', 'a'], ['WATCH', 'set', 'gone']]);
    await B.sameAll([['SADD', 'set', 'a'], ['DEL', 'gone'], ['SREM', 'set', 'zz'], ['EXPIRE', 'gone', '100']]);
    await A.sameAll([['MULTI'], ['SCARD', 'set'], ['EXEC']]);
    await hello(A, '2');
  }
});

test('WATCH: a transaction of another client touching the key fails ours', async () => {
  await A.sameAll([['SET', 'c', '1'], ['WATCH', 'c'], ['MULTI'], ['INCR', 'c']]);
  await B.sameAll([['WATCH', 'c'], ['MULTI'], ['INCR', 'c'], ['EXEC']]);
  await A.sameAll([['EXEC'], ['GET', 'c']]);
});

test('WATCH and expiry: active, lazy, and a watched key logically expired at EXEC time', async () => {
  // Active expiry deletes the watched key: dirty.
  // (Alive-at-WATCH cases use a TTL long enough that WATCH surely runs first.)
  await A.sameAll([['SET', 'e', '1', 'PX', '150'], ['WATCH', 'e']]);
  await sleep(450);
  await A.sameAll([['EXISTS', 'e'], ['MULTI'], ['PING'], ['EXEC']]);

  await A.same('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  // Alive at WATCH, expired (not deleted) at EXEC: EXEC fails.
  await A.sameAll([['SET', 'e', '1', 'PX', '150'], ['WATCH', 'e']]);
  await sleep(250);
  await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
  // Alive at WATCH, lazily deleted by another client's read: dirty.
  await A.sameAll([['SET', 'e', '1', 'PX', '150'], ['WATCH', 'e']]);
  await sleep(250);
  await B.same('GET', 'e');
  await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
  // Already expired at WATCH: EXEC succeeds, also after its deletion by a read...
  await A.sameAll([['SET', 'e', '1', 'PX', '20']]);
  await sleep(60);
  await A.sameAll([['WATCH', 'e'], ['MULTI'], ['PING'], ['EXEC']]);
  await A.sameAll([['SET', 'e', '1', 'PX', '20']]);
  await sleep(60);
  await A.same('WATCH', 'e');
  await B.same('EXISTS', 'e');
  await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
  // ... but not after it is written again.
  await A.sameAll([['SET', 'e', '1', 'PX', '20']]);
  await sleep(60);
  await A.same('WATCH', 'e');
  await B.same('SET', 'e', 'new');
  await A.sameAll([['MULTI'], ['GET', 'e'], ['EXEC']]);
  // Expired at WATCH, then flushed: no change; a live key flushed: dirty.
  await A.sameAll([['SET', 'e', '1', 'PX', '20'], ['SET', 'live', '1']]);
  await sleep(60);
  await A.sameAll([['WATCH', 'e']]);
  await B.same('FLUSHDB');
  await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
  // A key expiring inside the transaction: the whole EXEC sees one time snapshot.
  await A.sameAll([['MULTI'], ['SET', 't', 'v', 'PX', '50'], ['DEBUG', 'SLEEP', '0.1'], ['GET', 't'], ['EXISTS', 't'], ['EXEC'], ['EXISTS', 't']]);
  await A.same('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
});

test('WATCH and FLUSHDB / FLUSHALL: only watched keys that existed are touched', async () => {
  for (const flush of [['FLUSHDB'], ['FLUSHALL'], ['FLUSHALL', 'ASYNC'], ['FLUSHDB', 'SYNC']]) {
    // Watched keys that do not exist: no change.
    await A.sameAll([['SET', 'other', '1'], ['WATCH', 'nokey']]);
    await B.same(...flush);
    await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
    // An existing watched key: dirty.
    await A.sameAll([['SET', 'k', '1'], ['WATCH', 'nokey', 'k']]);
    await B.same(...flush);
    await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
  }
  // FLUSHDB of another db does not touch; FLUSHALL does.
  await A.sameAll([['SET', 'k', '1'], ['WATCH', 'k']]);
  await B.sameAll([['SELECT', '5'], ['FLUSHDB'], ['SELECT', '0']]);
  await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
  await A.sameAll([['SELECT', '5'], ['SET', 'k', '1'], ['WATCH', 'k'], ['SELECT', '0']]);
  await B.same('FLUSHALL');
  await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
  // A client watching many keys (Redis once corrupted memory here).
  await A.sameAll([['MSET', 'a', '1', 'b', '2', 'c', '3'], ['WATCH', 'a', 'b', 'c', 'd']]);
  await B.same('FLUSHALL');
  await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
});

test('WATCH and SWAPDB: a watched key present in either database is touched', async () => {
  const cases: Arg[][][] = [
    [], // absent in both: no change
    [['SELECT', '1'], ['SET', 'k', 'in1'], ['SELECT', '0']], // only in the other db
    [['SET', 'k', 'in0']], // only in the watched db
    [['SET', 'k', 'in0'], ['SELECT', '1'], ['SET', 'k', 'in1'], ['SELECT', '0']], // both
  ];
  for (const setup of cases) {
    await A.same('FLUSHALL');
    await A.sameAll(setup);
    await A.same('WATCH', 'k');
    await B.same('SWAPDB', '0', '1');
    await A.sameAll([['MULTI'], ['GET', 'k'], ['EXEC']]);
    // The same one db up: watching in db 1, swapped with db 2 (the watched db named second).
    await A.same('FLUSHALL');
    await A.sameAll([['SELECT', '1'], ...setup.map((c) => (c[0] === 'SELECT' ? ['SELECT', c[1] === '1' ? '2' : '1'] : c))]);
    await A.same('WATCH', 'k');
    await B.same('SWAPDB', '2', '1');
    await A.sameAll([['MULTI'], ['GET', 'k'], ['EXEC'], ['SELECT', '0']]);
  }
  // Logically expired keys on either side (no active expiry).
  await A.same('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  const expiredCases: Arg[][][] = [
    [['SET', 'k', 'x', 'PX', '20']], // expired in the watched db, absent in the other
    [['SELECT', '1'], ['SET', 'k', 'x', 'PX', '20'], ['SELECT', '0']], // absent, replaced by an expired key
    [['SET', 'k', 'x', 'PX', '20'], ['SELECT', '1'], ['SET', 'k', 'x', 'PX', '20'], ['SELECT', '0']], // both expired
    [['SET', 'k', 'x', 'PX', '20'], ['SELECT', '1'], ['SET', 'k', 'live'], ['SELECT', '0']], // expired, replaced by live
    [['SET', 'k', 'live'], ['SELECT', '1'], ['SET', 'k', 'x', 'PX', '20'], ['SELECT', '0']], // live, replaced by expired
  ];
  for (const setup of expiredCases) {
    for (const watchFirst of [false, true]) {
      await A.same('FLUSHALL');
      if (watchFirst) await A.same('WATCH', 'k');
      await A.sameAll(setup);
      await sleep(60);
      if (!watchFirst) await A.same('WATCH', 'k');
      await B.same('SWAPDB', '0', '1');
      await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
      // Swap back and forth: the watch follows the db number.
      await A.same('WATCH', 'k');
      await B.same('SWAPDB', '1', '0');
      await B.same('SWAPDB', '0', '1');
      await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
    }
  }
  await A.same('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  // SWAPDB of two other dbs does not touch.
  await A.sameAll([['SET', 'k', '1'], ['WATCH', 'k']]);
  await B.same('SWAPDB', '3', '4');
  await A.sameAll([['MULTI'], ['PING'], ['EXEC']]);
});

test('WATCH and keys moved in or out: MOVE, RENAME, COPY', async () => {
  // `from1`: B runs the operation in db 1 (moving into A's db 0).
  const moves: { setup: Arg[][]; op: Arg[]; from1?: boolean }[] = [
    { setup: [['SELECT', '1'], ['SET', 'k', 'v1'], ['SELECT', '0']], op: ['MOVE', 'k', '0'], from1: true },
    { setup: [['SELECT', '1'], ['SET', 'k', 'v1'], ['SELECT', '0'], ['SET', 'k', 'v0']], op: ['MOVE', 'k', '0'], from1: true },
    { setup: [['SET', 'k', 'v']], op: ['MOVE', 'k', '1'] },
    { setup: [['SET', 'src', 'v']], op: ['RENAME', 'src', 'k'] },
    { setup: [['SET', 'src', 'v'], ['SET', 'k', 'old']], op: ['RENAMENX', 'src', 'k'] },
    { setup: [['SET', 'k', 'v']], op: ['RENAME', 'k', 'elsewhere'] },
    { setup: [['SET', 'k', 'v']], op: ['RENAME', 'k', 'k'] },
    { setup: [['SET', 'src', 'v']], op: ['COPY', 'src', 'k'] },
    { setup: [['SET', 'src', 'v'], ['SET', 'k', 'old']], op: ['COPY', 'src', 'k'] },
    { setup: [['SET', 'src', 'v'], ['SET', 'k', 'old']], op: ['COPY', 'src', 'k', 'REPLACE'] },
    { setup: [['SELECT', '1'], ['SET', 'src', 'v'], ['SELECT', '0']], op: ['COPY', 'src', 'k', 'DB', '0'], from1: true },
    { setup: [['SET', 'k', 'v']], op: ['COPY', 'k', 'k2'] },
  ];
  for (const { setup, op, from1 } of moves) {
    await A.same('FLUSHALL');
    await A.sameAll(setup);
    await A.same('WATCH', 'k');
    if (from1) await B.same('SELECT', '1');
    await B.same(...op);
    if (from1) await B.same('SELECT', '0');
    await A.sameAll([['MULTI'], ['GET', 'k'], ['EXEC']]);
  }
});

test('blocking commands inside MULTI answer at once with their timeout reply (RESP2 and RESP3)', async () => {
  for (const proto of ['2', '3']) {
    await hello(A, proto);
    await A.sameAll([
      ['MULTI'],
      ['BLPOP', 'l1', 'l2', '0'],
      ['BRPOP', 'l1', '100'],
      ['BLMOVE', 'l1', 'l2', 'LEFT', 'RIGHT', '0'],
      ['BRPOPLPUSH', 'l1', 'l2', '0'],
      ['BLMPOP', '0', '2', 'l1', 'l2', 'LEFT'],
      ['BLPOP', 'l1', '-1'], // errors still come first
      ['RPUSH', 'l1', 'a', 'b', 'c'],
      ['BLPOP', 'l1', '0'],
      ['BLMOVE', 'l1', 'l2', 'RIGHT', 'LEFT', '0'],
      ['BLMPOP', '0', '1', 'l1', 'RIGHT', 'COUNT', '5'],
      ['BLPOP', 'l1', '0'],
      ['EXEC'],
      ['LRANGE', 'l2', '0', '-1'],
    ]);
  }
});

test('a client blocked in BLPOP is served only after the whole EXEC, with the right element', async () => {
  for (const proto of ['2', '3']) {
    await hello(B, proto);
    await A.same('DEL', 'q');
    B.send('BLPOP', 'q', '0');
    await sleep(50); // let both servers block B
    // The queue pushes a, b, pops a, pushes c: served mid-EXEC B would get "a".
    await A.sameAll([['MULTI'], ['RPUSH', 'q', 'a', 'b'], ['LPOP', 'q'], ['RPUSH', 'q', 'c'], ['LLEN', 'q'], ['EXEC']]);
    const got = await B.read('BLPOP served after EXEC');
    assert.ok(got.includes('b'), got);
    await A.same('LRANGE', 'q', '0', '-1');
    // A transaction that pushes and pops everything leaves the waiter blocked.
    B.send('BLPOP', 'q2', '0');
    await sleep(50);
    await A.sameAll([['MULTI'], ['RPUSH', 'q2', 'x'], ['LPOP', 'q2'], ['EXEC']]);
    await A.same('RPUSH', 'q2', 'later');
    await B.read('BLPOP served by the later push');
    await A.same('EXISTS', 'q2');
  }
  await hello(B, '2');
});

test('CLIENT INFO / LIST of a client in MULTI: flags, multi and multi-mem as Redis', async () => {
  const fields = (line: string) => (line.match(/ flags=\S+| multi=\S+| multi-mem=\S+/g) ?? []).join('');
  /** A's fields as A itself sees them (CLIENT INFO, run at once outside MULTI). */
  const own = async () => {
    const [a, b] = await Promise.all([A.ours.call('CLIENT', 'INFO'), A.theirs.call('CLIENT', 'INFO')]);
    assert.equal(fields(String(a)), fields(String(b)));
    return fields(String(a));
  };
  /** A's fields as B sees them in CLIENT LIST (A is the client that is not B). */
  const seen = async () => {
    const ids = await Promise.all([B.ours.call('CLIENT', 'ID'), B.theirs.call('CLIENT', 'ID')]);
    const lists = await Promise.all([B.ours.call('CLIENT', 'LIST'), B.theirs.call('CLIENT', 'LIST')]);
    const other = (list: unknown, id: unknown) =>
      fields(String(list).split('\n').filter((l) => l !== '' && !l.startsWith(`id=${String(id)} `))[0]);
    assert.equal(other(lists[0], ids[0]), other(lists[1], ids[1]));
    return other(lists[0], ids[0]);
  };
  assert.equal(await own(), ' flags=N multi=-1 multi-mem=0');
  await A.sameAll([['WATCH', 'x'], ['MULTI'], ['SET', 'kkkk', 'vvvvvvvv'], ['GET', 'k']]);
  assert.match(await seen(), / flags=x multi=2 multi-mem=\d+$/);
  await A.same('SET'); // rejected: not queued, the transaction is flagged
  await A.same('PING'); // QUEUED, but an aborted transaction stores nothing
  assert.match(await seen(), / flags=x multi=2 /);
  await A.same('EXEC');
  await B.same('SET', 'x', '1');
  await A.same('WATCH', 'x');
  await B.same('SET', 'x', '2');
  assert.equal(await own(), ' flags=d multi=-1 multi-mem=0');
  await A.sameAll([['UNWATCH'], ['MULTI'], ['PING']]);
  // Inside EXEC the client is still in MULTI (flags=x, multi=N).
  await A.same('CLIENT', 'INFO');
  const [ea, eb] = await Promise.all([A.ours.call('EXEC'), A.theirs.call('EXEC')]);
  assert.equal(fields(String((ea as unknown[])[1])), fields(String((eb as unknown[])[1])));
  assert.match(fields(String((ea as unknown[])[1])), / flags=x multi=2 /);
});

test('commandstats: EXEC counts once, queued commands when run, rejected ones as rejected', async () => {
  const stats = async (d: Duo) => {
    const [a, b] = await Promise.all([d.ours.call('INFO', 'commandstats'), d.theirs.call('INFO', 'commandstats')]);
    const norm = (s: unknown) => String(s).split('\r\n').filter((l) => l.startsWith('cmdstat_'))
      .map((l) => l.replace(/usec=[\d.]+,usec_per_call=[\d.]+,/, '')).sort().join('\n');
    assert.equal(norm(a), norm(b));
    return norm(a);
  };
  await A.same('CONFIG', 'RESETSTAT');
  await A.sameAll([
    ['SET', 's', 'x'],
    ['MULTI'], ['INCR', 's'], ['LPUSH', 's', 'a'], ['SET', 'a', 'b'], ['BLPOP', 'l', '0'], ['EXEC'],
    ['EXEC'],
    ['MULTI'], ['NOSUCH'], ['EXEC'],
    ['MULTI'], ['SET'], ['GET', 'a'], ['EXEC'],
    ['WATCH', 's'], ['UNWATCH'], ['MULTI'], ['DISCARD'],
  ]);
  const s = await stats(A);
  assert.match(s, /cmdstat_exec:calls=4,rejected_calls=0,failed_calls=3/);
  assert.match(s, /cmdstat_incr:calls=1,rejected_calls=0,failed_calls=1/);
  const [ea, eb] = await Promise.all([A.ours.call('INFO', 'errorstats'), A.theirs.call('INFO', 'errorstats')]);
  assert.equal(ea, eb);
});

test('seeded random two-client transactions with WATCH (RESP2 and RESP3)', async () => {
  const keys = ['a', 'b', 'c', 'l'];
  const r = rng(20260);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const writes = (): Arg[] => {
    const k = pick(keys);
    switch (Math.floor(r() * 14)) {
      case 0: return ['SET', k, String(Math.floor(r() * 5))];
      case 1: return ['DEL', k, pick(keys)];
      case 2: return ['INCR', k];
      case 3: return ['RPUSH', k, pick(['x', 'y'])];
      case 4: return ['LPOP', k];
      case 5: return ['EXPIRE', k, pick(['100', '0', '-1'])];
      case 6: return ['PERSIST', k];
      case 7: return ['RENAME', k, pick(keys)];
      case 8: return ['COPY', k, pick(keys), ...(r() < 0.5 ? ['REPLACE'] : [])];
      case 9: return ['MOVE', k, pick(['0', '1'])];
      case 10: return ['SELECT', pick(['0', '1'])];
      case 11: return r() < 0.3 ? ['SWAPDB', '0', '1'] : ['FLUSHDB'];
      case 12: return ['SADD', k, pick(['m', 'n'])];
      default: return ['GET', k];
    }
  };
  for (const proto of ['2', '3']) {
    await hello(A, proto);
    await hello(B, proto);
    for (let i = 0; i < 1500; i++) {
      const d = r() < 0.6 ? A : B;
      const x = r();
      let cmd: Arg[];
      if (x < 0.1) cmd = ['WATCH', ...keys.filter(() => r() < 0.5), pick(keys)];
      else if (x < 0.13) cmd = ['UNWATCH'];
      else if (x < 0.23) cmd = ['MULTI'];
      else if (x < 0.33) cmd = ['EXEC'];
      else if (x < 0.36) cmd = ['DISCARD'];
      else if (x < 0.38) cmd = pick([['SET'], ['NOSUCH'], ['BLPOP', 'l', '0']]);
      else cmd = writes();
      // Outside MULTI a BLPOP could block: only queue it.
      if (cmd[0] === 'BLPOP') {
        await d.sameAll([['MULTI'], cmd, ['EXEC']]);
        continue;
      }
      await d.same(...cmd);
      if (r() < 0.05) await A.same('DBSIZE');
    }
    await A.same('RESET');
    await B.same('RESET');
  }
});
