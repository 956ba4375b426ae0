/* ==========================================================================
 * Queue workload with real clients (ioredis): several producers push unique
 * jobs while several consumers wait in BLPOP / BRPOP / BLMOVE / BLMPOP on
 * the same queues. Every job must be delivered exactly once — nothing lost,
 * nothing twice — and no client may stay blocked at the end. Bounded: a
 * fixed number of jobs, consumers stop when all are accounted for.
 * ========================================================================== */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startRespite } from '../helpers/servers';
import type { RunningServer } from '../../src/index';

let srv: RunningServer;

before(async () => {
  srv = await startRespite();
});

after(async () => {
  await srv.close();
});

const PRODUCERS = 4;
const CONSUMERS = 6;
const JOBS_PER_PRODUCER = 1500;
const TOTAL = PRODUCERS * JOBS_PER_PRODUCER;
const QUEUES = ['jobs:a', 'jobs:b'];

function client(): Redis {
  return new Redis({ port: srv.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
}

/** One consumer: takes jobs with its own blocking command until every job is seen. */
async function consume(r: Redis, kind: number, seen: Map<string, number>, done: () => boolean): Promise<void> {
  while (!done()) {
    let got: string[] = [];
    switch (kind % 4) {
      case 0: {
        const x = await r.blpop(QUEUES[0], QUEUES[1], 0.2);
        if (x !== null) got = [x[1]];
        break;
      }
      case 1: {
        const x = await r.brpop(QUEUES[1], QUEUES[0], 0.2);
        if (x !== null) got = [x[1]];
        break;
      }
      case 2: {
        // Reliable-queue pattern: move to a processing list, then acknowledge.
        const x = await r.blmove(QUEUES[kind % 2], 'processing', 'LEFT', 'RIGHT', 0.2);
        if (x !== null) {
          got = [x];
          assert.equal(await r.lrem('processing', 1, x), 1);
        }
        break;
      }
      default: {
        const x = (await r.call('BLMPOP', '0.2', '2', QUEUES[0], QUEUES[1], 'LEFT', 'COUNT', '7')) as [string, string[]] | null;
        if (x !== null) got = x[1];
        break;
      }
    }
    for (const j of got) seen.set(j, (seen.get(j) ?? 0) + 1);
  }
}

test('many producers, blocked consumers: every job delivered exactly once', async () => {
  const seen = new Map<string, number>();
  let delivered = 0;
  const done = (): boolean => {
    delivered = 0;
    for (const n of seen.values()) delivered += n;
    return delivered >= TOTAL;
  };
  const consumers = Array.from({ length: CONSUMERS }, () => client());
  const producers = Array.from({ length: PRODUCERS }, () => client());
  // Consumers start first and block on empty queues.
  const running = consumers.map((r, i) => consume(r, i, seen, done));
  await Promise.all(producers.map(async (r, p) => {
    for (let i = 0; i < JOBS_PER_PRODUCER; i += 50) {
      const pl = r.pipeline();
      for (let j = i; j < i + 50 && j < JOBS_PER_PRODUCER; j++) {
        const q = QUEUES[(p + j) % 2];
        if (j % 3 === 0) pl.lpush(q, `p${p}:${j}`);
        else pl.rpush(q, `p${p}:${j}`);
      }
      await pl.exec();
    }
  }));
  await Promise.all(running);
  assert.equal(seen.size, TOTAL, 'every job delivered');
  for (const [job, n] of seen) assert.equal(n, 1, `job ${job} delivered ${n} times`);
  const check = producers[0];
  assert.equal(await check.llen(QUEUES[0]), 0);
  assert.equal(await check.llen(QUEUES[1]), 0);
  assert.equal(await check.llen('processing'), 0);
  // Consumers whose last BLPOP timed out are not blocked any more.
  const info = await check.info('clients');
  assert.match(info, /blocked_clients:0/);
  for (const r of [...consumers, ...producers]) r.disconnect();
});
