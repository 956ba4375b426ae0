/* ==========================================================================
 * SLOWLOG family: GET [count], LEN, RESET, HELP over the log kept by
 * server/slowlog.ts (which also explains what gets logged and how).
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import { parseInt64 } from '../protocol/numbers';

const ADMIN_FLAGS = ['admin', 'loading', 'stale'] as const;

/** A client string as printf's %s shows it: cut at the first NUL byte. */
function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/** Redis's addReplySubcommandSyntaxError (shared with the LATENCY family). */
export function subcommandSyntaxError(c: Client, argv: readonly string[]): void {
  const msg = `ERR unknown subcommand or wrong number of arguments for '${cstr(argv[1]).slice(0, 128)}'. ` +
    `Try ${cstr(argv[0]).toUpperCase()} HELP.`;
  c.error(msg.replace(/[\r\n]/g, ' '));
}

/** Redis's addReplyHelp: a header naming the command as typed, the lines, then HELP itself. */
export function helpReply(c: Client, argv: readonly string[], lines: readonly string[]): void {
  const w = c.w;
  w.arrayLen(lines.length + 3);
  w.simple(`${argv[0].toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const line of lines) w.simple(line);
  w.simple('HELP');
  w.simple('    Prints this help.');
}

/**
 * SLOWLOG GET [count]: the `count` newest entries (default 10, -1 all),
 * newest first, each [id, unix time, µs, [args...], "ip:port", name].
 * More than one argument is a subcommand syntax error, as in Redis.
 */
function slowlogGet(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    subcommandSyntaxError(c, argv);
    return;
  }
  const log = c.server.slowlog;
  let count = 10;
  if (argv.length === 3) {
    const n = parseInt64(argv[2]);
    if (n === null || n < -1) {
      c.error('ERR count should be greater than or equal to -1');
      return;
    }
    count = n === -1 ? log.length : n;
  }
  const entries = log.newest(count);
  const w = c.w;
  w.arrayLen(entries.length);
  for (const e of entries) {
    w.arrayLen(6);
    w.int(e.id);
    w.int(e.time);
    w.int(e.duration);
    w.arrayLen(e.argv.length);
    for (const a of e.argv) w.bulk(a);
    w.bulk(e.peer);
    w.bulk(e.name);
  }
}

function slowlogLen(c: Client): void {
  c.w.int(c.server.slowlog.length);
}

/** SLOWLOG RESET: drop every entry (ids keep counting up). */
function slowlogReset(c: Client): void {
  c.server.slowlog.reset();
  c.w.ok();
}

const HELP_LINES = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

function slowlogHelp(c: Client, argv: string[]): void {
  helpReply(c, argv, HELP_LINES);
}

// --- table -----------------------------------------------------------------------

export const SLOWLOG_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'slowlog', arity: -2, flags: [],
    summary: 'Commands that read and clear the log of slow commands.', since: '2.2.12', group: 'server',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'get', arity: -2, flags: ADMIN_FLAGS, tips: ['request_policy:all_nodes', 'nondeterministic_output'],
        summary: 'Return the newest entries of the slow log.', since: '2.2.12', group: 'server',
        complexity: 'O(N) where N is the number of entries returned',
        history: [['4.0.0', 'Added client IP address, port and name to the reply.']],
        arguments: [{ name: 'count', type: 'integer', flags: ['optional'] }],
        handler: slowlogGet,
      },
      {
        name: 'reset', arity: 2, flags: ADMIN_FLAGS, tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        summary: 'Empty the slow log.', since: '2.2.12', group: 'server',
        complexity: 'O(N) where N is the number of entries in the slowlog',
        handler: slowlogReset,
      },
      {
        name: 'len', arity: 2, flags: ADMIN_FLAGS,
        tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
        summary: 'Return how many entries the slow log holds.', since: '2.2.12', group: 'server', complexity: 'O(1)',
        handler: slowlogLen,
      },
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'],
        summary: 'Describe the SLOWLOG subcommands.', since: '6.2.0', group: 'server', complexity: 'O(1)',
        handler: slowlogHelp,
      },
    ],
  },
];
