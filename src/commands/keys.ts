/* ==========================================================================
 * Key-spec interpreter: which arguments of an argv are keys, and how the
 * command accesses them.
 *
 * Redis 7 describes key positions declaratively (key specs: a begin_search
 * step — fixed index or keyword — and a find_keys step — range or keynum).
 * This module walks those specs over a concrete argv exactly like Redis's
 * getKeysUsingKeySpecs, and falls back to the command's own `getKeys`
 * (Redis's getkeys_proc) when a spec cannot answer: 'unknown' or
 * incomplete specs, an argv that does not fit the spec (bad numkeys), or
 * specs with `variable_flags` whose real flags depend on the arguments.
 *
 * Users: COMMAND GETKEYS / GETKEYSANDFLAGS, and later cluster slot checks,
 * client tracking, ACL key permissions.
 * ========================================================================== */

import type { KeyRef, KeySpec, KeySpecFlag } from './spec';
import type { CommandEntry } from './table';
import { parseInt64 } from '../protocol/numbers';

/** Key-spec flags in the order Redis prints them (its flag-name table). */
export const KEY_FLAG_ORDER: readonly KeySpecFlag[] = [
  'RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags',
];

/** `flags` sorted into Redis's print order (literals may list them in any order). */
export function orderedKeyFlags(flags: readonly KeySpecFlag[]): KeySpecFlag[] {
  return KEY_FLAG_ORDER.filter((f) => flags.includes(f));
}

/** ASCII case-insensitive equality (strcasecmp == 0). */
function sameNoCase(a: string, b: string): boolean {
  return a.length === b.length && (a === b || a.toLowerCase() === b.toLowerCase());
}

/**
 * Parse a numkeys argument like string2ll and then narrow it to a C int
 * the way Redis's `(int)numkeys` cast does. Null if not an integer.
 */
function numKeysArg(s: string | undefined): number | null {
  if (s === undefined) return null;
  const n = parseInt64(s);
  if (n === null) return null;
  if (n >= -2147483648 && n <= 2147483647) return n;
  return Number(BigInt.asIntN(32, BigInt(s)));
}

/**
 * Resolve the key specs of a command over `argv` (argv[0] is the command
 * name), like Redis's getKeysUsingKeySpecs. Returns the keys found, or null
 * when a spec is unusable for this argv (unknown/incomplete spec, bad
 * numkeys, positions out of bounds) — then the caller falls back to the
 * command's getKeys. With `partial`, unusable specs are skipped instead
 * (keys from the other specs are still returned). Specs flagged not_key
 * are skipped unless `includeNotKeys`.
 */
export function getKeysUsingKeySpecs(
  specs: readonly KeySpec[], argv: readonly string[], partial = false, includeNotKeys = false,
): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const spec of specs) {
    if (spec.flags.includes('not_key') && !includeNotKeys) continue;
    let ok = true;
    let first = 0;
    let last = 0;
    let step = 1;
    const bs = spec.begin_search;
    if (bs.type === 'index') {
      first = bs.index;
    } else if (bs.type === 'keyword') {
      // Search forward from startfrom (positive) or backward from the end
      // (negative); the search never looks at argv[argc-1] resp. argv[1].
      const start = bs.startfrom > 0 ? bs.startfrom : argc + bs.startfrom;
      const end = bs.startfrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (sameNoCase(argv[i], bs.keyword)) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue; // keyword absent: this spec has no keys
    } else {
      ok = false;
    }
    const fk = spec.find_keys;
    if (ok) {
      if (fk.type === 'range') {
        step = fk.step;
        if (fk.lastkey >= 0) last = first + fk.lastkey;
        else if (fk.limit === 0) last = argc + fk.lastkey;
        else last = first + (Math.trunc((argc - first) / fk.limit) + fk.lastkey);
      } else if (fk.type === 'keynum') {
        step = fk.step;
        const n = fk.keynumidx >= argc ? null : numKeysArg(argv[first + fk.keynumidx]);
        if (n === null || n < 0) {
          ok = false;
        } else {
          first += fk.firstkey;
          last = first + n - 1;
        }
      } else {
        ok = false;
      }
    }
    if (ok && (last >= argc || last < first || first >= argc)) ok = false;
    if (ok) {
      for (let i = first; i <= last; i += step) {
        // Variadic commands are not arity-checked against their specs: a
        // position past the end just yields no key.
        if (i >= argc || i < first) continue;
        out.push({ pos: i, flags: spec.flags });
      }
      if (!spec.flags.includes('incomplete')) continue;
    }
    // Unusable spec (or incomplete one, after adding what it found).
    if (partial) continue;
    return null;
  }
  return out;
}

/** Redis's doesCommandHaveKeys: a getKeys function or a spec that is not not_key. */
export function commandHasKeys(e: CommandEntry): boolean {
  if (e.spec.getKeys !== undefined) return true;
  for (const s of e.spec.keySpecs ?? []) if (!s.flags.includes('not_key')) return true;
  return false;
}

/**
 * All keys of `argv` for command `e` with their flags, like Redis's
 * getKeysFromCommandWithSpecs: the key specs when they are reliable (some
 * real key spec, none with variable_flags) and usable for this argv, else
 * the command's getKeys. Empty when neither finds keys.
 *
 * A command with variable_flags specs but no getKeys (not expected in the
 * table) is treated like a Redis module command without a getkeys callback:
 * its specs are used as they are.
 */
export function getKeysFromCommand(e: CommandEntry, argv: readonly string[]): KeyRef[] {
  const spec = e.spec;
  const specs = spec.keySpecs ?? [];
  let hasKeySpec = false;
  let hasVarFlags = false;
  for (const s of specs) {
    if (!s.flags.includes('not_key')) hasKeySpec = true;
    if (s.flags.includes('variable_flags')) hasVarFlags = true;
  }
  if (hasVarFlags && spec.getKeys === undefined) hasVarFlags = false;
  if (hasKeySpec && !hasVarFlags) {
    const r = getKeysUsingKeySpecs(specs, argv);
    if (r !== null) return r;
  }
  if (spec.getKeys === undefined) return [];
  // Redis's native getkeys procs report no flags unless they set them (SORT does: KeyRef results).
  const found = spec.getKeys(argv);
  const out: KeyRef[] = [];
  for (const k of found) out.push(typeof k === 'number' ? { pos: k, flags: [] } : k);
  return out;
}

/** Just the key names of `argv` (tracking, cluster routing, ACL checks). */
export function keyNames(e: CommandEntry, argv: readonly string[]): string[] {
  const refs = getKeysFromCommand(e, argv);
  const out: string[] = new Array(refs.length);
  for (let i = 0; i < refs.length; i++) out[i] = argv[refs[i].pos];
  return out;
}

/**
 * C's atoi as glibc does it ((int)strtol): blanks, sign, digits; clamps to
 * the long range, then keeps the low 32 bits; 0 when there are no digits.
 */
export function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  if (m === null) return 0;
  let v = BigInt(m[1]);
  if (v > 9223372036854775807n) v = 9223372036854775807n;
  else if (v < -9223372036854775808n) v = -9223372036854775808n;
  return Number(BigInt.asIntN(32, v));
}

/**
 * Redis's genericGetKeys for "numkeys key [key ...]" commands (SINTERCARD,
 * LMPOP...): used when the keynum key spec cannot parse numkeys (it needs a
 * strict integer, this reads it with atoi). No keys when the count is out of
 * range, since the command would reply with an error.
 */
export function numkeysGetKeys(keyCountOfs: number, firstKeyOfs: number): (argv: readonly string[]) => number[] {
  return (argv) => {
    const n = atoi(argv[keyCountOfs]);
    if (n < 1 || n > argv.length - firstKeyOfs) return [];
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(firstKeyOfs + i);
    return out;
  };
}
