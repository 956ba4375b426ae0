/* ==========================================================================
 * CLIENT container: ID, INFO, LIST, KILL, SETNAME, GETNAME, PAUSE, UNPAUSE,
 * REPLY, NO-EVICT, UNBLOCK, HELP (Redis 7.0.15).
 *
 * Left to the families that own their state: CLIENT TRACKING / CACHING /
 * GETREDIR / TRACKINGINFO (client-tracking.ts). UNBLOCK is here, acting
 * through server/blocking.ts. Not in Redis 7.0 at all, so absent here too: CLIENT SETINFO
 * and CLIENT NO-TOUCH (7.2), KILL MAXAGE (7.4). HELP prints Redis 7.0's
 * full text, as clients and tests compare it byte for byte.
 *
 * Line formatting for LIST / INFO lives in server/clientlist.ts; the pause
 * machinery in server/pause.ts.
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import { CF, ReplyMode } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64, parseInt64Big } from '../protocol/numbers';
import { allClientsInfo, clientInfoLine, clientType, clientTypeByName, type ClientType } from '../server/clientlist';
import { PauseType } from '../server/pause';
import { is } from './args';
import { CLIENT_TRACKING_SUBCOMMANDS } from './client-tracking';

const CLIENT_FLAGS = ['noscript', 'loading', 'stale'] as const;
const ADMIN_FLAGS = ['admin', 'noscript', 'loading', 'stale'] as const;
const LLONG_MAX = 9223372036854775807n;

/** A client string as printf's %s shows it in Redis's error lines: cut at the first NUL byte. */
function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/** Redis's addReplySubcommandSyntaxError. */
function subcommandSyntaxError(c: Client, argv: string[]): void {
  const msg = `ERR unknown subcommand or wrong number of arguments for '${cstr(argv[1]).slice(0, 128)}'. ` +
    `Try ${cstr(argv[0]).toUpperCase()} HELP.`;
  c.error(msg.replace(/[\r\n]/g, ' '));
}

/**
 * CLIENT SETNAME / HELLO SETNAME: an empty name clears it; otherwise only
 * printable ASCII without spaces ('!'..'~') so CLIENT LIST stays parseable.
 * Returns false after replying the error.
 */
export function setClientName(c: Client, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) {
      c.error('ERR Client names cannot contain spaces, newlines or special characters.');
      return false;
    }
  }
  c.name = name;
  return true;
}

// --- simple subcommands ----------------------------------------------------------

const HELP_LINES = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
];

/** Redis's addReplyHelp: a header line, the lines, then HELP itself, as status replies. */
function helpCommand(c: Client, argv: string[]): void {
  const w = c.w;
  w.arrayLen(HELP_LINES.length + 3);
  w.simple(`${argv[0].toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const line of HELP_LINES) w.simple(line);
  w.simple('HELP');
  w.simple('    Prints this help.');
}

function idCommand(c: Client): void {
  c.w.int(c.id);
}

function infoCommand(c: Client): void {
  c.w.verbatim(clientInfoLine(c, c) + '\n');
}

function setnameCommand(c: Client, argv: string[]): void {
  if (setClientName(c, argv[2])) c.w.ok();
}

function getnameCommand(c: Client): void {
  if (c.name === '') c.w.null();
  else c.w.bulk(c.name);
}

/** CLIENT REPLY ON|OFF|SKIP: OFF and SKIP send no reply; ON replies even when replies were off. */
function replyCommand(c: Client, argv: string[]): void {
  const a = argv[2];
  if (is(a, 'on')) {
    c.replyMode = ReplyMode.ON;
    c.skipNext = false;
    c.replyOnNow = true;
    c.w.ok();
  } else if (is(a, 'off')) {
    c.replyMode = ReplyMode.OFF;
  } else if (is(a, 'skip')) {
    if (c.replyMode !== ReplyMode.OFF) c.skipNext = true;
  } else {
    c.error(E.SYNTAX);
  }
}

function noEvictCommand(c: Client, argv: string[]): void {
  const a = argv[2];
  if (is(a, 'on')) c.flags |= CF.NO_EVICT;
  else if (is(a, 'off')) c.flags &= ~CF.NO_EVICT;
  else {
    c.error(E.SYNTAX);
    return;
  }
  c.w.ok();
}

/**
 * CLIENT UNBLOCK id [TIMEOUT|ERROR]: end another client's blocking command
 * as if it timed out, or with an -UNBLOCKED error. :1 if that client was
 * blocked on keys, else :0. The reason is checked before the id (Redis).
 */
function unblockCommand(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    subcommandSyntaxError(c, argv);
    return;
  }
  let asError = false;
  if (argv.length === 4) {
    if (is(argv[3], 'error')) asError = true;
    else if (!is(argv[3], 'timeout')) {
      c.error('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
      return;
    }
  }
  const id = parseInt64(argv[2]);
  if (id === null) {
    c.error(E.NOT_INT);
    return;
  }
  const target = c.server.clients.get(id);
  if (target === undefined || target.bstate === null) {
    c.w.int(0);
    return;
  }
  c.server.blocking.timeOut(target, asError ? 'UNBLOCKED client unblocked via CLIENT UNBLOCK' : null);
  c.w.int(1);
}

// --- LIST ------------------------------------------------------------------------

/** CLIENT LIST [TYPE type] | [ID id [id ...]] */
function listCommand(c: Client, argv: string[]): void {
  const srv = c.server;
  let type: ClientType | -1 = -1;
  let out: string | null = null;
  if (argv.length === 4 && is(argv[2], 'type')) {
    type = clientTypeByName(argv[3]);
    if (type === -1) {
      c.error(`ERR Unknown client type '${cstr(argv[3])}'`.replace(/[\r\n]/g, ' '));
      return;
    }
  } else if (argv.length > 3 && is(argv[2], 'id')) {
    out = '';
    for (let j = 3; j < argv.length; j++) {
      const id = parseInt64(argv[j]);
      if (id === null) {
        c.error('ERR Invalid client ID');
        return;
      }
      const cl = srv.clients.get(id);
      if (cl !== undefined) out += clientInfoLine(cl, c) + '\n';
    }
  } else if (argv.length !== 2) {
    c.error(E.SYNTAX);
    return;
  }
  if (out === null) out = allClientsInfo(srv, type, c);
  c.w.verbatim(out);
}

// --- KILL ------------------------------------------------------------------------

/**
 * CLIENT KILL addr (old form: +OK / "No such client", may kill itself) or
 * CLIENT KILL <filter> <value> ... (new form: number killed; SKIPME yes by
 * default). Other clients are closed at once; the caller is closed after its
 * reply.
 */
function killCommand(c: Client, argv: string[]): void {
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: string | null = null;
  let type: ClientType | -1 = -1;
  let id = 0;
  let skipme = true;
  if (argv.length === 3) {
    addr = argv[2];
    skipme = false;
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i];
      const more = argv.length > i + 1;
      if (more && is(opt, 'id')) {
        const v = parseInt64Big(argv[i + 1]);
        if (v === null || v < 1n || v > LLONG_MAX) {
          c.error('ERR client-id should be greater than 0');
          return;
        }
        id = Number(v);
      } else if (more && is(opt, 'type')) {
        type = clientTypeByName(argv[i + 1]);
        if (type === -1) {
          c.error(`ERR Unknown client type '${cstr(argv[i + 1])}'`.replace(/[\r\n]/g, ' '));
          return;
        }
      } else if (more && is(opt, 'addr')) {
        addr = argv[i + 1];
      } else if (more && is(opt, 'laddr')) {
        laddr = argv[i + 1];
      } else if (more && is(opt, 'user')) {
        user = argv[i + 1];
        if (user !== 'default') {
          c.error(`ERR No such user '${cstr(user)}'`.replace(/[\r\n]/g, ' '));
          return;
        }
      } else if (more && is(opt, 'skipme')) {
        const v = argv[i + 1];
        if (is(v, 'yes')) skipme = true;
        else if (is(v, 'no')) skipme = false;
        else {
          c.error(E.SYNTAX);
          return;
        }
      } else {
        c.error(E.SYNTAX);
        return;
      }
    }
  }
  const srv = c.server;
  let killed = 0;
  let closeSelf = false;
  for (const cl of [...srv.clients.values()]) {
    if (addr !== null && cl.addr !== addr) continue;
    if (laddr !== null && cl.laddr !== laddr) continue;
    if (type !== -1 && clientType(cl) !== type) continue;
    if (id !== 0 && cl.id !== id) continue;
    if (user !== null && cl.user !== user) continue;
    if (cl === c && skipme) continue;
    if (cl === c) closeSelf = true;
    else srv.closeClient(cl);
    killed++;
  }
  if (argv.length === 3) {
    if (killed === 0) c.error('ERR No such client');
    else c.w.ok();
  } else {
    c.w.int(killed);
  }
  if (closeSelf) c.flags |= CF.CLOSE_AFTER_REPLY;
}

// --- PAUSE / UNPAUSE ---------------------------------------------------------------

/**
 * CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked before the timeout,
 * as in Redis. The deadline is now + timeout computed in int64 like Redis
 * (a huge timeout wraps negative and the pause ends at once); 0 ends it at
 * once too.
 */
function pauseCommand(c: Client, argv: string[]): void {
  if (argv.length > 4) {
    subcommandSyntaxError(c, argv);
    return;
  }
  let type = PauseType.ALL;
  if (argv.length === 4) {
    if (is(argv[3], 'write')) type = PauseType.WRITE;
    else if (!is(argv[3], 'all')) {
      c.error('ERR CLIENT PAUSE mode must be WRITE or ALL');
      return;
    }
  }
  const t = parseInt64Big(argv[2]);
  if (t === null) {
    c.error('ERR timeout is not an integer or out of range');
    return;
  }
  if (t < 0n) {
    c.error(E.TIMEOUT_NEG);
    return;
  }
  let end = 0;
  if (t > 0n) end = Number(BigInt.asIntN(64, t + BigInt(Date.now())));
  c.server.pause.pause(end, type);
  c.w.ok();
}

function unpauseCommand(c: Client): void {
  c.server.pause.unpause();
  c.w.ok();
}

// --- table -----------------------------------------------------------------------

const TYPE_TOKENS = [
  { name: 'normal', type: 'pure-token', token: 'NORMAL' },
  { name: 'master', type: 'pure-token', token: 'MASTER' },
  { name: 'replica', type: 'pure-token', token: 'REPLICA' },
  { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
] as const;

const ON_OFF = [
  { name: 'on', type: 'pure-token', token: 'ON' },
  { name: 'off', type: 'pure-token', token: 'OFF' },
] as const;

const CLIENT_SUBCOMMANDS: readonly CommandSpec[] = [
  ...CLIENT_TRACKING_SUBCOMMANDS,
  {
    name: 'getname', arity: 2, flags: CLIENT_FLAGS, acl: ['connection'],
    summary: 'Return the name given to this connection, if any.', since: '2.6.9', group: 'connection',
    complexity: 'O(1)', handler: getnameCommand,
  },
  {
    name: 'reply', arity: 3, flags: CLIENT_FLAGS, acl: ['connection'],
    summary: 'Turn the server\'s replies to this connection on, off, or off for the next command.',
    since: '3.2.0', group: 'connection', complexity: 'O(1)',
    arguments: [{
      name: 'on_off_skip', type: 'oneof',
      arguments: [...ON_OFF, { name: 'skip', type: 'pure-token', token: 'SKIP' }],
    }],
    handler: replyCommand,
  },
  {
    name: 'help', arity: 2, flags: ['loading', 'stale'], acl: ['connection'],
    summary: 'List the CLIENT subcommands with a short description.', since: '5.0.0', group: 'connection',
    complexity: 'O(1)', handler: helpCommand,
  },
  {
    name: 'id', arity: 2, flags: CLIENT_FLAGS, acl: ['connection'],
    summary: 'Return the unique id of this connection.', since: '5.0.0', group: 'connection',
    complexity: 'O(1)', handler: idCommand,
  },
  {
    name: 'unpause', arity: 2, flags: ADMIN_FLAGS, acl: ['connection'],
    summary: 'End a pause started with CLIENT PAUSE and let held clients go on.', since: '6.2.0',
    group: 'connection', complexity: 'O(N) Where N is the number of paused clients', handler: unpauseCommand,
  },
  {
    name: 'setname', arity: 3, flags: CLIENT_FLAGS, acl: ['connection'],
    summary: 'Give this connection a name (an empty name removes it).', since: '2.6.9', group: 'connection',
    complexity: 'O(1)', arguments: [{ name: 'connection-name', type: 'string' }], handler: setnameCommand,
  },
  {
    name: 'kill', arity: -3, flags: ADMIN_FLAGS, acl: ['connection'],
    summary: 'Close the connections that match an address or a set of filters.', since: '2.4.0',
    group: 'connection', complexity: 'O(N) where N is the number of client connections',
    history: [
      ['2.8.12', 'Added new filter format.'],
      ['2.8.12', '`ID` option.'],
      ['3.2.0', 'Added `master` type in for `TYPE` option.'],
      ['5.0.0', 'Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.'],
      ['6.2.0', '`LADDR` option.'],
    ],
    arguments: [{
      name: 'filter', type: 'oneof',
      arguments: [
        { name: 'ip:port', type: 'string', deprecated_since: '2.8.12' },
        {
          name: 'new-format', type: 'oneof', flags: ['multiple'],
          arguments: [
            { name: 'client-id', type: 'integer', token: 'ID', since: '2.8.12', flags: ['optional'] },
            {
              name: 'normal_master_slave_pubsub', type: 'oneof', token: 'TYPE', since: '2.8.12', flags: ['optional'],
              arguments: [
                { name: 'normal', type: 'pure-token', token: 'NORMAL' },
                { name: 'master', type: 'pure-token', token: 'MASTER', since: '3.2.0' },
                { name: 'slave', type: 'pure-token', token: 'SLAVE' },
                { name: 'replica', type: 'pure-token', token: 'REPLICA', since: '5.0.0' },
                { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
              ],
            },
            { name: 'username', type: 'string', token: 'USER', flags: ['optional'] },
            { name: 'ip:port', type: 'string', token: 'ADDR', flags: ['optional'] },
            { name: 'ip:port', type: 'string', token: 'LADDR', since: '6.2.0', flags: ['optional'] },
            { name: 'yes/no', type: 'string', token: 'SKIPME', flags: ['optional'] },
          ],
        },
      ],
    }],
    handler: killCommand,
  },
  {
    name: 'pause', arity: -3, flags: ADMIN_FLAGS, acl: ['connection'],
    summary: 'Hold the commands of all clients, or only writes, for a number of milliseconds.',
    since: '2.9.50', group: 'connection', complexity: 'O(1)',
    history: [['6.2.0', '`CLIENT PAUSE WRITE` mode added along with the `mode` option.']],
    arguments: [
      { name: 'timeout', type: 'integer' },
      {
        name: 'mode', type: 'oneof', since: '6.2.0', flags: ['optional'],
        arguments: [
          { name: 'write', type: 'pure-token', token: 'WRITE' },
          { name: 'all', type: 'pure-token', token: 'ALL' },
        ],
      },
    ],
    handler: pauseCommand,
  },
  {
    name: 'list', arity: -2, flags: ADMIN_FLAGS, acl: ['connection'], tips: ['nondeterministic_output'],
    summary: 'Describe every connection (or those of a type, or with given ids), one line each.',
    since: '2.4.0', group: 'connection', complexity: 'O(N) where N is the number of client connections',
    history: [
      ['2.8.12', 'Added unique client `id` field.'],
      ['5.0.0', 'Added optional `TYPE` filter.'],
      ['6.0.0', 'Added `user` field.'],
      ['6.2.0', 'Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.'],
      ['7.0.0', 'Added `resp`, `multi-mem`, `rbs` and `rbp` fields.'],
      ['7.0.3', 'Added `ssub` field.'],
    ],
    arguments: [
      {
        name: 'normal_master_replica_pubsub', type: 'oneof', token: 'TYPE', since: '5.0.0', flags: ['optional'],
        arguments: TYPE_TOKENS,
      },
      {
        name: 'id', type: 'block', token: 'ID', since: '6.2.0', flags: ['optional'],
        arguments: [{ name: 'client-id', type: 'integer', flags: ['multiple'] }],
      },
    ],
    handler: listCommand,
  },
  {
    name: 'no-evict', arity: 3, flags: ADMIN_FLAGS, acl: ['connection'],
    summary: 'Exempt this connection from client eviction, or make it eligible again.', since: '7.0.0',
    group: 'connection', complexity: 'O(1)',
    arguments: [{ name: 'enabled', type: 'oneof', arguments: ON_OFF }],
    handler: noEvictCommand,
  },
  {
    name: 'unblock', arity: -3, flags: ADMIN_FLAGS, acl: ['connection'],
    summary: 'Wake a client waiting in a blocking command, as on timeout or with an error.', since: '5.0.0',
    group: 'connection', complexity: 'O(log N) where N is the number of client connections',
    arguments: [
      { name: 'client-id', type: 'integer' },
      {
        name: 'timeout_error', type: 'oneof', flags: ['optional'],
        arguments: [
          { name: 'timeout', type: 'pure-token', token: 'TIMEOUT' },
          { name: 'error', type: 'pure-token', token: 'ERROR' },
        ],
      },
    ],
    handler: unblockCommand,
  },
  {
    name: 'info', arity: 2, flags: CLIENT_FLAGS, acl: ['connection'], tips: ['nondeterministic_output'],
    summary: 'Describe this connection in the CLIENT LIST format.', since: '6.2.0', group: 'connection',
    complexity: 'O(1)', handler: infoCommand,
  },
];

/** The CLIENT container, included in CONNECTION_COMMANDS. */
export const CLIENT_COMMAND: CommandSpec = {
  name: 'client', arity: -2, flags: [],
  summary: 'Commands that inspect and control client connections.', since: '2.4.0', group: 'connection',
  complexity: 'Depends on subcommand.',
  subcommands: CLIENT_SUBCOMMANDS,
};
