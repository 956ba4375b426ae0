/* ==========================================================================
 * Messaging benchmark (part of `npm run bench`): pub/sub fan-out and
 * MULTI/EXEC blocks, real Redis and Respite measured in the same run.
 *
 *   - PUBLISH to 1, 100 and 1000 subscribers: one publisher pipelines a fixed
 *     number of PUBLISH commands; the result is messages delivered per
 *     second (messages x subscribers / time until every subscriber has
 *     received every message, counted in bytes of identical frames).
 *   - MULTI/EXEC: 50 clients each pipeline 16 transactions
 *     (MULTI, SET, INCR, EXEC) at a time; transactions per second.
 *
 * Each measurement alternates the two servers and keeps the best of the
 * rounds. Everything is bounded: fixed message / transaction counts and a
 * deadline on every wait. Exported for bench/run.mjs; servers are started
 * and killed there. `only` (a name prefix) runs a subset, for profiling.
 * ========================================================================== */

import * as net from 'node:net';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function encode(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

/** A socket that counts received bytes and keeps the last few for markers. */
function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.received = 0;
    s.on('data', (d) => { s.received += d.length; });
    s.once('error', reject);
  });
}

/** Wait until `cond()` holds; throws after `ms`. */
async function waitFor(cond, ms, what) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`messaging bench: timeout waiting for ${what}`);
    await sleep(2);
  }
}

/**
 * Messages delivered per second with `subs` subscribers on one channel and
 * `msgs` PUBLISH commands from one publisher, which keeps at most WINDOW
 * replies outstanding. Event-driven (no polling): the clock stops when the
 * last subscriber has received its last byte.
 */
async function fanout(port, subs, msgs) {
  const WINDOW = 1000;
  const channel = 'bench:chan';
  const payload = 'x'.repeat(32);
  const subscribers = [];
  for (let i = 0; i < subs; i++) subscribers.push(await connect(port));
  const confirm = `*3\r\n$9\r\nsubscribe\r\n$${channel.length}\r\n${channel}\r\n:1\r\n`.length;
  for (const s of subscribers) s.write(encode(['SUBSCRIBE', channel]));
  await waitFor(() => subscribers.every((s) => s.received >= confirm), 20000, 'subscriptions');
  const frame = `*3\r\n$7\r\nmessage\r\n$${channel.length}\r\n${channel}\r\n$${payload.length}\r\n${payload}\r\n`.length;
  const want = confirm + frame * msgs;
  const pub = await connect(port);
  pub.setNoDelay(true);
  const cmd = encode(['PUBLISH', channel, payload]);
  const replyLen = `:${subs}\r\n`.length;
  const t0 = performance.now();
  await new Promise((resolve, reject) => {
    let sent = 0;
    let complete = 0;
    const timer = setTimeout(() => reject(new Error('messaging bench: fan-out timed out')), 120000);
    const finish = () => { clearTimeout(timer); resolve(); };
    for (const s of subscribers) {
      s.on('data', () => {
        if (s.received >= want && !s.done) {
          s.done = true;
          if (++complete === subs) finish();
        }
      });
    }
    const pump = () => {
      const acked = Math.floor(pub.received / replyLen);
      const n = Math.min(msgs - sent, acked + WINDOW - sent);
      if (n > 0) {
        pub.write(cmd.repeat(n));
        sent += n;
      }
    };
    pub.on('data', pump);
    pump();
  });
  const secs = (performance.now() - t0) / 1000;
  for (const s of [...subscribers, pub]) s.destroy();
  return (msgs * subs) / secs;
}

/** Transactions per second: 50 clients x pipelines of 16 MULTI/SET/INCR/EXEC blocks. */
async function multiExec(port, total) {
  const clients = 50;
  const depth = 16;
  const block = encode(['MULTI']) + encode(['SET', 'bench:k', 'v']) + encode(['INCR', 'bench:n']) + encode(['EXEC']);
  const conns = [];
  for (let i = 0; i < clients; i++) {
    const s = await connect(port);
    s.setNoDelay(true);
    conns.push(s);
  }
  // Reply bytes of one block vary only with INCR's value; count EXEC replies by their header instead.
  let done = 0;
  const per = Math.ceil(total / clients / depth);
  const t0 = performance.now();
  await Promise.all(conns.map((s) => new Promise((resolve, reject) => {
    let rounds = 0;
    let pending = '';
    let execs = 0;
    s.removeAllListeners('data');
    s.on('data', (d) => {
      pending += d.toString('latin1');
      let i;
      while ((i = pending.indexOf('*2\r\n+OK\r\n:')) >= 0) {
        execs++;
        pending = pending.slice(i + 9);
      }
      if (execs >= depth) {
        execs -= depth;
        done += depth;
        if (++rounds >= per) resolve();
        else s.write(block.repeat(depth));
      }
    });
    s.on('error', reject);
    s.write(block.repeat(depth));
  })));
  const secs = (performance.now() - t0) / 1000;
  for (const s of conns) s.destroy();
  return done / secs;
}

/** Run every messaging measurement against both servers; returns rows for printing. */
export async function messagingBench(redisPort, respitePort, { rounds = 2, quick = false, only = null } = {}) {
  const cases = [
    { name: 'PUBLISH 1 sub', run: (p) => fanout(p, 1, quick ? 20000 : 100000), unit: 'msg/s' },
    { name: 'PUBLISH 100 subs', run: (p) => fanout(p, 100, quick ? 1000 : 5000), unit: 'msg/s' },
    { name: 'PUBLISH 1000 subs', run: (p) => fanout(p, 1000, quick ? 100 : 500), unit: 'msg/s' },
    { name: 'MULTI/EXEC blocks', run: (p) => multiExec(p, quick ? 50000 : 200000), unit: 'tx/s' },
  ];
  const rows = [];
  for (const c of only === null ? cases : cases.filter((x) => x.name.startsWith(only))) {
    let best = { redis: 0, respite: 0 };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ['redis', 'respite'] : ['respite', 'redis'];
      for (const who of order) {
        const v = await c.run(who === 'redis' ? redisPort : respitePort);
        if (v > best[who]) best[who] = v;
      }
    }
    rows.push({ name: c.name, unit: c.unit, redis: best.redis, respite: best.respite, ratio: best.respite / best.redis });
  }
  return rows;
}
