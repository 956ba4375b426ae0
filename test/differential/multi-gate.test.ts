/* EXEC rejected by the gatekeeper itself (wrong arity, NOAUTH), against real Redis 7.0: Redis's
 * execCommandAbort discards the transaction — even when the client was not in MULTI — and wraps
 * the rejection in an EXECABORT error ("ERR" texts lose their code, NOAUTH keeps it). The other
 * rejections (unknown command, arity, NOAUTH of a queued command) only flag the transaction. */

import { test, before, after } from 'node:test';
import { Pair } from '../helpers/servers';

let pair: Pair;

before(async () => {
  pair = await Pair.start({ respite: { requirepass: 'pw' }, redisArgs: ['--requirepass', 'pw'] });
});

after(async () => {
  await pair.close();
});

test('EXEC with arguments: EXECABORT naming the arity error, transaction discarded', async () => {
  await pair.sameAll([
    ['AUTH', 'pw'],
    ['MULTI'],
    ['SET', 'k', '1'],
    ['EXEC', 'now'],
    ['EXEC'],
    ['EXISTS', 'k'],
    ['EXEC', 'x', 'y'], // not in MULTI: still EXECABORT
    ['MULTI'],
    ['SET', 'k', '1'],
    ['DISCARD', 'x'], // an ordinary rejection: flags the transaction, stays in MULTI
    ['EXEC'],
    ['EXISTS', 'k'],
  ]);
});

test('EXEC before AUTH: EXECABORT keeping the NOAUTH code', async () => {
  const [ours, theirs] = await pair.connectMore();
  try {
    for (const cmd of [['EXEC'], ['MULTI'], ['EXEC'], ['AUTH', 'pw'], ['MULTI'], ['EXEC', 'x'], ['EXEC']]) {
      const [a, b] = await Promise.all([ours.raw(...cmd), theirs.raw(...cmd)]);
      if (a !== b) throw new Error(`reply differs for ${cmd.join(' ')}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    }
  } finally {
    ours.close();
    theirs.close();
  }
});
