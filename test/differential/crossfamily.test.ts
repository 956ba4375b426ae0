/* ==========================================================================
 * Cross-family randomized differential fuzzer.
 *
 * Commands are drawn from EVERY command and subcommand of Respite's table:
 * arguments follow each command's own argument docs (tokens, oneof, blocks,
 * optional and repeated parts) filled from value pools built to hit edge
 * cases (a small key set shared by all commands, integers at the int32 /
 * 2^53 / int64 limits, malformed numbers, binary strings, globs), then
 * mutated (dropped, duplicated, foreign arguments, wrong arity, mixed-case
 * names, unknown commands and subcommands). Each command goes to Respite and
 * real Redis 7.0 and the raw reply bytes must be identical. Some commands go
 * pipelined (a batch in one write) or in inline form.
 *
 * Only what is inherently different between two servers is not compared
 * byte for byte (see `modeOf`): hash-ordered replies (KEYS, SCAN, multi
 * CONFIG GET) are compared as sorted sets, remaining-TTL replies with a small
 * tolerance, COMMAND DOCS with summaries blanked (ours are in our own words),
 * and environment replies (INFO, TIME, HELLO, CLIENT LIST/INFO/ID, RANDOMKEY,
 * OBJECT IDLETIME, COMMAND COUNT/LIST, whole-table COMMAND INFO/DOCS) only for
 * error-vs-error. Commands that stop the run (SHUTDOWN, QUIT, CLIENT
 * KILL/PAUSE, CLIENT REPLY OFF/SKIP, CONFIG SET of anything but a few
 * harmless parameters) are never generated.
 *
 * Transactions: MULTI / EXEC / DISCARD are not drawn like other commands;
 * instead, now and then a block is generated — MULTI, a few random commands
 * (blocking ones included: inside MULTI they answer at once) sent pipelined,
 * then EXEC (or sometimes DISCARD). EXEC's reply is compared element by
 * element, each element under the mode of the command that produced it.
 * WATCH and UNWATCH are drawn like any command, so EXEC sometimes fails.
 *
 * CI runs three seeds of 2000 commands in RESP2 and one in RESP3. For a long
 * local hunt:  FUZZ_SEEDS=1-500 FUZZ_N=3000 FUZZ_COLLECT=1 node --test \
 *   dist/test/differential/crossfamily.test.js
 * (FUZZ_COLLECT logs every divergence, resynchronises both servers and goes
 * on, instead of failing at the first one.)
 * ========================================================================== */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { accountProblems } from '../helpers/account';
import { Pair, rng, type RawClient } from '../helpers/servers';
import { encodeCommand, parseReply, type Reply } from '../helpers/resp';
import { buildCommandTable, type CommandEntry } from '../../src/commands/table';
import type { ArgDoc } from '../../src/commands/spec';

// --- value pools ---------------------------------------------------------------------

const KEYS = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
const RARE_KEYS = ['', 'k\x00\xff', 'K1'];
const EDGE_INTS = [
  '0', '-1', '1', '2', '3', '7', '8', '10', '63', '64', '100', '-100', '2147483647', '2147483648', '-2147483648',
  '-2147483649', '4294967295', '4294967296', '9007199254740991', '9007199254740992', '9007199254740993',
  '-9007199254740993', '9223372036854775807', '-9223372036854775808', '9223372036854775808',
  '-9223372036854775809', '18446744073709551615', '18446744073709551616', '99999999999999999999',
];
const BAD_NUMS = [
  'abc', '', '1.5', '-1.5', 'inf', '-inf', '+inf', 'nan', '-0', ' 1', '1 ', '0x10', '1e3', '01', '+1', '-',
  '+', '\x001', '10.0', '3.0e1', '1e308', '1e309', '-1e309', '5e-324', '0.1', '.5', '5.', '1,5', '١',
];
const STRINGS = [
  'hello', 'a', 'v', '', 'x'.repeat(44), 'y'.repeat(45), '\x00\xff\x80\x7f', 'with space', '\r\n', 'ABC',
  '12345', '-7', '3.14', 'foobar', '\xff\xf0\x00', '1e2', 'ohmygodthisisalongstringforlcs',
];
const PATTERNS = ['*', 'k*', 'k?', 'k[1-3]', 'k[^1]', '*1*', '?', '\\', '[', 'k[', '[a-', 'k\\*', '', '*k*k*', 'K*', 'k[3-1]'];
const ENCODINGS = ['i1', 'i8', 'u8', 'i16', 'u16', 'i63', 'i64', 'u63', 'u64', 'i65', 'u0', 'i0', 'x8', '', 'I8', 'u1', 'i32'];
const CONFIG_PARAMS = [
  'protected-mode', 'latency-tracking', 'requirepass', 'enable-protected-configs', 'enable-debug-command',
  'databases', 'tcp-keepalive', 'timeout', 'tcp-backlog', 'active-expire-effort', 'hz', 'unixsocketperm',
  'proto-max-bulk-len', 'client-query-buffer-limit', 'appendonly', 'latency-tracking-info-percentiles',
  'unixsocket', 'no-such-param', 'HZ', 'Timeout', 'hz*', 'tcp-k*', 'zz*', 'x\r\n', 'h\0z',
];
/** CONFIG SET may only touch these (harmless to the run; immutable ones just error). */
const CONFIG_SET_SAFE = [
  'hz', 'active-expire-effort', 'tcp-keepalive', 'latency-tracking', 'latency-tracking-info-percentiles',
  'protected-mode', 'tcp-backlog', 'databases', 'unixsocket', 'daemonize', 'HZ', 'no-such-param', 'x\r\n', 'h\0z',
];
const CONFIG_VALUES = ['yes', 'no', 'YES', '10', '1', '0', '-1', '500', '501', '50 99', '99.9', '', 'abc', '1k', '2147483648', '100 200', '1.5'];
const UNKNOWN_COMMANDS = ['nosuchcmd', 'gett', 'x', '', 'get|x', 'client|getname'];

// --- generator -----------------------------------------------------------------------

type Rand = () => number;

const table = buildCommandTable();
/** Every callable command path, e.g. ['get'] or ['client', 'setname']. */
type CmdPath = { path: string[]; e: CommandEntry };
const PATHS: CmdPath[] = [];
/** What a transaction block may queue: PATHS plus the blocking commands, minus RESET (it leaves MULTI). */
const PATHS_IN_MULTI: CmdPath[] = [];
/** The blocking commands, drawn more often inside blocks (they can be fuzzed nowhere else). */
const BLOCKING_PATHS: CmdPath[] = [];
/** Generated only as transaction blocks (see runBlock). */
const TRANSACTION_CONTROL = ['multi', 'exec', 'discard'];
/** Not queued in a block: RESET leaves MULTI; SPOP's resync and LCS's cost guard need the key's state before. */
const NOT_IN_BLOCKS = ['reset', 'spop', 'lcs'];
for (const e of table.commands.values()) {
  if (TRANSACTION_CONTROL.includes(e.spec.name)) continue;
  const paths: CmdPath[] = [];
  if (e.subs === null) paths.push({ path: [e.spec.name], e });
  else for (const s of e.subs.values()) paths.push({ path: [e.spec.name, s.spec.name], e: s });
  if (e.subs !== null && e.spec.handler !== undefined) paths.push({ path: [e.spec.name], e });
  if (!NOT_IN_BLOCKS.includes(e.spec.name)) PATHS_IN_MULTI.push(...paths);
  if (e.spec.flags.includes('blocking')) BLOCKING_PATHS.push(...paths);
  // Blocking commands would hold the fuzz connection outside MULTI; test/differential covers them per family.
  if (!e.spec.flags.includes('blocking')) PATHS.push(...paths);
}
/** Names for COMMAND INFO/DOCS/GETKEYS: plain commands and sub|command full names. */
const CMD_NAMES: string[] = [];
for (const e of table.all()) if (e.subs === null) CMD_NAMES.push(e.fullName);
CMD_NAMES.push('nosuch', 'GET', 'Client|GetName', 'get|x', 'client|nosuch', '');
/** Every token of every command's docs, for foreign-argument mutations. */
const ALL_TOKENS = new Set<string>();
for (const { e } of PATHS) collectTokens(e.spec.arguments ?? [], ALL_TOKENS);
const TOKENS = [...ALL_TOKENS];

function collectTokens(args: readonly ArgDoc[], out: Set<string>): void {
  for (const a of args) {
    if (a.token !== undefined) out.add(a.token);
    if (a.arguments !== undefined) collectTokens(a.arguments, out);
  }
}

function pick<T>(r: Rand, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

/** Random case for a token or command name ("set", "SET", "sEt"). */
function casing(r: Rand, s: string): string {
  const x = r();
  if (x < 0.45) return s.toUpperCase();
  if (x < 0.8) return s.toLowerCase();
  let o = '';
  for (const ch of s) o += r() < 0.5 ? ch.toUpperCase() : ch.toLowerCase();
  return o;
}

function anyInt(r: Rand): string {
  const x = r();
  if (x < 0.45) return String(Math.floor(r() * 40) - 8);
  if (x < 0.85) return pick(r, EDGE_INTS);
  return pick(r, BAD_NUMS);
}

/** A relative time (seconds or ms): long enough that no key expires during a run. */
function relTime(r: Rand): string {
  const x = r();
  if (x < 0.6) return String(10_000_000 + Math.floor(r() * 1e9));
  if (x < 0.75) return pick(r, ['0', '-1', '-100']);
  if (x < 0.8) return pick(r, ['9223372036854775807', '-9223372036854775808']);
  // Huge but valid in ms: randomised so that GT/LT never compare two equal
  // relative deadlines (their order would depend on each server's clock).
  if (x < 0.9) return String(pick(r, [4611686018427387904n, 9223372036854776n, 9000000000000000000n]) + BigInt(Math.floor(r() * 1e9)));
  return pick(r, BAD_NUMS);
}

/** An absolute unix time: in the past (expires at once) or far in the future. */
function absTime(r: Rand, ms: boolean): string {
  const x = r();
  if (x < 0.3) return pick(r, ['1', '0', '-1', '1000000000', ms ? '1000000000000' : '1600000000']);
  if (x < 0.65) return String((ms ? 4_102_444_800_000 : 4_102_444_800) + Math.floor(r() * 1e6));
  if (x < 0.85) return pick(r, ['2147483648', '9223372036854775807', '9223372036854775', '-9223372036854775808']);
  return pick(r, BAD_NUMS);
}

function key(r: Rand): string {
  return r() < 0.94 ? pick(r, KEYS) : pick(r, RARE_KEYS);
}

/** A value for one argument, chosen by its doc name and type. */
function valueFor(r: Rand, a: ArgDoc, cmd: string): string {
  if (r() < 0.04) return r() < 0.5 ? pick(r, BAD_NUMS) : pick(r, STRINGS);
  switch (a.type) {
    case 'key': return key(r);
    case 'pattern': return pick(r, PATTERNS);
    case 'unix-time': return absTime(r, a.name.includes('milli'));
    default: break;
  }
  switch (a.name) {
    case 'seconds': case 'milliseconds': case 'timeout': return relTime(r);
    case 'offset':
      if (cmd.startsWith('bitfield') && r() < 0.3) return '#' + String(Math.floor(r() * 10) - 1);
      return r() < 0.75 ? String(Math.floor(r() * 80)) : anyInt(r);
    case 'encoding': return pick(r, ENCODINGS);
    case 'operation': return casing(r, pick(r, ['AND', 'OR', 'XOR', 'NOT', 'foo', 'ANDOR']));
    case 'db': case 'index': case 'index1': case 'index2': case 'destination-db':
      return r() < 0.7 ? String(Math.floor(r() * 4)) : pick(r, ['15', '16', '-1', ...EDGE_INTS.slice(10, 16), 'x']);
    case 'cursor': return r() < 0.8 ? '0' : pick(r, ['abc', '-1', '18446744073709551616', ' 0', '']);
    case 'count': return r() < 0.6 ? pick(r, ['1', '10', '100']) : anyInt(r);
    case 'type': return casing(r, pick(r, ['string', 'list', 'none', 'foo', 'hash', 'a\0b', 'x\r\n']));
    case 'protover': return pick(r, ['2', '3', '1', '4', 'abc', '-1', '2147483648', '']);
    case 'username': return pick(r, ['default', 'nobody', '', 'Default', 'default\0x', 'a\r\n']);
    case 'password': return pick(r, ['pw', '', 'nopass']);
    case 'connection-name': case 'clientname': return pick(r, ['name', 'with space', '', 'a\nb', 'x-y', '\x7f']);
    case 'parameter': return pick(r, cmd === 'config|set' ? CONFIG_SET_SAFE : CONFIG_PARAMS);
    case 'command-name': return pick(r, CMD_NAMES);
    case 'section': return pick(r, ['server', 'all', 'keyspace', 'nosuch']);
    case 'increment': case 'decrement':
      if (a.type === 'double') return r() < 0.5 ? pick(r, ['1.5', '-0.25', '1e3', '0', '3', '-3']) : pick(r, [...BAD_NUMS, ...EDGE_INTS]);
      return anyInt(r);
    case 'bit': return r() < 0.8 ? pick(r, ['0', '1']) : anyInt(r);
    case 'value': if (cmd === 'config|set') return pick(r, CONFIG_VALUES);
      if (cmd === 'setbit') return r() < 0.8 ? pick(r, ['0', '1']) : anyInt(r); break;
    case 'len': return r() < 0.7 ? String(Math.floor(r() * 6)) : anyInt(r);
    default: break;
  }
  if (a.type === 'integer' || a.type === 'double') return anyInt(r);
  return r() < 0.8 ? pick(r, STRINGS) : anyInt(r);
}

/** Arguments following the docs tree: optional parts maybe, repeated parts 1-3 times. */
function genArgs(r: Rand, args: readonly ArgDoc[], cmd: string, out: string[]): void {
  for (const a of args) {
    const flags = a.flags ?? [];
    if (flags.includes('optional') && r() < 0.5) continue;
    const times = flags.includes('multiple') ? 1 + Math.floor(r() * (r() < 0.8 ? 3 : 6)) : 1;
    for (let i = 0; i < times; i++) {
      if (a.token !== undefined && (i === 0 || flags.includes('multiple_token'))) out.push(casing(r, a.token));
      if (a.type === 'pure-token') continue;
      if (a.type === 'oneof') genArgs(r, [pick(r, a.arguments!)], cmd, out);
      else if (a.type === 'block') genArgs(r, a.arguments!, cmd, out);
      else out.push(valueFor(r, a, cmd));
    }
  }
}

/** Mutate an argument list: drop, duplicate, replace with a foreign value, insert a token. */
function mutate(r: Rand, argv: string[], fixed: number): void {
  const n = 1 + (r() < 0.3 ? 1 : 0);
  for (let m = 0; m < n; m++) {
    const x = r();
    const pos = fixed + Math.floor(r() * Math.max(1, argv.length - fixed + 1));
    if (x < 0.25 && argv.length > fixed) argv.splice(Math.min(pos, argv.length - 1), 1);
    else if (x < 0.45 && argv.length > fixed) argv.splice(pos, 0, argv[Math.min(pos, argv.length - 1)]);
    else if (x < 0.7) argv.splice(pos, argv.length > pos ? 1 : 0, casing(r, pick(r, TOKENS)));
    else if (x < 0.85) argv.splice(pos, argv.length > pos ? 1 : 0, r() < 0.5 ? anyInt(r) : key(r));
    else argv.push(pick(r, STRINGS));
  }
}

/** Share of loop turns that run a transaction block instead (FUZZ_BLOCKS overrides it). */
const BLOCK_RATE = Number(process.env.FUZZ_BLOCKS ?? 0.03);

/** Check the reply streams are in step every this many commands (FUZZ_SYNC overrides; 0 = never). */
const SYNC_EVERY = Number(process.env.FUZZ_SYNC ?? 100);

/** Share of commands mutated after generation (FUZZ_MUT overrides it for local hunts). */
const MUTATION_RATE = Number(process.env.FUZZ_MUT ?? 0.2);

/** One random command (argv), valid-looking most of the time. */
function genCommand(r: Rand, depth = 0, pool: readonly CmdPath[] = PATHS): string[] {
  if (r() < 0.01) return [pick(r, UNKNOWN_COMMANDS), key(r)];
  const { path, e } = pick(r, pool);
  const argv = path.map((p) => casing(r, p));
  if (path.length === 2 && r() < 0.01) argv[1] = pick(r, ['nosuch', '', 'help ']);
  if (e.fullName === 'command|getkeys' || e.fullName === 'command|getkeysandflags') {
    if (depth < 1) argv.push(...(r() < 0.9 ? genCommand(r, depth + 1) : [pick(r, CMD_NAMES)]));
  } else if (e.fullName === 'debug') {
    argv.push(pick(r, ['help', 'sleep', 'object', 'set-active-expire', 'digest']), key(r));
  } else {
    genArgs(r, e.spec.arguments ?? [], e.fullName, argv);
  }
  if (r() < MUTATION_RATE) mutate(r, argv, path.length);
  return argv;
}

/** Commands that would stop the run or make the two servers' states unrelated. */
function forbidden(argv: string[]): boolean {
  const lc = argv.map((a) => a.toLowerCase());
  const [c0, c1] = lc;
  if (['shutdown', 'quit', 'monitor'].includes(c0)) return true;
  // (Un)subscribing answers one frame per channel and (RESP2) leaves the client in subscribed
  // mode, where every later command fails alike: test/differential/pubsub.test.ts covers them.
  if (['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ssubscribe', 'sunsubscribe'].includes(c0)) return true;
  if (c0 === 'client' && ['kill', 'pause'].includes(c1)) return true;
  // Client ids differ between the servers: REDIRECT is covered by test/differential/tracking.
  if (c0 === 'client' && c1 === 'tracking' && lc.includes('redirect')) return true;
  // BCAST invalidations go out once per event-loop turn, so how writes batch into them depends on
  // timing in both servers (test/differential/tracking steps one command at a time instead).
  if (c0 === 'client' && c1 === 'tracking' && lc.includes('bcast')) return true;
  if (c0 === 'client' && c1 === 'reply' && lc.length === 3 && lc[2] !== 'on') return true;
  if (c0 === 'config' && c1 === 'set') {
    for (let i = 2; i < lc.length; i += 2) if (!CONFIG_SET_SAFE.includes(argv[i])) return true;
  }
  // A huge negative HRANDFIELD count asks both servers for billions of (repeated) fields.
  if (c0 === 'hrandfield' && argv.length >= 3 && Number(argv[2]) < -100000) return true;
  // Same for SRANDMEMBER (real Redis 7.0.15 even dies on a count near -2^63).
  if (c0 === 'srandmember' && argv.length >= 3 && Number(argv[2]) < -100000) return true;
  // And ZRANDMEMBER.
  if (c0 === 'zrandmember' && argv.length >= 3 && Number(argv[2]) < -100000) return true;
  // Keep allocations small: no in-range huge offset (SETBIT/SETRANGE/BITFIELD allocate it).
  if (['setbit', 'setrange', 'bitfield', 'append'].includes(c0)) {
    for (const a of argv.slice(2)) {
      const v = Number(a.startsWith('#') ? a.slice(1) : a);
      if (Number.isFinite(v) && Math.abs(v) >= 65536 && Math.abs(v) < 2 ** 36) return true;
    }
  }
  // No key may expire during the run (the two servers would reclaim it at
  // different moments): a mutation can put a small number where a relative
  // expire goes.
  const rel = ['setex', 'psetex', 'expire', 'pexpire'].includes(c0) ? [2]
    : c0 === 'set' || c0 === 'getex' ? lc.flatMap((a, i) => (a === 'ex' || a === 'px') && i >= 2 ? [i + 1] : []) : [];
  for (const i of rel) {
    const v = Number(argv[i]);
    if (i < argv.length && v > 0 && v < 10_000_000) return true;
  }
  // SET with an EXAT/PXAT already past stores a key that is logically gone but
  // still counted by DBSIZE until each server's own expiry cycle reclaims it.
  if (c0 === 'set') {
    for (let i = 3; i + 1 < lc.length; i++) {
      const v = Number(argv[i + 1]) * (lc[i] === 'exat' ? 1000 : lc[i] === 'pxat' ? 1 : NaN);
      if (v > 0 && v < Date.now() + 10_000_000) return true;
    }
  }
  if (c0 === 'command' && (c1 === 'getkeys' || c1 === 'getkeysandflags')) return forbidden(argv.slice(2));
  return false;
}

// --- comparison ----------------------------------------------------------------------

type Mode = 'exact' | 'sorted' | 'scan' | 'ttl' | 'pairs' | 'docs' | 'errors' | 'members' | 'sscan' | 'spop';

/** How a command's reply is compared (see the file comment). */
function modeOf(argv: string[]): Mode {
  const lc = argv.map((a) => a.toLowerCase());
  const [c0, c1] = lc;
  switch (c0) {
    case 'keys': return 'sorted';
    case 'scan': return 'scan';
    case 'ttl': case 'pttl': case 'expiretime': case 'pexpiretime': return 'ttl';
    case 'info': case 'time': case 'hello': case 'randomkey': return 'errors';
    case 'hrandfield': return 'errors';
    // Hashes: hashtable-encoded hashes iterate in hash order (small listpack hashes keep
    // insertion order, checked byte for byte in test/differential/hash); HSCAN cursors
    // of hashtable hashes are hash-specific (full iteration is checked there too).
    case 'hkeys': case 'hvals': return 'members';
    case 'hgetall': return 'pairs';
    case 'hscan': return 'errors';
    // Sets: hashtable iteration order differs (intset order is checked in test/differential/set);
    // random picks are compared by reply type, and SPOP then re-synchronises the key.
    case 'smembers': case 'sinter': case 'sunion': case 'sdiff': return 'members';
    case 'sscan': return 'sscan';
    case 'srandmember': return 'errors';
    // Sorted sets: random picks, and ZSCAN of skiplist-encoded zsets walks the member dict in hash
    // order (listpack ZSCAN and full scans are checked in test/differential/zset).
    case 'zrandmember': case 'zscan': return 'errors';
    case 'spop': return 'spop';
    // SORT with a BY pattern without '*' does not sort: a hashtable set comes out in hash order
    // (test/differential/sort covers lists, zsets and intsets exactly).
    case 'sort': case 'sort_ro': {
      const by = lc.indexOf('by');
      if (by < 0 || by + 1 >= lc.length) return 'exact';
      if (!lc[by + 1].includes('*')) return 'errors';
      // Elements with equal weights keep their input order, which is hash order for hashtable sets:
      // the same elements, in an order that may differ (subsets under LIMIT differ too).
      return lc.includes('limit') || lc.includes('store') ? 'errors' : 'members';
    }
    case 'client': return ['list', 'info', 'id'].includes(c1) ? 'errors' : 'exact';
    // Slowlog entries and latency data hold times, durations and ports: only help / reset compare exactly.
    case 'slowlog': case 'latency': return ['help', 'reset'].includes(c1) ? 'exact' : 'errors';
    // OBJECT REFCOUNT of a value stored from a queued argv inside EXEC is 2 in Redis (the queue still
    // holds the argument object): covered outside transactions by test/differential/generic.
    case 'object': return c1 === 'idletime' || c1 === 'refcount' ? 'errors' : 'exact';
    // MEMORY figures are Respite's own (V8 heap), so only the reply types must agree.
    case 'memory': return ['help', 'purge'].includes(c1) ? 'exact' : 'errors';
    case 'config': return c1 === 'get' ? 'pairs' : 'exact';
    case 'command': {
      if (argv.length === 1 || c1 === 'count' || c1 === 'list') return 'errors';
      if (c1 === 'info' || c1 === 'docs') {
        // The whole table (no names) or a container (subcommands in hash order, and
        // Respite may implement fewer of them) cannot match byte for byte.
        if (argv.length === 2) return 'errors';
        if (lc.slice(2).some((n) => table.commands.get(n)?.subs != null)) return 'errors';
        // A Redis command Respite does not have yet (e.g. SAVE) is nil here but described there.
        if (lc.slice(2).some((n) => !table.commands.has(n.split('|')[0]))) return 'errors';
        return c1 === 'docs' ? 'docs' : 'exact';
      }
      return 'exact';
    }
    default: return 'exact';
  }
}

function decode(raw: string): Reply {
  return parseReply(Buffer.from(raw, 'latin1'), 0)![0];
}

function blankSummaries(raw: string): string {
  return raw.replace(/\$7\r\nsummary\r\n\$\d+\r\n[^\r]*\r\n/g, '$7\r\nsummary\r\n$0\r\n\r\n');
}

/** Sorted key/value pairs of a CONFIG GET reply (flat array or map). */
function pairsOf(v: Reply): string[] {
  const out: string[] = [];
  if (Array.isArray(v)) for (let i = 0; i < v.length; i += 2) out.push(`${String(v[i])}=${String(v[i + 1])}`);
  else if (v !== null && typeof v === 'object' && 'map' in v) for (const [a, b] of v.map) out.push(`${String(a)}=${String(b)}`);
  return out.sort();
}

/** Sorted members of a bulk / array / RESP3 set reply (set-family replies in hash order). */
function membersOf(v: Reply): string[] {
  if (typeof v === 'string') return [v];
  const items = Array.isArray(v) ? v : v !== null && typeof v === 'object' && 'set' in v ? v.set : [];
  return (items as string[]).slice().sort();
}

/** Full SSCAN of argv[1] from cursor 0 with the same options: sorted members, or the raw error. */
async function sscanAll(p: Pair, ours: boolean, argv: string[]): Promise<string> {
  const cl = ours ? p.ours : p.theirs;
  const seen = new Set<string>();
  let cursor = '0';
  for (let i = 0; i < 10000; i++) {
    const raw = await cl.raw('SSCAN', argv[1], cursor, ...argv.slice(3));
    const v = decode(raw);
    if (!Array.isArray(v)) return raw;
    cursor = v[0] as string;
    for (const k of v[1] as string[]) seen.add(k);
    if (cursor === '0') break;
  }
  return JSON.stringify([...seen].sort());
}

/** Full SCAN from cursor 0 with the same options: sorted keys, or the raw error. */
async function scanAll(p: Pair, ours: boolean, opts: string[]): Promise<string> {
  const cl = ours ? p.ours : p.theirs;
  const seen = new Set<string>();
  let cursor = '0';
  for (let i = 0; i < 10000; i++) {
    const raw = await cl.raw('SCAN', cursor, ...opts);
    const v = decode(raw);
    if (!Array.isArray(v)) return raw;
    cursor = v[0] as string;
    for (const k of v[1] as string[]) seen.add(k);
    if (cursor === '0') break;
  }
  return JSON.stringify([...seen].sort());
}

/**
 * COMMAND INFO/DOCS/GETKEYS naming a command that real Redis has and Respite does not
 * (a mutation can put SAVE or PUBSUB there): inherently different.
 */
async function namesUnimplemented(p: Pair, argv: string[]): Promise<boolean> {
  const lc = argv.map((x) => x.toLowerCase());
  if (lc[0] !== 'command' || argv.length < 3) return false;
  const names = lc[1] === 'info' || lc[1] === 'docs' ? argv.slice(2)
    : lc[1] === 'getkeys' || lc[1] === 'getkeysandflags' ? [argv[2]] : [];
  for (const n of names) {
    if (table.lookupFullName(n) !== undefined) continue;
    const v = await p.theirs.call('COMMAND', 'INFO', n);
    if (Array.isArray(v) && v[0] !== null) return true;
  }
  return false;
}

/** Whether two replies agree under the command's mode; returns a reason when not. */
async function agree(p: Pair, argv: string[], a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  if (await namesUnimplemented(p, argv)) return true;
  // Redis never clears errno before parsing SORT weights: after one out-of-range weight (1e309...),
  // its later SORTs fail with this error on non-integer weights (docs/compatibility.md).
  if (/^sort(_ro)?$/i.test(argv[0]) && b === "-ERR One or more scores can't be converted into double\r\n" && !a.startsWith('-')) {
    // Only Respite stored the result: drop the destination on both so the keyspaces agree again.
    const st = argv.findIndex((x, i) => i > 1 && x.toLowerCase() === 'store');
    if (st > 0 && st + 1 < argv.length) await p.both('DEL', argv[st + 1]);
    return true;
  }
  const mode = modeOf(argv);
  if (mode === 'exact') return false;
  const errA = a.startsWith('-'), errB = b.startsWith('-');
  if (errA || errB) return false;
  if (mode === 'errors') return a[0] === b[0];
  if (a[0] !== b[0]) return false;
  const va = decode(a), vb = decode(b);
  switch (mode) {
    case 'sorted': return JSON.stringify([...(va as string[])].sort()) === JSON.stringify([...(vb as string[])].sort());
    case 'scan': {
      if (!Array.isArray(va) || !Array.isArray(vb)) return false;
      const opts = argv.slice(2);
      const [sa, sb] = await Promise.all([scanAll(p, true, opts), scanAll(p, false, opts)]);
      return sa === sb;
    }
    case 'ttl': {
      const isInt = (v: Reply): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';
      if (!isInt(va) || !isInt(vb) || va < 0 || vb < 0) return false;
      const ms = argv[0].toLowerCase().startsWith('p');
      const diff = BigInt(va) - BigInt(vb);
      // Clock skew between the servers (a loaded 2-core machine can serve the two pipelines ~0.3 s
      // apart); still catches unit mistakes (x1000). Double rounding past 2^62 is >= 1024.
      return (diff < 0n ? -diff : diff) <= (ms ? 1000n : 1n);
    }
    case 'pairs': return JSON.stringify(pairsOf(va)) === JSON.stringify(pairsOf(vb));
    case 'members': return JSON.stringify(membersOf(va)) === JSON.stringify(membersOf(vb));
    case 'sscan': {
      if (!Array.isArray(va) || !Array.isArray(vb)) return false;
      const [sa, sb] = await Promise.all([sscanAll(p, true, argv), sscanAll(p, false, argv)]);
      return sa === sb;
    }
    case 'spop': {
      // Undo Respite's picks and apply Redis's, so both hold the same set again
      // (re-adding former members never changes the encoding).
      const pa = membersOf(va), pb = membersOf(vb);
      if (pa.length !== pb.length) return false;
      if (pa.length > 0 && (await p.theirs.call('EXISTS', argv[1])) === 1) {
        await p.ours.call('SADD', argv[1], ...pa);
        await p.ours.call('SREM', argv[1], ...pb);
      }
      return true;
    }
    case 'docs': return blankSummaries(a) === blankSummaries(b);
    default: return false;
  }
}

/** The raw bytes of each element of an array reply ("*N\r\n..."), or null for anything else. */
function elementsOf(raw: string): string[] | null {
  const m = /^\*(\d+)\r\n/.exec(raw);
  if (m === null) return null;
  const buf = Buffer.from(raw, 'latin1');
  const out: string[] = [];
  let off = m[0].length;
  for (let i = 0; i < Number(m[1]); i++) {
    const r = parseReply(buf, off);
    if (r === null) return null;
    out.push(buf.toString('latin1', off, r[1]));
    off = r[1];
  }
  return out;
}

/**
 * EXEC replies agree when they are identical, or when both are arrays of the
 * queued commands' replies and each element pair agrees under the mode of
 * the command that produced it (hash-ordered replies inside a transaction).
 */
async function agreeExec(p: Pair, queued: string[][], a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  const ea = elementsOf(a), eb = elementsOf(b);
  if (ea === null || eb === null || ea.length !== eb.length || ea.length !== queued.length) return false;
  for (let i = 0; i < ea.length; i++) if (!(await agree(p, queued[i], ea[i], eb[i]))) return false;
  return true;
}

/** Strlen on Respite only (a side query, never compared), for the LCS cost guard. */
async function strlen(p: Pair, k: string): Promise<number> {
  const v = await p.ours.call('STRLEN', k);
  return typeof v === 'number' ? v : 0;
}

/** FUZZ_STATS=1: per command, [calls, error replies], printed after the run. */
const STATS: Map<string, [number, number]> | null = process.env.FUZZ_STATS === '1' ? new Map() : null;

export interface Divergence { seed: number; step: number; argv: string[]; ours: string; redis: string; }

/**
 * Run n random commands of one seed. Returns the divergences (at most one
 * unless `collect`: then each is logged, both servers are reset and the run
 * goes on).
 */
async function runSeed(p: Pair, seed: number, n: number, resp3: boolean, collect: boolean): Promise<Divergence[]> {
  const r = rng(seed);
  // Transaction blocks draw from their own stream, so adding them left the
  // main command stream of every seed as it was.
  const rb = rng(seed + 7_777_777);
  const found: Divergence[] = [];
  const history: string[][] = [];
  const resync = async () => {
    await p.both('CLIENT', 'REPLY', 'ON');
    await p.both('RESET');
    if (resp3) await p.both('HELLO', '3');
    await p.both('FLUSHALL');
  };
  await resync();
  for (let step = 0; step < n;) {
    if (rb() < BLOCK_RATE) {
      step += await runBlock();
      continue;
    }
    // Mostly one command at a time; sometimes a pipelined batch (one write
    // holding several commands) or a command in inline form.
    const x = r();
    const size = x < 0.05 ? 2 + Math.floor(r() * 11) : 1;
    const batch: string[][] = [];
    while (batch.length < size) {
      let argv = genCommand(r);
      while (forbidden(argv) || (size > 1 && ['lcs', 'spop'].includes(argv[0].toLowerCase()))) argv = genCommand(r);
      batch.push(argv);
    }
    step += size;
    if (size === 1 && batch[0][0].toLowerCase() === 'lcs' && batch[0].length >= 3) {
      if ((await strlen(p, batch[0][1])) * (await strlen(p, batch[0][2])) > 4_000_000) continue;
    }
    const inline = size === 1 && x > 0.95 && batch[0].every((a) => /^[!#-&(-[\]-~]+$/.test(a));
    const [as, bs] = await sendBatch(p, batch, inline);
    for (let i = 0; i < size; i++) {
      if (!(await check(batch[i], as[i], bs[i], size > 1 ? ` (pipelined ${i + 1}/${size})` : inline ? ' (inline)' : ''))) break;
    }
    // Reply streams must stay in step: a command answered with one reply too many (or too few) in
    // both servers would otherwise shift every later comparison. ECHO probes catch it where it happens.
    if (SYNC_EVERY > 0 && step % SYNC_EVERY < size) {
      const probe = ['ECHO', `sync:${seed}:${step}`];
      const [pa, pb] = await sendBatch(p, [probe], false);
      const want = `$${probe[1].length}\r\n${probe[1]}\r\n`;
      assert.ok(pa[0] === want && pb[0] === want,
        `reply stream out of step before seed ${seed} step ${step}: ${JSON.stringify(pa[0]).slice(0, 120)} / ${JSON.stringify(pb[0]).slice(0, 120)}; last: ${JSON.stringify(batch)}`);
      // The memory account must be exact and up to date whatever ran (see helpers/account.ts).
      const acct = accountProblems(p.respiteServer.server);
      assert.deepEqual(acct, [], `memory account before seed ${seed} step ${step}; recent: ${JSON.stringify(history.slice(-20))}`);
    }
  }
  return found;

  /**
   * One transaction block: MULTI alone (the body is only sent once both
   * servers are surely in MULTI, since it may hold blocking commands), the
   * body pipelined, then EXEC or DISCARD. Returns the commands it counted.
   */
  async function runBlock(): Promise<number> {
    const multi = ['MULTI'];
    const [ma, mb] = await sendBatch(p, [multi], false);
    if (!(await check(multi, ma[0], mb[0], ' (transaction)')) || mb[0] !== '+OK\r\n') return 1;
    const body: string[][] = [];
    const size = 1 + Math.floor(rb() * 6);
    while (body.length < size) {
      const pool = rb() < 0.15 ? BLOCKING_PATHS : PATHS_IN_MULTI;
      let argv = genCommand(rb, 0, pool);
      while (forbidden(argv)) argv = genCommand(rb, 0, pool);
      body.push(argv);
    }
    const [as, bs] = await sendBatch(p, body, false);
    const queued: string[][] = [];
    for (let i = 0; i < size; i++) {
      if (!(await check(body[i], as[i], bs[i], ` (in MULTI ${i + 1}/${size})`))) return 1 + size;
      if (bs[i] === '+QUEUED\r\n') queued.push(body[i]);
    }
    const end = rb() < 0.9 ? ['EXEC'] : ['DISCARD'];
    const [ea, eb] = await sendBatch(p, [end], false);
    await check(end, ea[0], eb[0], ` (ending a transaction of ${queued.length} queued)`, queued);
    return 2 + size;
  }

  /**
   * Compare one reply pair; on divergence fail, or (collect) log, resync and
   * return false. `queued`: the reply is EXEC's, element-wise comparable.
   */
  async function check(argv: string[], a: string, b: string, how: string, queued?: string[][]): Promise<boolean> {
    history.push(argv);
    if (STATS !== null) {
      const name = argv.slice(0, table.lookup(argv[0])?.subs ? 2 : 1).join(' ').toLowerCase();
      const st = STATS.get(name) ?? [0, 0];
      st[0]++;
      if (b.startsWith('-')) st[1]++;
      STATS.set(name, st);
    }
    if (queued !== undefined && argv[0] === 'EXEC' ? await agreeExec(p, queued, a, b) : await agree(p, argv, a, b)) return true;
    const step = history.length - 1;
    const d = { seed, step, argv, ours: a, redis: b };
    found.push(d);
    if (!collect) {
      const ctx = history.slice(-Number(process.env.FUZZ_HIST ?? 15)).map((h) => '  ' + JSON.stringify(h)).join('\n');
      assert.fail(`seed ${seed} step ${step}${resp3 ? ' (RESP3)' : ''}${how}: ${JSON.stringify(argv)}\n` +
        `  ours:  ${JSON.stringify(a).slice(0, 400)}\n  redis: ${JSON.stringify(b).slice(0, 400)}\nlast commands:\n${ctx}`);
    }
    console.log(`DIVERGENCE seed=${seed} step=${step}${resp3 ? ' resp3' : ''}${how} ${JSON.stringify(argv)}\n` +
      `  ours:  ${JSON.stringify(a).slice(0, 300)}\n  redis: ${JSON.stringify(b).slice(0, 300)}\n` +
      `  before: ${history.slice(-6, -1).map((h) => JSON.stringify(h)).join(' ')}`);
    if (process.env.FUZZ_TRACE === '1') {
      const tk = (process.env.FUZZ_KEYS ?? '').split(',').concat(argv.slice(1));
      const rel = history.filter((h) => h.slice(1).some((x) => tk.includes(x)) || /^(flush|swapdb|select|reset|move|copy)/i.test(h[0]));
      console.log('  trace: ' + rel.slice(-25).map((h) => JSON.stringify(h)).join('\n    '));
    }
    await resync();
    return false;
  }
}

/** Send commands to both servers in one write each (RESP, or inline); read every reply's raw bytes. */
async function sendBatch(p: Pair, batch: string[][], inline: boolean): Promise<[string[], string[]]> {
  const bytes = inline ? Buffer.from(batch[0].join(' ') + '\r\n', 'latin1') : Buffer.concat(batch.map((a) => encodeCommand(a)));
  // RESP3 push frames (client-tracking invalidations of a fuzzed CLIENT TRACKING ON) are out of band:
  // they are set aside, and both servers must have pushed the same frames by the end of the batch.
  const pushes: [string[], string[]] = [[], []];
  const run = async (cl: RawClient, pushed: string[]): Promise<string[]> => {
    cl.write(bytes);
    const out: string[] = [];
    while (out.length < batch.length) {
      const raw = (await cl.readReply())[1].toString('latin1');
      if (raw.startsWith('>')) pushed.push(raw);
      else out.push(raw);
    }
    return out;
  };
  const res = await Promise.all([run(p.ours, pushes[0]), run(p.theirs, pushes[1])]);
  assert.deepEqual(pushes[0], pushes[1], `push frames differ around ${JSON.stringify(batch).slice(0, 200)}`);
  return res;
}

// --- the tests -----------------------------------------------------------------------

function seedsFromEnv(): number[] | null {
  const s = process.env.FUZZ_SEEDS;
  if (s === undefined || s === '') return null;
  const out: number[] = [];
  for (const part of s.split(',')) {
    const [lo, hi] = part.split('-').map(Number);
    for (let i = lo; i <= (hi ?? lo); i++) out.push(i);
  }
  return out;
}

let pair: Pair;

before(async () => {
  pair = await Pair.start();
});

after(async () => {
  await pair.close();
});

const envSeeds = seedsFromEnv();
const N = Number(process.env.FUZZ_N ?? 2000);
const collect = process.env.FUZZ_COLLECT === '1';

if (envSeeds !== null) {
  test(`local hunt: seeds ${process.env.FUZZ_SEEDS} x ${N} (RESP2 and RESP3)`, async () => {
    let total = 0;
    for (const seed of envSeeds) {
      total += (await runSeed(pair, seed, N, false, collect)).length;
      total += (await runSeed(pair, seed + 100_000, N, true, collect)).length;
    }
    if (STATS !== null) {
      for (const [k, [n, e]] of [...STATS].sort((x, y) => y[1][0] - x[1][0])) console.log(`${k}: ${n} calls, ${e} errors`);
    }
    assert.equal(total, 0, `${total} divergences`);
  });
} else {
  for (const seed of [1, 2, 3]) {
    test(`random cross-family commands, seed ${seed}, RESP2`, async () => {
      await runSeed(pair, seed, N, false, false);
    });
  }
  test('random cross-family commands, seed 4, RESP3', async () => {
    await runSeed(pair, 4, N, true, false);
  });
}
