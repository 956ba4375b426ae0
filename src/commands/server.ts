/* ==========================================================================
 * Server family: INFO, CONFIG (GET, SET, RESETSTAT, REWRITE, HELP), TIME,
 * SHUTDOWN; DEBUG lives in server-debug.ts.
 *
 * INFO's sections are built by server/info.ts; CONFIG's logic is in
 * config/ (apply.ts for GET/SET, rewrite.ts for REWRITE). The handlers
 * here parse arguments and shape the replies.
 * ========================================================================== */

import type { CommandEntry } from './table';
import type { CommandSpec } from './spec';
import { CF, type Client } from '../server/client';
import { E } from '../protocol/errors';
import { genInfo, nowMicros, resetStats } from '../server/info';
import { configGet, configSet } from '../config/apply';
import { rewriteConfig, rewriteErrorText } from '../config/rewrite';
import { isLocalClient, processInput } from '../server/dispatch';
import { afterBatch } from '../server/listener';
import { is } from './args';
import { DEBUG_COMMAND } from './server-debug';

// --- INFO -------------------------------------------------------------------

/** INFO [section ...]: a verbatim string in RESP3, a bulk string in RESP2. */
function infoCommand(c: Client, argv: string[]): void {
  c.w.verbatim(genInfo(c.server, argv.slice(1)));
}

// --- TIME -------------------------------------------------------------------

/** TIME: [unix seconds, microseconds] as two bulk strings. */
function timeCommand(c: Client): void {
  const us = nowMicros();
  c.w.arrayLen(2);
  c.w.bulk(String(Math.floor(us / 1e6)));
  c.w.bulk(String(us % 1e6));
}

// --- CONFIG -----------------------------------------------------------------

/** Reply Redis's HELP format: the header line, the lines, then HELP itself (status replies). */
export function replyHelp(c: Client, cmd: string, lines: readonly string[]): void {
  c.w.arrayLen(lines.length + 3);
  c.w.simple(`${cmd} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) c.w.simple(l);
  c.w.simple('HELP');
  c.w.simple('    Prints this help.');
}

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

function configHelpCommand(c: Client): void {
  replyHelp(c, 'CONFIG', CONFIG_HELP);
}

/** CONFIG GET pattern [pattern ...]: a map of matching names to values. */
function configGetCommand(c: Client, argv: string[]): void {
  const pairs = configGet(c.server.config, argv.slice(2));
  c.w.mapLen(pairs.length);
  for (const [k, v] of pairs) {
    c.w.bulk(k);
    c.w.bulk(v);
  }
}

/** Whether this client may change protected parameters (enable-protected-configs). */
function protectedConfigsAllowed(c: Client): boolean {
  const mode = c.server.config.enableProtectedConfigs;
  return mode === 'yes' || (mode === 'local' && isLocalClient(c));
}

/**
 * CONFIG SET name value [name value ...]. When the change must re-bind the
 * listeners (port, bind), the reply waits for the bind: the client is held
 * (CF.BLOCKED: its further pipelined commands wait too) and released by
 * finishDeferred. A client that cannot wait (captured, or running an EXEC:
 * CF.MULTI is still set while the queue runs, as in Redis) is answered OK at
 * once and a failed bind is only logged (the old values are restored).
 */
function configSetCommand(c: Client, argv: string[]): void {
  if (argv.length % 2 !== 0) {
    c.error(E.SYNTAX);
    return;
  }
  const r = configSet(c.server, argv.slice(2), protectedConfigsAllowed(c));
  if (r === null) {
    c.w.ok();
  } else if (typeof r === 'string') {
    c.error(r);
  } else if (c.socket === null || (c.flags & (CF.MULTI | CF.FAKE)) !== 0) {
    c.w.ok();
    r.then((err) => {
      if (err !== null) c.server.log.warning(`CONFIG SET from a captured client failed: ${err}`);
    }, () => undefined);
  } else {
    const e = c.cmd!;
    c.flags |= CF.BLOCKED;
    r.then((err) => finishDeferred(c, e, err), (ex) => finishDeferred(c, e, `ERR ${(ex as Error).message}`));
  }
}

/** Reply to a held CONFIG SET and resume the client's input. */
function finishDeferred(c: Client, e: CommandEntry, err: string | null): void {
  c.flags &= ~CF.BLOCKED;
  if (!c.server.clients.has(c.id)) return; // disconnected meanwhile
  if (err === null) {
    c.w.ok();
  } else {
    c.error(err);
    e.stats.failed++;
  }
  processInput(c);
  afterBatch(c);
}

/** CONFIG RESETSTAT: zero INFO stats, command stats and error stats. */
function configResetstatCommand(c: Client): void {
  resetStats(c.server);
  c.w.ok();
}

/** CONFIG REWRITE: rewrite the config file the server was started with. */
function configRewriteCommand(c: Client): void {
  const srv = c.server;
  if (srv.configFile === '') {
    c.error('ERR The server is running without a config file');
    return;
  }
  try {
    rewriteConfig(srv.configFile, srv.config);
  } catch (e) {
    const why = rewriteErrorText(e);
    srv.log.warning(`CONFIG REWRITE failed: ${why}`);
    c.error(`ERR Rewriting config file: ${why}`);
    return;
  }
  srv.log.warning('CONFIG REWRITE executed with success.');
  c.w.ok();
}

// --- SHUTDOWN ---------------------------------------------------------------

const SD_NOSAVE = 1, SD_SAVE = 2, SD_NOW = 4, SD_FORCE = 8;

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Respite has no replicas to
 * wait for, so a shutdown never stays in progress (ABORT always finds none).
 * Without persistence nothing is saved unless SAVE asks for it; then the
 * save cannot happen, which fails the shutdown unless FORCE (Redis's
 * behaviour when the final save fails). On success there is no reply: the
 * server stops (main.ts exits the process; an embedded server closes) and
 * the connection is closed.
 */
function shutdownCommand(c: Client, argv: string[]): void {
  let flags = 0;
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (is(a, 'nosave')) flags |= SD_NOSAVE;
    else if (is(a, 'save')) flags |= SD_SAVE;
    else if (is(a, 'now')) flags |= SD_NOW;
    else if (is(a, 'force')) flags |= SD_FORCE;
    else if (is(a, 'abort')) abort = true;
    else {
      c.error(E.SYNTAX);
      return;
    }
  }
  if ((abort && flags !== 0) || (flags & SD_NOSAVE && flags & SD_SAVE)) {
    c.error(E.SYNTAX);
    return;
  }
  if (abort) {
    c.error('ERR No shutdown in progress.');
    return;
  }
  const srv = c.server;
  if (flags & SD_SAVE) {
    srv.log.warning('User requested shutdown...');
    srv.log.warning('Respite has no persistence yet: the DB cannot be saved.');
    if (flags & SD_FORCE) {
      srv.log.warning('Error trying to save the DB. Exit anyway.');
    } else {
      srv.log.warning("Error trying to save the DB, can't exit.");
      srv.log.warning('Errors trying to shut down the server. Check the logs for more information.');
      c.error('ERR Errors trying to SHUTDOWN. Check logs.');
      return;
    }
  }
  c.flags |= CF.CLOSE_ASAP;
  if (srv.onShutdown !== null) {
    srv.onShutdown();
  } else {
    if (!(flags & SD_SAVE)) srv.log.warning('User requested shutdown...');
    srv.log.warning('Respite is now ready to exit, bye bye...');
    void srv.close();
  }
}

// --- table ------------------------------------------------------------------

export const SERVER_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'info', arity: -1, flags: ['loading', 'stale'], acl: ['dangerous'],
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    summary: 'Report server information and statistics, by section.', since: '1.0.0', group: 'server',
    complexity: 'O(1)',
    history: [['7.0.0', 'Added support for taking multiple section arguments.']],
    arguments: [{ name: 'section', type: 'string', flags: ['optional', 'multiple'] }],
    handler: infoCommand,
  },
  {
    name: 'config', arity: -2, flags: [],
    summary: 'Container for the commands that read and change the server configuration.', since: '2.0.0',
    group: 'server', complexity: 'Depends on subcommand.',
    subcommands: [
      // Redis's order (COMMAND INFO / DOCS list subcommands in this order)
      {
        name: 'get', arity: -3, flags: ['admin', 'noscript', 'loading', 'stale'],
        summary: 'Read configuration parameters matching one or more glob patterns.', since: '2.0.0',
        group: 'server', complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to pass multiple pattern parameters in one call']],
        arguments: [{
          name: 'parameter', type: 'block', flags: ['multiple'],
          arguments: [{ name: 'parameter', type: 'string' }],
        }],
        handler: configGetCommand,
      },
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'],
        summary: 'List the CONFIG subcommands.', since: '5.0.0', group: 'server', complexity: 'O(1)',
        handler: configHelpCommand,
      },
      {
        name: 'set', arity: -4, flags: ['admin', 'noscript', 'loading', 'stale'],
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        summary: 'Change one or more configuration parameters at runtime, all or none.', since: '2.0.0',
        group: 'server', complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to set multiple parameters in one call.']],
        arguments: [{
          name: 'parameter_value', type: 'block', flags: ['multiple'],
          arguments: [{ name: 'parameter', type: 'string' }, { name: 'value', type: 'string' }],
        }],
        handler: configSetCommand,
      },
      {
        name: 'resetstat', arity: 2, flags: ['admin', 'noscript', 'loading', 'stale'],
        summary: 'Zero the statistics that INFO reports.', since: '2.0.0', group: 'server', complexity: 'O(1)',
        handler: configResetstatCommand,
      },
      {
        name: 'rewrite', arity: 2, flags: ['admin', 'noscript', 'loading', 'stale'],
        summary: 'Write the running configuration back into the config file.', since: '2.8.0',
        group: 'server', complexity: 'O(1)',
        handler: configRewriteCommand,
      },
    ],
  },
  {
    name: 'time', arity: 1, flags: ['loading', 'stale', 'fast'],
    tips: ['nondeterministic_output'],
    summary: 'Return the server clock as seconds and microseconds.', since: '2.6.0', group: 'server',
    complexity: 'O(1)',
    handler: timeCommand,
  },
  DEBUG_COMMAND,
  {
    name: 'shutdown', arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    summary: 'Stop the server, optionally saving the data first.', since: '1.0.0', group: 'server',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    history: [['7.0.0', 'Added the `NOW`, `FORCE` and `ABORT` modifiers.']],
    arguments: [
      {
        name: 'nosave_save', type: 'oneof', flags: ['optional'],
        arguments: [
          { name: 'nosave', type: 'pure-token', token: 'NOSAVE' },
          { name: 'save', type: 'pure-token', token: 'SAVE' },
        ],
      },
      { name: 'now', type: 'pure-token', token: 'NOW', since: '7.0.0', flags: ['optional'] },
      { name: 'force', type: 'pure-token', token: 'FORCE', since: '7.0.0', flags: ['optional'] },
      { name: 'abort', type: 'pure-token', token: 'ABORT', since: '7.0.0', flags: ['optional'] },
    ],
    handler: shutdownCommand,
  },
];
