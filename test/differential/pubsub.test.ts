/* Differential tests of Pub/Sub against real Redis 7.0: (un)subscribe confirmation sequences in
 * RESP2 and RESP3 (duplicates, no subscriptions, counts mixing channels, patterns and shard
 * channels), message frames delivered to RESP2 and RESP3 subscribers, the subscribed-mode
 * gatekeeper, PUBSUB introspection, the pub/sub config parameters, and a seeded random sequence
 * of subscriptions and publications over several clients. Where Redis's order is a hash-table
 * order (UNSUBSCRIBE of all channels, several matching patterns, PUBSUB CHANNELS) the frames are
 * compared as sorted lists. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, rng, RawClient } from '../helpers/servers';
import { encodeCommand, parseReply, type Reply } from '../helpers/resp';

let pair: Pair;

before(async () => {
  pair = await Pair.start();
});

after(async () => {
  await pair.close();
});

type Arg = string | number;

/** Send a command and read exactly `n` frames; returns their raw bytes. */
async function frames(c: RawClient, n: number, ...args: Arg[]): Promise<string[]> {
  c.write(encodeCommand(args.map(String)));
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await c.readReply())[1].toString('latin1'));
  return out;
}

/** Both servers: send to (a, b) and assert the `n` frames are byte-identical. */
async function sameFrames(a: RawClient, b: RawClient, n: number, ...args: Arg[]): Promise<string[]> {
  const [x, y] = await Promise.all([frames(a, n, ...args), frames(b, n, ...args)]);
  assert.deepEqual(x, y, `frames differ for ${JSON.stringify(args)}`);
  return x;
}

/** Send a command; read RESP3 push frames until the command's own reply (which comes last). */
async function untilReply(c: RawClient, ...args: Arg[]): Promise<string[]> {
  c.write(encodeCommand(args.map(String)));
  const out: string[] = [];
  for (;;) {
    const raw = (await c.readReply())[1].toString('latin1');
    out.push(raw);
    if (raw[0] !== '>') return out;
  }
}

let markerSeq = 0;

/**
 * Everything a client received before the reply to a PING sent now (messages published
 * earlier are queued before it). Works subscribed or not, RESP2 or RESP3.
 */
async function drain(c: RawClient): Promise<string[]> {
  const marker = `sync-${++markerSeq}`;
  c.write(encodeCommand(['PING', marker]));
  const out: string[] = [];
  for (;;) {
    const [r, raw] = await c.readReply();
    if (r === marker || (Array.isArray(r) && r[0] === 'pong' && r[1] === marker)) return out;
    out.push(raw.toString('latin1'));
  }
}

async function connectPair(proto = 2): Promise<[RawClient, RawClient]> {
  const [a, b] = await pair.connectMore();
  if (proto === 3) {
    await a.call('HELLO', '3');
    await b.call('HELLO', '3');
  }
  return [a, b];
}

function closeAll(...cs: RawClient[]): void {
  for (const c of cs) c.close();
}

/** The (un)subscribe confirmation sequences of one protocol version. */
async function confirmationSequences(proto: number): Promise<void> {
  const [a, b] = await connectPair(proto);
  try {
    await sameFrames(a, b, 1, 'UNSUBSCRIBE');
    await sameFrames(a, b, 1, 'PUNSUBSCRIBE');
    await sameFrames(a, b, 1, 'SUNSUBSCRIBE');
    await sameFrames(a, b, 2, 'UNSUBSCRIBE', 'x', 'y');
    await sameFrames(a, b, 3, 'SUBSCRIBE', 'a', 'b', 'a');
    await sameFrames(a, b, 2, 'PSUBSCRIBE', 'p*', 'a');
    await sameFrames(a, b, 1, 'PSUBSCRIBE', 'p*');
    await sameFrames(a, b, 3, 'SSUBSCRIBE', 's1', 's1', 's2');
    await sameFrames(a, b, 1, 'PING');
    await sameFrames(a, b, 1, 'PING', 'hello');
    await sameFrames(a, b, 2, 'UNSUBSCRIBE', 'b', 'zz');
    await sameFrames(a, b, 1, 'PUNSUBSCRIBE', 'nope');
    await sameFrames(a, b, 2, 'PUNSUBSCRIBE');
    await sameFrames(a, b, 1, 'UNSUBSCRIBE');
    await sameFrames(a, b, 1, 'UNSUBSCRIBE');
    // shard subscriptions keep the client in subscribed mode after UNSUBSCRIBE
    await sameFrames(a, b, 1, 'GET', 'x');
    await sameFrames(a, b, 1, 'SUNSUBSCRIBE', 's2');
    await sameFrames(a, b, 1, 'SUNSUBSCRIBE');
    await sameFrames(a, b, 1, 'GET', 'x');
    await sameFrames(a, b, 1, 'SUBSCRIBE', 'only');
    await sameFrames(a, b, 1, 'SUNSUBSCRIBE');
    await sameFrames(a, b, 1, 'SUBSCRIBE');
    await sameFrames(a, b, 1, 'PSUBSCRIBE');
    await sameFrames(a, b, 1, 'SSUBSCRIBE');
    await sameFrames(a, b, 1, 'RESET');
    await sameFrames(a, b, 1, 'GET', 'x');
    await sameFrames(a, b, 1, 'UNSUBSCRIBE');
  } finally {
    closeAll(a, b);
  }
}

test('RESP2 (un)subscribe confirmations, duplicates, mixed counts, subscribed-mode errors', async () => {
  await confirmationSequences(2);
  // the gatekeeper's error names subcommands as Redis does
  const [a, b] = await connectPair(2);
  try {
    await sameFrames(a, b, 1, 'SUBSCRIBE', 'c');
    await sameFrames(a, b, 1, 'CLIENT', 'INFO');
    await sameFrames(a, b, 1, 'PUBLISH', 'c', 'm');
    await sameFrames(a, b, 1, 'QUIT');
  } finally {
    closeAll(a, b);
  }
});

test('RESP3 (un)subscribe confirmations are push frames; any command runs while subscribed', async () => {
  await confirmationSequences(3);
  const [a, b] = await connectPair(3);
  try {
    await sameFrames(a, b, 1, 'SUBSCRIBE', 'c');
    await sameFrames(a, b, 1, 'SET', 'k3', 'v');
    await sameFrames(a, b, 1, 'GET', 'k3');
    await sameFrames(a, b, 1, 'PING');
    // publishing to itself: the message push precedes the PUBLISH reply
    await sameFrames(a, b, 2, 'PUBLISH', 'c', 'self');
    await sameFrames(a, b, 1, 'DEL', 'k3');
  } finally {
    closeAll(a, b);
  }
});

test('PUBSUB with several channels: UNSUBSCRIBE of all in hash order', async () => {
  const [a, b] = await connectPair(2);
  try {
    await sameFrames(a, b, 5, 'SUBSCRIBE', 'c1', 'c2', 'c3', 'c4', 'c5');
    // Redis walks its per-client dict: the order differs, the set of frames does not
    const [x, y] = await Promise.all([frames(a, 5, 'UNSUBSCRIBE'), frames(b, 5, 'UNSUBSCRIBE')]);
    const names = (fs: string[]) => fs.map((f) => (parseReply(Buffer.from(f, 'latin1'), 0)![0] as Reply[])[1]).sort();
    const counts = (fs: string[]) => fs.map((f) => (parseReply(Buffer.from(f, 'latin1'), 0)![0] as Reply[])[2]);
    assert.deepEqual(names(x), names(y));
    assert.deepEqual(counts(x), counts(y));
    assert.deepEqual(counts(x), [4, 3, 2, 1, 0]);
  } finally {
    closeAll(a, b);
  }
});

test('messages, pmessages and smessages reach RESP2 and RESP3 subscribers byte for byte', async () => {
  const [s2a, s2b] = await connectPair(2);
  const [s3a, s3b] = await connectPair(3);
  const [pa, pb] = await connectPair(2);
  try {
    for (const [a, b] of [[s2a, s2b], [s3a, s3b]] as const) {
      await sameFrames(a, b, 2, 'SUBSCRIBE', 'news', '');
      await sameFrames(a, b, 1, 'PSUBSCRIBE', 'n*s');
      await sameFrames(a, b, 1, 'SSUBSCRIBE', 'news');
    }
    const big = 'x'.repeat(100_000);
    const bin = Buffer.from([0, 1, 2, 13, 10, 255, 128]).toString('latin1');
    for (const [ch, msg] of [['news', 'hello'], ['nXs', 'pat only'], ['', 'empty channel'], ['news', ''],
      ['news', big], ['news', bin], ['other', 'nobody']]) {
      await sameFrames(pa, pb, 1, 'PUBLISH', ch, msg);
      assert.deepEqual(await drain(s2a), await drain(s2b));
      assert.deepEqual(await drain(s3a), await drain(s3b));
    }
    await sameFrames(pa, pb, 1, 'SPUBLISH', 'news', 'sharded');
    await sameFrames(pa, pb, 1, 'SPUBLISH', 'nXs', 'no pattern for shards');
    const [x2, y2] = [await drain(s2a), await drain(s2b)];
    assert.deepEqual(x2, y2);
    assert.equal(x2.length, 1);
    assert.deepEqual(await drain(s3a), await drain(s3b));
    // a pattern subscriber of '*' does not see the empty channel (stringmatchlen quirk)
    await sameFrames(s2a, s2b, 1, 'PSUBSCRIBE', '*');
    await sameFrames(pa, pb, 1, 'PUBLISH', '', 'm');
    await sameFrames(pa, pb, 1, 'PUBLISH', 'a', 'm');
    assert.deepEqual(await drain(s2a), await drain(s2b));
  } finally {
    closeAll(s2a, s2b, s3a, s3b, pa, pb);
  }
});

test('PUBSUB introspection subcommands and their errors', async () => {
  const [sa, sb] = await connectPair(2);
  const [qa, qb] = await connectPair(2);
  const [a, b] = [pair.ours, pair.theirs];
  try {
    await sameFrames(sa, sb, 3, 'SUBSCRIBE', 'ch1', 'ch2', 'other');
    await sameFrames(qa, qb, 1, 'SUBSCRIBE', 'ch1');
    await sameFrames(sa, sb, 2, 'PSUBSCRIBE', 'ch*', 'x?');
    await sameFrames(qa, qb, 2, 'PSUBSCRIBE', 'ch*', 'y');
    await sameFrames(qa, qb, 2, 'SSUBSCRIBE', 'sh1', 'sh2');
    await sameFrames(sa, sb, 1, 'SSUBSCRIBE', 'sh1');
    for (const cmd of [
      ['PUBSUB', 'CHANNELS'], ['PUBSUB', 'SHARDCHANNELS'], ['PUBSUB', 'CHANNELS', 'ch*'], ['PUBSUB', 'channels', 'nomatch*'], ['PUBSUB', 'SHARDCHANNELS', 'sh1'],
    ]) {
      const [x, y] = await Promise.all([frames(a, 1, ...cmd), frames(b, 1, ...cmd)]);
      const sorted = (s: string) => (parseReply(Buffer.from(s, 'latin1'), 0)![0] as string[]).slice().sort();
      assert.deepEqual(sorted(x[0]), sorted(y[0]));
    }
    await pair.sameAll([
      ['PUBSUB', 'NUMSUB'], ['PUBSUB', 'NUMSUB', 'ch1', 'ch2', 'nope', 'ch1'], ['PUBSUB', 'NUMPAT'],
      ['PUBSUB', 'SHARDNUMSUB', 'sh1', 'sh2', 'ch1'], ['PUBSUB', 'SHARDNUMSUB'], ['PUBSUB', 'HELP'],
      ['PUBSUB', 'help'], ['PUBSUB'], ['PUBSUB', 'NUMPAT', 'x'], ['PUBSUB', 'FOO'], ['PUBSUB', 'CHANNELS', 'a', 'b'],
      ['PUBSUB', 'shardchannels', 'a', 'b'], ['PUBSUB', 'HELP', 'x'], ['PUBLISH', 'ch1'], ['PUBLISH', 'a', 'b', 'c'],
      ['SPUBLISH', 'sh1'], ['PUBLISH', 'ch1', 'm'], ['PUBLISH', 'ch2', 'm'], ['SPUBLISH', 'sh1', 'm'],
    ]);
    const infoFields = async (c: RawClient) => ((await c.call('INFO', 'stats')) as string).split('\r\n')
      .filter((l) => l.startsWith('pubsub')).join(' ');
    assert.equal(await infoFields(a), await infoFields(b));
    assert.equal(await infoFields(a), 'pubsub_channels:3 pubsub_patterns:3 pubsubshard_channels:2');
    await pair.both('HELLO', '3');
    await pair.sameAll([['PUBSUB', 'NUMSUB', 'ch1'], ['PUBSUB', 'SHARDNUMSUB', 'sh2'], ['PUBSUB', 'NUMPAT'], ['PUBSUB', 'HELP']]);
    await pair.both('HELLO', '2');
    // disconnecting drops every subscription
    closeAll(sa, sb, qa, qb);
    for (let i = 0; i < 100; i++) {
      const r = await pair.ours.call('PUBSUB', 'NUMPAT');
      if (r === 0) break;
      await new Promise((res) => setTimeout(res, 10));
    }
    await new Promise((res) => setTimeout(res, 50));
    await pair.sameAll([['PUBSUB', 'NUMSUB', 'ch1', 'ch2'], ['PUBSUB', 'NUMPAT'], ['PUBSUB', 'SHARDNUMSUB', 'sh1'],
      ['PUBSUB', 'CHANNELS'], ['PUBSUB', 'SHARDCHANNELS']]);
  } finally {
    closeAll(sa, sb, qa, qb);
  }
});

test('CONFIG notify-keyspace-events and client-output-buffer-limit: parsing, formatting, errors', async () => {
  const cmds: string[][] = [['CONFIG', 'GET', 'notify-keyspace-events'], ['CONFIG', 'GET', 'client-output-buffer-limit']];
  for (const v of ['A', 'KEA', 'gx', 'Ex', 'x', '$lshzxetd', 'Am', 'AKEmn', 'KEmn', 'Q', 'Kgg', 'nK', 'Ag$lshzxeKEtmdn', 'a', '']) {
    cmds.push(['CONFIG', 'SET', 'notify-keyspace-events', v], ['CONFIG', 'GET', 'notify-keyspace-events']);
  }
  for (const v of ['pubsub 32mb 8mb 60', 'normal 1k 2K 3', 'slave 1gb 0 0', 'replica 1 2 3', 'pubsub 1 2', 'foo 1 2 3',
    'pubsub x 2 3', 'pubsub 1 2 -3', 'pubsub 1 2 3 normal 4 5 6', 'pubsub 1 2 3.5', 'pubsub -1 2 3', 'pubsub 1.5k 2 3',
    'master 1 2 3', '', 'pubsub 1 2 99999999999999999999', 'pubsub 1 2 +3', 'pubsub 1 2 ', 'pubsub  2 3',
    'pubsub 1 2 9223372036854775807', 'pubsub 18446744073709551615 2 3', 'pubsub 18446744073709551616 2 3',
    'PUBSUB 1kB 2GB 03', 'replica 1 2 3 replica 4 5 6', 'pubsub 1 2 3 foo 1 2 3', 'pubsub 18446744073709551615k 2 3',
    'pubsub 1 2 2147483647', 'pubsub 1 2 2147483648', 'pubsub 1 2 4294967296', 'pubsub 1 2 -0', 'pubsub 1 2 3x',
    'pubsub 1 2 0x10', 'pubsub 1 2 -', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60']) {
    cmds.push(['CONFIG', 'SET', 'client-output-buffer-limit', v], ['CONFIG', 'GET', 'client-output-buffer-limit']);
  }
  cmds.push(['CONFIG', 'SET', 'notify-keyspace-events', 'a', 'b']);
  await pair.sameAll(cmds);
});

/**
 * Seeded random sequence: four clients (two RESP2, two RESP3) subscribe and unsubscribe
 * to a few channels, patterns and shard channels, and publish; after every step every
 * client's received frames must match. Several patterns matching one channel are sent in
 * Redis's hash order, so frames are compared as sorted lists.
 */
test('seeded random subscriptions and publications over four clients', async () => {
  const clients: [RawClient, RawClient][] = [await connectPair(2), await connectPair(2), await connectPair(3), await connectPair(3)];
  const r = rng(4242);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const channels = ['a', 'b', 'ab', 'news.1', 'news.2', ''];
  const patterns = ['a*', '*', 'news.*', 'n?ws.[12]', '[ab]', 'zz'];
  try {
    for (let step = 0; step < 600; step++) {
      const i = Math.floor(r() * clients.length);
      const [a, b] = clients[i];
      const roll = r();
      let cmd: string[];
      if (roll < 0.2) cmd = ['SUBSCRIBE', ...Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(channels))];
      else if (roll < 0.32) cmd = ['PSUBSCRIBE', pick(patterns)];
      else if (roll < 0.4) cmd = ['SSUBSCRIBE', pick(channels)];
      else if (roll < 0.5) cmd = ['UNSUBSCRIBE', pick(channels)];
      else if (roll < 0.55) cmd = ['PUNSUBSCRIBE', pick(patterns)];
      else if (roll < 0.6) cmd = ['SUNSUBSCRIBE', pick(channels)];
      else if (roll < 0.62) cmd = ['RESET'];
      else if (roll < 0.9) cmd = ['PUBLISH', pick(channels), `m${step}`];
      else cmd = ['SPUBLISH', pick(channels), `s${step}`];
      // SUBSCRIBE confirms each channel; RESP2 subscribers get an error for PUBLISH (compared too)
      const n = cmd[0] === 'SUBSCRIBE' ? cmd.length - 1 : 1;
      if (cmd[0] === 'RESET') {
        await sameFrames(a, b, 1, ...cmd);
        // RESET went back to RESP2; the RESP3 clients switch again (HELLO's reply carries the client id)
        if (i >= 2) await Promise.all([frames(a, 1, 'HELLO', '3'), frames(b, 1, 'HELLO', '3')]);
        continue;
      }
      if (cmd[0].endsWith('PUBLISH')) {
        // a RESP3 publisher may receive its own messages first (patterns in hash order)
        const [x, y] = await Promise.all([untilReply(a, ...cmd), untilReply(b, ...cmd)]);
        assert.deepEqual(x.slice().sort(), y.slice().sort(), `step ${step}: ${cmd.join(' ')}`);
        assert.equal(x[x.length - 1], y[y.length - 1]);
      } else {
        await sameFrames(a, b, n, ...cmd);
      }
      for (const [x, y] of clients) {
        const [fx, fy] = [await drain(x), await drain(y)];
        assert.deepEqual(fx.slice().sort(), fy.slice().sort(), `step ${step}: ${cmd.join(' ')}`);
      }
    }
  } finally {
    for (const [a, b] of clients) closeAll(a, b);
  }
});

test('MULTI/EXEC with SUBSCRIBE and PUBLISH; pushes still reach a CLIENT REPLY OFF client', async () => {
  const [a, b] = await connectPair(2);
  try {
    await sameFrames(a, b, 1, 'MULTI');
    await sameFrames(a, b, 1, 'SUBSCRIBE', 'm');
    await sameFrames(a, b, 1, 'PUBLISH', 'm', 'x');
    await sameFrames(a, b, 1, 'PSUBSCRIBE', 'm*');
    // the message push lands inside EXEC's array, as in Redis (the parser sees it as element 2)
    await sameFrames(a, b, 2, 'EXEC');
    await sameFrames(a, b, 1, 'GET', 'x');
    await sameFrames(a, b, 1, 'UNSUBSCRIBE');
    await sameFrames(a, b, 1, 'PUNSUBSCRIBE');
    for (const proto of ['3', '2']) {
      await Promise.all([frames(a, 1, 'HELLO', proto), frames(b, 1, 'HELLO', proto)]);
      await sameFrames(a, b, 0, 'CLIENT', 'REPLY', 'OFF');
      await sameFrames(a, b, 1, 'SUBSCRIBE', 'q');
      if (proto === '3') await sameFrames(a, b, 1, 'PUBLISH', 'q', 'to myself');
      await sameFrames(a, b, 1, 'UNSUBSCRIBE');
      await sameFrames(a, b, 1, 'CLIENT', 'REPLY', 'ON');
    }
    // another client's messages reach a subscriber whose replies are off
    const [pa, pb] = await connectPair(2);
    await sameFrames(a, b, 1, 'SUBSCRIBE', 'q');
    await sameFrames(a, b, 0, 'CLIENT', 'REPLY', 'OFF');
    await sameFrames(pa, pb, 1, 'PUBLISH', 'q', 'from outside');
    await sameFrames(a, b, 1, 'UNSUBSCRIBE');
    closeAll(pa, pb);
  } finally {
    closeAll(a, b);
  }
});
