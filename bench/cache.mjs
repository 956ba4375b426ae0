#!/usr/bin/env node
/* ==========================================================================
 * Cache benchmark (part 5 of `npm run bench`; also runs on its own):
 *
 *   node bench/cache.mjs [--quick] [--rounds N] [--cache-maxmemory 64mb]
 *        [--cache-policy allkeys-lru[,allkeys-lfu]] [--cache-value-size 100]
 *        [--cache-keys N] [--cache-ops N] [--cache-conns 50] [--cache-pipeline 16]
 *        [--cache-zipf 0.99] [--cache-seconds 60] [--cache-ports A,B] [--cache-respite-redis]
 *   --quick: maxmemory 16mb, 200k ops, 1 round (unless given explicitly).
 *
 * The cache workload: 90% GET / 10% SET of fixed-size values over a
 * Zipf-distributed key space four times larger than maxmemory, against real
 * Redis and Respite started fresh with the same --maxmemory and
 * --maxmemory-policy, in the same run. Per policy:
 *   1. Sizing: N keys = 4 x maxmemory / (bytes per key as measured on Redis:
 *      used_memory delta after loading a sample of the same key/value shape).
 *   2. Load: every key 0..N-1 SET once on each server (the cache fills and
 *      evicts about 3/4 of them), then a warm-up of the workload so the
 *      policy settles on the popular keys. CONFIG RESETSTAT afterwards.
 *   3. Measure: a fixed number of workload ops per server and round (bounded
 *      in time too), run in 4 slices with the servers alternated A B B A ...
 *      so background load on a shared machine hits both alike; the op
 *      sequence is identical for both (same seeds). Load is
 *      50 raw RESP connections x 16 pipelined commands; a minimal reply parser
 *      counts GET hits ($<len>) and misses ($-1).
 * Reported per server: ops/s (best round), hit rate seen by the client and
 * from INFO (keyspace_hits / (hits + misses)), evicted_keys during the last
 * measured round, keys held, used_memory, maxmemory, VmRSS of the server
 * process (and its growth over the empty server's, "RSS gain"), and the
 * client's own CPU share (near 100% = the load generator, not the server,
 * is the limit). Ratios are Respite / Redis.
 *
 * --cache-respite-redis runs a second redis-server in Respite's place (to
 * check the harness itself: both sides should then agree). Everything is
 * bounded (fixed op counts, a time limit per phase, deadlines on every wait);
 * servers are killed at the end, on errors and on SIGINT / SIGTERM.
 * ========================================================================== */

import { children, freePort, killAll, killOnSignals } from './procs.mjs';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');
const NODE_FLAGS = ['--max-semi-space-size=4'];
/** Measured slices per round, alternating the servers (see runPolicy). */
const SLICES = 4;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- options ---------------------------------------------------------------------

/** Defaults of the cache part; `quick` shrinks the budget and the op counts. */
export function cacheDefaults() {
  return {
    maxmemory: '64mb', policies: ['allkeys-lru'], valueSize: 100, keys: 0, ops: 1_000_000,
    conns: 50, pipeline: 16, zipf: 0.99, seconds: 60, respiteRedis: false, ports: null,
    opsSet: false, maxmemorySet: false,
  };
}

/**
 * Handle one --cache-* flag at argv[i] into `c` (the object from
 * cacheDefaults). Returns the index of the last argument consumed, or -1 if
 * the flag is not a cache flag. Throws on a bad value.
 */
export function parseCacheFlag(c, argv, i) {
  const a = argv[i];
  const val = () => {
    if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
    return argv[++i];
  };
  const int = (lo, hi) => {
    const v = Number(val());
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`${a} must be an integer ${lo}..${hi}`);
    return v;
  };
  switch (a) {
    case '--cache-maxmemory': c.maxmemory = val(); memBytes(c.maxmemory); c.maxmemorySet = true; break;
    case '--cache-policy':
      c.policies = val().split(',').filter(Boolean);
      for (const p of c.policies) {
        if (!/^(allkeys|volatile)-(lru|lfu|random)$|^volatile-ttl$|^noeviction$/.test(p)) throw new Error(`bad policy ${p}`);
      }
      break;
    case '--cache-value-size': c.valueSize = int(1, 1 << 20); break;
    case '--cache-keys': c.keys = int(1000, 100_000_000); break;
    case '--cache-ops': c.ops = int(1000, 5_000_000); c.opsSet = true; break;
    case '--cache-conns': c.conns = int(1, 1000); break;
    case '--cache-pipeline': c.pipeline = int(1, 1000); break;
    case '--cache-seconds': c.seconds = int(1, 3600); break;
    case '--cache-zipf': {
      c.zipf = Number(val());
      if (!(c.zipf >= 0 && c.zipf <= 3)) throw new Error('--cache-zipf must be 0..3');
      break;
    }
    case '--cache-respite-redis': c.respiteRedis = true; break;
    case '--cache-ports': {
      c.ports = val().split(',').map(Number);
      if (c.ports.length !== 2 || c.ports.some((p) => !Number.isInteger(p))) throw new Error('--cache-ports takes redis,respite');
      break;
    }
    default: return -1;
  }
  return i;
}

/** Redis's memory units: 1k = 1000, 1kb = 1024, likewise m/mb, g/gb. */
function memBytes(s) {
  const m = /^(\d+)(k|kb|m|mb|g|gb)?$/i.exec(s);
  if (m === null) throw new Error(`bad memory size ${s}`);
  const mult = { k: 1e3, kb: 1024, m: 1e6, mb: 1048576, g: 1e9, gb: 1073741824 }[(m[2] ?? '').toLowerCase()] ?? 1;
  const v = Number(m[1]) * mult;
  if (v < 4 * 1048576) throw new Error(`maxmemory ${s} is too small for this benchmark (>= 4mb)`);
  return v;
}

// --- process management ------------------------------------------------------------

/** Kill the given servers and wait (bounded) until they are gone. */
async function stop(servers) {
  for (const s of servers) {
    if (s.proc.exitCode === null && s.proc.signalCode === null) {
      try { s.proc.kill('SIGKILL'); } catch { /* gone */ }
    }
    children.delete(s.proc);
  }
  const end = Date.now() + 5000;
  while (servers.some((s) => s.proc.exitCode === null && s.proc.signalCode === null) && Date.now() < end) await sleep(20);
}

/**
 * Start a server and wait (bounded) until it answers PING. Resolves with
 * { name, port, pid, proc } or, if the process exits at start (e.g. Respite
 * without maxmemory support rejecting the option), with { failed: stderr }.
 */
async function startServer(name, cmd, args, port) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let out = '';
  proc.stderr.on('data', (d) => { out = (out + d).slice(-20000); });
  proc.stdout.on('data', (d) => { out = (out + d).slice(-20000); });
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) {
      children.delete(proc);
      return { name, failed: `${name} exited at start (${proc.exitCode}): ${lastLines(out)}` };
    }
    try {
      const c = await Admin.connect(port);
      const r = await c.call(['PING'], 2000);
      c.close();
      if (r === 'PONG') break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`${name} did not start on port ${port}: ${lastLines(out)}`);
    await sleep(50);
  }
  return { name, port, pid: proc.pid, proc, log: () => lastLines(out) };
}

function lastLines(s) {
  // Stack frames ("    at ...") dropped: the error line itself is what tells.
  return s.trim().split('\n').filter((l) => !/^\s*$|^\s+at /.test(l)).slice(-2).join(' | ').slice(0, 400);
}

function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? null : Number(m[1]) * 1024;
  } catch { return null; }
}

// --- admin connection: one command at a time, full RESP2 replies -------------------

/** Error reply from the server (kept apart from transport errors). */
class ReplyError extends Error {}

/**
 * A small RESP2 client for setup and INFO: call() sends one command and
 * resolves with the decoded reply (string, number, null, array); an error
 * reply rejects with ReplyError. Every call has a deadline.
 */
class Admin {
  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.waiter = null;
    this.closed = false;
    sock.setNoDelay(true);
    sock.on('data', (d) => { this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]); this.wake(); });
    sock.on('close', () => { this.closed = true; this.wake(); });
    sock.on('error', () => { this.closed = true; this.wake(); });
  }

  static connect(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => { s.removeListener('error', reject); resolve(new Admin(s)); });
      s.once('error', reject);
    });
  }

  wake() {
    const w = this.waiter;
    this.waiter = null;
    if (w !== null) w();
  }

  /** Decode one reply at `pos`: [value, next] or null if incomplete. */
  parse(pos) {
    const b = this.buf;
    const nl = b.indexOf('\r\n', pos, 'latin1');
    if (nl < 0) return null;
    const line = b.toString('latin1', pos + 1, nl);
    const next = nl + 2;
    switch (b[pos]) {
      case 43: return [line, next]; // +
      case 45: return [new ReplyError(line), next]; // -
      case 58: return [Number(line), next]; // :
      case 36: { // $
        const len = Number(line);
        if (len < 0) return [null, next];
        if (b.length < next + len + 2) return null;
        return [b.toString('latin1', next, next + len), next + len + 2];
      }
      case 42: { // *
        const n = Number(line);
        if (n < 0) return [null, next];
        const out = [];
        let p = next;
        for (let i = 0; i < n; i++) {
          const r = this.parse(p);
          if (r === null) return null;
          out.push(r[0]);
          p = r[1];
        }
        return [out, p];
      }
      default: throw new Error(`unexpected reply byte ${b[pos]}`);
    }
  }

  async call(args, timeoutMs = 30000) {
    this.sock.write(encode(args), 'latin1');
    const end = Date.now() + timeoutMs;
    for (;;) {
      const r = this.buf.length > 0 ? this.parse(0) : null;
      if (r !== null) {
        this.buf = this.buf.subarray(r[1]);
        if (r[0] instanceof ReplyError) throw r[0];
        return r[0];
      }
      if (this.closed) throw new Error('connection closed');
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for reply to ${args[0]}`);
      await new Promise((resolve) => {
        const t = setTimeout(() => { this.waiter = null; resolve(); }, left);
        this.waiter = () => { clearTimeout(t); resolve(); };
      });
    }
  }

  /** INFO <section> as a field -> string map. */
  async info(section) {
    const text = await this.call(['INFO', section]);
    const m = new Map();
    for (const l of text.split('\r\n')) {
      const i = l.indexOf(':');
      if (i > 0 && l[0] !== '#') m.set(l.slice(0, i), l.slice(i + 1));
    }
    return m;
  }

  close() { this.sock.destroy(); }
}

function encode(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}

// --- workload ---------------------------------------------------------------------

/** mulberry32: a small seeded 32-bit PRNG (same stream for both servers). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Zipf sampler over ranks 0..n-1 (P(rank r) ~ 1 / (r+1)^s): a precomputed CDF
 * and binary search. Ranks are scattered over key ids by a multiplicative
 * permutation (id = rank * P mod n, P coprime with n), so popular keys are
 * not also the ones loaded last.
 */
function zipfSampler(n, s) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) { sum += 1 / Math.pow(r + 1, s); cdf[r] = sum; }
  for (let r = 0; r < n; r++) cdf[r] /= sum;
  let p = 2654435761 % n;
  while (gcd(p, n) !== 1) p++;
  const small = n * n < Number.MAX_SAFE_INTEGER; // lo * p exact in a double
  return (u) => {
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1; else hi = mid;
    }
    return small ? (lo * p) % n : Number((BigInt(lo) * BigInt(p)) % BigInt(n));
  };
}

function gcd(a, b) { while (b !== 0) [a, b] = [b, a % b]; return a; }

/**
 * The op sequence of one phase: `count` ops as key ids, SETs flagged by the
 * top bit (key ids stay below 2^31). 10% SET / 90% GET.
 */
function makeOps(count, sample, seed) {
  const rnd = prng(seed);
  const ops = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const set = rnd() < 0.1;
    const id = sample(rnd());
    ops[i] = set ? (id | 0x80000000) >>> 0 : id;
  }
  return ops;
}

/** Fixed-width key for id: "k" + 10 digits (ids < 9e9), 11 bytes. */
const keyOf = (id) => 'k' + (1000000000 + id);

/**
 * Pre-encode `ops` for `conns` connections sending batches of `depth`
 * commands (done before the clock starts and shared by both servers, so the
 * load generator spends its time on replies only). Connection j gets the j-th
 * contiguous slice: { buf, ends (byte end of each batch), counts (commands
 * per batch), gets, sets }.
 */
function encodePlan(ops, conns, depth, value) {
  const getHead = '*2\r\n$3\r\nGET\r\n$11\r\n';
  const setHead = '*3\r\n$3\r\nSET\r\n$11\r\n';
  const setTail = `\r\n$${value.length}\r\n${value}\r\n`;
  const plan = [];
  for (let j = 0; j < conns; j++) {
    const from = Math.floor((ops.length * j) / conns), to = Math.floor((ops.length * (j + 1)) / conns);
    const parts = [], ends = [], counts = [];
    let bytes = 0, gets = 0, sets = 0;
    for (let pos = from; pos < to; pos += depth) {
      const n = Math.min(depth, to - pos);
      let out = '';
      for (let k = 0; k < n; k++) {
        const op = ops[pos + k];
        if (op >= 0x80000000) { out += setHead + keyOf(op & 0x7fffffff) + setTail; sets++; } else { out += getHead + keyOf(op) + '\r\n'; gets++; }
      }
      parts.push(out);
      bytes += out.length;
      ends.push(bytes);
      counts.push(n);
    }
    plan.push({ buf: Buffer.from(parts.join(''), 'latin1'), ends, counts, gets, sets });
  }
  return plan;
}

/**
 * Run an encoded plan against `port`, one connection per plan entry, each
 * sending a batch and waiting for all its replies (redis-benchmark -P
 * style). Stops sending at `timeMs`; fails if no batch completes for 30 s.
 * Returns { done, secs, gets, hits, misses, sets, errors, firstError, cpu }
 * (gets / sets: those sent).
 */
async function runOps(port, plan, timeMs) {
  const conns = plan.length;
  const socks = [];
  try {
    for (let j = 0; j < conns; j++) {
      socks.push(await new Promise((resolve, reject) => {
        const s = net.connect({ port, host: '127.0.0.1' }, () => { s.removeListener('error', reject); resolve(s); });
        s.once('error', reject);
      }));
    }
    const tot = { done: 0, gets: 0, hits: 0, misses: 0, sets: 0, errors: 0, firstError: null };
    for (const p of plan) { tot.gets += p.gets; tot.sets += p.sets; }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const stopAt = Date.now() + timeMs;
    let lastProgress = Date.now();
    await new Promise((resolve, reject) => {
      let running = conns;
      const watchdog = setInterval(() => {
        if (Date.now() - lastProgress > 30000) {
          clearInterval(watchdog);
          reject(new Error(`cache bench: no reply from port ${port} for 30 s`));
        }
      }, 1000);
      const finished = () => {
        if (--running === 0) { clearInterval(watchdog); resolve(); }
      };
      socks.forEach((s, j) => {
        s.setNoDelay(true);
        const { buf, ends, counts } = plan[j];
        let batch = 0; // next batch to send
        let inFlight = 0; // replies awaited in the current batch
        let skip = 0; // bytes of a bulk body (+ CRLF) still to skip
        let hdr = null; // a reply header line split across chunks
        const send = () => {
          if (batch >= ends.length || Date.now() > stopAt) { finished(); return; }
          inFlight = counts[batch];
          s.write(buf.subarray(batch === 0 ? 0 : ends[batch - 1], ends[batch]));
          batch++;
        };
        // One reply header line (without CRLF): counts it and sets `skip` for a bulk body.
        const header = (b, from, to) => {
          const t = b[from];
          if (t === 36) { // $
            if (b[from + 1] === 45) tot.misses++;
            else {
              let len = 0;
              for (let q = from + 1; q < to; q++) len = len * 10 + (b[q] - 48);
              tot.hits++;
              skip = len + 2;
            }
          } else if (t === 45) { // -
            tot.errors++;
            if (tot.firstError === null) tot.firstError = b.toString('latin1', from, to);
          } else if (t !== 43 && t !== 58) { // + :
            throw new Error(`cache bench: unexpected reply ${JSON.stringify(b.toString('latin1', from, Math.min(to, from + 80)))}`);
          }
        };
        const replyDone = () => {
          tot.done++;
          if (--inFlight === 0) { lastProgress = Date.now(); send(); }
        };
        s.on('data', (d) => {
          try {
            let i = 0;
            const n = d.length;
            while (i < n) {
              if (skip > 0) {
                const k = Math.min(skip, n - i);
                skip -= k;
                i += k;
                if (skip === 0) replyDone();
                continue;
              }
              const nl = d.indexOf(10, i);
              if (nl < 0) { hdr = hdr === null ? d.subarray(i) : Buffer.concat([hdr, d.subarray(i)]); break; }
              if (hdr !== null) {
                const line = Buffer.concat([hdr, d.subarray(i, nl + 1)]);
                hdr = null;
                header(line, 0, line.length - 2);
              } else header(d, i, nl - 1);
              i = nl + 1;
              if (skip === 0) replyDone();
            }
          } catch (e) { clearInterval(watchdog); reject(e); }
        });
        s.on('error', (e) => { clearInterval(watchdog); reject(e); });
        s.on('close', () => { if (inFlight > 0 || batch < ends.length) { clearInterval(watchdog); reject(new Error('cache bench: connection closed')); } });
        send();
      });
    });
    const secs = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(cpu0);
    return { ...tot, secs, cpu: (c.user + c.system) / 1e6 / secs };
  } finally {
    for (const s of socks) { s.removeAllListeners('close'); s.destroy(); }
  }
}

/**
 * SET every key 0..n-1 once (ids in order) over 4 connections x pipeline
 * 256, in chunks of 100k keys; bounded by `timeMs`. Returns
 * { errors, firstError, ms }: OOM errors are possible under noeviction.
 */
async function loadAll(port, n, value, timeMs) {
  const t0 = Date.now();
  const end = t0 + timeMs;
  const chunk = 100000; // encoded in chunks: all keys at once would be n x ~140 bytes
  let errors = 0, firstError = null;
  for (let from = 0; from < n; from += chunk) {
    const cnt = Math.min(chunk, n - from);
    const ops = new Uint32Array(cnt);
    for (let i = 0; i < cnt; i++) ops[i] = ((from + i) | 0x80000000) >>> 0;
    const r = await runOps(port, encodePlan(ops, 4, 256, value), Math.max(0, end - Date.now()));
    if (r.done < cnt) throw new Error(`cache bench: load of ${n} keys on port ${port} did not finish in ${timeMs / 1000} s`);
    errors += r.errors;
    firstError ??= r.firstError;
  }
  return { errors, firstError, ms: Date.now() - t0 };
}

// --- the benchmark -------------------------------------------------------------------

/**
 * Bytes per key on Redis for this key/value shape: used_memory delta after
 * SETting a sample of keys (kept well under maxmemory so nothing is
 * evicted), then FLUSHALL.
 */
async function bytesPerKey(redis, value, maxBytes) {
  const a = await Admin.connect(redis.port);
  try {
    const sample = Math.max(1000, Math.min(50000, Math.floor(maxBytes / 4 / (value.length + 150))));
    const before = Number((await a.info('memory')).get('used_memory'));
    const r = await loadAll(redis.port, sample, value, 60000);
    if (r.errors > 0) throw new Error(`sizing sample: ${r.firstError}`);
    const after = Number((await a.info('memory')).get('used_memory'));
    const evicted = Number((await a.info('stats')).get('evicted_keys'));
    if (evicted > 0) throw new Error('sizing sample was evicted: use a larger --cache-maxmemory');
    await a.call(['FLUSHALL'], 60000);
    return (after - before) / sample;
  } finally { a.close(); }
}

/** INFO / RSS snapshot of one server after a measured round. */
async function snapshot(s) {
  const a = await Admin.connect(s.port);
  try {
    // A section the server fails to produce (error reply) leaves its fields n/a.
    const sect = async (name) => {
      try { return await a.info(name); } catch (e) { if (e instanceof ReplyError) return null; throw e; }
    };
    const st = await sect('stats');
    const mem = await sect('memory');
    const ks = await sect('keyspace');
    const num = (m, k) => (m !== null && m.has(k) ? Number(m.get(k)) : null);
    const hits = num(st, 'keyspace_hits'), misses = num(st, 'keyspace_misses');
    const db0 = ks?.get('db0');
    return {
      infoHit: hits !== null && misses !== null && hits + misses > 0 ? hits / (hits + misses) : null,
      evicted: num(st, 'evicted_keys'),
      usedMemory: num(mem, 'used_memory'),
      maxmemory: num(mem, 'maxmemory'),
      keys: ks === null ? null : db0 !== undefined ? Number(/keys=(\d+)/.exec(db0)?.[1] ?? NaN) : 0,
      rss: rssBytes(s.pid),
    };
  } finally { a.close(); }
}

/** CONFIG RESETSTAT; false if the server replies an error. */
async function resetStats(s) {
  const a = await Admin.connect(s.port);
  try {
    await a.call(['CONFIG', 'RESETSTAT']);
    return true;
  } catch (e) {
    if (e instanceof ReplyError) return false;
    throw e;
  } finally { a.close(); }
}

const fmtInt = (v) => (v === null || Number.isNaN(v) ? 'n/a' : Math.round(v).toLocaleString('en-US'));
const fmtMB = (v) => (v === null || Number.isNaN(v) ? 'n/a' : `${(v / 1048576).toFixed(1)}MB`);
const fmtPct = (v) => (v === null || Number.isNaN(v) ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const ratio = (a, b) => (a === null || b === null || !b || Number.isNaN(a) ? 'n/a' : (a / b).toFixed(2));

/** One policy: fresh servers, sizing, load + warm-up, measured rounds; prints and returns the rows. */
async function runPolicy(o, policy, rounds) {
  const maxBytes = memBytes(o.maxmemory);
  const [rp, sp] = o.ports ?? [await freePort(), await freePort()];
  const common = ['--bind', '127.0.0.1', '--maxmemory', o.maxmemory, '--maxmemory-policy', policy];
  const redisArgs = (p) => ['--port', String(p), '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', '', ...common];
  const started = [];
  try {
    const redis = await startServer('redis', 'redis-server', redisArgs(rp), rp);
    if (redis.failed) throw new Error(redis.failed);
    started.push(redis);
    let respite = o.respiteRedis
      ? await startServer('respite', 'redis-server', redisArgs(sp), sp)
      : await startServer('respite', process.execPath, [...NODE_FLAGS, MAIN, '--port', String(sp), ...common], sp);
    if (respite.failed) respite = { name: 'respite', na: respite.failed };
    else started.push(respite);
    let servers = [redis, respite].filter((s) => s.na === undefined);
    for (const s of servers) s.rssStart = rssBytes(s.pid); // the empty server's RSS (Node's baseline is ~50 MB)
    /*
     * Run one step against server s. A failure on Respite's side (a crash, a
     * closed connection, a bad reply) is reported and drops Respite from the
     * rest of this policy's run, so Redis's numbers still come out; a failure
     * on Redis's side aborts the benchmark. Either way the server's last log
     * lines are attached.
     */
    const guard = async (s, what, fn) => {
      try {
        return await fn();
      } catch (e) {
        const dead = s.proc.exitCode !== null || s.proc.signalCode !== null;
        const msg = `${what} failed: ${e.message}; server ${dead ? `exited (${s.proc.exitCode ?? s.proc.signalCode})` : 'still running'}: ${s.log()}`;
        if (s !== respite) throw new Error(`${s.name}: ${msg}`);
        respite.na = msg;
        servers = servers.filter((x) => x !== respite);
        console.log(`respite: n/a (${msg})`);
        return null;
      }
    };

    const value = 'v'.repeat(o.valueSize);
    const per = await bytesPerKey(redis, value, maxBytes);
    const n = o.keys > 0 ? o.keys : Math.round((4 * maxBytes) / per);
    if (n >= 0x7fffffff) throw new Error('key space too large');
    console.log(`\n== Cache: 90% GET / 10% SET, Zipf s=${o.zipf} over ${fmtInt(n)} keys ` +
      `(${o.keys > 0 ? 'set by --cache-keys' : `4 x maxmemory at ${per.toFixed(0)} B/key on Redis`}), ` +
      `${o.valueSize}-byte values, maxmemory ${o.maxmemory} ${policy}, ${o.conns} conns x pipeline ${o.pipeline}, ` +
      `${fmtInt(o.ops)} ops x ${rounds} round(s)${o.respiteRedis ? ' [respite side = redis-server]' : ''} ==`);
    if (respite.na !== undefined) console.log(`respite: n/a (${respite.na})`);

    const sample = zipfSampler(n, o.zipf);
    const warm = encodePlan(makeOps(Math.min(Math.max(n, o.ops), 4 * o.ops), sample, 1), o.conns, o.pipeline, value);
    const loads = new Map();
    for (const s of servers) {
      await guard(s, 'load', async () => {
        const l = await loadAll(s.port, n, value, o.seconds * 2000);
        const w = await runOps(s.port, warm, o.seconds * 1000);
        loads.set(s, { loadMs: l.ms, loadErrors: l.errors + w.errors, firstError: l.firstError ?? w.firstError, warmOps: w.done });
      });
    }

    const best = new Map(servers.map((s) => [s, null]));
    const last = new Map();
    for (let r = 0; r < rounds; r++) {
      const reset = new Map();
      for (const s of servers) await guard(s, `round ${r + 1}`, async () => { reset.set(s, await resetStats(s)); });
      const acc = new Map(servers.map((s) => [s, { done: 0, secs: 0, cpuSecs: 0, hits: 0, misses: 0, errors: 0, firstError: null }]));
      // SLICES slices per round, order A B B A A B ...: background load on a shared machine hits both alike.
      for (let k = 0; k < SLICES; k++) {
        const count = Math.floor((o.ops * (k + 1)) / SLICES) - Math.floor((o.ops * k) / SLICES);
        const plan = encodePlan(makeOps(count, sample, 1000 + r * SLICES + k), o.conns, o.pipeline, value);
        const order = (r * SLICES + k) % 2 === 0 ? servers : [...servers].reverse();
        for (const s of order) {
          const a = acc.get(s);
          const left = o.seconds - a.secs;
          if (left <= 0) continue;
          await guard(s, `round ${r + 1}`, async () => {
            const res = await runOps(s.port, plan, left * 1000);
            a.done += res.done; a.secs += res.secs; a.cpuSecs += res.cpu * res.secs;
            a.hits += res.hits; a.misses += res.misses; a.errors += res.errors; a.firstError ??= res.firstError;
          });
        }
      }
      for (const s of servers) {
        await guard(s, `round ${r + 1}`, async () => {
          const a = acc.get(s);
          const snap = await snapshot(s);
          if (!reset.get(s)) snap.infoHit = null; // counters not reset: they would include the load
          const row = { ...a, ...snap, rps: a.done / a.secs, cpu: a.cpuSecs / a.secs,
            clientHit: a.hits + a.misses > 0 ? a.hits / (a.hits + a.misses) : null };
          if (best.get(s) === null || row.rps > best.get(s).rps) best.set(s, row);
          last.set(s, row);
        });
      }
    }

    console.log(`${'server'.padEnd(8)} ${'ops/s'.padStart(10)} ${'hit client'.padStart(10)} ${'hit INFO'.padStart(9)} ` +
      `${'evicted'.padStart(9)} ${'keys'.padStart(9)} ${'used_mem'.padStart(9)} ${'maxmem'.padStart(8)} ${'RSS'.padStart(8)} ` +
      `${'RSS gain'.padStart(9)} ${'client cpu'.padStart(10)} ${'load'.padStart(8)}`);
    const rows = {};
    for (const s of [redis, respite]) {
      if (s.na !== undefined || last.get(s) === undefined) continue;
      const b = best.get(s), l = last.get(s), ld = loads.get(s);
      // Throughput: best round; hit rates, evictions and memory: the last round (the settled state).
      const row = { rps: b.rps, clientHit: l.clientHit, infoHit: l.infoHit, evicted: l.evicted, keys: l.keys,
        usedMemory: l.usedMemory, maxmemory: l.maxmemory, rss: l.rss,
        rssGrowth: l.rss !== null && s.rssStart !== null ? l.rss - s.rssStart : null, cpu: b.cpu, loadMs: ld.loadMs,
        errors: l.errors + ld.loadErrors, firstError: l.firstError ?? ld.firstError, short: l.done < o.ops };
      rows[s.name] = row;
      console.log(`${s.name.padEnd(8)} ${fmtInt(row.rps).padStart(10)} ${fmtPct(row.clientHit).padStart(10)} ${fmtPct(row.infoHit).padStart(9)} ` +
        `${fmtInt(row.evicted).padStart(9)} ${fmtInt(row.keys).padStart(9)} ${fmtMB(row.usedMemory).padStart(9)} ${fmtMB(row.maxmemory).padStart(8)} ` +
        `${fmtMB(row.rss).padStart(8)} ${fmtMB(row.rssGrowth).padStart(9)} ${fmtPct(row.cpu).padStart(10)} ${(row.loadMs / 1000).toFixed(1).padStart(7)}s` +
        `${row.errors > 0 ? `  (${row.errors} error replies: ${row.firstError})` : ''}${row.short ? `  (time limit: ${l.done} ops)` : ''}`);
    }
    if (rows.respite !== undefined) {
      const a = rows.respite, b = rows.redis;
      console.log(`ratio respite/redis: throughput ${ratio(a.rps, b.rps)}, hit rate ${ratio(a.clientHit, b.clientHit)}, ` +
        `RSS ${ratio(a.rss, b.rss)} (above start ${ratio(a.rssGrowth, b.rssGrowth)}), used_memory ${ratio(a.usedMemory, b.usedMemory)}, keys held ${ratio(a.keys, b.keys)}`);
    }
    return { policy, keys: n, bytesPerKey: per, rows };
  } finally {
    await stop(started);
  }
}

/**
 * The cache part: every policy in `o.policies` on fresh servers. `rounds`
 * and `quick` come from the main benchmark's options.
 */
export async function cacheBench(o, { rounds = 2, quick = false } = {}) {
  const c = { ...o };
  if (quick) {
    if (!c.opsSet) c.ops = 200_000;
    if (!c.maxmemorySet) c.maxmemory = '16mb';
  }
  if (!c.respiteRedis && !fs.existsSync(MAIN)) throw new Error(`${MAIN} missing: build first (npx tsc -p .)`);
  const out = [];
  for (const p of c.policies) out.push(await runPolicy(c, p, rounds));
  return out;
}

// --- stand-alone -------------------------------------------------------------------

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  killOnSignals();
  const argv = process.argv.slice(2);
  const o = cacheDefaults();
  let rounds = 2, quick = false, roundsSet = false;
  try {
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === '--quick') { quick = true; continue; }
      if (argv[i] === '--rounds') {
        rounds = Number(argv[++i]);
        roundsSet = true;
        if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) throw new Error('--rounds must be 1..10');
        continue;
      }
      if (argv[i] === '-h' || argv[i] === '--help') {
        console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(2, 10).join('\n'));
        process.exit(0);
      }
      const j = parseCacheFlag(o, argv, i);
      if (j < 0) throw new Error(`unknown option ${argv[i]}`);
      i = j;
    }
  } catch (e) {
    console.error(`cache bench: ${e.message}`);
    process.exit(2);
  }
  if (quick && !roundsSet) rounds = 1;
  cacheBench(o, { rounds, quick }).then(() => { killAll(); process.exit(0); }, (e) => {
    console.error(`cache bench failed: ${e.stack || e}`);
    killAll();
    process.exit(1);
  });
}
