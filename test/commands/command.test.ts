/* COMMAND family tests: COMMAND, COUNT, INFO, DOCS, LIST, GETKEYS,
 * GETKEYSANDFLAGS, HELP, and the key-spec interpreter (keys.ts). */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, startRedis, RawClient, rng, type RealRedis } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import type { Reply } from '../helpers/resp';
import { CommandEntry } from '../../src/commands/table';
import { getKeysFromCommand, getKeysUsingKeySpecs, commandHasKeys, orderedKeyFlags } from '../../src/commands/keys';
import type { CommandSpec, KeySpec, KeySpecFlag } from '../../src/commands/spec';

let srv: RunningServer;
let c: RawClient;

before(async () => {
  srv = await startRespite();
  c = await RawClient.connect(srv.port);
});

after(async () => {
  c.close();
  await srv.close();
});

const table = () => srv.server.table;

// --- COMMAND / COUNT / LIST ------------------------------------------------------------

test('COMMAND COUNT counts top-level commands; COMMAND lists one entry each', async () => {
  const n = await c.call('COMMAND', 'COUNT');
  assert.equal(n, table().commands.size);
  const all = (await c.call('COMMAND')) as Reply[][];
  assert.equal(all.length, n);
  assert.deepEqual(all.map((e) => e[0]), [...table().commands.keys()]);
  const info = (await c.call('COMMAND', 'INFO')) as Reply[][];
  assert.deepEqual(info, all);
});

test('COMMAND LIST: every command and subcommand; FILTERBY ACLCAT / PATTERN / MODULE', async () => {
  const list = (await c.call('COMMAND', 'LIST')) as string[];
  assert.ok(list.includes('get') && list.includes('command') && list.includes('command|getkeysandflags'));
  assert.equal(list.length, [...table().all()].length);
  const conn = (await c.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'CONNECTION')) as string[];
  assert.ok(conn.includes('command|info') && conn.includes('ping') && !conn.includes('get'));
  assert.deepEqual(await c.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', '@connection'), []);
  assert.deepEqual(await c.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuch'), []);
  assert.deepEqual(await c.call('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'), []);
  assert.deepEqual(await c.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'COMMAND|G*'), ['command|getkeysandflags', 'command|getkeys']);
  assert.deepEqual(await c.call('COMMAND', 'LIST', 'filterby', 'pattern', '[gs]et'), ['get', 'set']);
  for (const bad of [['x'], ['FILTERBY'], ['FILTERBY', 'PATTERN'], ['FILTERBY', 'nope', 'x'], ['FILTERBY', 'PATTERN', 'a', 'b']]) {
    assert.deepEqual(await c.call('COMMAND', 'LIST', ...bad), { error: 'ERR syntax error' }, bad.join(' '));
  }
});

// --- INFO -------------------------------------------------------------------------------

test('COMMAND INFO: entry layout, subcommand names, nil for unknown names', async () => {
  const [get, nosuch, sub, bad1, bad2, upper] = (await c.call('COMMAND', 'INFO', 'get', 'nosuch', 'command|count', 'get|x', 'a|b|c', 'GET')) as Reply[][];
  assert.deepEqual(get.slice(0, 8), ['get', 2, [{ simple: 'readonly' }, { simple: 'fast' }], 1, 1, 1,
    [{ simple: '@read' }, { simple: '@string' }, { simple: '@fast' }], []]);
  assert.deepEqual(get[8], [['flags', [{ simple: 'RO' }, { simple: 'access' }], 'begin_search', ['type', 'index', 'spec', ['index', 1]],
    'find_keys', ['type', 'range', 'spec', ['lastkey', 0, 'keystep', 1, 'limit', 0]]]]);
  assert.deepEqual(get[9], []);
  assert.equal(nosuch, null);
  assert.equal(sub[0], 'command|count');
  assert.equal(sub[1], 2);
  assert.equal(bad1, null);
  assert.equal(bad2, null);
  assert.deepEqual(upper, get);
  const [cmd] = (await c.call('COMMAND', 'INFO', 'command')) as Reply[][];
  assert.deepEqual((cmd[9] as Reply[][]).map((s) => s[0]), ['command|info', 'command|count', 'command|docs',
    'command|getkeysandflags', 'command|getkeys', 'command|list', 'command|help']);
  assert.deepEqual(cmd[7], ['nondeterministic_output_order']);
});

test('COMMAND INFO in RESP3 uses sets and maps', async () => {
  const c3 = await RawClient.connect(srv.port);
  try {
    const r = await c3.call('HELLO', '3');
    if (typeof r === 'object' && r !== null && 'error' in r) {
      for (const cl of srv.server.clients.values()) if (cl.addr.endsWith(':' + c3.sock.localPort)) cl.w.proto = 3;
    }
    const raw = await c3.raw('COMMAND', 'INFO', 'get', 'nosuch');
    assert.ok(raw.startsWith('*2\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n'), raw);
    assert.ok(raw.includes('~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n'));
    assert.ok(raw.endsWith(':0\r\n~0\r\n_\r\n'), raw);
  } finally {
    c3.close();
  }
});

// --- DOCS -------------------------------------------------------------------------------

test('COMMAND DOCS: map of docs, nested arguments, history, subcommands; unknown names skipped', async () => {
  const r = (await c.call('COMMAND', 'DOCS', 'set', 'nosuch', 'command|list')) as Reply[];
  assert.equal(r.length, 4);
  assert.equal(r[0], 'set');
  const set = r[1] as Reply[];
  assert.deepEqual(set.filter((_, i) => i % 2 === 0), ['summary', 'since', 'group', 'complexity', 'history', 'arguments']);
  assert.equal(set[3], '1.0.0');
  assert.deepEqual((set[9] as Reply[])[0], ['2.6.12', 'Added the `EX`, `PX`, `NX` and `XX` options.']);
  const args = set[11] as Reply[][];
  assert.deepEqual(args[0], ['name', 'key', 'type', 'key', 'key_spec_index', 0]);
  assert.deepEqual(args[2].slice(0, 8), ['name', 'condition', 'type', 'oneof', 'since', '2.6.12', 'flags', [{ simple: 'optional' }]]);
  assert.equal(r[2], 'command|list');
  const list = r[3] as Reply[];
  assert.deepEqual((list[9] as Reply[][])[0].slice(0, 6), ['name', 'filterby', 'type', 'oneof', 'token', 'FILTERBY']);
  assert.deepEqual(await c.call('COMMAND', 'DOCS', 'nosuch'), []);
  const cmd = (await c.call('COMMAND', 'DOCS', 'command')) as Reply[];
  const doc = cmd[1] as Reply[];
  assert.equal(doc[doc.length - 2], 'subcommands');
  assert.equal((doc[doc.length - 1] as Reply[]).length, 14);
  const all = (await c.call('COMMAND', 'DOCS')) as Reply[];
  assert.equal(all.length, 2 * table().commands.size);
});

// --- GETKEYS ----------------------------------------------------------------------------

test('COMMAND GETKEYS / GETKEYSANDFLAGS: keys, flags and every error', async () => {
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'GET', 'k'), ['k']);
  assert.deepEqual(await c.call('COMMAND', 'GETKEYSANDFLAGS', 'get', 'k'), [['k', [{ simple: 'RO' }, { simple: 'access' }]]]);
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'nosuch', 'x'), { error: 'ERR Invalid command specified' });
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'command', 'nosuch'), { error: 'ERR Invalid command specified' });
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'ping', 'x'), { error: 'ERR The command has no key arguments' });
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'command', 'info'), { error: 'ERR The command has no key arguments' });
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'get', 'a', 'b'), { error: 'ERR Invalid number of arguments specified for command' });
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'get'), { error: "ERR wrong number of arguments for 'command|getkeys' command" });
  assert.deepEqual(await c.call('COMMAND', 'GETKEYSANDFLAGS', 'x'), { error: "ERR wrong number of arguments for 'command|getkeysandflags' command" });
});

test('COMMAND HELP and arity / unknown subcommand errors', async () => {
  const help = (await c.call('COMMAND', 'HELP')) as { simple: string }[];
  assert.equal(help[0].simple, 'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  assert.equal(help[help.length - 2].simple, 'HELP');
  assert.equal(help.length, 21);
  assert.deepEqual(await c.call('COMMAND', 'HELP', 'x'), { error: "ERR wrong number of arguments for 'command|help' command" });
  assert.deepEqual(await c.call('COMMAND', 'COUNT', 'x'), { error: "ERR wrong number of arguments for 'command|count' command" });
  assert.deepEqual(await c.call('COMMAND', 'NOPE'), { error: "ERR unknown subcommand 'NOPE'. Try COMMAND HELP." });
});

// --- key-spec interpreter -----------------------------------------------------------------

const noop = (): void => {};
function entry(keySpecs: KeySpec[], over: Partial<CommandSpec> = {}): CommandEntry {
  return new CommandEntry({ name: 'x', arity: -1, flags: [], keySpecs, summary: 's', since: '1', group: 'g', handler: noop, ...over }, null);
}
const RO: KeySpecFlag[] = ['RO', 'access'];
const idx = (index: number, lastkey: number, step = 1, limit = 0, flags: KeySpecFlag[] = RO): KeySpec =>
  ({ flags, begin_search: { type: 'index', index }, find_keys: { type: 'range', lastkey, step, limit } });
const kw = (keyword: string, startfrom: number, lastkey: number, step = 1, limit = 0): KeySpec =>
  ({ flags: RO, begin_search: { type: 'keyword', keyword, startfrom }, find_keys: { type: 'range', lastkey, step, limit } });
const pos = (e: CommandEntry, argv: string[]) => getKeysFromCommand(e, argv).map((k) => k.pos);

test('key specs: index + range, negative lastkey, steps, limits', () => {
  assert.deepEqual(pos(entry([idx(1, 0)]), ['x', 'a']), [1]);
  assert.deepEqual(pos(entry([idx(1, -1)]), ['x', 'a', 'b', 'c']), [1, 2, 3]);
  assert.deepEqual(pos(entry([idx(1, -2)]), ['x', 'a', 'b', 't']), [1, 2]);
  assert.deepEqual(pos(entry([idx(1, -1, 2)]), ['x', 'a', '1', 'b', '2']), [1, 3]);
  assert.deepEqual(pos(entry([idx(1, -1, 2)]), ['x', 'a', '1', 'b']), [1, 3]);
  assert.deepEqual(pos(entry([idx(1, 0), idx(2, 0)]), ['x', 'a', 'b']), [1, 2]);
  // limit: lastkey -1 over (argc-first)/limit keys (XREAD STREAMS a b 0 0).
  assert.deepEqual(pos(entry([kw('STREAMS', 1, -1, 1, 2)]), ['x', 'streams', 'a', 'b', '0', '0']), [2, 3]);
  assert.deepEqual(pos(entry([kw('STREAMS', 1, -1, 1, 2)]), ['x', 'STREAMS', 'a', 'b', '0']), [2]);
  // out of bounds: the spec fails, no getKeys -> nothing
  assert.deepEqual(pos(entry([idx(2, 0)]), ['x', 'a']), []);
  assert.equal(getKeysUsingKeySpecs([idx(2, 0)], ['x', 'a']), null);
});

test('key specs: keyword search forwards and backwards, missing keyword', () => {
  assert.deepEqual(pos(entry([kw('KEYS', 1, -1)]), ['x', 'h', 'KEYS', 'a', 'b']), [3, 4]);
  assert.deepEqual(pos(entry([kw('keys', 1, -1)]), ['x', 'h', 'kEyS', 'a']), [3]);
  assert.deepEqual(pos(entry([kw('KEYS', 1, -1)]), ['x', 'h', 'a']), []);
  // the last argument is never taken as the keyword
  assert.deepEqual(getKeysUsingKeySpecs([kw('KEYS', 1, -1)], ['x', 'a', 'KEYS']), []);
  // backwards from the end (STORE-like): the last match wins, argv[1] is never examined
  assert.deepEqual(pos(entry([kw('STORE', -2, 0)]), ['x', 'STORE', 'a', 'STORE', 'b']), [4]);
  assert.deepEqual(getKeysUsingKeySpecs([kw('STORE', -2, 0)], ['x', 'STORE', 'a']), []);
});

test('key specs: keynum, incomplete, not_key, partial results, getKeys fallback', () => {
  const numkeys: KeySpec = { flags: ['RW', 'update'], begin_search: { type: 'index', index: 2 }, find_keys: { type: 'keynum', keynumidx: 0, firstkey: 1, step: 1 } };
  assert.deepEqual(pos(entry([numkeys]), ['x', 's', '2', 'a', 'b', 'c']), [3, 4]);
  assert.equal(getKeysUsingKeySpecs([numkeys], ['x', 's', '5', 'a']), null); // too many keys
  assert.equal(getKeysUsingKeySpecs([numkeys], ['x', 's', '0']), null); // zero keys: last < first
  assert.equal(getKeysUsingKeySpecs([numkeys], ['x', 's', '-1', 'a']), null);
  assert.equal(getKeysUsingKeySpecs([numkeys], ['x', 's', 'x', 'a']), null);
  assert.deepEqual(pos(entry([numkeys]), ['x', 's', '4294967297', 'a']), [3]); // (int) cast, as in Redis
  const incomplete = idx(1, 0, 1, 0, ['RO', 'incomplete']);
  assert.equal(getKeysUsingKeySpecs([incomplete], ['x', 'a']), null);
  assert.deepEqual(getKeysUsingKeySpecs([incomplete], ['x', 'a'], true)!.map((k) => k.pos), [1]);
  const notKey = idx(1, 0, 1, 0, ['not_key']);
  assert.deepEqual(getKeysUsingKeySpecs([notKey, idx(2, 0)], ['x', 'a', 'b'])!.map((k) => k.pos), [2]);
  assert.deepEqual(getKeysUsingKeySpecs([notKey], ['x', 'a'], false, true)!.map((k) => k.pos), [1]);
  assert.equal(commandHasKeys(entry([notKey])), false);
  assert.equal(commandHasKeys(entry([])), false);
  const unknown: KeySpec = { flags: ['OW', 'update'], begin_search: { type: 'unknown' }, find_keys: { type: 'unknown' } };
  // A getKeys result without flags (a bare position) has none, as Redis's native getkeys procs.
  const sortLike = entry([idx(1, 0), unknown], { getKeys: (argv) => [1, { pos: argv.length - 1, flags: ['OW', 'update'] }] });
  assert.deepEqual(getKeysFromCommand(sortLike, ['x', 'k', 'STORE', 'd']), [{ pos: 1, flags: [] }, { pos: 3, flags: ['OW', 'update'] }]);
  // variable_flags: getKeys decides even when the spec would work
  const varFlags = entry([idx(1, 0, 1, 0, ['RW', 'variable_flags'])], { getKeys: () => [{ pos: 1, flags: ['OW'] }] });
  assert.deepEqual(getKeysFromCommand(varFlags, ['x', 'k']), [{ pos: 1, flags: ['OW'] }]);
  assert.deepEqual(orderedKeyFlags(['delete', 'access', 'RW']), ['RW', 'access', 'delete']);
});

/** Real-Redis oracle for the interpreter: Redis's own key specs over generated argvs. */
test('key-spec interpreter agrees with real Redis on all of Redis\'s commands', async () => {
  let redis: RealRedis | null = null;
  let rc: RawClient | null = null;
  try {
    redis = await startRedis();
    rc = await RawClient.connect(redis.port);
    const all = (await rc.call('COMMAND')) as Reply[][];
    const flat: Reply[][] = [];
    for (const e of all) {
      flat.push(e);
      for (const s of e[9] as Reply[][]) flat.push(s);
    }
    const r = rng(7161);
    let compared = 0;
    for (const info of flat) {
      const specs = (info[8] as Reply[][]).map(toKeySpec);
      if (!specs.some((s) => !s.flags.includes('not_key')) || specs.some((s) => s.flags.includes('variable_flags'))) continue;
      const full = info[0] as string;
      const name = full.split('|');
      const arity = info[1] as number;
      const words = ['a', 'b', 'c', '0', '1', '2', '3', '-1', 'x', '9999999999'];
      for (const s of specs) if (s.begin_search.type === 'keyword') words.push(s.begin_search.keyword, s.begin_search.keyword.toLowerCase());
      for (let i = 0; i < 12; i++) {
        const n = arity > 0 ? arity : -arity + Math.floor(r() * 6);
        const argv = [...name];
        while (argv.length < n) argv.push(words[Math.floor(r() * words.length)]);
        const ours = getKeysUsingKeySpecs(specs, argv);
        if (ours === null) continue; // Redis falls back to its native getkeys here
        const theirs: Reply = await rc.call('COMMAND', 'GETKEYSANDFLAGS', ...argv);
        if (ours.length === 0) {
          assert.ok(Array.isArray(theirs) ? theirs.length === 0 : 'error' in (theirs as object), `${argv.join(' ')}`);
        } else {
          const want = ours.map((k) => [argv[k.pos], orderedKeyFlags(k.flags).map((f) => ({ simple: f }))]);
          assert.deepEqual(theirs, want, argv.join(' '));
        }
        compared++;
      }
    }
    assert.ok(compared > 500, `only ${compared} argvs compared`);
  } finally {
    rc?.close();
    await redis?.close();
  }
});

/** Redis's COMMAND INFO key spec (RESP2 flat form) as our literal type. */
function toKeySpec(v: Reply): KeySpec {
  const m = pairs(v);
  const bs = pairs(m.get('begin_search')!), fk = pairs(m.get('find_keys')!);
  const bsSpec = pairs(bs.get('spec')!), fkSpec = pairs(fk.get('spec')!);
  const flags = (m.get('flags') as { simple: string }[]).map((f) => f.simple) as KeySpecFlag[];
  const begin_search: KeySpec['begin_search'] = bs.get('type') === 'index' ? { type: 'index', index: bsSpec.get('index') as number }
    : bs.get('type') === 'keyword' ? { type: 'keyword', keyword: bsSpec.get('keyword') as string, startfrom: bsSpec.get('startfrom') as number }
      : { type: 'unknown' };
  const find_keys: KeySpec['find_keys'] = fk.get('type') === 'range'
    ? { type: 'range', lastkey: fkSpec.get('lastkey') as number, step: fkSpec.get('keystep') as number, limit: fkSpec.get('limit') as number }
    : fk.get('type') === 'keynum'
      ? { type: 'keynum', keynumidx: fkSpec.get('keynumidx') as number, firstkey: fkSpec.get('firstkey') as number, step: fkSpec.get('keystep') as number }
      : { type: 'unknown' };
  return { flags, begin_search, find_keys };
}

function pairs(v: Reply): Map<string, Reply> {
  const a = v as Reply[];
  const m = new Map<string, Reply>();
  for (let i = 0; i < a.length; i += 2) m.set(a[i] as string, a[i + 1]);
  return m;
}
