/* Differential tests of the server family against real Redis 7.0:
 * INFO field names and order per section (values differ), CONFIG errors and
 * values byte for byte (plus a seeded random CONFIG SET/GET sequence), TIME's
 * shape, DEBUG replies, SHUTDOWN errors, and redis.conf / command-line
 * loading errors of redis-server itself. */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { Pair, RawClient, freePort, rng, startRespite } from '../helpers/servers';
import { parseReply, type Reply } from '../helpers/resp';
import { Config } from '../../src/config/table';
import { ConfigError, loadServerConfig, parseCommandLine } from '../../src/config/loader';

const DEBUG_OPTS = { respite: { 'enable-debug-command': 'yes' }, redisArgs: ['--enable-debug-command', 'yes'] };

/** Decode a raw bulk reply into its text. */
function text(raw: string): string {
  const r = parseReply(Buffer.from(raw, 'latin1'), 0);
  assert.ok(r !== null);
  const v = r[0];
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && 'verbatim' in v) return v.verbatim;
  assert.fail(`not a string reply: ${raw.slice(0, 80)}`);
}

/** "# Section" headers and field names of an INFO text, in order. */
function shape(info: string): string[] {
  return info.split('\r\n').filter((l) => l !== '').map((l) => (l.startsWith('#') ? l : l.slice(0, l.indexOf(':'))));
}

/** A map reply (RESP2 flat array or RESP3 map) as a sorted list of pairs. */
function pairs(raw: string): string[] {
  const r = parseReply(Buffer.from(raw, 'latin1'), 0)![0] as Reply;
  const flat: Reply[] = Array.isArray(r) ? r : (r as { map: [Reply, Reply][] }).map.flat();
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push(`${String(flat[i])}=${String(flat[i + 1])}`);
  return out.sort();
}

test('INFO: every section has Redis 7.0.15\'s fields in Redis\'s order', async () => {
  const pair = await Pair.start();
  try {
    for (const section of ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules',
      'cluster']) {
      const [a, b] = await pair.both('INFO', section);
      const ours = shape(text(a)).filter((f) => f !== 'respite_version');
      assert.deepEqual(ours, shape(text(b)), `section ${section}`);
    }
    for (const sel of [[], ['default'], ['all'], ['everything'], ['SERVER', 'keyspace'], ['foo'], ['keyspace', 'foo'],
      ['default', 'commandstats'], ['all', 'default']]) {
      const [a, b] = await pair.both('INFO', ...sel);
      const heads = (s: string) => text(s).split('\r\n').filter((l) => l.startsWith('# '));
      assert.deepEqual(heads(a), heads(b), `INFO ${sel.join(' ')}`);
    }
    await pair.same('INFO', 'foo');
    await pair.same('INFO', 'modules');
  } finally {
    await pair.close();
  }
});

test('INFO: commandstats, errorstats, latencystats and keyspace report the same entries', async () => {
  const pair = await Pair.start();
  try {
    await pair.same('CONFIG', 'RESETSTAT');
    await pair.same('SET', 'a', '1');
    await pair.same('SET', 'b', '2', 'EX', '100');
    await pair.same('GET', 'a');
    await pair.same('GET', 'a', 'b');
    await pair.same('SET', 'a', '1', 'EX', 'x');
    await pair.same('NOSUCHCOMMAND');
    await pair.same('CONFIG', 'GET', 'hz');
    await pair.same('CONFIG');
    const names = async (section: string) => {
      const [a, b] = await pair.both('INFO', section);
      const f = (s: string) => shape(text(s)).filter((x) => !x.includes('info')).sort();
      return [f(a), f(b)];
    };
    for (const s of ['commandstats', 'latencystats']) {
      const [a, b] = await names(s);
      assert.deepEqual(a, b, s);
    }
    const [ea, eb] = await pair.both('INFO', 'errorstats');
    assert.equal(ea, eb);
    // calls / rejected / failed counters agree (times do not)
    const [ca, cb] = await pair.both('INFO', 'commandstats');
    const counters = (s: string) => text(s).split('\r\n').filter((l) => l.startsWith('cmdstat_') && !l.startsWith('cmdstat_info'))
      .map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, '')).sort();
    assert.deepEqual(counters(ca), counters(cb));
    const [ka, kb] = await pair.both('INFO', 'keyspace');
    assert.equal(text(ka).replace(/avg_ttl=\d+/, ''), text(kb).replace(/avg_ttl=\d+/, ''));
    // RESP3: INFO is a verbatim string
    await pair.both('HELLO', '3');
    const [a3, b3] = await pair.both('INFO', 'cluster');
    assert.equal(a3, b3);
    assert.ok(a3.startsWith('=34\r\ntxt:'));
  } finally {
    await pair.close();
  }
});

test('CONFIG: errors, HELP and values byte for byte', async () => {
  const pair = await Pair.start();
  try {
    const cmds: string[][] = [
      ['CONFIG', 'SET', 'foo', '1'],
      // Found by the cross-family fuzzer: CR/LF from the client broke the reply line; %s ends at NUL.
      ['CONFIG', 'SET', 'x\r\n', '1'], ['CONFIG', 'SET', 'a\r\nb', '1'], ['CONFIG', 'SET', 'h\0z', '1'],
      ['CONFIG', 'SET', '\r\n', '1', 'hz', '5'],
      ['CONFIG', 'SET', 'hz', 'abc'],
      ['CONFIG', 'SET', 'HZ', 'abc'],
      ['CONFIG', 'SET', 'hz', '10', 'hz', '11'],
      ['CONFIG', 'SET', 'hz', '5', 'HZ', '6'],
      ['CONFIG', 'SET', 'hz', 'x', 'foo', '1'],
      ['CONFIG', 'SET', 'foo', '1', 'hz', 'x'],
      ['CONFIG', 'SET', 'databases', '3'],
      ['CONFIG', 'SET', 'unixsocketperm', '777'],
      ['CONFIG', 'SET', 'hz', '1', 'databases', '3'],
      ['CONFIG', 'SET', 'databases', '3', 'foo', '1'],
      ['CONFIG', 'SET', 'dir', '/tmp'],
      ['CONFIG', 'SET', 'enable-debug-command', 'yes'],
      ['CONFIG', 'SET', 'hz', '-1'],
      ['CONFIG', 'SET', 'maxclients', '0'],
      ['CONFIG', 'SET', 'maxclients', '-5'],
      ['CONFIG', 'SET', 'loglevel', 'xx'],
      ['CONFIG', 'SET', 'protected-mode', 'maybe'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '10'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '1x'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', ''],
      ['CONFIG', 'SET', 'port', 'abc'],
      ['CONFIG', 'SET', 'port', '-1'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 abc'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '101'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50  99'],
      ['CONFIG', 'SET', 'hz'],
      ['CONFIG', 'SET', 'hz', '1', 'foo'],
      ['CONFIG', 'GET'],
      ['CONFIG', 'FOO'],
      ['CONFIG'],
      ['CONFIG', 'HELP'],
      ['CONFIG', 'HELP', 'x'],
      ['CONFIG', 'RESETSTAT', 'x'],
      ['CONFIG', 'REWRITE'],
      ['CONFIG', 'REWRITE', 'x'],
      ['CONFIG', 'SET', 'hz', '1000000'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', '0'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', '10', 'timeout', '0', 'latency-tracking-info-percentiles', '99.9 50 0.0001'],
      ['CONFIG', 'GET', 'latency-tracking-info-percentiles'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', ''],
      ['CONFIG', 'GET', 'latency-tracking-info-percentiles'],
      // Found by the cross-family fuzzer: "%f" prints -0.0 as "-0".
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '-0 50 -0.0'],
      ['CONFIG', 'GET', 'latency-tracking-info-percentiles'],
      ['CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99 99.9'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '9223372036854775807'],
      ['CONFIG', 'GET', 'proto-max-bulk-len'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '2mb', 'client-query-buffer-limit', '1GB'],
      ['CONFIG', 'GET', 'proto-max-bulk-len'],
      ['CONFIG', 'GET', 'client-query-buffer-limit'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '512mb'],
      ['CONFIG', 'GET', 'nosuch'],
      ['CONFIG', 'GET', 'HZ'],
      ['CONFIG', 'GET', 'hz', 'HZ'],
      ['CONFIG', 'GET', 'HZ', 'h?'],
      ['CONFIG', 'SET', 'loglevel', 'WARNING'],
      ['CONFIG', 'GET', 'loglevel'],
      ['CONFIG', 'GET', 'unixsocket'],
      ['CONFIG', 'GET', 'unixsocketperm'],
      ['CONFIG', 'GET', 'requirepass'],
      ['CONFIG', 'GET', 'enable-debug-command'],
      ['CONFIG', 'GET', 'tcp-backlog'],
      ['CONFIG', 'SET', 'port', '0', 'bind', 'a', 'foo', 'x'],
    ];
    for (const c of cmds) await pair.same(...c);
    // A name with a NUL inside: Redis looks names up in a dict hashed over the whole name but compared
    // with strcasecmp (stops at NUL), so "databases\0" finds "databases" only when the per-process hash
    // seed puts both in one bucket (seen once in CI). Respite always answers "unknown option".
    const [nulOurs, nulTheirs] = await pair.both('CONFIG', 'SET', 'databases\0', '3');
    const unknown = "-ERR Unknown option or number of arguments for CONFIG SET - 'databases'\r\n";
    assert.equal(nulOurs, unknown);
    assert.ok([unknown, "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n"]
      .includes(nulTheirs), nulTheirs);
    // multi-parameter GET: same pairs (Redis's order is its hash table's)
    const [a, b] = await pair.both('CONFIG', 'GET', 'hz', 'timeout', 'maxclients', 'tcp-keepalive', 'databases',
      'protected-mode', 'latency-tracking', 'active-expire-effort', 'enable-protected-configs');
    assert.deepEqual(pairs(a), pairs(b));
    // every parameter Respite declares exists in Redis
    const [all, allTheirs] = await pair.both('CONFIG', 'GET', '*');
    const theirs = new Set(pairs(allTheirs).map((p) => p.slice(0, p.indexOf('='))));
    for (const p of pairs(all)) assert.ok(theirs.has(p.slice(0, p.indexOf('='))), p);
  } finally {
    await pair.close();
  }
});

test('CONFIG SET/GET: seeded random sequence matches Redis byte for byte', async () => {
  const pair = await Pair.start();
  const r = rng(20251126);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const params: Record<string, readonly string[]> = {
    hz: ['1', '10', '100', '501', '0', '-1', 'abc', '2147483647', '2147483648', ' 5', '5 ', '0x10', '007'],
    'tcp-keepalive': ['0', '60', '300', '-1', 'x', '2147483647'],
    timeout: ['0', '10000', '-1', 'abc', '99999999999'],
    maxclients: ['100', '10000', '4294967295', '4294967296', '0', '-1', 'many'],
    'active-expire-effort': ['1', '5', '10', '11', '0', 'x'],
    'proto-max-bulk-len': ['1mb', '1048575', '2MB', '1gb', '512mb', '1k', 'k', '1 mb', '-1', '1048576', '3g'],
    'client-query-buffer-limit': ['1mb', '1gb', '2GB', '10', 'x', '1048576'],
    'protected-mode': ['yes', 'no', 'YES', 'No', 'maybe', '1'],
    'latency-tracking': ['yes', 'no', 'on'],
    'latency-tracking-info-percentiles': ['50 99 99.9', '', '99', '0 100', '100.1', '-1', 'x', '1e1 50.5', '50  99', ' 50'],
    loglevel: ['debug', 'verbose', 'notice', 'warning', 'NOTICE', 'nothing', 'loud'],
  };
  const names = Object.keys(params);
  try {
    await pair.same('CONFIG', 'SET', 'loglevel', 'notice');
    for (let i = 0; i < 1500; i++) {
      const n = 1 + Math.floor(r() * 3);
      const args: string[] = ['CONFIG', 'SET'];
      for (let j = 0; j < n; j++) {
        const roll = r();
        const name = roll < 0.05 ? pick(['nosuch', 'unixsocketperm', 'databases', 'dir']) : pick(names);
        const spelled = r() < 0.2 ? name.toUpperCase() : name;
        args.push(spelled, params[name] !== undefined ? pick(params[name]) : 'x');
      }
      await pair.same(...args);
      await pair.same('CONFIG', 'GET', pick(names));
    }
  } finally {
    await pair.close();
  }
});

test('TIME: two bulk strings, seconds and microseconds, close to Redis\'s clock', async () => {
  const pair = await Pair.start();
  try {
    const [a, b] = await pair.both('TIME');
    const re = /^\*2\r\n\$10\r\n(\d{10})\r\n\$\d\r\n(\d{1,6})\r\n$/;
    const ma = re.exec(a), mb = re.exec(b);
    assert.ok(ma !== null && mb !== null, `${JSON.stringify(a)} ${JSON.stringify(b)}`);
    assert.ok(Math.abs(Number(ma[1]) - Number(mb[1])) <= 2);
    await pair.same('TIME', 'x');
  } finally {
    await pair.close();
  }
});

test('DEBUG: protected by default, then replies like Redis', async () => {
  const plain = await Pair.start();
  try {
    await plain.same('DEBUG', 'SLEEP', '0');
    await plain.same('DEBUG');
  } finally {
    await plain.close();
  }
  const pair = await Pair.start(DEBUG_OPTS);
  try {
    const same = [
      ['DEBUG', 'foo'], ['DEBUG', 'FOO', 'bar'], ['DEBUG', 'object'], ['DEBUG', 'object', 'nokey'],
      ['DEBUG', 'sleep'], ['DEBUG', 'sleep', '0'], ['DEBUG', 'sleep', 'abc'], ['DEBUG', 'sleep', '-1'],
      ['DEBUG', 'sleep', 'inf'], ['DEBUG', 'SLEEP', '0.001'],
      ['DEBUG', 'set-active-expire', '0'], ['DEBUG', 'set-active-expire', 'abc'], ['DEBUG', 'set-active-expire'],
      ['DEBUG', 'set-active-expire', '1', '2'], ['DEBUG', 'set-active-expire', '1'],
      ['DEBUG', 'error', 'my err'], ['DEBUG', 'error', '-x'], ['DEBUG', 'error', 'a\r\nb'], ['DEBUG', 'log', 'hello'],
      ['DEBUG', 'change-repl-id'], ['DEBUG', 'change-repl-id', 'x'], ['DEBUG', 'protocol'],
      ['DEBUG', 'protocol', 'foo'], ['DEBUG', 'help', 'x'], ['DEBUG', 'nosuch'], ['DEBUG', 'digest', 'x'],
      ['DEBUG', 'populate', '-1'], ['DEBUG', 'populate', 'x'], ['DEBUG', 'populate', '1', 'a', 'b'],
      ['DEBUG', 'populate', '3'], ['DEBUG', 'populate', '2', 'pre', '3'], ['DEBUG', 'populate', '1', 'abc', '12'],
      ['GET', 'key:0'], ['GET', 'key:2'], ['GET', 'pre:1'], ['GET', 'abc:0'], ['DEBUG', 'populate', '0'],
      ['DEBUG', 'config-rewrite-force-all'],
    ];
    for (const c of same) await pair.same(...c);
    for (const proto of ['2', '3']) {
      await pair.both('HELLO', proto);
      for (const t of ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push',
        'verbatim', 'true', 'FALSE']) {
        // (the test client cannot parse RESP3 attributes: attrib is checked in test/commands)
        if (t === 'attrib' && proto === '3') continue;
        await pair.same('DEBUG', 'PROTOCOL', t);
        if (t === 'push' && proto === '3') {
          // the push message is followed by the command's own reply
          const [x, y] = await Promise.all([pair.ours.readReply(), pair.theirs.readReply()]);
          assert.equal(x[1].toString('latin1'), y[1].toString('latin1'));
        }
      }
    }
    await pair.both('HELLO', '2');
    // DEBUG ERROR is raw protocol: not an error reply in errorstats
    const [ea, eb] = await pair.both('INFO', 'errorstats');
    assert.equal(text(ea), text(eb));
    // our HELP lists a subset of Redis's entries, each with Redis's lines
    const [ha, hb] = await pair.both('DEBUG', 'HELP');
    const theirs = hb.split('\r\n');
    for (const line of ha.split('\r\n').slice(1)) assert.ok(theirs.includes(line), line);
  } finally {
    await pair.close();
  }
});

test('DEBUG OBJECT: encoding, refcount and serializedlength match Redis (seeded random strings)', async () => {
  const pair = await Pair.start(DEBUG_OPTS);
  const r = rng(7);
  const rand = (n: number, alphabet: string) => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
    return s;
  };
  // [value, exact]: Redis's LZF hash table is uninitialised stack memory, so on
  // very repetitive input stale slots can find a few extra matches; sizes of
  // such values are compared within a margin, all others exactly.
  const values: [string, boolean][] = ['', '0', '1', '-1', '9999', '10000', '123', '-128', '127', '128', '-32768',
    '32768', '2147483647', '2147483648', '-2147483649', '9223372036854775807', '01', '1.5', ' 1', 'hello',
    'a'.repeat(21), 'a'.repeat(73), 'ab'.repeat(100), 'x'.repeat(300), 'abc'.repeat(7000)].map((v) => [v, true]);
  const wide = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  for (let i = 0; i < 300; i++) {
    const len = Math.floor(r() * (r() < 0.8 ? 120 : 3000));
    values.push([rand(len, wide), true]);
    const unit = rand(1 + Math.floor(r() * 40), pick(r, [wide, 'abcdefgh', 'xyzzy ', '\x00\x01\xff']));
    values.push([unit.repeat(1 + Math.floor(r() * 30)), false]);
  }
  try {
    for (let i = 0; i < values.length; i++) {
      const [v, exact] = values[i];
      await pair.same('SET', `k${i}`, v);
      const [a, b] = await pair.both('DEBUG', 'OBJECT', `k${i}`);
      const strip = (s: string) => s.replace(/^\+Value at:\S+ /, '').replace(/ lru:\d+ lru_seconds_idle:\d+\r\n$/, '');
      if (exact) {
        assert.equal(strip(a), strip(b), `value #${i} (${v.length} bytes)`);
      } else {
        const size = (s: string) => Number(/serializedlength:(\d+)/.exec(s)![1]);
        assert.equal(strip(a).replace(/ serializedlength:\d+/, ''), strip(b).replace(/ serializedlength:\d+/, ''));
        assert.ok(Math.abs(size(a) - size(b)) <= 4 + v.length / 16, `value #${i}: ${size(a)} vs ${size(b)}`);
      }
    }
  } finally {
    await pair.close();
  }
});

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

test('SHUTDOWN: argument errors match Redis', async () => {
  const pair = await Pair.start();
  try {
    for (const c of [['SHUTDOWN', 'foo'], ['SHUTDOWN', 'abort'], ['SHUTDOWN', 'save', 'nosave'],
      ['SHUTDOWN', 'abort', 'now'], ['SHUTDOWN', 'NOSAVE', 'SAVE', 'NOW'], ['shutdown', 'ABORT', 'force']]) {
      await pair.same(...c);
    }
  } finally {
    await pair.close();
  }
});

/** Run the real redis-server with `args`; return what it printed to stderr. */
function redisFatal(args: string[]): string {
  const r = spawnSync('redis-server', args, { encoding: 'latin1', timeout: 5000 });
  return r.stderr;
}

/** What Respite's loader reports for the same command line. */
function ourFatal(args: string[]): string {
  try {
    loadServerConfig(new Config(), parseCommandLine(args));
  } catch (e) {
    if (e instanceof ConfigError) return e.format('7.0.15');
    throw e;
  }
  return '';
}

test('redis-server start-up: config errors are reported with the same text and line', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-fatal-'));
  const f = path.join(d, 'r.conf');
  fs.writeFileSync(f, '# comment\nport 0\n\nhz 10\n');
  const bad = path.join(d, 'bad.conf');
  fs.writeFileSync(bad, 'port 0\n  hz   x  \n');
  const unbalanced = path.join(d, 'q.conf');
  fs.writeFileSync(unbalanced, 'port 0\nrequirepass "abc\n');
  const cases: string[][] = [
    ['--port', '0', '--hz', 'abc'],
    ['--port', '0', '--hz', '-1'],
    ['--port', '70000'],
    ['--port', '0', '--protected-mode', 'maybe'],
    ['--port', '0', '--loglevel', 'xx'],
    ['--port', '0', '--foo', 'bar'],
    ['--port', '0', '--hz'],
    ['--port', '0', '--hz', '1', '2'],
    ['--port', '0', '--proto-max-bulk-len', '1x'],
    ['--port', '0', '--unixsocketperm', '999'],
    ['--port', '0', '--latency-tracking-info-percentiles', '50', 'abc'],
    ['--port', '0', '--dir', path.join(d, 'nope')],
    ['--port', '0', '--maxclients', '0'],
    ['--port', '0', '--databases', '0'],
    ['--port', '0', '--requirepass'],
    ['--port', '0', '--logfile', path.join(d, 'nope', 'x.log')],
    ['--port', '--hz', '5'],
    [f, '--timeout', 'x'],
    [bad],
    [bad, '--hz', '5'],
    [unbalanced],
  ];
  try {
    // Respite adds where the line came from, "(<file>)" or "(the command line)", after the
    // line number (the issue asks for the file); everything else must be Redis's text.
    const withSource = /^(Reading the configuration file, at line \d+) \((?:the command line|\/[^\n]*)\)$/m;
    for (const c of cases) {
      const ours = ourFatal(c);
      if (ours.includes('Reading the configuration file')) assert.match(ours, withSource, c.join(' '));
      assert.equal(ours.replace(withSource, '$1'), redisFatal(c), c.join(' '));
    }
  } finally {
    fs.rmSync(d, { recursive: true });
  }
});

test('CONFIG REWRITE: the file keeps its structure exactly as Redis rewrites it', async () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-rewrite-'));
  const content = '# head\n\nhz 20\ntimeout 0\n   # indented\ntimeout 7\nloglevel notice\n\n\n\ntcp-keepalive 300\n' +
    'maxclients 100\nlatency-tracking yes\n';
  const theirsFile = path.join(d, 'theirs.conf');
  const oursFile = path.join(d, 'ours.conf');
  fs.writeFileSync(theirsFile, content);
  fs.writeFileSync(oursFile, content);
  const port = await freePort();
  const proc = spawn('redis-server', [theirsFile, '--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no', '--daemonize', 'no', '--logfile', '', '--dir', d, '--enable-protected-configs', 'yes'], { stdio: 'ignore' });
  const ours = await startRespite({ 'enable-protected-configs': 'yes' });
  let theirs: RawClient | null = null;
  const mine = await RawClient.connect(ours.port);
  try {
    for (let i = 0; i < 200 && theirs === null; i++) {
      try {
        theirs = await RawClient.connect(port);
      } catch {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    assert.ok(theirs !== null, 'redis-server did not start');
    ours.server.configFile = oursFile;
    await mine.call('CONFIG', 'SET', 'hz', '20', 'timeout', '7', 'maxclients', '100', 'dir', d);
    for (const c of [['CONFIG', 'SET', 'hz', '30', 'loglevel', 'warning', 'timeout', '0', 'maxclients', '200'],
      ['CONFIG', 'SET', 'proto-max-bulk-len', '2mb', 'latency-tracking', 'no', 'tcp-keepalive', '60'],
      ['CONFIG', 'REWRITE']]) {
      assert.deepEqual(await mine.call(...c), await theirs.call(...c));
    }
    const norm = (s: string) => s.replace(/^port \d+$/m, 'port N');
    const [a, b] = [norm(fs.readFileSync(oursFile, 'latin1')), norm(fs.readFileSync(theirsFile, 'latin1'))];
    const sig = '# Generated by CONFIG REWRITE\n';
    assert.equal(a.slice(0, a.indexOf(sig)), b.slice(0, b.indexOf(sig)), 'rewritten in place');
    const appended = (s: string) => s.slice(s.indexOf(sig) + sig.length).split('\n').filter((l) => l !== '');
    const theirsAppended = new Set(appended(b));
    for (const line of appended(a)) assert.ok(theirsAppended.has(line), `Redis did not append: ${line}`);
  } finally {
    mine.close();
    theirs?.close();
    await ours.close();
    await new Promise<void>((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
    fs.rmSync(d, { recursive: true });
  }
});
