/* ==========================================================================
 * Real client: redis-py (Debian's python3-redis 4.3.x), the Python client.
 *
 * Each script in test/clients/py/ drives redis-py against a server given by
 * --port, asserts Redis 7.0's behaviour check by check, prints a JSON
 * summary and exits non-zero on any failure. Every script runs against a
 * real redis-server first (proof that its expectations are Redis's) and then
 * against Respite spawned as its own process (`node dist/src/main.js`, so
 * SHUTDOWN and killed connections behave as in production); both must pass.
 * The server script also reports redis-py's parse of COMMAND and the field
 * names of every INFO section, compared here between the two servers.
 *
 * Python 3 with the redis module is required: if it is missing the tests
 * FAIL with instructions (CI installs python3-redis in .ci/run), never skip.
 * RESP3 is not covered: redis-py 4.3 has no protocol=3 (it came in 5.0).
 * ========================================================================== */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort, RawClient } from '../helpers/servers';

const PY_DIR = path.resolve(__dirname, '../../../test/clients/py');
const MAIN_JS = path.resolve(__dirname, '../../src/main.js');

// --- Python interpreter -------------------------------------------------------

/**
 * The first interpreter that can import redis: $RESPITE_PYTHON, python3 on
 * PATH, then Debian's /usr/bin/python3 (python3-redis installs there, which
 * a pyenv/venv python3 earlier on PATH does not see). Throws with a clear
 * message when there is none.
 */
function findPython(): { bin: string; version: string } {
  const candidates = [process.env.RESPITE_PYTHON, 'python3', '/usr/bin/python3'].filter((x): x is string => !!x);
  const tried: string[] = [];
  for (const bin of candidates) {
    const r = spawnSync(bin, ['-c', 'import redis; print(redis.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { bin, version: r.stdout.trim() };
    tried.push(`${bin}: ${(r.error?.message ?? r.stderr.trim().split('\n').pop()) || `exit ${r.status}`}`);
  }
  throw new Error('redis-py tests need python3 with the redis module (Debian: apt-get install -y python3-redis; '
    + `or set RESPITE_PYTHON). Tried: ${tried.join('; ')}`);
}

let python: { bin: string; version: string };

// --- servers ------------------------------------------------------------------

interface Proc { port: number; proc: ChildProcess; close(): Promise<void>; }

/** Resolve once the server on `port` answers PING (optionally after AUTH). */
async function waitReady(port: number, proc: ChildProcess, password?: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (proc.exitCode !== null) throw new Error(`server on port ${port} exited with ${proc.exitCode}`);
    try {
      const c = await RawClient.connect(port);
      if (password !== undefined) {
        const a = await c.call('AUTH', Buffer.from(password, 'utf8'));
        if (typeof a === 'object' && a !== null && 'error' in a) {
          c.close();
          throw new Error(`server on port ${port} refused the password: ${String(a.error)}`);
        }
      }
      const r = await c.call('PING');
      c.close();
      if (typeof r === 'object' && r !== null && 'simple' in r) return;
    } catch (e) {
      if (/refused the password/.test((e as Error).message)) throw e;
      /* not listening yet */
    }
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`server on port ${port} did not answer PING`);
}

function closer(proc: ChildProcess): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

/** Wait until the spawned server answers; if it never does, kill it (no leaked process) and throw. */
async function ready(port: number, proc: ChildProcess, password?: string): Promise<Proc> {
  const close = closer(proc);
  try {
    await waitReady(port, proc, password);
  } catch (e) {
    await close();
    throw e;
  }
  return { port, proc, close };
}

/** Respite as a child process: `node dist/src/main.js --port P ...args`. */
async function spawnRespite(args: string[] = [], password?: string): Promise<Proc> {
  const port = await freePort();
  const proc = spawn(process.execPath, [MAIN_JS, '--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--logfile', '', '--loglevel', 'warning', ...args], { stdio: 'ignore' });
  return ready(port, proc, password);
}

/** A real redis-server 7.0 (the oracle), same options as Respite's. */
async function spawnRedis(args: string[] = [], password?: string): Promise<Proc> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning', ...args], { stdio: 'ignore' });
  return ready(port, proc, password);
}

/** redis-server must exist and be 7.0 (CI installs it); fail loudly otherwise. */
function checkRedis(): void {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0 || !/v=7\.0\./.test(r.stdout)) {
    throw new Error(`redis-server 7.0 is required: ${r.error?.message ?? r.stdout.trim()}`);
  }
}

// --- running a script ---------------------------------------------------------

interface Summary {
  script: string;
  checks: number;
  failed: number;
  failures: { check: string; detail: string }[];
  notes: Record<string, unknown>;
}

/** Run `python3 py/<script>.py --port P ...extra` (bounded); resolves with its summary. */
function runScript(script: string, port: number, extra: string[] = []): Promise<{ code: number; summary: Summary | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(python.bin, [path.join(PY_DIR, `${script}.py`), '--port', String(port), ...extra],
      { cwd: PY_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`${script}.py timed out`)); }, 120000);
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('close', (code) => {
      clearTimeout(timer);
      const o = Buffer.concat(out).toString('utf8');
      const lines = o.trim().split('\n');
      let summary: Summary | null = null;
      try { summary = JSON.parse(lines[lines.length - 1]) as Summary; } catch { /* reported below */ }
      resolve({ code: code ?? -1, summary, out: o, err: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Run a script against one server and assert it passed; returns its summary. */
async function mustPass(script: string, server: string, port: number, extra: string[] = []): Promise<Summary> {
  const r = await runScript(script, port, extra);
  assert.ok(r.summary, `${script}.py against ${server} printed no JSON summary (exit ${r.code}):\n${r.out}\n${r.err}`);
  const s = r.summary;
  const detail = s.failures.map((f) => `  - ${f.check}: ${f.detail}`).join('\n');
  assert.equal(s.failed, 0, `${script}.py against ${server}: ${s.failed} of ${s.checks} checks failed:\n${detail}`);
  assert.equal(r.code, 0, `${script}.py against ${server} exited ${r.code}:\n${r.err}`);
  assert.ok(s.checks > 0, `${script}.py ran no checks`);
  return s;
}

/** The script against real Redis (must pass: its expectations are Redis's), then against Respite. */
async function bothPass(script: string, redisPort: number, respitePort: number, extra: string[] = []): Promise<[Summary, Summary]> {
  const theirs = await mustPass(script, 'real Redis', redisPort, extra);
  const ours = await mustPass(script, 'Respite', respitePort, extra);
  if (script !== 'errors') assert.equal(ours.checks, theirs.checks, `${script}.py ran a different number of checks`);
  return [theirs, ours];
}

// --- tests --------------------------------------------------------------------

let redis: Proc;
let respite: Proc;

before(async () => {
  python = findPython();
  checkRedis();
  redis = await spawnRedis();
  respite = await spawnRespite();
});

after(async () => {
  await Promise.all([redis?.close(), respite?.close()]);
});

test('redis-py: python3 and the redis module are available (4.x)', () => {
  assert.match(python.version, /^4\./, `expected redis-py 4.x (Debian's python3-redis), found ${python.version}`);
});

for (const script of ['strings', 'bitmaps', 'keyspace', 'concurrency']) {
  test(`redis-py: ${script}.py passes against real Redis and Respite`, async () => {
    await bothPass(script, redis.port, respite.port);
  });
}

test('redis-py: errors.py passes; the arity sweep covers the same commands', async () => {
  // The sweep follows each server's COMMAND table, so Respite's run is shorter;
  // every command it swept must have been swept (same arity) on real Redis too.
  const [theirs, ours] = await bothPass('errors', redis.port, respite.port);
  const tswept = new Set(theirs.notes.swept as string[]);
  assert.deepEqual((ours.notes.swept as string[]).filter((n) => !tswept.has(n)), []);
  assert.ok((ours.notes.swept as string[]).length > 40);
});

test('redis-py: server.py passes; COMMAND and INFO parse the same on both', async () => {
  const [theirs, ours] = await bothPass('server', redis.port, respite.port);
  type Cmd = Record<string, unknown> & { subcommands: unknown[][] };
  const tc = theirs.notes.commands as Record<string, Cmd>;
  const oc = ours.notes.commands as Record<string, Cmd>;
  for (const [name, o] of Object.entries(oc)) {
    const t = tc[name];
    assert.ok(t, `Respite lists '${name}', real Redis does not`);
    // Respite may lack subcommands (e.g. CLIENT TRACKING): compare the ones it has.
    const tsubs = new Map(t.subcommands.map((s) => [s[0], s]));
    for (const s of o.subcommands) assert.deepEqual(s, tsubs.get(s[0]), `COMMAND entry of subcommand ${String(s[0])}`);
    assert.deepEqual({ ...o, subcommands: [] }, { ...t, subcommands: [] }, `redis-py's parse of COMMAND entry '${name}'`);
  }
  const tf = theirs.notes.info_fields as Record<string, string[]>;
  const of = ours.notes.info_fields as Record<string, string[]>;
  for (const [section, fields] of Object.entries(tf)) {
    const missing = fields.filter((f) => !(of[section] ?? []).includes(f));
    assert.deepEqual(missing, [], `INFO ${section}: fields real Redis has and Respite lacks`);
  }
  // Same Python types after redis-py's parse (an int must not come back as a float or a string),
  // except ids whose digits vary run to run.
  const tt = theirs.notes.info_types as Record<string, unknown>;
  const ot = ours.notes.info_types as Record<string, unknown>;
  const varying = new Set(['redis_build_id', 'run_id', 'master_replid', 'master_replid2', 'executable', 'config_file', 'os']);
  for (const [field, type] of Object.entries(tt)) {
    if (varying.has(field) || !(field in ot)) continue;
    assert.deepEqual(ot[field], type, `INFO field ${field}: type after redis-py's parse`);
  }
});

test('redis-py: auth.py (requirepass set at run time by CONFIG SET)', async () => {
  await bothPass('auth', redis.port, respite.port);
});

/** Start a real Redis and a Respite with the same extra args; if either fails, close the other. */
async function startPair(args: string[], password?: string): Promise<[Proc, Proc]> {
  const [a, b] = await Promise.allSettled([spawnRedis(args, password), spawnRespite(args, password)]);
  if (a.status === 'fulfilled' && b.status === 'fulfilled') return [a.value, b.value];
  if (a.status === 'fulfilled') await a.value.close();
  if (b.status === 'fulfilled') await b.value.close();
  throw a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason;
}

/** Run `fn` with a fresh pair of servers started with `args`; always closes them. */
async function withPair(args: string[], fn: (a: Proc, b: Proc) => Promise<void>, password?: string): Promise<void> {
  const [a, b] = await startPair(args, password);
  try {
    await fn(a, b);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

test('redis-py: auth.py against servers started with requirepass', async () => {
  const pw = 'start-up password';
  await withPair(['--requirepass', pw], (a, b) => bothPass('auth', a.port, b.port, ['--password', pw]).then(() => {}), pw);
});

// Known bug (see the report): Respite reads command-line options as UTF-16 JS
// strings while AUTH compares byte strings (latin1), so a non-ASCII password
// given with --requirepass never matches. A redis.conf file is read correctly.
test('redis-py: non-ASCII requirepass given on the command line', async () => {
  const pw = 'start-up pässwörd';
  await withPair(['--requirepass', pw], (a, b) => bothPass('auth', a.port, b.port, ['--password', pw]).then(() => {}), pw);
});

test('redis-py: debug.py against servers with enable-debug-command yes', async () => {
  await withPair(['--enable-debug-command', 'yes'], (a, b) => bothPass('debug', a.port, b.port).then(() => {}));
});

test('redis-py: shutdown.py stops the server (exit code 0)', async () => {
  const exited = (p: Proc) => new Promise<number | null>((resolve) => {
    if (p.proc.exitCode !== null) return resolve(p.proc.exitCode);
    p.proc.once('exit', (code) => resolve(code));
  });
  await withPair([], async (a, b) => {
    await bothPass('shutdown', a.port, b.port);
    assert.deepEqual(await Promise.all([exited(a), exited(b)]), [0, 0], 'exit codes after SHUTDOWN NOSAVE');
  });
});
