/* Differential tests of keyspace notifications against real Redis 7.0: with
 * notify-keyspace-events KEA on both servers, a seeded random workload over every data-type
 * family in the command table runs on one client while another client is PSUBSCRIBEd to
 * __key*__:*; after every command the two notification streams must be identical, event by
 * event (channel, message and order). Also: class filtering (only K, only E, single classes),
 * expired events, new-key ('n') and key-miss ('m') events, and notifications off.
 * For a hunt: NOTIFY_STEPS=20000 for a longer KEA run; NOTIFY_COLLECT=1 logs every command whose
 * streams differ (console) instead of failing at the first one. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, rng, RawClient } from '../helpers/servers';
import { encodeCommand } from '../helpers/resp';

let pair: Pair;
let subA: RawClient;
let subB: RawClient;

before(async () => {
  pair = await Pair.start({ respite: { 'enable-debug-command': 'yes' }, redisArgs: ['--enable-debug-command', 'yes'] });
  [subA, subB] = await pair.connectMore();
  await Promise.all([subA.call('PSUBSCRIBE', '__key*__:*'), subB.call('PSUBSCRIBE', '__key*__:*')]);
});

after(async () => {
  subA.close();
  subB.close();
  await pair.close();
});

let markerSeq = 0;

/** Every frame a subscriber received before the reply to a PING sent now. */
async function drain(c: RawClient): Promise<string[]> {
  const marker = `sync-${++markerSeq}`;
  c.write(encodeCommand(['PING', marker]));
  const out: string[] = [];
  for (;;) {
    const [r, raw] = await c.readReply();
    if (Array.isArray(r) && r[0] === 'pong' && r[1] === marker) return out;
    out.push(raw.toString('latin1'));
  }
}

/** Run `cmd` on both servers (same reply) and assert both notification streams are identical. */
async function sameEvents(cmd: readonly (string | number)[], context = ''): Promise<string[]> {
  await pair.same(...cmd);
  const [x, y] = await Promise.all([drain(subA), drain(subB)]);
  assert.deepEqual(x, y, `notifications differ after ${JSON.stringify(cmd)} ${context}`);
  return x;
}

async function setFlags(flags: string): Promise<void> {
  await pair.same('CONFIG', 'SET', 'notify-keyspace-events', flags);
}

test('class filtering: K only, E only, single classes, off', async () => {
  await pair.same('FLUSHALL');
  await setFlags('K$');
  assert.equal((await sameEvents(['SET', 'a', '1'])).length, 1);
  await sameEvents(['LPUSH', 'l', 'x']);
  await setFlags('El');
  assert.equal((await sameEvents(['LPUSH', 'l', 'y'])).length, 1);
  await sameEvents(['SET', 'a', '2']);
  await setFlags('KEg');
  await sameEvents(['EXPIRE', 'a', '100']);
  await sameEvents(['DEL', 'a', 'l']);
  await setFlags('KE');
  assert.equal((await sameEvents(['SET', 'a', '3'])).length, 0);
  await setFlags('');
  assert.equal((await sameEvents(['SET', 'a', '4'])).length, 0);
  await setFlags('AKE');
  await sameEvents(['SELECT', '3']);
  await sameEvents(['SET', 'in3', 'v']);
  await sameEvents(['MOVE', 'in3', '0']);
  await sameEvents(['SELECT', '0']);
  await sameEvents(['COPY', 'in3', 'c3', 'DB', '5']);
  await sameEvents(['DEL', 'in3', 'a']);
});

test('expired events (lazy and active) and EXPIRE in the past', async () => {
  await pair.same('FLUSHALL');
  await setFlags('KEA');
  await sameEvents(['SET', 'e2', 'v']);
  await sameEvents(['EXPIRE', 'e2', '-1']);
  await sameEvents(['SET', 'e3', 'v']);
  await sameEvents(['PEXPIREAT', 'e3', '1']);
  await sameEvents(['SET', 'e4', 'v', 'EX', '100']);
  await sameEvents(['GETEX', 'e4', 'EXAT', '1']);
  // e1 expires lazily on access or by the active cycle, whichever comes first: one "expired" either way.
  // Nothing is drained in between, so the stream does not depend on when that happens.
  await pair.same('SET', 'e1', 'v', 'PX', '1');
  await new Promise((r) => setTimeout(r, 30));
  await pair.same('GET', 'e1');
  const [x, y] = await Promise.all([drain(subA), drain(subB)]);
  assert.deepEqual(x, y);
  assert.equal(x.length, 6);
  await setFlags('');
});

/** The workload's command generators, by family; only commands present in Respite's table are used. */
function workload(r: () => number, has: (name: string) => boolean): () => (string | number)[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (n: number) => Math.floor(r() * n);
  const skeys = ['s1', 's2', 's3'];
  const lkeys = ['l1', 'l2'];
  const hkeys = ['h1', 'h2'];
  const setkeys = ['set1', 'set2', 'set3'];
  const zkeys = ['z1', 'z2', 'z3'];
  const any = [...skeys, ...lkeys, ...hkeys, ...setkeys, ...zkeys, 'hll1', 'g1', 'nokey'];
  const val = () => pick(['1', '10', 'abc', '-3', '2.5', '']);
  const member = () => pick(['a', 'b', 'c', 'd', '1', '2']);
  const gens: [string, () => (string | number)[]][] = [
    // strings
    ['set', () => [pick(['SET', 'SET', 'SET']), pick(skeys), val(), ...pick([[], ['EX', '100'], ['NX'], ['XX'], ['GET'], ['KEEPTTL'], ['PX', '50000', 'GET']])]],
    ['setnx', () => ['SETNX', pick(skeys), val()]],
    ['setex', () => ['SETEX', pick(skeys), pick(['100', '0', '-1']), val()]],
    ['psetex', () => ['PSETEX', pick(skeys), '100000', val()]],
    ['getset', () => ['GETSET', pick(skeys), val()]],
    ['getdel', () => ['GETDEL', pick(skeys)]],
    ['getex', () => ['GETEX', pick(skeys), ...pick([[], ['EX', '100'], ['PERSIST'], ['PX', '0'], ['EXAT', '1']])]],
    ['append', () => ['APPEND', pick(skeys), val()]],
    ['setrange', () => ['SETRANGE', pick(skeys), String(int(5)), pick(['x', ''])]],
    ['incr', () => ['INCR', pick(skeys)]],
    ['incrby', () => ['INCRBY', pick(skeys), pick(['5', '-2', 'x'])]],
    ['decr', () => ['DECR', pick(skeys)]],
    ['decrby', () => ['DECRBY', pick(skeys), '3']],
    ['incrbyfloat', () => ['INCRBYFLOAT', pick(skeys), pick(['1.5', '0', 'abc'])]],
    ['mset', () => ['MSET', pick(skeys), val(), pick(skeys), val()]],
    ['msetnx', () => ['MSETNX', pick(skeys), val(), 'fresh' + int(3), val()]],
    ['setbit', () => ['SETBIT', pick(skeys), String(int(20)), pick(['0', '1'])]],
    ['bitop', () => ['BITOP', pick(['AND', 'OR', 'NOT']), pick(skeys), pick(skeys), ...(r() < 0.5 ? [] : [])].slice(0, 4)],
    ['bitfield', () => ['BITFIELD', pick(skeys), 'SET', 'u8', '0', '200', 'INCRBY', 'i5', '3', '7']],
    ['get', () => ['GET', pick(skeys)]],
    // reads (keymiss events with 'm')
    ['strlen', () => ['STRLEN', pick(skeys)]],
    ['getrange', () => ['GETRANGE', pick(skeys), '0', '2']],
    ['mget', () => ['MGET', pick(skeys), pick(any)]],
    ['getbit', () => ['GETBIT', pick(skeys), '3']],
    ['bitcount', () => ['BITCOUNT', pick(skeys)]],
    ['exists', () => ['EXISTS', pick(any), pick(any)]],
    ['type', () => ['TYPE', pick(any)]],
    ['ttl', () => ['TTL', pick(any)]],
    ['dump', () => ['DUMP', pick(any)]],
    ['lrange', () => ['LRANGE', pick(lkeys), '0', '-1']],
    ['llen', () => ['LLEN', pick(lkeys)]],
    ['lindex', () => ['LINDEX', pick(lkeys), '0']],
    ['hget', () => ['HGET', pick(hkeys), member()]],
    ['hgetall', () => ['HGETALL', pick(hkeys)]],
    ['hlen', () => ['HLEN', pick(hkeys)]],
    ['sismember', () => ['SISMEMBER', pick(setkeys), member()]],
    ['scard', () => ['SCARD', pick(setkeys)]],
    ['zscore', () => ['ZSCORE', pick(zkeys), member()]],
    ['zrange', () => ['ZRANGE', pick(zkeys), '0', '-1', 'WITHSCORES']],
    ['zcard', () => ['ZCARD', pick(zkeys)]],
    ['pfcount', () => ['PFCOUNT', 'hll1']],
    ['geopos', () => ['GEOPOS', 'g1', member()]],
    ['object', () => ['OBJECT', 'ENCODING', pick(any)]],
    // keyspace
    ['del', () => ['DEL', pick(any), pick(any)]],
    ['unlink', () => ['UNLINK', pick(any)]],
    ['rename', () => ['RENAME', pick(any), pick(any)]],
    ['renamenx', () => ['RENAMENX', pick(any), pick(any)]],
    ['copy', () => ['COPY', pick(any), pick(any), ...pick([[], ['REPLACE'], ['DB', '1'], ['DB', '1', 'REPLACE']])]],
    ['move', () => ['MOVE', pick(any), '1']],
    ['touch', () => ['TOUCH', pick(any)]],
    ['expire', () => ['EXPIRE', pick(any), pick(['100', '200', '0', '-5']), ...pick([[], ['NX'], ['XX'], ['GT'], ['LT']])]],
    ['pexpire', () => ['PEXPIRE', pick(any), '500000']],
    ['expireat', () => ['EXPIREAT', pick(any), pick(['1', '99999999999'])]],
    ['pexpireat', () => ['PEXPIREAT', pick(any), '99999999999000']],
    ['persist', () => ['PERSIST', pick(any)]],
    // lists
    ['lpush', () => ['LPUSH', pick(lkeys), member(), member()]],
    ['rpush', () => ['RPUSH', pick(lkeys), member()]],
    ['lpushx', () => ['LPUSHX', pick(lkeys), member()]],
    ['rpushx', () => ['RPUSHX', pick(lkeys), member()]],
    ['lpop', () => ['LPOP', pick(lkeys), ...pick([[], ['2'], ['0']])]],
    ['rpop', () => ['RPOP', pick(lkeys)]],
    ['linsert', () => ['LINSERT', pick(lkeys), pick(['BEFORE', 'AFTER']), member(), 'ins']],
    ['lset', () => ['LSET', pick(lkeys), String(int(3) - 1), 'set']],
    ['ltrim', () => ['LTRIM', pick(lkeys), String(int(3)), String(int(4) - 1)]],
    ['lrem', () => ['LREM', pick(lkeys), String(int(3) - 1), member()]],
    ['rpoplpush', () => ['RPOPLPUSH', pick(lkeys), pick(lkeys)]],
    ['lmove', () => ['LMOVE', pick(lkeys), pick(lkeys), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT'])]],
    ['lmpop', () => ['LMPOP', '2', pick(lkeys), pick(lkeys), pick(['LEFT', 'RIGHT']), 'COUNT', '2']],
    ['blpop', () => ['BLPOP', pick(lkeys), '0.01']],
    ['brpoplpush', () => ['BRPOPLPUSH', pick(lkeys), pick(lkeys), '0.01']],
    // hashes
    ['hset', () => ['HSET', pick(hkeys), member(), val(), member(), val()]],
    ['hsetnx', () => ['HSETNX', pick(hkeys), member(), val()]],
    ['hmset', () => ['HMSET', pick(hkeys), member(), val()]],
    ['hdel', () => ['HDEL', pick(hkeys), member(), member()]],
    ['hincrby', () => ['HINCRBY', pick(hkeys), member(), '2']],
    ['hincrbyfloat', () => ['HINCRBYFLOAT', pick(hkeys), member(), '1.5']],
    // sets
    ['sadd', () => ['SADD', pick(setkeys), member(), member()]],
    ['srem', () => ['SREM', pick(setkeys), member(), member()]],
    ['smove', () => ['SMOVE', pick(setkeys), pick(setkeys), member()]],
    ['sinterstore', () => ['SINTERSTORE', pick(setkeys), pick(setkeys), pick(setkeys)]],
    ['sunionstore', () => ['SUNIONSTORE', pick(setkeys), pick(setkeys), pick(setkeys)]],
    ['sdiffstore', () => ['SDIFFSTORE', pick(setkeys), pick(setkeys), pick(setkeys)]],
    // sorted sets
    ['zadd', () => ['ZADD', pick(zkeys), ...pick([[], ['NX'], ['XX'], ['GT'], ['INCR']]), String(int(10)), member()]],
    ['zincrby', () => ['ZINCRBY', pick(zkeys), '2', member()]],
    ['zrem', () => ['ZREM', pick(zkeys), member(), member()]],
    ['zremrangebyscore', () => ['ZREMRANGEBYSCORE', pick(zkeys), '0', String(int(10))]],
    ['zremrangebyrank', () => ['ZREMRANGEBYRANK', pick(zkeys), '0', String(int(3))]],
    ['zremrangebylex', () => ['ZREMRANGEBYLEX', pick(zkeys), '-', '[b']],
    ['zpopmin', () => ['ZPOPMIN', pick(zkeys), ...pick([[], ['2']])]],
    ['zpopmax', () => ['ZPOPMAX', pick(zkeys)]],
    ['zmpop', () => ['ZMPOP', '2', pick(zkeys), pick(zkeys), pick(['MIN', 'MAX'])]],
    ['bzpopmin', () => ['BZPOPMIN', pick(zkeys), '0.01']],
    ['zunionstore', () => ['ZUNIONSTORE', pick(zkeys), '2', pick(zkeys), pick(zkeys)]],
    ['zinterstore', () => ['ZINTERSTORE', pick(zkeys), '2', pick(zkeys), pick(zkeys)]],
    ['zdiffstore', () => ['ZDIFFSTORE', pick(zkeys), '2', pick(zkeys), pick(zkeys)]],
    ['zrangestore', () => ['ZRANGESTORE', pick(zkeys), pick(zkeys), '0', '-1']],
    // others
    ['pfadd', () => ['PFADD', 'hll1', member(), member()]],
    ['pfmerge', () => ['PFMERGE', pick(['hll1', 'hll2']), 'hll1']],
    ['geoadd', () => ['GEOADD', 'g1', '13.361389', '38.115556', member()]],
    ['geosearchstore', () => ['GEOSEARCHSTORE', pick(['g2', 'z1']), 'g1', 'FROMLONLAT', '15', '37', 'BYRADIUS', '500', 'km']],
    ['sort', () => ['SORT', pick([...lkeys, ...setkeys]), 'ALPHA', 'STORE', pick(['sorted', ...lkeys])]],
  ];
  const avail = gens.filter(([name]) => has(name));
  return () => pick(avail)[1]();
}

/** Run `steps` random commands with `flags` and compare the notification streams after each. */
async function runWorkload(flags: string, seed: number, steps: number): Promise<Set<string>> {
  await pair.same('FLUSHALL');
  await setFlags(flags);
  const table = pair.respiteServer.server.table;
  const gen = workload(rng(seed), (n) => table.commands.has(n));
  let events = 0;
  const seen = new Set<string>();
  for (let i = 0; i < steps; i++) {
    const cmd = gen();
    if (process.env.NOTIFY_COLLECT) {
      await pair.both(...cmd);
      const [x, y] = await Promise.all([drain(subA), drain(subB)]);
      if (JSON.stringify(x) !== JSON.stringify(y)) console.log('DIFF', JSON.stringify(cmd), x.length, y.length);
      continue;
    }
    const ev = await sameEvents(cmd, `(step ${i})`);
    events += ev.length;
    for (const f of ev) {
      const m = /__keyevent@\d+__:([^\r]*)/.exec(f);
      if (m !== null) seen.add(m[1]);
    }
  }
  assert.ok(events > steps / 4, `workload produced only ${events} events`);
  await pair.same('FLUSHALL');
  await setFlags('');
  return seen;
}

test('seeded random workload: identical notification streams (KEA)', async () => {
  const seen = await runWorkload('KEA', 7, Number(process.env.NOTIFY_STEPS ?? 2500));
  // the workload must exercise many distinct events (string, list, hash, set, zset, keyspace...)
  assert.ok(seen.size >= 25, `only ${seen.size} distinct events: ${[...seen].join(' ')}`);
});

test('seeded random workload with new-key events (KEAn) and keyspace-only (Kgl$shz)', async () => {
  const seen = await runWorkload('KEAn', 8, 600);
  assert.ok(seen.has('new'));
  await runWorkload('Kgl$shz', 9, 400);
});

test('seeded random workload with key-miss events (AKEm)', async () => {
  const seen = await runWorkload('AKEm', 10, 1500);
  assert.ok(seen.has('keymiss'));
});

test('events of blocked clients served by a push, of MULTI/EXEC and of SORT / RENAME edge cases', async () => {
  await pair.same('FLUSHALL');
  await setFlags('KEA');
  const [ba, bb] = await pair.connectMore();
  try {
    const table = pair.respiteServer.server.table;
    const blockers: (string | number)[][] = [];
    if (table.commands.has('blpop')) blockers.push(['BLPOP', 'bl', '0'], ['BLMOVE', 'bl', 'bl2', 'LEFT', 'RIGHT', '0']);
    if (table.commands.has('bzpopmin')) blockers.push(['BZPOPMIN', 'bz', '0']);
    for (const b of blockers) {
      const key = b[1] as string;
      ba.write(encodeCommand(b.map(String)));
      bb.write(encodeCommand(b.map(String)));
      await new Promise((r) => setTimeout(r, 30)); // both are blocked now
      const push = key === 'bz' ? ['ZADD', 'bz', '1', 'm', '2', 'n'] : ['RPUSH', 'bl', 'a', 'b'];
      await sameEvents(push, `(serving ${b[0]})`);
      const [ra, rb] = await Promise.all([ba.readReply(), bb.readReply()]);
      assert.deepEqual(ra[1], rb[1]);
    }
    if (table.commands.has('multi')) {
      await pair.same('MULTI');
      await pair.same('SET', 'mx', '1');
      await pair.same('INCR', 'mx');
      await pair.same('LPUSH', 'ml', 'a');
      await sameEvents(['EXEC']);
    }
    await sameEvents(['SET', 'same', 'v']);
    await sameEvents(['RENAME', 'same', 'same']);
    await sameEvents(['SORT', 'nosuch', 'STORE', 'same']);
    await sameEvents(['RPUSH', 'src', '3', '1', '2']);
    await sameEvents(['SORT', 'src', 'STORE', 'dst']);
    await sameEvents(['SET', 'x', 'v', 'NX']);
    await sameEvents(['SET', 'x', 'w', 'GET']);
    await sameEvents(['GETDEL', 'x']);
    await sameEvents(['FLUSHDB']);
  } finally {
    ba.close();
    bb.close();
    await setFlags('');
  }
});
