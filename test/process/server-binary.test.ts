/* respite-server as a process: start-up log lines, busy port, signals, config files, daemonize. */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RawClient, freePort } from '../helpers/servers';

const MAIN = path.resolve(__dirname, '../../src/main.js');
/** Redis's log line shape: pid:role dd Mon yyyy hh:mm:ss.mmm <mark> message */
const LOG_LINE = /^\d+:[CM] \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} [.\-*#] .+$/;

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'respite-proc-'));
}

/** Poll `f` every 20 ms until it returns a truthy value or `ms` passes. */
async function waitFor<T>(f: () => T, ms = 10000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Connect to a server that is still starting: retry for up to 10 s. */
async function connectRetry(port: number): Promise<RawClient> {
  const end = Date.now() + 10000;
  for (;;) {
    try {
      return await RawClient.connect(port);
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

function exited(p: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (p.exitCode !== null) resolve(p.exitCode);
    else p.once('exit', (code) => resolve(code));
  });
}

function readLog(f: string): string {
  try { return fs.readFileSync(f, 'latin1'); } catch { return ''; }
}

test('start-up lines, pid, readiness, and a clean exit on SIGTERM and SIGINT', async () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    const d = tmpdir();
    const log = path.join(d, 'r.log');
    const port = await freePort();
    const p = spawn(process.execPath, [MAIN, '--port', String(port), '--logfile', log], { stdio: 'ignore' });
    try {
      await waitFor(() => readLog(log).includes('Ready to accept connections'));
      const text = readLog(log);
      for (const line of text.trim().split('\n')) assert.match(line, LOG_LINE);
      assert.match(text, new RegExp(`pid=${p.pid}, just started`));
      assert.match(text, new RegExp(`Running mode=standalone, port=${port}\\.`));
      const c = await RawClient.connect(port);
      assert.deepEqual(await c.call('PING'), { simple: 'PONG' });
      c.close();
      p.kill(sig);
      assert.equal(await exited(p), 0);
      const after = readLog(log);
      assert.match(after, new RegExp(`Received ${sig} scheduling shutdown`));
      assert.match(after, /ready to exit, bye bye/);
    } finally {
      p.kill('SIGKILL');
      fs.rmSync(d, { recursive: true, force: true });
    }
  }
});

test('a busy port is reported the way Redis reports it, and the process exits 1', async () => {
  const port = await freePort();
  const first = spawn(process.execPath, [MAIN, '--port', String(port), '--logfile', ''], { stdio: 'ignore' });
  try {
    (await connectRetry(port)).close();
    const r = spawnSync(process.execPath, [MAIN, '--port', String(port), '--bind', '127.0.0.1'], { encoding: 'latin1' });
    assert.equal(r.status, 1);
    assert.match(r.stdout, new RegExp(`Could not create server TCP listening socket 127\\.0\\.0\\.1:${port}: bind: Address already in use`));
    assert.match(r.stdout, new RegExp(`Failed listening on port ${port} \\(TCP\\), aborting\\.`));
  } finally {
    first.kill('SIGKILL');
  }
});

test('redis.conf files: directives apply; a bad directive stops start-up naming file and line', async () => {
  const d = tmpdir();
  try {
    const port = await freePort();
    const good = path.join(d, 'good.conf');
    fs.writeFileSync(good, `# a comment\nport ${port}\nrequirepass "s3cret"\ndatabases 4\nsave ""\nappendonly no\n`);
    const p = spawn(process.execPath, [MAIN, good], { stdio: 'ignore' });
    try {
      const conn = await connectRetry(port);
      assert.deepEqual(await conn.call('GET', 'k'), { error: 'NOAUTH Authentication required.' });
      assert.deepEqual(await conn.call('AUTH', 's3cret'), { simple: 'OK' });
      assert.deepEqual(await conn.call('SELECT', '4'), { error: 'ERR DB index is out of range' });
      conn.close();
    } finally {
      p.kill('SIGKILL');
    }
    const bad = path.join(d, 'bad.conf');
    fs.writeFileSync(bad, 'port 0\nnot-a-directive yes\n');
    const r = spawnSync(process.execPath, [MAIN, bad], { encoding: 'latin1' });
    assert.equal(r.status, 1);
    assert.equal(r.stderr,
      '\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n' +
      `Reading the configuration file, at line 2 (${fs.realpathSync(bad)})\n` +
      ">>> 'not-a-directive yes'\nBad directive or wrong number of arguments\n");
    const aof = spawnSync(process.execPath, [MAIN, '--port', '0', '--appendonly', 'yes'], { encoding: 'latin1' });
    assert.equal(aof.status, 1, 'asking for persistence that does not exist must fail loudly');
    assert.match(aof.stderr, /AOF persistence is not supported/);
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('daemonize yes: the launcher exits 0, the daemon writes its pidfile and removes it on SHUTDOWN', async () => {
  const d = tmpdir();
  const pidfile = path.join(d, 'r.pid');
  const port = await freePort();
  try {
    const r = spawnSync(process.execPath,
      [MAIN, '--port', String(port), '--daemonize', 'yes', '--pidfile', pidfile, '--logfile', path.join(d, 'r.log')],
      { encoding: 'latin1', timeout: 10000 });
    assert.equal(r.status, 0);
    const pid = Number((await waitFor(() => readLog(pidfile))).trim());
    assert.ok(pid > 0 && pid !== r.pid);
    const c = await connectRetry(port);
    assert.deepEqual(await c.call('PING'), { simple: 'PONG' });
    c.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n');
    await c.waitClose();
    await waitFor(() => !fs.existsSync(pidfile));
  } finally {
    // Only a real pid: kill(0) would signal this test's whole process group.
    const left = Number(readLog(pidfile).trim());
    if (left > 0) try { process.kill(left, 'SIGKILL'); } catch { /* exited */ }
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('--version and --help', () => {
  const v = spawnSync(process.execPath, [MAIN, '--version'], { encoding: 'latin1' });
  assert.equal(v.status, 0);
  assert.match(v.stdout, /v=7\.0\.15 .*build=respite-/);
  const h = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'latin1' });
  assert.equal(h.status, 1);
  assert.match(h.stderr, /^Usage: respite-server/);
});
