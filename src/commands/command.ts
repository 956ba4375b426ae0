/* ==========================================================================
 * COMMAND family: COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS /
 * GETKEYSANDFLAGS / HELP.
 *
 * Everything here is read from the command table (table.ts), so it lists
 * exactly the commands Respite implements. Replies follow Redis 7.0's
 * layout byte for byte: sets and maps in RESP3, flattened arrays in RESP2;
 * flags, ACL categories and key-spec flags in Redis's fixed print order.
 * Listings of all commands follow table order (Redis uses hash order,
 * which changes from run to run, so no client can rely on it).
 * ========================================================================== */

import type { ArgDoc, CommandSpec, KeySpec } from './spec';
import type { Client } from '../server/client';
import type { CommandEntry, CommandTable } from './table';
import type { ReplyWriter } from '../protocol/writer';
import { E } from '../protocol/errors';
import { is } from './args';
import { commandHasKeys, getKeysFromCommand, orderedKeyFlags } from './keys';
import { stringMatch } from '../store/glob';

// --- COMMAND INFO entries --------------------------------------------------------

/**
 * One COMMAND INFO entry (Redis's addReplyCommandInfo): name, arity, flags,
 * first/last/step, ACL categories, tips, key specs, subcommands. A missing
 * command is a null entry.
 */
function replyInfo(w: ReplyWriter, e: CommandEntry | undefined): void {
  if (e === undefined) {
    w.null();
    return;
  }
  const spec = e.spec;
  w.arrayLen(10);
  w.bulk(e.fullName);
  w.int(spec.arity);
  w.setLen(e.flagNames.length);
  for (const f of e.flagNames) w.simple(f);
  w.int(e.firstKey);
  w.int(e.lastKey);
  w.int(e.keyStep);
  w.setLen(e.aclCategories.length);
  for (const cat of e.aclCategories) w.simple('@' + cat);
  const tips = spec.tips ?? [];
  w.setLen(tips.length);
  for (const t of tips) w.bulk(t);
  const specs = spec.keySpecs ?? [];
  w.setLen(specs.length);
  for (const k of specs) replyKeySpec(w, k);
  if (e.subs === null) {
    w.setLen(0); // Redis replies an empty *set* here, but an array of subcommands
  } else {
    w.arrayLen(e.subs.size);
    for (const sub of e.subs.values()) replyInfo(w, sub);
  }
}

/** A key spec as a map: notes?, flags, begin_search {type, spec}, find_keys {type, spec}. */
function replyKeySpec(w: ReplyWriter, k: KeySpec): void {
  w.mapLen(k.notes !== undefined ? 4 : 3);
  if (k.notes !== undefined) {
    w.bulk('notes');
    w.bulk(k.notes);
  }
  w.bulk('flags');
  const flags = orderedKeyFlags(k.flags);
  w.setLen(flags.length);
  for (const f of flags) w.simple(f);
  w.bulk('begin_search');
  w.mapLen(2);
  w.bulk('type');
  const bs = k.begin_search;
  w.bulk(bs.type);
  w.bulk('spec');
  if (bs.type === 'index') {
    w.mapLen(1);
    w.bulk('index');
    w.int(bs.index);
  } else if (bs.type === 'keyword') {
    w.mapLen(2);
    w.bulk('keyword');
    w.bulk(bs.keyword);
    w.bulk('startfrom');
    w.int(bs.startfrom);
  } else {
    w.mapLen(0);
  }
  w.bulk('find_keys');
  w.mapLen(2);
  w.bulk('type');
  const fk = k.find_keys;
  w.bulk(fk.type);
  w.bulk('spec');
  if (fk.type === 'range') {
    w.mapLen(3);
    w.bulk('lastkey');
    w.int(fk.lastkey);
    w.bulk('keystep');
    w.int(fk.step);
    w.bulk('limit');
    w.int(fk.limit);
  } else if (fk.type === 'keynum') {
    w.mapLen(3);
    w.bulk('keynumidx');
    w.int(fk.keynumidx);
    w.bulk('firstkey');
    w.int(fk.firstkey);
    w.bulk('keystep');
    w.int(fk.step);
  } else {
    w.mapLen(0);
  }
}

// --- COMMAND DOCS entries --------------------------------------------------------

/**
 * One command's docs map (Redis's addReplyCommandDocs): summary, since,
 * group, complexity, doc_flags, deprecated_since, replaced_by, history,
 * arguments, subcommands — each only when present, in that order.
 */
function replyDocs(w: ReplyWriter, e: CommandEntry): void {
  const s: CommandSpec = e.spec;
  const history = s.history ?? [];
  const args = s.arguments ?? [];
  const docFlags = s.docFlags ?? [];
  let n = 3; // summary, since, group
  if (s.complexity !== undefined) n++;
  if (docFlags.length > 0) n++;
  if (s.deprecatedSince !== undefined) n++;
  if (s.replacedBy !== undefined) n++;
  if (history.length > 0) n++;
  if (args.length > 0) n++;
  if (e.subs !== null) n++;
  w.mapLen(n);
  w.bulk('summary');
  w.bulk(s.summary);
  w.bulk('since');
  w.bulk(s.since);
  w.bulk('group');
  w.bulk(s.group);
  if (s.complexity !== undefined) {
    w.bulk('complexity');
    w.bulk(s.complexity);
  }
  if (docFlags.length > 0) {
    w.bulk('doc_flags');
    const ordered = (['deprecated', 'syscmd'] as const).filter((f) => docFlags.includes(f));
    w.setLen(ordered.length);
    for (const f of ordered) w.simple(f);
  }
  if (s.deprecatedSince !== undefined) {
    w.bulk('deprecated_since');
    w.bulk(s.deprecatedSince);
  }
  if (s.replacedBy !== undefined) {
    w.bulk('replaced_by');
    w.bulk(s.replacedBy);
  }
  if (history.length > 0) {
    w.bulk('history');
    w.setLen(history.length);
    for (const [version, change] of history) {
      w.arrayLen(2);
      w.bulk(version);
      w.bulk(change);
    }
  }
  if (args.length > 0) {
    w.bulk('arguments');
    replyArgs(w, args);
  }
  if (e.subs !== null) {
    w.bulk('subcommands');
    w.mapLen(e.subs.size);
    for (const sub of e.subs.values()) {
      w.bulk(sub.fullName);
      replyDocs(w, sub);
    }
  }
}

const ARG_FLAG_ORDER = ['optional', 'multiple', 'multiple_token'] as const;

/** Argument docs, nested (Redis's addReplyCommandArgList). */
function replyArgs(w: ReplyWriter, args: readonly ArgDoc[]): void {
  w.arrayLen(args.length);
  for (const a of args) {
    const flags = ARG_FLAG_ORDER.filter((f) => a.flags !== undefined && a.flags.includes(f));
    const nested = a.type === 'oneof' || a.type === 'block';
    let n = 2;
    if (a.display_text !== undefined) n++;
    if (a.key_spec_index !== undefined) n++;
    if (a.token !== undefined) n++;
    if (a.summary !== undefined) n++;
    if (a.since !== undefined) n++;
    if (a.deprecated_since !== undefined) n++;
    if (flags.length > 0) n++;
    if (nested) n++;
    w.mapLen(n);
    w.bulk('name');
    w.bulk(a.name);
    w.bulk('type');
    w.bulk(a.type);
    if (a.display_text !== undefined) {
      w.bulk('display_text');
      w.bulk(a.display_text);
    }
    if (a.key_spec_index !== undefined) {
      w.bulk('key_spec_index');
      w.int(a.key_spec_index);
    }
    if (a.token !== undefined) {
      w.bulk('token');
      w.bulk(a.token);
    }
    if (a.summary !== undefined) {
      w.bulk('summary');
      w.bulk(a.summary);
    }
    if (a.since !== undefined) {
      w.bulk('since');
      w.bulk(a.since);
    }
    if (a.deprecated_since !== undefined) {
      w.bulk('deprecated_since');
      w.bulk(a.deprecated_since);
    }
    if (flags.length > 0) {
      w.bulk('flags');
      w.setLen(flags.length);
      for (const f of flags) w.simple(f);
    }
    if (nested) {
      w.bulk('arguments');
      replyArgs(w, a.arguments ?? []);
    }
  }
}

// --- handlers --------------------------------------------------------------------

/** COMMAND: info on every command. */
function commandCommand(c: Client): void {
  const table = c.server.table;
  c.w.arrayLen(table.commands.size);
  for (const e of table.commands.values()) replyInfo(c.w, e);
}

/** COMMAND COUNT: number of top-level commands. */
function commandCountCommand(c: Client): void {
  c.w.int(c.server.table.commands.size);
}

/** COMMAND INFO [name ...]: entries for names ("a|b" for subcommands), nil for unknown; all without names. */
function commandInfoCommand(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    commandCommand(c);
    return;
  }
  const table = c.server.table;
  c.w.arrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) replyInfo(c.w, table.lookupFullName(argv[i]));
}

/** COMMAND DOCS [name ...]: map of name -> docs; unknown names are left out. */
function commandDocsCommand(c: Client, argv: string[]): void {
  const table = c.server.table;
  const w = c.w;
  if (argv.length === 2) {
    w.mapLen(table.commands.size);
    for (const e of table.commands.values()) {
      w.bulk(e.fullName);
      replyDocs(w, e);
    }
    return;
  }
  const found: CommandEntry[] = [];
  for (let i = 2; i < argv.length; i++) {
    const e = table.lookupFullName(argv[i]);
    if (e !== undefined) found.push(e);
  }
  w.mapLen(found.length);
  for (const e of found) {
    w.bulk(e.fullName);
    replyDocs(w, e);
  }
}

/**
 * Does COMMAND LIST's filter drop `e`? MODULE never matches (no modules);
 * ACLCAT takes a category name without '@', any case; PATTERN globs the
 * full name, case-insensitively.
 */
function filteredOut(e: CommandEntry, type: string, arg: string): boolean {
  if (type === 'module') return true;
  if (type === 'aclcat') {
    const cat = arg.toLowerCase();
    return !e.aclCategories.includes(cat);
  }
  return !stringMatch(arg, e.fullName, true);
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT cat | PATTERN pattern]: names incl. "container|sub". */
function commandListCommand(c: Client, argv: string[]): void {
  let type = '';
  let arg = '';
  for (let i = 2; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    if (is(argv[i], 'filterby') && more === 2) {
      const t = argv[i + 1].toLowerCase();
      if (t !== 'module' && t !== 'aclcat' && t !== 'pattern') {
        c.error(E.SYNTAX);
        return;
      }
      type = t;
      arg = argv[i + 2];
      i += 2;
    } else {
      c.error(E.SYNTAX);
      return;
    }
  }
  const names: string[] = [];
  for (const e of c.server.table.all()) {
    if (type === '' || !filteredOut(e, type, arg)) names.push(e.fullName);
  }
  c.w.bulkArray(names);
}

/**
 * Resolve the command of a GETKEYS argv like Redis's lookupCommand: the
 * base command, or its subcommand when it is a container and a second
 * argument is present (an unknown subcommand resolves to nothing).
 */
function lookupForGetKeys(table: CommandTable, args: readonly string[]): CommandEntry | undefined {
  const base = table.lookup(args[0]);
  if (base === undefined || base.subs === null || args.length === 1) return base;
  return base.subs.get(args[1]) ?? base.subs.get(args[1].toLowerCase());
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS cmd args...: the keys of a full command line. */
function getKeysImpl(c: Client, argv: string[], withFlags: boolean): void {
  const args = argv.slice(2);
  const e = lookupForGetKeys(c.server.table, args);
  if (e === undefined) {
    c.error('ERR Invalid command specified');
    return;
  }
  if (!commandHasKeys(e)) {
    c.error('ERR The command has no key arguments');
    return;
  }
  const arity = e.spec.arity;
  if ((arity > 0 && arity !== args.length) || args.length < -arity) {
    c.error('ERR Invalid number of arguments specified for command');
    return;
  }
  const keys = getKeysFromCommand(e, args);
  if (keys.length === 0) {
    if (e.spec.flags.includes('no_mandatory_keys')) c.w.arrayLen(0);
    else c.error('ERR Invalid arguments specified for command');
    return;
  }
  const w = c.w;
  w.arrayLen(keys.length);
  for (const k of keys) {
    if (!withFlags) {
      w.bulk(args[k.pos]);
      continue;
    }
    w.arrayLen(2);
    w.bulk(args[k.pos]);
    const flags = orderedKeyFlags(k.flags);
    w.setLen(flags.length);
    for (const f of flags) w.simple(f);
  }
}

function commandGetKeysCommand(c: Client, argv: string[]): void {
  getKeysImpl(c, argv, false);
}

function commandGetKeysAndFlagsCommand(c: Client, argv: string[]): void {
  getKeysImpl(c, argv, true);
}

const HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

function commandHelpCommand(c: Client): void {
  c.w.arrayLen(HELP.length);
  for (const line of HELP) c.w.simple(line);
}

// --- table --------------------------------------------------------------------

const CMD_FLAGS = ['loading', 'stale'] as const;
const CMD_ACL = ['connection'] as const;
const NONDET_ORDER = ['nondeterministic_output_order'];
const NAMES_ARG: readonly ArgDoc[] = [{ name: 'command-name', type: 'string', flags: ['optional', 'multiple'] }];

export const COMMAND_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'command', arity: -1, flags: CMD_FLAGS, acl: CMD_ACL, tips: NONDET_ORDER,
    summary: 'Describe every command the server implements.', since: '2.8.13', group: 'server',
    complexity: 'O(N) where N is the total number of Redis commands',
    handler: commandCommand,
    subcommands: [
      {
        name: 'info', arity: -2, flags: CMD_FLAGS, acl: CMD_ACL, tips: NONDET_ORDER,
        summary: 'Describe the named commands (all commands when none is named).', since: '2.8.13',
        group: 'server', complexity: 'O(N) where N is the number of commands to look up',
        history: [['7.0.0', 'Allowed to be called with no argument to get info on all commands.']],
        arguments: NAMES_ARG,
        handler: commandInfoCommand,
      },
      {
        name: 'count', arity: 2, flags: CMD_FLAGS, acl: CMD_ACL,
        summary: 'Count the commands the server implements.', since: '2.8.13', group: 'server',
        complexity: 'O(1)',
        handler: commandCountCommand,
      },
      {
        name: 'docs', arity: -2, flags: CMD_FLAGS, acl: CMD_ACL, tips: NONDET_ORDER,
        summary: 'Documentation of the named commands (all commands when none is named).', since: '7.0.0',
        group: 'server', complexity: 'O(N) where N is the number of commands to look up',
        arguments: NAMES_ARG,
        handler: commandDocsCommand,
      },
      {
        name: 'getkeysandflags', arity: -4, flags: CMD_FLAGS, acl: CMD_ACL,
        summary: 'Find the key arguments of a command line, with how each key is accessed.', since: '7.0.0',
        group: 'server', complexity: 'O(N) where N is the number of arguments to the command',
        handler: commandGetKeysAndFlagsCommand,
      },
      {
        name: 'getkeys', arity: -4, flags: CMD_FLAGS, acl: CMD_ACL,
        summary: 'Find the key arguments of a command line.', since: '2.8.13', group: 'server',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: commandGetKeysCommand,
      },
      {
        name: 'list', arity: -2, flags: CMD_FLAGS, acl: CMD_ACL, tips: NONDET_ORDER,
        summary: 'Names of the implemented commands, optionally filtered.', since: '7.0.0', group: 'server',
        complexity: 'O(N) where N is the total number of Redis commands',
        arguments: [{
          name: 'filterby', type: 'oneof', token: 'FILTERBY', flags: ['optional'],
          arguments: [
            { name: 'module-name', type: 'string', token: 'MODULE' },
            { name: 'category', type: 'string', token: 'ACLCAT' },
            { name: 'pattern', type: 'pattern', token: 'PATTERN' },
          ],
        }],
        handler: commandListCommand,
      },
      {
        name: 'help', arity: 2, flags: CMD_FLAGS, acl: CMD_ACL,
        summary: 'Explain the COMMAND subcommands.', since: '5.0.0', group: 'server', complexity: 'O(1)',
        handler: commandHelpCommand,
      },
    ],
  },
];
