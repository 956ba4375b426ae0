/* Meta-tests of the command table.
 *
 * 1. The table validates, and the validator rejects broken specs.
 * 2. Every command and subcommand in the table is mentioned by some test
 *    file (a clear list of the untested ones otherwise).
 * 3. For EVERY command in the table, the facts Respite reports equal real
 *    Redis 7.0's: COMMAND INFO (arity, flags, first/last/step, ACL
 *    categories, tips, key specs) and COMMAND DOCS (everything but the
 *    summary, which is in our own words — and must not be Redis's text).
 * 4. The derivations in table.ts (legacy key range, movablekeys, flag
 *    order) reproduce Redis's for every command Redis has, fed with
 *    Redis's own key specs. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Pair } from '../helpers/servers';
import type { Reply } from '../helpers/resp';
import { buildCommandTable, CommandEntry, CommandTable, FLAG_ORDER } from '../../src/commands/table';
import type { CommandFlag, CommandSpec, KeySpec, KeySpecFlag } from '../../src/commands/spec';

const table = buildCommandTable();
const entries = [...table.all()];

// --- decoding helpers ---------------------------------------------------------------

/** RESP3 reply -> plain JSON-able value: sets and arrays as arrays, maps as [key, value] pairs, statuses as strings. */
function plain(r: Reply): unknown {
  if (r === null || typeof r !== 'object') return r;
  if (Array.isArray(r)) return r.map(plain);
  if ('simple' in r) return r.simple;
  if ('set' in r) return r.set.map(plain);
  if ('map' in r) return r.map.map(([k, v]) => [plain(k), plain(v)]);
  if ('error' in r) return { error: r.error };
  return r;
}

/** A [key, value] pair list as a Map. */
function asMap(v: unknown): Map<string, unknown> {
  return new Map(v as [string, unknown][]);
}

// --- 1. validation ------------------------------------------------------------------------

const noop = (): void => {};
function spec(over: Partial<CommandSpec>): CommandSpec {
  return { name: 'x', arity: 1, flags: [], summary: 's', since: '1.0.0', group: 'generic', handler: noop, ...over };
}

test('the command table validates', () => {
  assert.ok(table.commands.size > 0);
  for (const e of entries) {
    assert.ok(e.fullName.length > 0);
    if (e.parent !== null) assert.equal(e.fullName, `${e.parent.spec.name}|${e.spec.name}`);
  }
});

test('the validator rejects broken specs', () => {
  const bad: [string, CommandSpec[]][] = [
    ['duplicate', [spec({}), spec({})]],
    ['upper case', [spec({ name: 'X' })]],
    ['arity 0', [spec({ arity: 0 })]],
    ['no handler', [spec({ handler: undefined })]],
    ['write+readonly', [spec({ flags: ['write', 'readonly'] })]],
    ['bad category', [spec({ acl: ['nosuch'] })]],
    ['no docs', [spec({ since: '' })]],
    ['container callable without subcommand', [spec({ arity: -1, handler: undefined, subcommands: [spec({ name: 'a', arity: 2 })] })]],
    ['nested subcommands', [spec({ arity: -2, handler: undefined, subcommands: [spec({ arity: -3, handler: undefined, subcommands: [spec({})] })] })]],
    ['key_spec_index out of range', [spec({ arguments: [{ name: 'key', type: 'key', key_spec_index: 0 }] })]],
    ['oneof without arguments', [spec({ arguments: [{ name: 'o', type: 'oneof' }] })]],
    ['key spec index 0', [spec({ keySpecs: [{ flags: ['RO'], begin_search: { type: 'index', index: 0 }, find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 } }] })]],
    ['range step 0', [spec({ keySpecs: [{ flags: ['RO'], begin_search: { type: 'index', index: 1 }, find_keys: { type: 'range', lastkey: 0, step: 0, limit: 0 } }] })]],
  ];
  for (const [why, specs] of bad) assert.throws(() => new CommandTable(specs), /command table/, why);
  assert.doesNotThrow(() => new CommandTable([spec({})]));
});

// --- 2. every command has tests -----------------------------------------------------------

/** All TypeScript test sources, except the meta-tests and the COMMAND family's own generic tests. */
function testSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) {
        if (n !== 'meta' && n !== 'helpers') walk(p);
      } else if (n.endsWith('.ts')) {
        out.push(p);
      }
    }
  };
  walk(join(__dirname, '..', '..', '..', 'test'));
  return out;
}

test('every command in the table is mentioned by at least one test file', () => {
  const files = testSources().map((p) => ({
    p,
    text: readFileSync(p, 'utf8'),
    isCommandTest: /[\\/]command\.test\.ts$/.test(p),
  }));
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const untested: string[] = [];
  for (const e of entries) {
    // A command counts as tested when a file names it as a word; a
    // subcommand when container and subcommand appear on one line. The
    // COMMAND family's tests iterate the table and prove nothing about
    // other commands, so they only count for COMMAND itself.
    const re = e.parent === null
      ? new RegExp(`(^|[^A-Za-z0-9_-])${esc(e.spec.name)}(?![A-Za-z0-9_-])`, 'i')
      : new RegExp(`(^|[^A-Za-z0-9_-])${esc(e.parent.spec.name)}(?![A-Za-z0-9_-]).*(^|[^A-Za-z0-9_-])${esc(e.spec.name)}(?![A-Za-z0-9_-])`, 'im');
    const base = e.parent === null ? e.spec.name : e.parent.spec.name;
    const ok = files.some((f) => (base === 'command' || !f.isCommandTest) && re.test(f.text));
    if (!ok) untested.push(e.fullName);
  }
  assert.deepEqual(untested, [], `commands without tests: ${untested.join(', ')}`);
});

// --- 3. facts equal real Redis's ---------------------------------------------------------------

let pair: Pair;

before(async () => {
  pair = await Pair.start();
  for (const c of [pair.ours, pair.theirs]) {
    const r = await c.call('HELLO', '3');
    if (c === pair.ours && typeof r === 'object' && r !== null && 'error' in r) {
      // Respite's HELLO not in the table yet: switch the server-side client.
      for (const cl of pair.respiteServer.server.clients.values()) cl.w.proto = 3;
    }
  }
});

after(async () => {
  await pair.close();
});

const INFO_FIELDS = ['name', 'arity', 'flags', 'first_key', 'last_key', 'step', 'acl_categories', 'tips', 'key_specs'];

test('COMMAND INFO facts equal real Redis for every command and subcommand', async () => {
  const problems: string[] = [];
  for (const e of entries) {
    const ours = (plain(await pair.ours.call('COMMAND', 'INFO', e.fullName)) as unknown[][])[0];
    const theirs = (plain(await pair.theirs.call('COMMAND', 'INFO', e.fullName)) as unknown[][])[0];
    if (theirs === null) {
      problems.push(`${e.fullName}: not a Redis 7.0 command`);
      continue;
    }
    for (let i = 0; i < INFO_FIELDS.length; i++) {
      try {
        assert.deepEqual(ours[i], theirs[i]);
      } catch {
        problems.push(`${e.fullName} ${INFO_FIELDS[i]}: ours ${JSON.stringify(ours[i])} redis ${JSON.stringify(theirs[i])}`);
      }
    }
    if (e.subs !== null) {
      const redisSubs = new Set((theirs[9] as unknown[][]).map((s) => s[0] as string));
      for (const s of e.subs.values()) {
        if (!redisSubs.has(s.fullName)) problems.push(`${s.fullName}: not a Redis 7.0 subcommand`);
      }
    }
  }
  assert.deepEqual(problems, [], `COMMAND INFO differs:\n  ${problems.join('\n  ')}`);
});

test('COMMAND DOCS equal real Redis (except summaries) for every command and subcommand', async () => {
  const problems: string[] = [];
  for (const e of entries) {
    const ours = asMap(asMap(plain(await pair.ours.call('COMMAND', 'DOCS', e.fullName))).get(e.fullName));
    const theirsAll = asMap(plain(await pair.theirs.call('COMMAND', 'DOCS', e.fullName)));
    if (!theirsAll.has(e.fullName)) {
      problems.push(`${e.fullName}: Redis has no docs`);
      continue;
    }
    const theirs = asMap(theirsAll.get(e.fullName));
    const keys = (m: Map<string, unknown>) => [...m.keys()].filter((k) => k !== 'summary' && k !== 'subcommands');
    try {
      assert.deepEqual(keys(ours), keys(theirs));
    } catch {
      problems.push(`${e.fullName} fields: ours ${keys(ours).join(',')} redis ${keys(theirs).join(',')}`);
    }
    for (const k of keys(theirs)) {
      try {
        assert.deepEqual(ours.get(k), theirs.get(k));
      } catch {
        problems.push(`${e.fullName} ${k}: ours ${JSON.stringify(ours.get(k))} redis ${JSON.stringify(theirs.get(k))}`);
      }
    }
    if (typeof ours.get('summary') !== 'string' || (ours.get('summary') as string).length === 0) {
      problems.push(`${e.fullName}: no summary`);
    } else if (ours.get('summary') === theirs.get('summary')) {
      problems.push(`${e.fullName}: summary copied from Redis (write it in our own words)`);
    }
  }
  assert.deepEqual(problems, [], `COMMAND DOCS differs:\n  ${problems.join('\n  ')}`);
});

// --- 4. derivations reproduce Redis's for all of Redis's commands ----------------------------

/** Convert a key spec from Redis's COMMAND INFO (plain form) to our literal type. */
function toKeySpec(v: unknown): KeySpec {
  const m = asMap(v);
  const bs = asMap(m.get('begin_search'));
  const fk = asMap(m.get('find_keys'));
  const bsSpec = asMap(bs.get('spec'));
  const fkSpec = asMap(fk.get('spec'));
  const begin_search: KeySpec['begin_search'] = bs.get('type') === 'index'
    ? { type: 'index', index: bsSpec.get('index') as number }
    : bs.get('type') === 'keyword'
      ? { type: 'keyword', keyword: bsSpec.get('keyword') as string, startfrom: bsSpec.get('startfrom') as number }
      : { type: 'unknown' };
  const find_keys: KeySpec['find_keys'] = fk.get('type') === 'range'
    ? { type: 'range', lastkey: fkSpec.get('lastkey') as number, step: fkSpec.get('keystep') as number, limit: fkSpec.get('limit') as number }
    : fk.get('type') === 'keynum'
      ? { type: 'keynum', keynumidx: fkSpec.get('keynumidx') as number, firstkey: fkSpec.get('firstkey') as number, step: fkSpec.get('keystep') as number }
      : { type: 'unknown' };
  return { flags: m.get('flags') as KeySpecFlag[], begin_search, find_keys };
}


test('legacy first/last/step, movablekeys and flag order derive like Redis for every Redis command', async () => {
  const all = plain(await pair.theirs.call('COMMAND')) as unknown[][];
  const problems: string[] = [];
  let checked = 0;
  const check = (info: unknown[]): void => {
    const name = info[0] as string;
    const flags = (info[2] as string[]).filter((f) => f !== 'movablekeys') as CommandFlag[];
    const s = spec({ name: name.replace(/.*\|/, ''), arity: info[1] as number, flags, keySpecs: (info[8] as unknown[]).map(toKeySpec) });
    const e = new CommandEntry(s, null);
    const got = [e.firstKey, e.lastKey, e.keyStep, e.flagNames];
    const want = [info[3], info[4], info[5], info[2]];
    try {
      assert.deepEqual(got, want);
    } catch {
      problems.push(`${name}: derived ${JSON.stringify(got)} redis ${JSON.stringify(want)}`);
    }
    checked++;
    for (const sub of info[9] as unknown[][]) check(sub);
  };
  for (const info of all) check(info);
  assert.ok(checked > 300, `only ${checked} commands checked`);
  assert.deepEqual(problems, [], problems.join('\n'));
  // Every flag Redis shows is in our print order table.
  for (const info of all) for (const f of info[2] as string[]) assert.ok((FLAG_ORDER as readonly string[]).includes(f), f);
});
