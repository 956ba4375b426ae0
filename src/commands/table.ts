/* ==========================================================================
 * The command table: built once at start-up from the family files' spec
 * literals. It derives what Redis derives from its JSON command files:
 * flag bitmasks, implicit ACL categories, full names of subcommands, the
 * legacy (first, last, step) key range and the movablekeys flag, and a
 * stats record per command. It validates the table and throws on any
 * inconsistency (fail fast at start-up, and in the meta-test).
 * ========================================================================== */

import type { CommandFlag, CommandSpec, KeySpec } from './spec';
import { FAMILIES } from './families';

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
  readonly subs: Map<string, CommandEntry> | null;
  readonly stats = new CommandStats();

  constructor(readonly spec: CommandSpec, readonly parent: CommandEntry | null) {
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
    this.aclCategories = implicitCategories(spec);
    if (spec.subcommands !== undefined) {
      this.subs = new Map();
      for (const s of spec.subcommands) this.subs.set(s.name, new CommandEntry(s, this));
    } else {
      this.subs = null;
    }
  }

  get arity(): number {
    return this.spec.arity;
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

  constructor(specs: readonly CommandSpec[]) {
    for (const s of specs) {
      validate(s, null);
      if (this.commands.has(s.name)) throw new Error(`command table: duplicate command ${s.name}`);
      this.commands.set(s.name, new CommandEntry(s, null));
    }
  }

  /** Look up a top-level command by name, any case. */
  lookup(name: string): CommandEntry | undefined {
    const e = this.commands.get(name);
    return e !== undefined ? e : this.commands.get(name.toLowerCase());
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
  if (s.subcommands !== undefined && s.handler !== undefined) throw new Error(`command table: ${where} container with handler`);
  if (s.flags.includes('write') && s.flags.includes('readonly')) throw new Error(`command table: ${where} write+readonly`);
  if (!s.summary || !s.since || !s.group) throw new Error(`command table: ${where} lacks docs`);
  for (const a of s.acl ?? []) {
    if (!(ACL_CATEGORIES as readonly string[]).includes(a)) throw new Error(`command table: ${where} bad ACL category ${a}`);
  }
  for (const sub of s.subcommands ?? []) validate(sub, s);
}

/** A fresh table of every family (one per server, so stats are per server). */
export function buildCommandTable(): CommandTable {
  return new CommandTable(FAMILIES.flat());
}
