/* ==========================================================================
 * The command table: built once at start-up from the family files' spec
 * literals. It derives what Redis derives from its JSON command files:
 * flag bitmasks, implicit ACL categories, full names of subcommands, the
 * legacy (first, last, step) key range and the movablekeys flag, and a
 * stats record per command. It validates the table and throws on any
 * inconsistency (fail fast at start-up, and in the meta-test).
 * ========================================================================== */

import type { ArgDoc, CommandFlag, CommandSpec, KeySpec } from './spec';
import { FAMILIES } from './families';
import type { LatencyHistogram } from '../server/histogram';

/** Flag bits for the gatekeeper's checks. */
export const enum CMD {
  WRITE = 1 << 0,
  READONLY = 1 << 1,
  DENYOOM = 1 << 2,
  ADMIN = 1 << 3,
  PUBSUB = 1 << 4,
  NOSCRIPT = 1 << 5,
  BLOCKING = 1 << 6,
  LOADING = 1 << 7,
  STALE = 1 << 8,
  SKIP_MONITOR = 1 << 9,
  SKIP_SLOWLOG = 1 << 10,
  FAST = 1 << 11,
  NO_AUTH = 1 << 12,
  MAY_REPLICATE = 1 << 13,
  NO_MULTI = 1 << 14,
  MOVABLE_KEYS = 1 << 15,
  ALLOW_BUSY = 1 << 16,
  PROTECTED = 1 << 17,
  NO_MANDATORY_KEYS = 1 << 18,
}

const FLAG_BITS: Partial<Record<CommandFlag, number>> = {
  write: CMD.WRITE, readonly: CMD.READONLY, denyoom: CMD.DENYOOM, admin: CMD.ADMIN,
  pubsub: CMD.PUBSUB, noscript: CMD.NOSCRIPT, blocking: CMD.BLOCKING, loading: CMD.LOADING,
  stale: CMD.STALE, skip_monitor: CMD.SKIP_MONITOR, skip_slowlog: CMD.SKIP_SLOWLOG,
  fast: CMD.FAST, no_auth: CMD.NO_AUTH, may_replicate: CMD.MAY_REPLICATE,
  no_multi: CMD.NO_MULTI, movablekeys: CMD.MOVABLE_KEYS, allow_busy: CMD.ALLOW_BUSY,
  protected: CMD.PROTECTED, no_mandatory_keys: CMD.NO_MANDATORY_KEYS,
};

/**
 * Command flags in the order Redis prints them in COMMAND INFO (its flag
 * name table). may_replicate, sentinel, only_sentinel and protected are
 * never shown, as in Redis.
 */
export const FLAG_ORDER: readonly CommandFlag[] = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'no_mandatory_keys', 'no_async_loading',
  'no_multi', 'movablekeys', 'allow_busy',
];

/** ACL categories in Redis's canonical order (COMMAND INFO lists them in this order). */
export const ACL_CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap',
  'hyperloglog', 'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking',
  'dangerous', 'connection', 'transaction', 'scripting',
] as const;

/** Per-command counters (INFO commandstats). */
export class CommandStats {
  calls = 0;
  usec = 0;
  rejected = 0;
  failed = 0;
  /** Latency histogram (INFO latencystats), allocated on the first recorded call. */
  hist: LatencyHistogram | null = null;
}

/** A command as the server uses it: the spec plus everything derived from it. */
export class CommandEntry {
  readonly fullName: string;
  readonly flagBits: number;
  /** Full category list (explicit + implicit), canonical order, without '@'. */
  readonly aclCategories: readonly string[];
  /** Legacy key range for COMMAND INFO (0,0,0 when none). */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  readonly movableKeys: boolean;
  /** Visible flags for COMMAND INFO, in Redis's order (movablekeys included when derived). */
  readonly flagNames: readonly CommandFlag[];
  readonly subs: Map<string, CommandEntry> | null;
  readonly stats = new CommandStats();
  /**
   * spec.arity, copied: the gatekeeper reads it for every command, and the
   * spec literals all have different shapes, so reading it through `spec`
   * is a megamorphic property load.
   */
  readonly arity: number;

  constructor(readonly spec: CommandSpec, readonly parent: CommandEntry | null) {
    this.arity = spec.arity;
    this.fullName = parent !== null ? parent.spec.name + '|' + spec.name : spec.name;
    let bits = 0;
    for (const f of spec.flags) bits |= FLAG_BITS[f] ?? 0;
    const range = legacyRange(spec.keySpecs ?? []);
    this.firstKey = range.first;
    this.lastKey = range.last;
    this.keyStep = range.step;
    this.movableKeys = range.movable || spec.flags.includes('movablekeys');
    if (this.movableKeys) bits |= CMD.MOVABLE_KEYS;
    this.flagBits = bits;
    this.flagNames = FLAG_ORDER.filter((f) => (f === 'movablekeys' ? this.movableKeys : spec.flags.includes(f)));
    this.aclCategories = implicitCategories(spec);
    if (spec.subcommands !== undefined) {
      this.subs = new Map();
      for (const s of spec.subcommands) this.subs.set(s.name, new CommandEntry(s, this));
    } else {
      this.subs = null;
    }
  }
}

/** Redis's setImplicitACLCategories: categories implied by flags. */
function implicitCategories(spec: CommandSpec): string[] {
  const cats = new Set<string>(spec.acl ?? []);
  const f = spec.flags;
  if (f.includes('write')) cats.add('write');
  if (f.includes('readonly') && !cats.has('scripting')) cats.add('read');
  if (f.includes('admin')) { cats.add('admin'); cats.add('dangerous'); }
  if (f.includes('pubsub')) cats.add('pubsub');
  if (f.includes('fast')) cats.add('fast');
  if (f.includes('blocking')) cats.add('blocking');
  if (!cats.has('fast')) cats.add('slow');
  return ACL_CATEGORIES.filter((c) => cats.has(c));
}

/**
 * Derive the legacy (first, last, step) range from key specs the way Redis
 * does (populateCommandLegacyRangeSpec): consecutive plain index/range specs
 * merge into one range; anything else marks the command movablekeys.
 */
function legacyRange(specs: readonly KeySpec[]): { first: number; last: number; step: number; movable: boolean } {
  if (specs.length === 0) return { first: 0, last: 0, step: 0, movable: false };
  const plain = (k: KeySpec) => k.begin_search.type === 'index' && k.find_keys.type === 'range';
  if (specs.length === 1 && plain(specs[0])) {
    const k = specs[0];
    const pos = (k.begin_search as { index: number }).index;
    const fk = k.find_keys as { lastkey: number; step: number };
    return {
      first: pos,
      last: fk.lastkey >= 0 ? pos + fk.lastkey : fk.lastkey,
      step: fk.step,
      movable: k.flags.includes('incomplete'),
    };
  }
  let first = Infinity, last = 0, prevLast = 0, movable = false;
  for (const k of specs) {
    if (!plain(k)) { movable = true; continue; }
    const pos = (k.begin_search as { index: number }).index;
    const fk = k.find_keys as { lastkey: number; step: number };
    if (fk.step !== 1 || (prevLast !== 0 && prevLast !== pos - 1)) { movable = true; continue; }
    if (k.flags.includes('incomplete')) movable = true;
    first = Math.min(first, pos);
    const abs = fk.lastkey >= 0 ? fk.lastkey + pos : fk.lastkey;
    // Redis compares as unsigned, so a negative (relative-to-end) lastkey wins.
    last = (abs >>> 0) > (last >>> 0) ? abs : last;
    prevLast = last;
  }
  if (first === Infinity) return { first: 0, last: 0, step: 0, movable: true };
  return { first, last, step: 1, movable };
}

/** The table: lower-case name -> entry. */
export class CommandTable {
  readonly commands = new Map<string, CommandEntry>();
  /**
   * Lookup index holding both the lower- and upper-case spelling of every
   * name, so the usual client spellings ("GET", "get") hit on the first probe
   * and only mixed case pays for toLowerCase().
   */
  private readonly byName = new Map<string, CommandEntry>();

  constructor(specs: readonly CommandSpec[]) {
    for (const s of specs) {
      validate(s, null);
      if (this.commands.has(s.name)) throw new Error(`command table: duplicate command ${s.name}`);
      const e = new CommandEntry(s, null);
      this.commands.set(s.name, e);
      this.byName.set(s.name, e);
      this.byName.set(s.name.toUpperCase(), e);
    }
  }

  /**
   * One-entry cache of the last successful lookup. Pipelined traffic sends
   * the same command over and over, and the parser hands out the same name
   * string for it (protocol/parser.ts, REUSE_ARGS): comparing with the last
   * name is cheaper than a Map probe. The table never changes after start-up.
   */
  private lastName = '';
  private lastEntry: CommandEntry | undefined = undefined;

  /** Look up a top-level command by name, any case. */
  lookup(name: string): CommandEntry | undefined {
    if (name === this.lastName) return this.lastEntry;
    let e = this.byName.get(name);
    if (e === undefined) e = this.commands.get(name.toLowerCase());
    if (e !== undefined) {
      this.lastName = name;
      this.lastEntry = e;
    }
    return e;
  }

  /**
   * Look up "name" or "container|sub" (any case) like Redis's
   * lookupCommandBySds: a name with a '|' must name an existing subcommand
   * of a container; more than one '|' never matches.
   */
  lookupFullName(full: string): CommandEntry | undefined {
    const bar = full.indexOf('|');
    if (bar < 0) return full.length > 0 ? this.lookup(full) : undefined;
    if (full.indexOf('|', bar + 1) >= 0) return undefined;
    const base = this.lookup(full.slice(0, bar));
    if (base === undefined || base.subs === null) return undefined;
    const sub = full.slice(bar + 1);
    return base.subs.get(sub) ?? base.subs.get(sub.toLowerCase());
  }

  /** Every entry including subcommands (stats, COMMAND LIST). */
  *all(): IterableIterator<CommandEntry> {
    for (const e of this.commands.values()) {
      yield e;
      if (e.subs !== null) yield* e.subs.values();
    }
  }
}

function validate(s: CommandSpec, parent: CommandSpec | null): void {
  const where = parent ? `${parent.name}|${s.name}` : s.name;
  if (s.name !== s.name.toLowerCase()) throw new Error(`command table: ${where} name must be lower case`);
  if (s.arity === 0) throw new Error(`command table: ${where} arity 0`);
  if (s.subcommands === undefined && s.handler === undefined) throw new Error(`command table: ${where} has no handler`);
  // A container runs its own handler only when called without a subcommand
  // (COMMAND); one without a handler must never be callable that way.
  if (s.subcommands !== undefined && s.handler === undefined && s.arity > -2 && s.arity < 2) {
    throw new Error(`command table: ${where} container without handler must need a subcommand (arity)`);
  }
  if (parent !== null && s.subcommands !== undefined) throw new Error(`command table: ${where} nested subcommands`);
  if (s.flags.includes('write') && s.flags.includes('readonly')) throw new Error(`command table: ${where} write+readonly`);
  if (!s.summary || !s.since || !s.group) throw new Error(`command table: ${where} lacks docs`);
  for (const a of s.acl ?? []) {
    if (!(ACL_CATEGORIES as readonly string[]).includes(a)) throw new Error(`command table: ${where} bad ACL category ${a}`);
  }
  const specs = s.keySpecs ?? [];
  for (const k of specs) validateKeySpec(where, k);
  checkArgs(where, s.arguments ?? [], specs.length);
  const seen = new Set<string>();
  for (const sub of s.subcommands ?? []) {
    if (seen.has(sub.name)) throw new Error(`command table: ${where} duplicate subcommand ${sub.name}`);
    seen.add(sub.name);
    validate(sub, s);
  }
}

/** Key specs must be well formed, as Redis asserts for its own table. */
function validateKeySpec(where: string, k: KeySpec): void {
  const bs = k.begin_search, fk = k.find_keys;
  const bad = (why: string) => new Error(`command table: ${where} key spec ${why}`);
  if (bs.type === 'index' && bs.index < 1) throw bad('index < 1');
  if (bs.type === 'keyword' && (bs.keyword.length === 0 || bs.startfrom === 0)) throw bad('bad keyword search');
  if (fk.type === 'range') {
    if (fk.step < 1) throw bad('range step < 1');
    if (fk.limit !== 0 && fk.lastkey !== -1) throw bad('range limit needs lastkey -1');
  } else if (fk.type === 'keynum') {
    if (fk.step < 1 || fk.keynumidx < 0 || fk.firstkey < 1) throw bad('bad keynum');
  }
  if ((bs.type === 'unknown') !== (fk.type === 'unknown')) throw bad('unknown begin_search needs unknown find_keys');
}

/** Argument docs: key_spec_index in range, oneof/block have children, others not. */
function checkArgs(where: string, args: readonly ArgDoc[], nspecs: number): void {
  for (const a of args) {
    if (a.key_spec_index !== undefined && (a.key_spec_index < 0 || a.key_spec_index >= nspecs)) {
      throw new Error(`command table: ${where} argument ${a.name} key_spec_index out of range`);
    }
    const container = a.type === 'oneof' || a.type === 'block';
    if (container !== (a.arguments !== undefined)) {
      throw new Error(`command table: ${where} argument ${a.name}: only oneof/block have arguments`);
    }
    if (a.arguments !== undefined) checkArgs(where, a.arguments, nspecs);
  }
}

/** A fresh table of every family (one per server, so stats are per server). */
export function buildCommandTable(): CommandTable {
  return new CommandTable(FAMILIES.flat());
}
