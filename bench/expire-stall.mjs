/* ==========================================================================
 * Active-expiry stall benchmark (too slow for CI; run by hand after a build):
 *
 *   npx tsc -p . && node bench/expire-stall.mjs [keys=5000000] [hz=10]
 *
 * Phases, each watched by perf_hooks.monitorEventLoopDelay plus a 1 ms
 * interval measuring the largest gap between its ticks:
 *   1. load N keys in-process (Db.add + Db.setExpire, in 10k-key chunks
 *      yielding to the event loop): dict growth / incremental rehash stalls;
 *      every key gets the same deadline, which has passed once loading ends;
 *   2. enable active expiry and wait, without touching any key, until the
 *      cron reclaimed everything: expiry-cycle stalls and reclamation time;
 *   3. add N keys again and delete them all with Db.delete (chunked):
 *      shrink / rehash stalls while the table empties.
 * Prints one JSON line per phase: max event-loop delay (ms), p99, duration,
 * plus attribution of the longest stalls: the longest GC pause (V8 'gc'
 * performance entries) and the longest cron tick in wall and process CPU
 * time (CPU << wall means the process was preempted, e.g. on a busy box).
 * Target: no stall above 50 ms.
 * ========================================================================== */

import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { startServer } from '../dist/src/index.js';

const N = Number(process.argv[2] ?? 5_000_000);
const HZ = Number(process.argv[3] ?? 10);
const CHUNK = 10_000;

const srv = await startServer({ port: 0, hz: HZ });
const server = srv.server;
const db = server.dbs[0];

// Longest GC pause and cron tick per phase.
let gcMax = 0, gcKind = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.duration > gcMax) { gcMax = e.duration; gcKind = e.detail?.kind ?? 0; }
  }
}).observe({ entryTypes: ['gc'] });
let tickWallMax = 0, tickCpuMax = 0;
const cron = server.cron;
const origTick = cron.tick.bind(cron);
cron.tick = () => {
  const t = performance.now();
  const cu = process.cpuUsage();
  origTick();
  const wall = performance.now() - t;
  const c = process.cpuUsage(cu);
  tickWallMax = Math.max(tickWallMax, wall);
  tickCpuMax = Math.max(tickCpuMax, (c.user + c.system) / 1000);
};

/** Watch the event loop during `fn`: histogram max/p99 and the largest 1 ms-interval gap. */
async function watch(name, fn) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now(), maxGap = 0;
  const iv = setInterval(() => {
    const t = performance.now();
    if (t - last > maxGap) maxGap = t - last;
    last = t;
  }, 1);
  h.enable();
  gcMax = 0; gcKind = 0; tickWallMax = 0; tickCpuMax = 0;
  const t0 = performance.now();
  const extra = await fn();
  const ms = performance.now() - t0;
  h.disable();
  clearInterval(iv);
  const r = {
    phase: name,
    keys: N,
    durationMs: Math.round(ms),
    maxDelayMs: +(h.max / 1e6).toFixed(1),
    p99DelayMs: +(h.percentile(99) / 1e6).toFixed(1),
    maxIntervalGapMs: +maxGap.toFixed(1),
    maxGcPauseMs: +gcMax.toFixed(1),
    maxGcKind: gcKind === 4 ? 'major' : gcKind === 1 ? 'minor' : gcKind,
    maxCronTickWallMs: +tickWallMax.toFixed(1),
    maxCronTickCpuMs: +tickCpuMax.toFixed(1),
    ...extra,
  };
  console.log(JSON.stringify(r));
  return r;
}

const tick = () => new Promise((r) => setImmediate(r));

/** Longest chunk of the load / delete loops, wall and process CPU (ms), and where it was. */
let chunkWall = 0, chunkCpu = 0, chunkAt = 0;
function chunkStats() {
  const r = { maxChunkWallMs: +chunkWall.toFixed(1), maxChunkCpuMs: +chunkCpu.toFixed(1), maxChunkAtKey: chunkAt };
  chunkWall = 0; chunkCpu = 0; chunkAt = 0;
  return r;
}
async function chunked(fn) {
  for (let i = 0; i < N; i += CHUNK) {
    const t = performance.now();
    const cu = process.cpuUsage();
    fn(i, Math.min(N, i + CHUNK));
    const w = performance.now() - t;
    const c = process.cpuUsage(cu);
    if (w > chunkWall) { chunkWall = w; chunkCpu = (c.user + c.system) / 1000; chunkAt = i; }
    await tick();
  }
}

async function load(deadline) {
  await chunked((from, to) => {
    for (let k = from; k < to; k++) {
      const key = 'key:' + k;
      db.add(key, 'v');
      if (deadline > 0) db.setExpire(key, deadline);
    }
  });
}

// 1. load with active expiry off; all keys share one deadline.
server.config.activeExpireEnabled = false;
const deadline = Date.now() + 500;
await watch('load', async () => {
  await load(deadline);
  return { size: db.size, volatile: db.expires.size, ...chunkStats() };
});
while (Date.now() <= deadline) await new Promise((r) => setTimeout(r, 10));

// 2. active expiry reclaims everything without any access.
const capBefore = server.stats.expiredTimeCapReached;
await watch('active-expire', async () => {
  server.config.activeExpireEnabled = true;
  while (db.size > 0) await new Promise((r) => setTimeout(r, 5));
  return {
    expiredKeys: server.stats.expiredKeys,
    timeCapReached: server.stats.expiredTimeCapReached - capBefore,
    expireCycleCpuMs: Math.round(server.stats.expireCycleCpuMs),
    staleEstimatePerc: +(server.stats.expiredStalePerc * 100).toFixed(2),
  };
});
// Let the cron shrink the emptied tables.
await watch('shrink-after-expire', async () => {
  for (let i = 0; i < 30 && (db.dict.rehashing || db.expires.rehashing || db.dict.buckets > 4); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return { dictBuckets: db.dict.buckets, expiresBuckets: db.expires.buckets };
});

// 3. add and delete N keys through the Db API.
server.config.activeExpireEnabled = false;
await watch('add-again', async () => {
  await load(0);
  return { size: db.size, ...chunkStats() };
});
await watch('delete-all', async () => {
  await chunked((from, to) => {
    for (let k = from; k < to; k++) db.delete('key:' + k);
  });
  return { size: db.size, dictBuckets: db.dict.buckets, ...chunkStats() };
});

await srv.close();
