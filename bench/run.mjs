#!/usr/bin/env node
/* ==========================================================================
 * Respite benchmark: real Redis and Respite side by side, in one run.
 *
 *   npm run bench                         (compiles, then runs this file)
 *   node bench/run.mjs [--quick] [--tests set,get] [--pipelines 1,16]
 *                      [--rounds N] [--skip-throughput] [--skip-memory]
 *                      [--skip-stall] [--skip-messaging] [--skip-cache] [--stall-keys N]
 *                      [--memory-keys N] [--ports A,B] [--cache-* options: see bench/cache.mjs]
 *
 * Five parts:
 *   1. Throughput: redis-benchmark (50 clients, --csv) against each server for
 *      every test x pipeline depth. -n is sized per server from a short probe
 *      so each run lasts ~3 s; the two servers are alternated (and the order
 *      flipped every round) so neither gets a warmer machine on 2 cores. The
 *      best run of each server is reported. A test whose command Respite does
 *      not implement yet is reported as n/a.
 *   2. Memory per key: 1M keys key:0..key:999999 with 3-byte values loaded
 *      through raw pipelined RESP; (VmRSS after - VmRSS before) / keys.
 *   3. Event-loop stall: 5M keys with expiry deadlines spread over a 3 s
 *      window; a client PINGs every 5 ms while they expire, and the largest
 *      PING round trip is the worst stall a client sees.
 *   4. Messaging (bench/messaging.mjs): PUBLISH fan-out to 1 / 100 / 1000
 *      subscribers (messages delivered per second) and MULTI/EXEC blocks.
 *   5. Cache (bench/cache.mjs): 90% GET / 10% SET over a Zipf key space 4x
 *      maxmemory, both servers with the same maxmemory and policy (default
 *      64mb, allkeys-lru): ops/s, hit rates, evictions, memory held.
 *
 * Everything is bounded (fixed key counts, deadlines on every wait) and both
 * servers are killed at the end, on errors and on SIGINT / SIGTERM.
 * Requires redis-server and redis-benchmark (Redis 7.0) on PATH and a built
 * dist/ (npm run bench builds it).
 * ========================================================================== */

import { spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { messagingBench } from './messaging.mjs';
import { children, freePort, killAll, killOnSignals } from './procs.mjs';
import { cacheBench, cacheDefaults, parseCacheFlag } from './cache.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');
/** The V8 flags respite-server runs with (its shebang and `npm start`): see docs/architecture.md. */
const NODE_FLAGS = ['--max-semi-space-size=4'];
const ALL_TESTS = ['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR', 'MSET', 'LPUSH', 'RPOP', 'LRANGE_100', 'SADD', 'SPOP', 'HSET', 'ZADD', 'ZPOPMIN', 'ZRANGEBYSCORE', 'PFADD'];
/**
 * Tests redis-benchmark has no -t name for: run as custom command lines (its CSV names them by the
 * command line; the first word identifies them). `preload` fills each server once before the test.
 */
const CUSTOM_TESTS = {
  PFADD: { args: ['-r', '100000000', 'pfadd', 'bench:hll', 'ele:__rand_int__'] },
  ZRANGEBYSCORE: {
    args: ['-r', '100000', 'zrangebyscore', 'bench:bigz', '__rand_int__', '+inf', 'LIMIT', '0', '10'],
    // A 100k-member sorted set, scores 0..99999.
    preload: { count: 1000, make: (i) => encode(['ZADD', 'bench:bigz', ...Array.from({ length: 100 }, (_, j) => [String(i * 100 + j), 'm' + (i * 100 + j)]).flat()]) },
  },
};
const CLIENTS = 50;
/** Target duration of one redis-benchmark run (seconds). */
const TARGET_SECONDS = 3;

// --- command line --------------------------------------------------------------

/** Parse argv into options; unknown flags are an error (typos must not pass silently). */
function parseArgs(argv) {
  const o = {
    quick: false, tests: ALL_TESTS, pipelines: [1, 16], rounds: 2, throughput: true, memory: true,
    stall: true, messaging: true, cache: true, cacheOpts: cacheDefaults(), memoryKeys: 1_000_000, stallKeys: 5_000_000, ports: null,
  };
  let roundsSet = false, memSet = false, stallSet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--quick': o.quick = true; break;
      case '--tests': o.tests = val().split(',').filter(Boolean).map((t) => t.trim().toUpperCase()); break;
      case '--pipelines': o.pipelines = val().split(',').map((p) => Number(p)); break;
      case '--rounds': o.rounds = Number(val()); roundsSet = true; break;
      case '--skip-throughput': o.throughput = false; break;
      case '--skip-memory': o.memory = false; break;
      case '--skip-stall': o.stall = false; break;
      case '--skip-messaging': o.messaging = false; break;
      case '--skip-cache': o.cache = false; break;
      case '--memory-keys': o.memoryKeys = Number(val()); memSet = true; break;
      case '--stall-keys': o.stallKeys = Number(val()); stallSet = true; break;
      case '--ports': o.ports = val().split(',').map(Number); break;
      case '-h': case '--help':
        console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(2, 12).join('\n'));
        process.exit(0);
        break;
      default: {
        const j = parseCacheFlag(o.cacheOpts, argv, i);
        if (j < 0) throw new Error(`unknown option ${a}`);
        i = j;
      }
    }
  }
  if (o.quick) {
    if (!roundsSet) o.rounds = 1;
    if (!memSet) o.memoryKeys = 100_000;
    if (!stallSet) o.stallKeys = 200_000;
  }
  for (const p of o.pipelines) if (!Number.isInteger(p) || p < 1 || p > 1000) throw new Error(`bad pipeline ${p}`);
  if (!Number.isInteger(o.rounds) || o.rounds < 1 || o.rounds > 10) throw new Error('--rounds must be 1..10');
  if (o.ports !== null && (o.ports.length !== 2 || o.ports.some((p) => !Number.isInteger(p)))) {
    throw new Error('--ports takes two ports: redis,respite');
  }
  return o;
}

// --- process management ----------------------------------------------------------

killOnSignals();

/** Kill every server and wait (bounded) for the processes to exit. */
async function stopAll() {
  const procs = [...children];
  killAll();
  const deadline = Date.now() + 5000;
  while (procs.some((p) => p.exitCode === null && p.signalCode === null) && Date.now() < deadline) await sleep(20);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Start a server process and wait (bounded) until it answers PING. */
async function startServer(name, cmd, args, port) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(proc);
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited at start (${proc.exitCode}): ${stderr}`);
    try {
      const c = await RespConn.connect(port);
      const r = await c.command(['PING']);
      c.close();
      if (r === '+PONG') break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`${name} did not start on port ${port}: ${stderr}`);
    await sleep(50);
  }
  return { name, port, pid: proc.pid, proc };
}

function rssBytes(pid) {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(s);
  if (m === null) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

// --- a minimal raw RESP connection -------------------------------------------------

/**
 * Raw RESP client for the loaders and the PING prober. `command` sends one
 * command and resolves with the first reply line (enough for +OK, +PONG,
 * :n and errors). `pipeline` streams many pre-encoded commands and counts
 * replies by scanning for CRLF (every reply used here is one line).
 */
class RespConn {
  constructor(sock) {
    this.sock = sock;
    this.buf = '';
    this.waiter = null;
    this.lines = 0;
    this.lineWaiter = null;
    this.errors = 0;
    this.firstError = null;
    this.counting = false;
    this.lastWasNl = true;
    this.closed = false;
    sock.setNoDelay(true);
    sock.on('data', (d) => this.onData(d));
    sock.on('close', () => { this.closed = true; this.wake(); });
    sock.on('error', () => { this.closed = true; this.wake(); });
  }

  static connect(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new RespConn(s)));
      s.once('error', reject);
    });
  }

  onData(d) {
    if (this.counting) {
      // Count complete lines; remember the first error line.
      for (let i = 0; i < d.length; i++) {
        if (d[i] === 10) this.lines++;
        else if (d[i] === 45 /* '-' */ && this.errors === 0 && (i === 0 ? this.lastWasNl : d[i - 1] === 10)) {
          this.errors++;
          this.firstError = d.toString('latin1', i, Math.min(d.length, i + 200)).split('\r\n')[0];
        }
      }
      this.lastWasNl = d[d.length - 1] === 10;
      this.wake();
      return;
    }
    this.buf += d.toString('latin1');
    this.wake();
  }

  wake() {
    const w = this.waiter;
    this.waiter = null;
    if (w !== null) w();
  }

  wait(timeoutMs) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.waiter = null; reject(new Error('timeout waiting for reply')); }, timeoutMs);
      this.waiter = () => { clearTimeout(t); resolve(); };
    });
  }

  async command(args, timeoutMs = 10000) {
    this.sock.write(encode(args));
    for (;;) {
      const nl = this.buf.indexOf('\r\n');
      if (nl >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = '';
        return line;
      }
      if (this.closed) throw new Error('connection closed');
      await this.wait(timeoutMs);
    }
  }

  /**
   * Send `total` commands produced by make(i) in batches, keeping at most two
   * batches in flight, and wait for every reply. Returns the error count.
   */
  async pipeline(total, make, batch = 10000, timeoutMs = 60000) {
    this.counting = true;
    this.lastWasNl = true;
    this.lines = 0;
    let sent = 0;
    while (sent < total || this.lines < total) {
      while (sent < total && sent - this.lines < 2 * batch) {
        const n = Math.min(batch, total - sent);
        const parts = new Array(n);
        for (let k = 0; k < n; k++) parts[k] = make(sent + k);
        this.sock.write(parts.join(''), 'latin1');
        sent += n;
      }
      if (this.lines >= total) break;
      if (this.closed) throw new Error('connection closed during pipeline');
      await this.wait(timeoutMs);
    }
    this.counting = false;
    return this.errors;
  }

  close() {
    this.sock.destroy();
  }
}

function encode(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}

// --- part 1: throughput --------------------------------------------------------------

/**
 * One redis-benchmark run. Returns { rps } or { na: reason }. The run is
 * bounded by a timeout well above its expected length.
 */
function runBenchmark(port, test, pipeline, n) {
  const custom = CUSTOM_TESTS[test];
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(CLIENTS), '-n', String(n),
    '-P', String(pipeline), '--csv', ...(custom !== undefined ? custom.args : ['-t', test.toLowerCase()])];
  const r = spawnSync('redis-benchmark', args, { encoding: 'utf8', timeout: 120000 });
  if (r.error) throw new Error(`redis-benchmark failed to run: ${r.error.message}`);
  const err = (r.stderr || '').split('\n').filter((l) => l && !l.startsWith('WARNING')).join(' ');
  if (/unknown command/i.test(err)) return { na: 'unknown command' };
  if (r.status !== 0) return { na: `redis-benchmark exit ${r.status}: ${err.slice(0, 120)}` };
  // Test names as redis-benchmark prints them: "PING_INLINE", "SET", "MSET (10 keys)".
  for (const line of r.stdout.split('\n')) {
    const m = /^"([^"]+)","([\d.]+)"/.exec(line);
    if (m !== null && m[1].split(' ')[0].toUpperCase() === test) return { rps: Number(m[2]) };
  }
  return { na: `no csv line for ${test}: ${r.stdout.slice(0, 200)} ${err.slice(0, 200)}` };
}

/** Requests for one run: probe the rate with a short run, then size for TARGET_SECONDS. */
function sizeRun(port, test, pipeline, quick) {
  const base = quick ? 5000 : 20000;
  const probeN = base * Math.min(pipeline, 16);
  if (quick) return { n: probeN };
  const probe = runBenchmark(port, test, pipeline, probeN);
  if (probe.na !== undefined) return probe;
  const n = Math.round(Math.min(Math.max(probe.rps * TARGET_SECONDS, 50000), 20_000_000) / 1000) * 1000;
  return { n };
}

async function throughput(redis, respite, o) {
  console.log(`\n== Throughput: redis-benchmark -c ${CLIENTS}, best of ${o.rounds} round(s), ` +
    `n sized for ~${o.quick ? '<1' : TARGET_SECONDS} s per run ==`);
  const results = [];
  for (const test of o.tests) {
    const pre = CUSTOM_TESTS[test]?.preload;
    if (pre !== undefined) {
      for (const s of [redis, respite]) {
        const c = await RespConn.connect(s.port);
        await c.pipeline(pre.count, pre.make);
        c.close();
      }
    }
    for (const p of o.pipelines) {
      const sizes = new Map();
      for (const s of [redis, respite]) sizes.set(s, sizeRun(s.port, test, p, o.quick));
      const best = new Map([[redis, null], [respite, null]]);
      const na = new Map();
      for (let round = 0; round < o.rounds; round++) {
        const order = round % 2 === 0 ? [redis, respite] : [respite, redis];
        for (const s of order) {
          const size = sizes.get(s);
          if (size.na !== undefined) { na.set(s, size.na); continue; }
          const r = runBenchmark(s.port, test, p, size.n);
          if (r.na !== undefined) { na.set(s, r.na); continue; }
          if (best.get(s) === null || r.rps > best.get(s)) best.set(s, r.rps);
        }
      }
      const row = { test, pipeline: p, redis: best.get(redis), respite: best.get(respite),
        na: na.get(respite) ?? na.get(redis) ?? null };
      results.push(row);
      printRow(row);
    }
  }
  return results;
}

function fmtRps(v) {
  return v === null ? 'n/a' : Math.round(v).toLocaleString('en-US');
}

let headerPrinted = false;
function printRow(r) {
  if (!headerPrinted) {
    console.log(`${'test'.padEnd(12)} ${'pipeline'.padStart(8)} ${'redis rps'.padStart(12)} ${'respite rps'.padStart(12)} ${'ratio'.padStart(6)}`);
    headerPrinted = true;
  }
  const ratio = r.redis !== null && r.respite !== null ? (r.respite / r.redis).toFixed(2) : 'n/a';
  const note = r.na !== null ? `  (${r.na})` : '';
  console.log(`${r.test.padEnd(12)} ${String(r.pipeline).padStart(8)} ${fmtRps(r.redis).padStart(12)} ` +
    `${fmtRps(r.respite).padStart(12)} ${ratio.padStart(6)}${note}`);
}

// --- part 2: memory per key ------------------------------------------------------------

/** Encoded "SET key:i vvv" (3-byte value derived from i, so the load is deterministic). */
function setCmd(i) {
  const k = 'key:' + i;
  const v = String(i % 1000).padStart(3, '0');
  return `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$3\r\n${v}\r\n`;
}

async function memoryPerKey(redis, respite, o) {
  const n = o.memoryKeys;
  console.log(`\n== Memory: ${n.toLocaleString('en-US')} keys key:0..key:${n - 1}, 3-byte values (VmRSS delta) ==`);
  const out = {};
  for (const s of [redis, respite]) {
    const c = await RespConn.connect(s.port);
    const before = rssBytes(s.pid);
    const t0 = Date.now();
    const errors = await c.pipeline(n, setCmd);
    const loadMs = Date.now() - t0;
    if (errors > 0) throw new Error(`${s.name}: ${errors} error replies while loading (${c.firstError})`);
    await sleep(1000); // let allocator / GC settle
    const after = rssBytes(s.pid);
    c.close();
    const per = (after - before) / n;
    out[s.name] = { before, after, per, loadMs };
    console.log(`${s.name.padEnd(8)} RSS ${(before / 1048576).toFixed(1)} MB -> ${(after / 1048576).toFixed(1)} MB, ` +
      `${per.toFixed(1)} bytes/key (load ${loadMs} ms, ${Math.round(n / (loadMs / 1000)).toLocaleString('en-US')} keys/s)`);
  }
  console.log(`ratio respite/redis: ${(out.respite.per / out.redis.per).toFixed(2)}`);
  return out;
}

// --- part 3: event-loop stall while keys expire ----------------------------------------

/**
 * Load `n` keys whose PXAT deadlines are spread over [T0, T0 + 3 s], then
 * PING every 5 ms from another connection while they expire and report the
 * largest round trip. T0 must fall after the load: the load rate is
 * calibrated first (200k SETs of one key) and the estimate padded 2.5x,
 * because inserting millions of distinct keys is slower than overwriting
 * one. Probing lasts until DBSIZE reaches 0 (servers without DBSIZE: a
 * fixed 9 s), bounded by 60 s after the window.
 */
async function stall(s, n) {
  const loader = await RespConn.connect(s.port);
  const calN = 200000;
  const tc = Date.now();
  await loader.pipeline(calN, () => '*3\r\n$3\r\nSET\r\n$3\r\ncal\r\n$1\r\nv\r\n');
  const calRate = calN / Math.max(1, (Date.now() - tc) / 1000);
  const t0 = Math.floor(Date.now() + (n / calRate) * 1000 * 2.5 + 2000);
  const windowMs = 3000;
  const tl = Date.now();
  const errors = await loader.pipeline(n, (i) => {
    const k = 'exp:' + i;
    const at = String(t0 + Math.floor((i * 7919) % windowMs));
    return `*5\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$${at.length}\r\n${at}\r\n`;
  }, 10000, 120000);
  const loadMs = Date.now() - tl;
  if (errors > 0) throw new Error(`${s.name}: ${errors} error replies while loading (${loader.firstError})`);
  const late = Date.now() > t0;
  const hasDbsize = (await loader.command(['DBSIZE'])).startsWith(':');
  const prober = await RespConn.connect(s.port);
  const start = Math.max(t0 - 500, Date.now());
  while (Date.now() < start) await sleep(10);
  const hardEnd = start + windowMs + 60000;
  const softEnd = start + windowMs + 6000;
  let max = 0, count = 0, sum = 0, left = -1, lastCheck = 0;
  const tp = Date.now();
  while (Date.now() < hardEnd && count < 100000) {
    const a = performance.now();
    const r = await prober.command(['PING'], 30000);
    const rtt = performance.now() - a;
    if (r !== '+PONG') throw new Error(`${s.name}: PING replied ${r}`);
    if (rtt > max) max = rtt;
    sum += rtt;
    count++;
    if (Date.now() - lastCheck > 500) {
      lastCheck = Date.now();
      if (hasDbsize) {
        // DBSIZE counts keys not yet reclaimed (1 = the calibration key).
        left = Number((await loader.command(['DBSIZE'])).slice(1)) - 1;
        if (left <= 0 && Date.now() > start + windowMs) break;
      } else if (Date.now() > softEnd) break;
    }
    await sleep(5);
  }
  const probeMs = Date.now() - tp;
  loader.close();
  prober.close();
  console.log(`${s.name.padEnd(8)} loaded ${n.toLocaleString('en-US')} keys in ${loadMs} ms${late ? ' (load overran the expiry start)' : ''}; ` +
    `${count} PINGs over ${(probeMs / 1000).toFixed(1)} s: max ${max.toFixed(1)} ms, mean ${(sum / Math.max(1, count)).toFixed(2)} ms; ` +
    `keys left ${hasDbsize ? left : 'n/a (no DBSIZE)'}`);
  return { max, mean: sum / Math.max(1, count), count };
}

// --- main ------------------------------------------------------------------------------------

/** Start a fresh redis-server and Respite (on --ports if given, else free ports). */
async function startBoth(o) {
  const [rp, sp] = o.ports ?? [await freePort(), await freePort()];
  const redis = await startServer('redis', 'redis-server',
    ['--port', String(rp), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', ''], rp);
  const respite = await startServer('respite', process.execPath, [...NODE_FLAGS, MAIN, '--port', String(sp), '--bind', '127.0.0.1'], sp);
  return [redis, respite];
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const v = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (v.error || !/v=7\.0\./.test(v.stdout)) throw new Error(`redis-server 7.0 is required (found: ${v.stdout || v.error})`);
  if (spawnSync('redis-benchmark', ['--version'], { encoding: 'utf8' }).error) throw new Error('redis-benchmark is required');
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} missing: run "npm run bench" (it compiles first)`);
  const [redis, respite] = await startBoth(o);
  console.log(`redis-server 7.0 pid ${redis.pid} port ${redis.port}; respite pid ${respite.pid} port ${respite.port}; ` +
    `node ${process.version}; ${os.cpus().length} cpus, load average ${os.loadavg()[0].toFixed(2)} ` +
    '(numbers are only comparable on an idle machine)');
  if (o.throughput) await throughput(redis, respite, o);
  if (o.messaging) {
    console.log('\n== Messaging: pub/sub fan-out and MULTI/EXEC (best of rounds) ==');
    console.log('test                     redis          respite        ratio');
    for (const r of await messagingBench(redis.port, respite.port, { rounds: o.rounds, quick: o.quick })) {
      console.log(`${r.name.padEnd(22)} ${fmtRps(r.redis).padStart(10)} ${r.unit.padEnd(5)} ${fmtRps(r.respite).padStart(10)} ${r.unit.padEnd(5)} ${r.ratio.toFixed(2)}`);
    }
  }
  if (o.memory) {
    // Fresh servers: heaps grown by the throughput runs would hide the per-key growth.
    await stopAll();
    const [redis2, respite2] = await startBoth(o);
    await memoryPerKey(redis2, respite2, o);
  }
  if (o.stall) {
    console.log(`\n== Stall: ${o.stallKeys.toLocaleString('en-US')} keys expiring over 3 s, PING every 5 ms ==`);
    // Fresh servers: the memory phase's keys would otherwise add to the load.
    await stopAll();
    const [redis3, respite3] = await startBoth(o);
    await stall(respite3, o.stallKeys);
    await stall(redis3, o.stallKeys);
  }
  if (o.cache) {
    // Fresh servers started with --maxmemory / --maxmemory-policy by the cache part itself.
    await stopAll();
    await cacheBench(o.cacheOpts, { rounds: o.rounds, quick: o.quick });
  }
  killAll();
}

main().then(() => process.exit(0), (e) => {
  console.error(`bench failed: ${e.stack || e}`);
  killAll();
  process.exit(1);
});
