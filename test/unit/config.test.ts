/* Config table, redis.conf loader, command line, CONFIG REWRITE, histogram, LZF sizes. */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Config, ValueError, formatParam, formatPercentile, lookupParam, parseMemory, parseParam, splitMultiArg, storeParam,
} from '../../src/config/table';
import {
  ConfigError, applyDirective, globFiles, loadConfigText, loadServerConfig, parseCommandLine,
} from '../../src/config/loader';
import { configGet } from '../../src/config/apply';
import { formatMemory, rewrittenContent, REWRITE_SIGNATURE } from '../../src/config/rewrite';
import { LatencyHistogram } from '../../src/server/histogram';
import { bytesToHuman, fixed } from '../../src/server/info';
import { lzfCompress, rdbStringSize } from '../../src/store/rdb-size';

function parse(name: string, ...args: string[]): unknown {
  return parseParam(lookupParam(name)!, args, new Config());
}

function reason(v: unknown): string {
  assert.ok(v instanceof ValueError, `expected an error, got ${String(v)}`);
  return (v as ValueError).reason;
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'respite-config-'));
}

test('bool, enum, int, memory and octal parsing with Redis error texts', () => {
  assert.equal(parse('protected-mode', 'YES'), true);
  assert.equal(parse('protected-mode', 'no'), false);
  assert.equal(reason(parse('protected-mode', 'maybe')), "argument must be 'yes' or 'no'");
  assert.equal(parse('loglevel', 'WARNING'), 'warning');
  assert.equal(reason(parse('loglevel', 'nothing')),
    'argument(s) must be one of the following: debug, verbose, notice, warning');
  assert.equal(parse('hz', '100'), 100n);
  assert.equal(reason(parse('hz', 'abc')), "argument couldn't be parsed into an integer");
  assert.equal(reason(parse('hz', ' 1')), "argument couldn't be parsed into an integer");
  assert.equal(reason(parse('hz', '-1')), 'argument must be between 0 and 2147483647 inclusive');
  assert.equal(reason(parse('port', '65536')), 'argument must be between 0 and 65535 inclusive');
  assert.equal(reason(parse('maxclients', '0')), 'argument must be between 1 and 4294967295 inclusive');
  assert.equal(reason(parse('maxclients', '-1')), 'argument must be between 1 and 4294967295 inclusive');
  assert.equal(parse('proto-max-bulk-len', '2mb'), 2n * 1024n * 1024n);
  assert.equal(parse('proto-max-bulk-len', '2M'), 2000000n);
  assert.equal(reason(parse('proto-max-bulk-len', '1x')), 'argument must be a memory value');
  assert.equal(reason(parse('proto-max-bulk-len', '-5')), 'argument must be a memory value');
  assert.equal(reason(parse('proto-max-bulk-len', '10')),
    'argument must be between 1048576 and 9223372036854775807 inclusive');
  assert.equal(parse('unixsocketperm', '755'), 0o755n);
  assert.equal(parse('unixsocketperm', ''), 0n);
  assert.equal(reason(parse('unixsocketperm', '999')), "argument couldn't be parsed as an octal number");
  assert.equal(reason(parse('unixsocketperm', '1777')), 'argument must be between 0 and 777 inclusive');
});

test('memtoull accepts units in any case, rejects signs, saturates digits and wraps units like C', () => {
  assert.equal(parseMemory('1gb'), 1n << 30n);
  assert.equal(parseMemory('1GB'), 1n << 30n);
  assert.equal(parseMemory('5k'), 5000n);
  assert.equal(parseMemory('7B'), 7n);
  assert.equal(parseMemory('mb'), 0n);
  assert.equal(parseMemory(''), 0n);
  assert.equal(parseMemory('+1'), null);
  assert.equal(parseMemory('1 mb'), null);
  assert.equal(parseMemory('18446744073709551615'), 18446744073709551615n);
  // strtoull saturates, the unit product wraps modulo 2^64 (CONFIG GET on Redis 7.0.15 shows these values)
  assert.equal(parseMemory('18446744073709551616'), 18446744073709551615n);
  assert.equal(parseMemory('99999999999999999999999'), 18446744073709551615n);
  assert.equal(parseMemory('100000000000gb'), 15140462031452241920n);
  assert.equal(parseMemory('20000000000gb'), 3028092406290448384n);
  // unit names are looked up safely (no Object.prototype members)
  assert.equal(parseMemory('5constructor'), null);
  assert.equal(parseMemory('1__proto__'), null);
});

test('special parameters: bind, percentiles, dir', () => {
  assert.deepEqual(parse('bind', '1.2.3.4', '-::1'), ['1.2.3.4', '-::1']);
  assert.deepEqual(parse('bind', ''), []);
  assert.equal(reason(parse('bind', ...Array(17).fill('a'))), 'Too many bind addresses specified.');
  assert.deepEqual(parse('latency-tracking-info-percentiles', '99.9', '50', '0.0001'), [99.9, 50, 0.0001]);
  assert.deepEqual(parse('latency-tracking-info-percentiles', ''), []);
  assert.equal(reason(parse('latency-tracking-info-percentiles', '50', 'abc')),
    'Invalid latency-tracking-info-percentiles parameters');
  assert.equal(reason(parse('latency-tracking-info-percentiles', '101')),
    'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
  assert.deepEqual(splitMultiArg('50  99'), ['50', '', '99']);
  assert.deepEqual(splitMultiArg(''), []);
  assert.equal(formatPercentile(99.9), '99.9');
  assert.equal(formatPercentile(50), '50');
  assert.equal(formatPercentile(0.0000001), '0');
  const d = tmpdir();
  assert.equal(parse('dir', d), d);
  assert.equal(reason(parse('dir', path.join(d, 'nope'))), 'No such file or directory');
  fs.writeFileSync(path.join(d, 'f'), 'x');
  assert.equal(reason(parse('dir', path.join(d, 'f'))), 'Not a directory');
  fs.rmSync(d, { recursive: true });
});

test('values beyond 2^53 read back exactly', () => {
  const cfg = new Config();
  const p = lookupParam('proto-max-bulk-len')!;
  storeParam(p, cfg, parseParam(p, ['9223372036854775807'], cfg));
  assert.equal(formatParam(p, cfg), '9223372036854775807');
  storeParam(p, cfg, parseParam(p, ['2mb'], cfg));
  assert.equal(formatParam(p, cfg), '2097152');
});

test('applyDirective checks the argument count like Redis', () => {
  const cfg = new Config();
  assert.throws(() => applyDirective(cfg, ['nosuch', 'x']), /^Error: Bad directive or wrong number of arguments$/);
  assert.throws(() => applyDirective(cfg, ['hz']), /^Error: wrong number of arguments$/);
  assert.throws(() => applyDirective(cfg, ['hz', '1', '2']), /^Error: wrong number of arguments$/);
  applyDirective(cfg, ['BIND', '10.0.0.1', '10.0.0.2']);
  assert.deepEqual(cfg.bind, ['10.0.0.1', '10.0.0.2']);
  applyDirective(cfg, ['bind']);
  assert.deepEqual(cfg.bind, []);
});

test('config text: comments, quotes, deprecated directives, errors with line numbers', () => {
  const cfg = new Config();
  loadConfigText(cfg, '# comment\n\n  port 7000  \r\nlist-max-ziplist-entries 5\nrequirepass "a b\\x41"\nhz 1000\n', 'x');
  assert.equal(cfg.port, 7000);
  assert.equal(cfg.requirepass, 'a bA');
  assert.equal(cfg.hz, 500, 'hz is clamped after loading');
  const err = (text: string) => {
    try {
      loadConfigText(new Config(), text, 'x');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return (e as ConfigError).format('7.0.15');
    }
    assert.fail('no error');
  };
  assert.equal(err('port 1\nhz "3 a\n'),
    "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2 (x)\n>>> 'hz \"3 a'\nUnbalanced quotes in configuration line\n");
  assert.match(err('list-max-ziplist-entries 5 6'), /at line 1 \(x\)\n.*\nBad directive or wrong number of arguments\n$/);
  assert.match(err('\n\nloglevel xx'), /at line 3 \(x\)\n>>> 'loglevel xx'\nargument\(s\) must be one of the following/);
  assert.equal(err('logfile /nonexistent-dir/x.log'),
    "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n");
});

test('include: plain files, globs (no match is fine) and nested errors', () => {
  const d = tmpdir();
  fs.writeFileSync(path.join(d, 'a.conf'), 'timeout 5\n');
  fs.writeFileSync(path.join(d, 'b.conf'), 'tcp-keepalive 7\n');
  const cfg = new Config();
  loadConfigText(cfg, `include ${d}/none*.conf\ninclude ${d}/*.conf\n`, 'x');
  assert.equal(cfg.timeout, 5);
  assert.equal(cfg.tcpKeepalive, 7);
  assert.deepEqual(globFiles(`${d}/*.conf`), [path.join(d, 'a.conf'), path.join(d, 'b.conf')]);
  assert.throws(() => loadConfigText(new Config(), `include ${d}/missing.conf`, 'x'),
    (e: unknown) => e instanceof ConfigError &&
      e.format('7.0.15') === `Fatal error, can't open config file '${d}/missing.conf': No such file or directory\n`);
  fs.writeFileSync(path.join(d, 'bad.conf'), '\nhz x\n');
  assert.throws(() => loadConfigText(new Config(), `port 1\ninclude ${d}/bad.conf`, 'x'),
    (e: unknown) => e instanceof ConfigError && e.line === 2 && e.text === 'hz x');
  fs.rmSync(d, { recursive: true });
});

test('command line: options become quoted config lines, as redis-server builds them', () => {
  assert.deepEqual(parseCommandLine(['--port', '7000', '--bind', 'a', 'b']),
    { file: null, stdin: false, options: 'port "7000" \nbind "a" "b" ' });
  assert.deepEqual(parseCommandLine(['/etc/r.conf', '--hz']), { file: '/etc/r.conf', stdin: false, options: 'hz ' });
  // an option name without a value takes the next --word as its value
  assert.equal(parseCommandLine(['--port', '--hz', '5']).options, 'port "--hz" "5" ');
  assert.equal(parseCommandLine(['--save', '--hz', '5']).options, 'save ""\nhz "5" ');
  assert.equal(parseCommandLine(['--port 7000']).options, 'port 7000 ');
  assert.deepEqual(parseCommandLine(['-', '--hz', '5']), { file: '-', stdin: true, options: 'hz "5" ' });
  assert.equal(parseCommandLine(['--requirepass', 'a"b']).options, 'requirepass "a\\"b" ');
  // line numbers count the file, then the options after one separating newline
  const d = tmpdir();
  const f = path.join(d, 'r.conf');
  fs.writeFileSync(f, 'port 7000\ntimeout 1\n');
  const cfg = new Config();
  loadServerConfig(cfg, parseCommandLine([f, '--timeout', '9', '--requirepass', 'a b']));
  assert.equal(cfg.timeout, 9);
  assert.equal(cfg.requirepass, 'a b');
  assert.throws(() => loadServerConfig(new Config(), parseCommandLine([f, '--port', '1', '--hz', 'abc'])),
    (e: unknown) => e instanceof ConfigError && e.line === 5 && e.text === 'hz "abc"');
  assert.throws(() => loadServerConfig(new Config(), parseCommandLine(['--hz', 'abc'])),
    (e: unknown) => e instanceof ConfigError && e.line === 2);
  fs.rmSync(d, { recursive: true });
});

test('CONFIG GET matching: exact names keep their spelling, globs are case-insensitive, no repeats', () => {
  const cfg = new Config();
  assert.deepEqual(configGet(cfg, ['HZ']), [['HZ', '10']]);
  assert.deepEqual(configGet(cfg, ['hz', 'HZ', 'h?']), [['hz', '10']]);
  assert.deepEqual(configGet(cfg, ['nosuch']), []);
  const all = configGet(cfg, ['*']).map(([k]) => k);
  assert.ok(all.includes('port') && all.includes('bind') && all.includes('latency-tracking-info-percentiles'));
  assert.equal(new Set(all).size, all.length);
  assert.deepEqual(configGet(cfg, ['*PORT*']).map(([k]) => k), ['port']);
  assert.deepEqual(configGet(cfg, ['latency-tracking-info-percentiles']), [['latency-tracking-info-percentiles', '50 99 99.9']]);
});

test('CONFIG REWRITE keeps comments and unknown lines, replaces in place, appends the rest', () => {
  const d = tmpdir();
  const f = path.join(d, 'r.conf');
  fs.writeFileSync(f, '# my comment\nport 7154\nhz 20\n\nbind 127.0.0.1\ninclude /x.conf\nhz 30\n   # indented\nsave "a\nloglevel notice\n');
  const cfg = new Config();
  cfg.port = 7154;
  cfg.hz = 30;
  cfg.bind = ['127.0.0.1'];
  cfg.loglevel = 'warning';
  cfg.timeout = 5;
  cfg.dir = '/tmp';
  cfg.protoMaxBulkLen = 2 * 1024 * 1024;
  cfg.requirepass = 'a"b c';
  const out = rewrittenContent(f, cfg);
  assert.equal(out, [
    '# my comment', 'port 7154', 'hz 30', '', 'bind 127.0.0.1', 'include /x.conf', '', '# indented',
    '# ??? save "a', 'loglevel warning', '', REWRITE_SIGNATURE,
    'requirepass "a\\"b c"', 'timeout 5', 'proto-max-bulk-len 2mb', 'dir "/tmp"',
    'latency-tracking-info-percentiles 50 99 99.9', '',
  ].join('\n'));
  // rewriting the result again adds no second signature; like Redis, the file's
  // final newline reads back as one more (blank) line
  fs.writeFileSync(f, out);
  assert.equal(rewrittenContent(f, cfg), out + '\n');
  // defaults are removed when the file had them and the value went back to "unset"
  cfg.requirepass = '';
  assert.ok(!rewrittenContent(f, cfg).includes('requirepass'));
  // a missing file is created from scratch
  assert.equal(rewrittenContent(path.join(d, 'new.conf'), new Config()).split('\n')[0], REWRITE_SIGNATURE);
  fs.rmSync(d, { recursive: true });
});

test('memory values are written with the largest exact unit', () => {
  assert.equal(formatMemory(2n * 1024n * 1024n), '2mb');
  assert.equal(formatMemory(1n << 30n), '1gb');
  assert.equal(formatMemory(3072n), '3kb');
  assert.equal(formatMemory(1000n), '1000');
  assert.equal(formatMemory(0n), '0');
});

test('latency histogram reports HDR bucket bounds like Redis', () => {
  const h = new LatencyHistogram();
  h.record(11000);
  assert.equal(h.valueAtPercentile(50), 11007);
  assert.equal(h.valueAtPercentile(0), 10944);
  const g = new LatencyHistogram();
  for (let i = 1; i <= 100; i++) g.record(i * 1000);
  assert.equal(g.valueAtPercentile(50), 50175);
  assert.equal(g.valueAtPercentile(100), 100351);
  assert.equal(g.valueAtPercentile(1), 1003);
  const small = new LatencyHistogram();
  small.record(0);
  small.record(5e12);
  assert.equal(small.valueAtPercentile(0), 1);
  assert.ok(small.valueAtPercentile(100) >= 1e9);
});

test('printf-style number formatting', () => {
  assert.equal(fixed(1.125, 2), '1.12');
  assert.equal(fixed(1.375, 2), '1.38');
  assert.equal(fixed(2.5, 0), '2');
  assert.equal(fixed(0.1, 2), '0.10');
  assert.equal(bytesToHuman(1023), '1023B');
  assert.equal(bytesToHuman(1152), '1.12K');
  assert.equal(bytesToHuman(3 * 1024 * 1024), '3.00M');
  assert.equal(bytesToHuman(5 * 1024 ** 3), '5.00G');
});

test('RDB string sizes: integers, plain and LZF-compressed strings', () => {
  assert.equal(rdbStringSize('hello'), 6);
  assert.equal(rdbStringSize('123'), 2);
  assert.equal(rdbStringSize('-300'), 3);
  assert.equal(rdbStringSize('100000'), 5);
  assert.equal(rdbStringSize('12345678901'), 12);
  assert.equal(rdbStringSize('0123'), 5);
  assert.equal(rdbStringSize('a'.repeat(73)), 13);
  const rnd = Buffer.alloc(100);
  for (let i = 0; i < 100; i++) rnd[i] = (i * 7919) % 251;
  assert.equal(lzfCompress(rnd, 96), 0, 'incompressible data does not fit in len-4');
  assert.equal(rdbStringSize(rnd), 2 + 100);
});
