/* ==========================================================================
 * Connection family: PING, ECHO, AUTH, HELLO, SELECT, QUIT, RESET, and the
 * CLIENT container (declared in client.ts, included here).
 *
 * Authentication follows Redis 7.0's default-user model without ACL users:
 * the only user is "default"; with `requirepass` empty it is "nopass" (any
 * password is accepted, new clients start authenticated), otherwise its one
 * password is `requirepass`. The client's auth state lives in two places
 * that must stay in sync: c.authenticated (gatekeeper NOAUTH check) and
 * c.parser.authenticated (the parser's limits for unauthenticated clients);
 * setAuthenticated() is the only writer here.
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import { CF, ReplyMode } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { REDIS_VERSION } from '../server/server';
import { CLIENT_COMMAND, setClientName } from './client';

const CONN_FLAGS = ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'] as const;

const WRONGPASS = E.WRONGPASS;
const HELLO_NOAUTH =
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> ' +
  'option can be used to authenticate the client and select the RESP protocol version at the same time';
const AUTH_NOPASS =
  'ERR AUTH <password> called without any password configured for the default user. ' +
  'Are you sure your configuration is correct?';

// --- authentication ------------------------------------------------------------

/** Set both copies of the client's auth state. */
export function setAuthenticated(c: Client, yes: boolean): void {
  c.authenticated = yes;
  c.parser.authenticated = yes;
}

/**
 * Redis's ACLAuthenticateUser for the default-user model: true (and the
 * client becomes authenticated as `user`) when the pair is valid.
 */
export function authenticateUser(c: Client, user: string, pass: string): boolean {
  if (user !== 'default') return false;
  const required = c.server.config.requirepass;
  if (required !== '' && pass !== required) return false;
  c.user = 'default';
  setAuthenticated(c, true);
  return true;
}

/**
 * Redis's clientSetDefaultAuth: back to the default user, authenticated only
 * if it needs no password (used by RESET).
 */
export function setDefaultAuth(c: Client): void {
  c.user = 'default';
  setAuthenticated(c, c.server.config.requirepass === '');
}

// --- PING / ECHO -------------------------------------------------------------------

function pingCommand(c: Client, argv: string[]): void {
  if (argv.length > 2) {
    c.error(E.ARITY('ping'));
    return;
  }
  // A RESP2 client in subscribed mode gets a message-like ["pong", arg-or-""] (Redis's pingCommand).
  if (c.flags & CF.PUBSUB && c.w.proto === 2) {
    c.w.arrayLen(2);
    c.w.bulk('pong');
    c.w.bulk(argv.length === 1 ? '' : argv[1]);
    return;
  }
  if (argv.length === 1) c.w.simple('PONG');
  else c.w.bulk(argv[1]);
}

function echoCommand(c: Client, argv: string[]): void {
  c.w.bulk(argv[1]);
}

// --- AUTH / HELLO ------------------------------------------------------------------

/** AUTH [username] password */
function authCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.error(E.SYNTAX);
    return;
  }
  let user: string, pass: string;
  if (argv.length === 2) {
    // The one-argument form is an error when the default user has no password.
    if (c.server.config.requirepass === '') {
      c.error(AUTH_NOPASS);
      return;
    }
    user = 'default';
    pass = argv[1];
  } else {
    user = argv[1];
    pass = argv[2];
  }
  if (authenticateUser(c, user, pass)) c.w.ok();
  else c.error(WRONGPASS);
}

/**
 * HELLO [protover [AUTH user pass] [SETNAME name]]: options are applied in
 * order (a later error leaves earlier ones done, as in Redis), then the
 * client must be authenticated; the protocol switch happens before the
 * reply, so the reply is already in the new protocol.
 */
function helloCommand(c: Client, argv: string[]): void {
  let ver = 0;
  let j = 1;
  if (argv.length >= 2) {
    const v = parseInt64(argv[j++]);
    if (v === null) {
      c.error('ERR Protocol version is not an integer or out of range');
      return;
    }
    if (v < 2 || v > 3) {
      c.error('NOPROTO unsupported protocol version');
      return;
    }
    ver = v;
  }
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j];
    const lower = opt.toLowerCase();
    if (lower === 'auth' && more >= 2) {
      if (!authenticateUser(c, argv[j + 1], argv[j + 2])) {
        c.error(WRONGPASS);
        return;
      }
      j += 2;
    } else if (lower === 'setname' && more >= 1) {
      if (!setClientName(c, argv[j + 1])) return;
      j++;
    } else {
      // Redis formats the option with %s: it ends at the first NUL byte.
      const z = opt.indexOf('\0');
      c.error(`ERR Syntax error in HELLO option '${z < 0 ? opt : opt.slice(0, z)}'`.replace(/[\r\n]/g, ' '));
      return;
    }
  }
  if (!c.authenticated) {
    c.error(HELLO_NOAUTH);
    return;
  }
  if (ver !== 0) c.w.proto = ver;
  const w = c.w;
  w.mapLen(7);
  w.bulk('server'); w.bulk('redis');
  w.bulk('version'); w.bulk(REDIS_VERSION);
  w.bulk('proto'); w.int(w.proto);
  w.bulk('id'); w.int(c.id);
  w.bulk('mode'); w.bulk('standalone');
  w.bulk('role'); w.bulk('master'); // 'replica' once replication exists
  w.bulk('modules'); w.arrayLen(0);
}

// --- SELECT / QUIT / RESET ---------------------------------------------------------

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** SELECT index: int32 parse (Redis's getIntFromObjectOrReply), then the range check. */
function selectCommand(c: Client, argv: string[]): void {
  const v = parseInt64(argv[1]);
  if (v === null) {
    c.error(E.NOT_INT);
    return;
  }
  if (v < INT32_MIN || v > INT32_MAX) {
    c.error('ERR value is out of range, value must between -2147483648 and 2147483647');
    return;
  }
  if (v < 0 || v >= c.server.dbs.length) {
    c.error(E.DB_INDEX);
    return;
  }
  c.select(v);
  c.w.ok();
}

/** QUIT: reply, then close once the reply is written; later pipelined commands are not run. */
function quitCommand(c: Client): void {
  c.w.ok();
  c.flags |= CF.CLOSE_AFTER_REPLY;
}

/**
 * RESET (Redis's clearClientConnectionState): other subsystems drop their
 * per-client state through server.resetHooks (MULTI/WATCH, pub/sub,
 * tracking, MONITOR); here: db 0, RESP2, default auth, no name, replies on,
 * READONLY/PUBSUB/ASKING cleared. NO-EVICT and the client id are kept.
 */
function resetCommand(c: Client): void {
  let f = c.flags;
  if (f & CF.MONITOR) f &= ~(CF.MONITOR | CF.SLAVE);
  if (f & (CF.SLAVE | CF.MASTER)) {
    c.error('ERR can only reset normal client connections');
    return;
  }
  const hooks = c.server.resetHooks;
  for (let i = 0; i < hooks.length; i++) hooks[i](c);
  c.select(0);
  c.w.proto = 2;
  setDefaultAuth(c);
  c.name = '';
  c.flags &= ~(CF.READONLY | CF.PUBSUB);
  // Replies were off (so no SKIP is in effect): +RESET goes out, as in Redis.
  if (c.replyMode === ReplyMode.OFF) c.replyOnNow = true;
  c.replyMode = ReplyMode.ON;
  c.skipNext = false;
  c.w.simple('RESET');
}

// --- table -----------------------------------------------------------------------

export const CONNECTION_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'ping', arity: -1, flags: ['fast'], acl: ['connection'],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    summary: 'Check that the connection is alive; echoes a message if one is given.', since: '1.0.0',
    group: 'connection', complexity: 'O(1)',
    arguments: [{ name: 'message', type: 'string', flags: ['optional'] }],
    handler: pingCommand,
  },
  {
    name: 'echo', arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['connection'],
    summary: 'Reply with the message that was sent.', since: '1.0.0', group: 'connection', complexity: 'O(1)',
    arguments: [{ name: 'message', type: 'string' }],
    handler: echoCommand,
  },
  {
    name: 'auth', arity: -2, flags: CONN_FLAGS, acl: ['connection'],
    summary: 'Log the connection in as a user, with its password.', since: '1.0.0', group: 'connection',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    history: [['6.0.0', 'Added ACL style (username and password).']],
    arguments: [
      { name: 'username', type: 'string', since: '6.0.0', flags: ['optional'] },
      { name: 'password', type: 'string' },
    ],
    handler: authCommand,
  },
  {
    name: 'hello', arity: -1, flags: CONN_FLAGS, acl: ['connection'],
    summary: 'Negotiate the protocol version, optionally authenticating and naming the connection.',
    since: '6.0.0', group: 'connection', complexity: 'O(1)',
    history: [[
      '6.2.0',
      '`protover` made optional; when called without arguments the command reports the current connection\'s context.',
    ]],
    arguments: [{
      name: 'arguments', type: 'block', flags: ['optional'],
      arguments: [
        { name: 'protover', type: 'integer' },
        {
          name: 'username_password', type: 'block', token: 'AUTH', flags: ['optional'],
          arguments: [{ name: 'username', type: 'string' }, { name: 'password', type: 'string' }],
        },
        { name: 'clientname', type: 'string', token: 'SETNAME', flags: ['optional'] },
      ],
    }],
    handler: helloCommand,
  },
  {
    name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['connection'],
    summary: 'Switch the connection to another numbered database.', since: '1.0.0', group: 'connection',
    complexity: 'O(1)',
    arguments: [{ name: 'index', type: 'integer' }],
    handler: selectCommand,
  },
  {
    name: 'quit', arity: -1, flags: CONN_FLAGS, acl: ['connection'],
    summary: 'Ask the server to close this connection.', since: '1.0.0', group: 'connection', complexity: 'O(1)',
    handler: quitCommand,
  },
  {
    name: 'reset', arity: 1, flags: CONN_FLAGS, acl: ['connection'],
    summary: 'Return the connection to the state of a freshly opened one.', since: '6.2.0', group: 'connection',
    complexity: 'O(1)',
    handler: resetCommand,
  },
  CLIENT_COMMAND,
];
