/* ==========================================================================
 * Test helpers: start Respite in-process and a real redis-server (the oracle
 * for differential tests) on free loopback ports.
 *
 * The real server is required: if redis-server is missing the tests fail
 * loudly (CI installs it in .ci/run), they never skip silently.
 * ========================================================================== */

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as assert from 'node:assert/strict';
import { startServer, type RunningServer, type ServerOptions } from '../../src/index';
import { RawClient } from './resp';

export { RawClient };

export async function startRespite(options: ServerOptions = {}): Promise<RunningServer> {
  return startServer({ port: 0, ...options });
}

/** A free TCP port on loopback (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export interface RealRedis {
  port: number;
  proc: ChildProcess;
  close(): Promise<void>;
}

let checked = false;
function redisBinary(): string {
  if (!checked) {
    try {
      const v = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
      if (!/v=7\.0\./.test(v)) throw new Error(`differential tests need Redis 7.0, found: ${v.trim()}`);
    } catch (e) {
      throw new Error(`redis-server (7.0) is required for differential tests: ${(e as Error).message}`);
    }
    checked = true;
  }
  return 'redis-server';
}

/** Start a real redis-server with extra `--name value` args; resolves once it answers PING. */
export async function startRedis(args: string[] = []): Promise<RealRedis> {
  const bin = redisBinary();
  const port = await freePort();
  const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning', ...args], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    try {
      const c = await RawClient.connect(port);
      const r = await c.call('PING');
      c.close();
      if (typeof r === 'object' && r !== null && 'simple' in r) break;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return {
    port,
    proc,
    close: () => new Promise<void>((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    }),
  };
}

/**
 * A pair of connections, one to Respite and one to real Redis, for
 * differential tests: `same(...)` sends a command to both and asserts the
 * raw reply bytes are identical.
 */
export class Pair {
  private constructor(
    readonly ours: RawClient,
    readonly theirs: RawClient,
    private readonly respite: RunningServer,
    private readonly redis: RealRedis,
  ) {}

  static async start(opts: { respite?: ServerOptions; redisArgs?: string[] } = {}): Promise<Pair> {
    const respite = await startRespite(opts.respite ?? {});
    const redis = await startRedis(opts.redisArgs ?? []);
    const ours = await RawClient.connect(respite.port);
    const theirs = await RawClient.connect(redis.port);
    return new Pair(ours, theirs, respite, redis);
  }

  /** Send to both; return both raw replies (no assertion). */
  async both(...args: (string | Buffer | number)[]): Promise<[string, string]> {
    const [a, b] = await Promise.all([this.ours.raw(...args), this.theirs.raw(...args)]);
    return [a, b];
  }

  /** Send to both and assert byte-identical replies; returns the reply. */
  async same(...args: (string | Buffer | number)[]): Promise<string> {
    const [a, b] = await this.both(...args);
    assert.equal(a, b, `reply differs for ${JSON.stringify(args.map(String)).slice(0, 300)}`);
    return a;
  }

  /** `same()` for each command in order. */
  async sameAll(cmds: readonly (readonly (string | Buffer | number)[])[]): Promise<void> {
    for (const cmd of cmds) await this.same(...cmd);
  }

  /** A second pair of connections to the same two servers. */
  async connectMore(): Promise<[RawClient, RawClient]> {
    return [await RawClient.connect(this.respite.port), await RawClient.connect(this.redis.port)];
  }

  get respitePort(): number { return this.respite.port; }
  get redisPort(): number { return this.redis.port; }
  get respiteServer(): RunningServer { return this.respite; }

  async close(): Promise<void> {
    this.ours.close();
    this.theirs.close();
    await Promise.all([this.respite.close(), this.redis.close()]);
  }
}

/** Deterministic PRNG (mulberry32) for seeded random sequences. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
