/* ==========================================================================
 * Real tools: redis-cli (arguments, --raw, --pipe mass insertion) and a
 * redis-benchmark smoke run against an in-process Respite.
 *
 * The tools run as child processes (asynchronously: the server lives in this
 * process and must keep serving while they run). They are required: a
 * missing redis-cli / redis-benchmark fails the test loudly (CI installs
 * redis-tools), it never skips.
 * ========================================================================== */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { startRespite, startRedis, RawClient, type RealRedis } from '../helpers/servers';
import type { RunningServer } from '../../src/index';

let srv: RunningServer;
let real: RealRedis;

function requireTool(name: string): void {
  try {
    execFileSync(name, ['--version'], { encoding: 'utf8' });
  } catch (e) {
    throw new Error(`${name} is required for the client tests (install redis-tools): ${(e as Error).message}`);
  }
}

before(async () => {
  requireTool('redis-cli');
  requireTool('redis-benchmark');
  srv = await startRespite();
  real = await startRedis();
});

after(async () => {
  await srv.close();
  await real.close();
});

/** Run a tool to completion (bounded), optionally feeding stdin; resolves with stdout. */
function run(cmd: string, args: string[], input?: Buffer | string, timeoutMs = 60000): Promise<{ out: string; err: string; code: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const t = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`${cmd} timed out`)); }, timeoutMs);
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', (e) => { clearTimeout(t); reject(e); });
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ out: Buffer.concat(out).toString('latin1'), err: Buffer.concat(err).toString('latin1'), code: code ?? -1 });
    });
    p.stdin.on('error', () => { /* tool may exit early */ });
    p.stdin.end(input ?? '');
  });
}

const cli = (...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(srv.port), ...args]);
const cliRedis = (...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(real.port), ...args]);

/** Run the same redis-cli invocation against Respite and real Redis; outputs must be identical. */
async function same(...args: string[]): Promise<string> {
  const [a, b] = await Promise.all([cli(...args), cliRedis(...args)]);
  assert.equal(a.out, b.out, `redis-cli ${args.join(' ')}`);
  assert.equal(a.err, b.err, `redis-cli ${args.join(' ')} (stderr)`);
  assert.equal(a.code, b.code);
  return a.out;
}

test('redis-cli: commands as arguments (formatted with --no-raw)', async () => {
  assert.equal(await same('--no-raw', 'PING'), 'PONG\n');
  assert.equal(await same('--no-raw', 'SET', 'cli:k', 'hello world'), 'OK\n');
  assert.equal(await same('--no-raw', 'GET', 'cli:k'), '"hello world"\n');
  assert.equal(await same('--no-raw', 'GET', 'cli:none'), '(nil)\n');
  assert.equal(await same('--no-raw', 'SET', 'cli:k', 'v', 'EX', 'abc'), '(error) ERR value is not an integer or out of range\n');
  await same('--no-raw', 'NOSUCHCMD', 'x');
  assert.equal(await same('--no-raw', 'SET', 'cli:bin', 'a\tb\x01'), 'OK\n');
  assert.equal(await same('--no-raw', 'GET', 'cli:bin'), '"a\\tb\\x01"\n');
  // Not a tty: raw output by default.
  assert.equal(await same('GET', 'cli:k'), 'hello world\n');
});

test('redis-cli --raw prints values unquoted', async () => {
  await same('SET', 'cli:raw', 'line1\nline2');
  assert.equal(await same('--raw', 'GET', 'cli:raw'), 'line1\nline2\n');
  await same('--raw', 'GET', 'cli:none');
  assert.equal(await same('--raw', 'PING'), 'PONG\n');
  await same('--raw', 'SET', 'cli:raw', 'v', 'EX', 'x');
  await same('--raw', 'PING', '');
});

test('redis-cli reads commands from stdin', async () => {
  // Without a command on the command line and stdin not a tty, redis-cli runs stdin lines.
  const res = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(srv.port)], 'SET cli:stdin abc\nGET cli:stdin\n');
  assert.equal(res.out, 'OK\nabc\n');
});

test('redis-cli --pipe mass insertion', async () => {
  const N = 50000;
  const parts: string[] = [];
  for (let i = 0; i < N; i++) {
    const k = `pipe:${i}`;
    const v = `value-${i}`;
    parts.push(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`);
  }
  const piped = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(srv.port), '--pipe'], parts.join(''), 120000);
  assert.equal(piped.code, 0, piped.err + piped.out);
  assert.match(piped.out, new RegExp(`errors: 0, replies: ${N}`));
  const c = await RawClient.connect(srv.port);
  try {
    assert.equal(await c.call('GET', 'pipe:0'), 'value-0');
    assert.equal(await c.call('GET', `pipe:${N - 1}`), `value-${N - 1}`);
  } finally {
    c.close();
  }
});

test('redis-cli --pipe reports errors', async () => {
  const input = '*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n*5\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n$2\r\nEX\r\n$1\r\nx\r\n';
  const piped = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(srv.port), '--pipe'], input);
  const theirs = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(real.port), '--pipe'], input);
  assert.equal(piped.out + piped.err, theirs.out + theirs.err);
  assert.match(piped.out + piped.err, /ERR value is not an integer or out of range/);
  assert.match(piped.out, /errors: 1, replies: 2/);
});

test('redis-benchmark smoke run (-n 1000)', async () => {
  const r = await run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(srv.port), '-n', '1000', '-c', '10',
    '-t', 'ping,set,get', '--csv'], undefined, 120000);
  assert.equal(r.code, 0, r.err);
  for (const t of ['PING_INLINE', 'PING_MBULK', 'SET', 'GET']) {
    const m = new RegExp(`^"${t}","([\\d.]+)"`, 'm').exec(r.out);
    assert.ok(m !== null, `no result for ${t} in ${r.out}`);
    assert.ok(Number(m[1]) > 0);
  }
  // Pipelined too.
  const p = await run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(srv.port), '-n', '2000', '-c', '5', '-P', '16',
    '-t', 'set,get', '--csv'], undefined, 120000);
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, /^"GET","[\d.]+"/m);
});
