/* ==========================================================================
 * Command specification types.
 *
 * Every command is declared once as a CommandSpec literal in its family file
 * (string.ts, generic.ts, ...). Everything else — COMMAND INFO/DOCS, arity
 * checks, key extraction (GETKEYS, cluster slots, tracking, ACL), flag checks
 * in the gatekeeper, INFO commandstats — is derived from these literals by
 * table.ts. Facts (arity, flags, key specs, ACL categories) must equal real
 * Redis 7.0's `COMMAND INFO`; a test checks it.
 * ========================================================================== */

import type { Client } from '../server/client';

/** A command handler: synchronous, replies through `c.w` / `c.error()`. */
export type Handler = (c: Client, argv: string[]) => void;

export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'module' | 'admin' | 'pubsub' | 'noscript'
  | 'blocking' | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'asking'
  | 'fast' | 'no_auth' | 'may_replicate' | 'sentinel' | 'only_sentinel' | 'no_mandatory_keys'
  | 'protected' | 'no_async_loading' | 'no_multi' | 'movablekeys' | 'allow_busy';

export type KeySpecFlag =
  | 'RO' | 'RW' | 'OW' | 'RM' | 'access' | 'update' | 'insert' | 'delete'
  | 'not_key' | 'incomplete' | 'variable_flags';

export type BeginSearch =
  | { type: 'index'; index: number }
  | { type: 'keyword'; keyword: string; startfrom: number }
  | { type: 'unknown' };

export type FindKeys =
  | { type: 'range'; lastkey: number; step: number; limit: number }
  | { type: 'keynum'; keynumidx: number; firstkey: number; step: number }
  | { type: 'unknown' };

/** A key position found in an argv, with the access flags Redis reports for it. */
export interface KeyRef {
  readonly pos: number;
  readonly flags: readonly KeySpecFlag[];
}

export interface KeySpec {
  readonly notes?: string;
  readonly flags: readonly KeySpecFlag[];
  readonly begin_search: BeginSearch;
  readonly find_keys: FindKeys;
}

export type ArgType =
  | 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';

export interface ArgDoc {
  readonly name: string;
  readonly type: ArgType;
  readonly display_text?: string;
  readonly key_spec_index?: number;
  readonly token?: string;
  readonly summary?: string;
  readonly since?: string;
  readonly deprecated_since?: string;
  readonly flags?: readonly ('optional' | 'multiple' | 'multiple_token')[];
  readonly arguments?: readonly ArgDoc[];
}

export type DocFlag = 'deprecated' | 'syscmd';

export interface CommandSpec {
  /** Lower-case name; for subcommands just the subcommand ("getname"). */
  readonly name: string;
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** Explicit ACL categories without '@' (implicit ones are derived from flags). */
  readonly acl?: readonly string[];
  readonly keySpecs?: readonly KeySpec[];
  readonly tips?: readonly string[];
  // --- docs (COMMAND DOCS); summaries in our own words ---
  readonly summary: string;
  readonly since: string;
  readonly group: string;
  readonly complexity?: string;
  readonly docFlags?: readonly DocFlag[];
  readonly deprecatedSince?: string;
  readonly replacedBy?: string;
  readonly history?: readonly (readonly [string, string])[];
  readonly arguments?: readonly ArgDoc[];
  // --- behaviour ---
  /** Absent only for container commands (those with subcommands). */
  readonly handler?: Handler;
  readonly subcommands?: readonly CommandSpec[];
  /**
   * Custom key extraction (Redis's getkeys_proc), used when the key specs
   * cannot locate the keys exactly: 'unknown' or incomplete specs (SORT,
   * MIGRATE), specs that fail on this argv, or `variable_flags` specs (SET,
   * BITFIELD). Returns argv indexes of the keys; a plain number takes the
   * flags of key spec 0, a KeyRef carries its own flags (see keys.ts).
   */
  readonly getKeys?: (argv: readonly string[]) => readonly (number | KeyRef)[];
}
