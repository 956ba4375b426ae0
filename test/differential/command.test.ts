/* Differential tests: COMMAND INFO / DOCS / LIST / COUNT / GETKEYS / GETKEYSANDFLAGS
 * byte for byte against real Redis 7.0, in RESP2 and RESP3, for every
 * command in Respite's table.
 *
 * Redis lists commands and subcommands in hash order (a random seed per
 * run), so where a reply lists several commands the comparison sorts the
 * entries first; everything inside an entry is compared byte for byte.
 * Containers Respite implements only in part (fewer subcommands than
 * Redis) are compared subcommand by subcommand instead. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, RawClient, rng } from '../helpers/servers';
import { buildCommandTable, type CommandEntry } from '../../src/commands/table';

// --- a RESP tree that keeps each node's exact bytes ------------------------------------

interface Node { head: string; kids: Node[] | null }

/** Parse one reply at `off` into a tree (aggregates keep their header line). */
function parseTree(s: string, off: number): [Node, number] {
  const nl = s.indexOf('\r\n', off);
  const head = s.slice(off, nl + 2);
  const t = s[off];
  let o = nl + 2;
  if (t === '$' || t === '=' || t === '!') {
    const n = parseInt(s.slice(off + 1, nl), 10);
    if (n < 0) return [{ head, kids: null }, o];
    return [{ head: head + s.slice(o, o + n + 2), kids: null }, o + n + 2];
  }
  if (t === '*' || t === '~' || t === '%' || t === '>') {
    let n = parseInt(s.slice(off + 1, nl), 10);
    if (n < 0) return [{ head, kids: null }, o];
    if (t === '%') n *= 2;
    const kids: Node[] = [];
    for (let i = 0; i < n; i++) {
      const [k, next] = parseTree(s, o);
      kids.push(k);
      o = next;
    }
    return [{ head, kids }, o];
  }
  return [{ head, kids: null }, o];
}

function ser(n: Node): string {
  return n.kids === null ? n.head : n.head + n.kids.map(ser).join('');
}

function tree(raw: string): Node {
  const [n, end] = parseTree(raw, 0);
  assert.equal(end, raw.length, 'trailing bytes');
  return n;
}

/** Sort the subcommand list of a COMMAND INFO entry (element 10). */
function canonInfo(e: Node): Node {
  if (e.kids === null) return e;
  const subs = e.kids[9];
  const kids = e.kids.slice();
  kids[9] = { head: subs.head, kids: subs.kids!.map(canonInfo).sort((a, b) => cmp(ser(a), ser(b))) };
  return { head: e.head, kids };
}

/** Sort the "subcommands" map inside a COMMAND DOCS docs map (RESP2 or RESP3). */
function canonDocs(d: Node): Node {
  const kids = d.kids!.slice();
  for (let i = 0; i < kids.length; i += 2) {
    if (ser(kids[i]) === '$11\r\nsubcommands\r\n') kids[i + 1] = sortPairs(kids[i + 1], canonDocs);
  }
  return { head: d.head, kids };
}

/** Sort the key/value pairs of a map node (flat array in RESP2). */
function sortPairs(m: Node, canonValue: (n: Node) => Node): Node {
  const pairs: [Node, Node][] = [];
  for (let i = 0; i < m.kids!.length; i += 2) pairs.push([m.kids![i], canonValue(m.kids![i + 1])]);
  pairs.sort((a, b) => cmp(ser(a[0]) + ser(a[1]), ser(b[0]) + ser(b[1])));
  return { head: m.head, kids: pairs.flat() };
}

/** Summaries are in our own words: blank every summary value before comparing docs. */
function blank(raw: string): string {
  return raw.replace(/\$7\r\nsummary\r\n\$\d+\r\n[^\r]*\r\n/g, '$7\r\nsummary\r\n$0\r\n\r\n');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// --- setup ------------------------------------------------------------------------

let pair: Pair;
/** Second connection pair switched to RESP3. */
let ours3: RawClient;
let theirs3: RawClient;
const table = buildCommandTable();
const entries = [...table.all()];

/**
 * Switch a connection to RESP3: HELLO 3, or — while Respite's HELLO is not
 * in the table — by setting the protocol on the server-side client.
 */
async function toResp3(c: RawClient, respite: boolean): Promise<void> {
  const r = await c.call('HELLO', '3');
  if (respite && typeof r === 'object' && r !== null && 'error' in r) {
    const port = c.sock.localPort;
    for (const cl of pair.respiteServer.server.clients.values()) {
      if (cl.addr.endsWith(':' + port)) cl.w.proto = 3;
    }
  }
}

before(async () => {
  pair = await Pair.start();
  [ours3, theirs3] = await pair.connectMore();
  await toResp3(ours3, true);
  await toResp3(theirs3, false);
});

after(async () => {
  ours3.close();
  theirs3.close();
  await pair.close();
});

async function both3(...args: string[]): Promise<[string, string]> {
  return Promise.all([ours3.raw(...args), theirs3.raw(...args)]);
}

/** Does Redis's container have exactly the subcommands Respite has? */
async function fullContainer(e: CommandEntry): Promise<boolean> {
  if (e.subs === null) return true;
  const r = await pair.theirs.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', e.fullName + '|*');
  return (r as string[]).length === e.subs.size;
}

// --- tests ------------------------------------------------------------------------

test('COMMAND INFO <name> byte-identical for every command, RESP2 and RESP3', async () => {
  for (const e of entries) {
    const full = e.parent !== null || (await fullContainer(e));
    if (!full) continue; // partial container: its subcommands are compared one by one
    for (const proto of [2, 3]) {
      const [a, b] = proto === 2 ? await pair.both('COMMAND', 'INFO', e.fullName) : await both3('COMMAND', 'INFO', e.fullName);
      assert.equal(ser(canonInfo(tree(a).kids![0])), ser(canonInfo(tree(b).kids![0])), `COMMAND INFO ${e.fullName} RESP${proto}`);
    }
  }
});

test('COMMAND DOCS <name> byte-identical apart from summaries', async () => {
  for (const e of entries) {
    if (e.parent === null && !(await fullContainer(e))) continue;
    for (const proto of [2, 3]) {
      const [a, b] = proto === 2 ? await pair.both('COMMAND', 'DOCS', e.fullName) : await both3('COMMAND', 'DOCS', e.fullName);
      const ta = tree(blank(a)), tb = tree(blank(b));
      assert.equal(ser(sortPairs(ta, canonDocs)), ser(sortPairs(tb, canonDocs)), `COMMAND DOCS ${e.fullName} RESP${proto}`);
    }
  }
});

test('COMMAND INFO with several names, unknown names and odd spellings', async () => {
  const names = ['get', 'GET', 'nosuch', '', 'get|', 'get|x', '|get', 'command|info', 'COMMAND|COUNT', 'command|nosuch',
    'a|b|c', 'command|info|x', 'ping', 'set'];
  for (const proto of [2, 3]) {
    const [a, b] = proto === 2 ? await pair.both('COMMAND', 'INFO', ...names) : await both3('COMMAND', 'INFO', ...names);
    assert.equal(a, b, `RESP${proto}`);
  }
  await pair.same('COMMAND', 'DOCS', 'nosuch');
  const [a, b] = await pair.both('COMMAND', 'DOCS', 'get', 'nosuch', 'GET', 'command|count', 'x|y|z');
  assert.equal(blank(a), blank(b));
});

test('COMMAND, COMMAND INFO and COMMAND DOCS without names list exactly our commands, each as Redis has it', async () => {
  for (const proto of [2, 3]) {
    const call = (...a: string[]) => (proto === 2 ? pair.both(...a) : both3(...a));
    for (const form of [['COMMAND'], ['COMMAND', 'INFO']]) {
      const [a] = await call(...form);
      const ours = tree(a).kids!;
      assert.equal(ours.length, table.commands.size);
      for (const n of ours) {
        const name = n.kids![0].head.split('\r\n')[1];
        const e = table.lookup(name)!;
        if (!(await fullContainer(e))) continue;
        const [, b] = await call('COMMAND', 'INFO', name);
        assert.equal(ser(canonInfo(n)), ser(canonInfo(tree(b).kids![0])), `${form.join(' ')}: ${name}`);
      }
    }
    const [docs] = await call('COMMAND', 'DOCS');
    const t = tree(docs);
    assert.equal(t.kids!.length, 2 * table.commands.size);
  }
});

test('COMMAND COUNT and COMMAND LIST agree with the table', async () => {
  const count = await pair.ours.call('COMMAND', 'COUNT');
  assert.equal(count, table.commands.size);
  const list = (await pair.ours.call('COMMAND', 'LIST')) as string[];
  assert.deepEqual([...list].sort(), entries.map((e) => e.fullName).sort());
  // Every name we list exists in Redis, too.
  const theirs = new Set((await pair.theirs.call('COMMAND', 'LIST')) as string[]);
  for (const n of list) assert.ok(theirs.has(n), `${n} is not a Redis command`);
});

test('COMMAND LIST FILTERBY gives Redis\'s answer restricted to our commands', async () => {
  const ourNames = new Set(entries.map((e) => e.fullName));
  const filters: string[][] = [
    ['ACLCAT', 'read'], ['aclcat', 'CONNECTION'], ['ACLCAT', '@read'], ['ACLCAT', 'nosuch'], ['ACLCAT', 'slow'],
    ['ACLCAT', 'fast'], ['ACLCAT', 'write'], ['ACLCAT', 'string'], ['ACLCAT', 'keyspace'], ['ACLCAT', 'admin'],
    ['PATTERN', '*'], ['PATTERN', 'g*'], ['PATTERN', 'COMMAND|*'], ['PATTERN', '*|*'], ['pattern', '[gs]et'],
    ['PATTERN', '?e?'], ['PATTERN', '[^g]et'], ['PATTERN', '[a-h]*'], ['PATTERN', 'c\\ommand'], ['PATTERN', '[abc'],
    ['PATTERN', '*[|]*'], ['MODULE', 'x'], ['module', ''],
  ];
  for (const f of filters) {
    const ours = (await pair.ours.call('COMMAND', 'LIST', 'FILTERBY', ...f)) as string[];
    const theirs = (await pair.theirs.call('COMMAND', 'LIST', 'FILTERBY', ...f)) as string[];
    assert.deepEqual([...ours].sort(), theirs.filter((n) => ourNames.has(n)).sort(), `FILTERBY ${f.join(' ')}`);
  }
  for (const bad of [['FILTERBY'], ['FILTERBY', 'pattern'], ['FILTERBY', 'bad', 'x'], ['FILTERBY', 'PATTERN', 'x', 'y'],
    ['x'], ['FILTERBY', 'PATTERN', 'a', 'FILTERBY', 'ACLCAT', 'read']]) {
    await pair.same('COMMAND', 'LIST', ...bad);
  }
});

test('COMMAND GETKEYS / GETKEYSANDFLAGS match Redis for every command, with generated argvs', async () => {
  const r = rng(20240601);
  const words = ['a', 'b', 'k1', 'key', '0', '1', '2', '-1', 'x', 'GET', 'get', 'EX', '10', 'NX', 'STORE', 'KEYS'];
  for (const e of entries) {
    const name = e.parent !== null ? [e.parent.spec.name, e.spec.name] : [e.spec.name];
    const arity = e.spec.arity;
    for (let i = 0; i < 25; i++) {
      const n = arity > 0 ? arity : -arity + Math.floor(r() * 5);
      const argv = [...name];
      while (argv.length < n) argv.push(words[Math.floor(r() * words.length)]);
      if (r() < 0.15) argv.push('extra'); // sometimes a wrong count
      await pair.same('COMMAND', 'GETKEYS', ...argv);
      await pair.same('COMMAND', 'GETKEYSANDFLAGS', ...argv);
      const [a, b] = await both3('COMMAND', 'GETKEYSANDFLAGS', ...argv);
      assert.equal(a, b, `RESP3 GETKEYSANDFLAGS ${argv.join(' ')}`);
    }
  }
});

test('COMMAND GETKEYS error paths and fixed cases', async () => {
  const cases: string[][] = [
    ['GETKEYS'], ['GETKEYS', 'get'], ['GETKEYS', 'nosuch', 'x'], ['GETKEYS', 'get', 'a', 'b'], ['GETKEYS', 'GET', 'a'],
    ['GETKEYS', 'set', 'k', 'v', 'EX', '10'], ['GETKEYSANDFLAGS', 'set', 'k', 'v'], ['GETKEYSANDFLAGS', 'set', 'k', 'v', 'get'],
    ['GETKEYSANDFLAGS', 'set', 'k', 'v', 'GeT'], ['GETKEYS', 'ping', 'x'], ['GETKEYS', 'command', 'info'],
    ['GETKEYS', 'command', 'nosuch'], ['GETKEYS', 'COMMAND', 'GETKEYS', 'get', 'a'], ['GETKEYSANDFLAGS', 'get', 'a'],
  ];
  for (const c of cases) await pair.same('COMMAND', ...c);
});

test('COMMAND HELP, COUNT arity and unknown subcommands', async () => {
  for (const c of [['HELP'], ['help'], ['HELP', 'x'], ['COUNT', 'x'], ['nosuch'], ['INFO\r\nx']]) {
    await pair.same('COMMAND', ...c);
  }
  const [a, b] = await both3('COMMAND', 'HELP');
  assert.equal(a, b);
});
