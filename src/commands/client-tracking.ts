/* ==========================================================================
 * CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO: the client side of
 * client-side caching (state and invalidation live in server/tracking.ts).
 * Option parsing, checks and their order follow Redis 7.0's clientCommand.
 * ========================================================================== */

import type { CommandSpec } from './spec';
import { CF, type Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { overlaps } from '../server/tracking';
import { is } from './args';

const CLIENT_FLAGS = ['noscript', 'loading', 'stale'] as const;

/**
 * CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN]
 * [OPTOUT] [NOLOOP]: options are parsed first (syntax, REDIRECT target must
 * exist now), then the mode checks in Redis's order.
 */
function trackingCommand(c: Client, argv: string[]): void {
  let redir = 0;
  let options = 0;
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const a = argv[j];
    if (is(a, 'redirect') && more > 0) {
      j++;
      if (redir !== 0) {
        c.error('ERR A client can only redirect to a single other client');
        return;
      }
      const id = parseInt64(argv[j]);
      if (id === null) {
        c.error(E.NOT_INT);
        return;
      }
      if (!c.server.clients.has(id)) {
        c.error('ERR The client ID you want redirect to does not exist');
        return;
      }
      redir = id;
    } else if (is(a, 'bcast')) {
      options |= CF.TRACKING_BCAST;
    } else if (is(a, 'optin')) {
      options |= CF.TRACKING_OPTIN;
    } else if (is(a, 'optout')) {
      options |= CF.TRACKING_OPTOUT;
    } else if (is(a, 'noloop')) {
      options |= CF.TRACKING_NOLOOP;
    } else if (is(a, 'prefix') && more > 0) {
      prefixes.push(argv[++j]);
    } else {
      c.error(E.SYNTAX);
      return;
    }
  }
  const tracking = c.server.tracking;
  if (is(argv[2], 'on')) {
    if (!(options & CF.TRACKING_BCAST) && prefixes.length !== 0) {
      c.error('ERR PREFIX option requires BCAST mode to be enabled');
      return;
    }
    if (c.flags & CF.TRACKING && !!(c.flags & CF.TRACKING_BCAST) !== !!(options & CF.TRACKING_BCAST)) {
      c.error(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
      return;
    }
    if (options & CF.TRACKING_BCAST && options & (CF.TRACKING_OPTIN | CF.TRACKING_OPTOUT)) {
      c.error('ERR OPTIN and OPTOUT are not compatible with BCAST');
      return;
    }
    if (options & CF.TRACKING_OPTIN && options & CF.TRACKING_OPTOUT) {
      c.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
      return;
    }
    if ((options & CF.TRACKING_OPTIN && c.flags & CF.TRACKING_OPTOUT) ||
      (options & CF.TRACKING_OPTOUT && c.flags & CF.TRACKING_OPTIN)) {
      c.error(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
      return;
    }
    if (options & CF.TRACKING_BCAST && !prefixesAcceptable(c, prefixes)) return;
    tracking.enable(c, redir, options, prefixes);
  } else if (is(argv[2], 'off')) {
    tracking.disable(c);
  } else {
    c.error(E.SYNTAX);
    return;
  }
  c.w.ok();
}

/**
 * Redis's checkPrefixCollisionsOrReply: no new prefix may overlap one the
 * client already has, nor another new one. Replies the error and returns
 * false on a collision. (Redis 7.0 reports a collision between two new
 * prefixes as failure only when it involves the first one; later ones get
 * the error reply and tracking is still enabled — reproduced, since clients
 * see both replies there.)
 */
function prefixesAcceptable(c: Client, prefixes: readonly string[]): boolean {
  for (let i = 0; i < prefixes.length; i++) {
    const existing = c.server.tracking.overlapping(c, prefixes[i]);
    if (existing !== null) {
      c.error(
        `ERR Prefix '${cstr(prefixes[i])}' overlaps with an existing prefix '${cstr(existing)}'. ` +
          'Prefixes for a single client must not overlap.',
      );
      return false;
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (overlaps(prefixes[i], prefixes[j])) {
        c.error(
          `ERR Prefix '${cstr(prefixes[i])}' overlaps with another provided prefix '${cstr(prefixes[j])}'. ` +
            'Prefixes for a single client must not overlap.',
        );
        return i !== 0;
      }
    }
  }
  return true;
}

/** A string as printf's %s shows it: cut at the first NUL. */
function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/** CLIENT CACHING YES|NO: opt the next command in (OPTIN) or out (OPTOUT). */
function cachingCommand(c: Client, argv: string[]): void {
  if (!(c.flags & CF.TRACKING)) {
    c.error('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
    return;
  }
  const a = argv[2];
  if (is(a, 'yes')) {
    if (!(c.flags & CF.TRACKING_OPTIN)) {
      c.error('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
      return;
    }
  } else if (is(a, 'no')) {
    if (!(c.flags & CF.TRACKING_OPTOUT)) {
      c.error('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
      return;
    }
  } else {
    c.error(E.SYNTAX);
    return;
  }
  c.flags |= CF.TRACKING_CACHING;
  c.w.ok();
}

/** CLIENT GETREDIR: -1 without tracking, 0 without redirection, else the target id. */
function getredirCommand(c: Client): void {
  c.w.int(c.flags & CF.TRACKING ? c.trackingRedir : -1);
}

/** CLIENT TRACKINGINFO: flags, redirect and prefixes, as a map. */
function trackinginfoCommand(c: Client): void {
  const f = c.flags;
  const flags: string[] = [];
  if (!(f & CF.TRACKING)) {
    flags.push('off');
  } else {
    flags.push('on');
    if (f & CF.TRACKING_BCAST) flags.push('bcast');
    if (f & CF.TRACKING_OPTIN) {
      flags.push('optin');
      if (f & CF.TRACKING_CACHING) flags.push('caching-yes');
    }
    if (f & CF.TRACKING_OPTOUT) {
      flags.push('optout');
      if (f & CF.TRACKING_CACHING) flags.push('caching-no');
    }
    if (f & CF.TRACKING_NOLOOP) flags.push('noloop');
    if (f & CF.TRACKING_BROKEN_REDIR) flags.push('broken_redirect');
  }
  const w = c.w;
  w.mapLen(3);
  w.bulk('flags');
  w.setLen(flags.length);
  for (const x of flags) w.bulk(x);
  w.bulk('redirect');
  w.int(f & CF.TRACKING ? c.trackingRedir : -1);
  w.bulk('prefixes');
  const ps = f & CF.TRACKING_BCAST && c.trackingPrefixes !== null ? [...c.trackingPrefixes].sort() : [];
  w.arrayLen(ps.length);
  for (const p of ps) w.bulk(p);
}

export const CLIENT_TRACKING_SUBCOMMANDS: readonly CommandSpec[] = [
  {
    name: 'tracking', arity: -3, flags: CLIENT_FLAGS, acl: ['connection'],
    summary: 'Turn server-assisted client-side caching on or off for this connection.', since: '6.0.0',
    group: 'connection', complexity: 'O(1). Some options may introduce additional complexity.',
    arguments: [
      {
        name: 'status', type: 'oneof',
        arguments: [{ name: 'on', type: 'pure-token', token: 'ON' }, { name: 'off', type: 'pure-token', token: 'OFF' }],
      },
      { name: 'client-id', type: 'integer', token: 'REDIRECT', flags: ['optional'] },
      { name: 'prefix', type: 'string', token: 'PREFIX', flags: ['optional', 'multiple', 'multiple_token'] },
      { name: 'bcast', type: 'pure-token', token: 'BCAST', flags: ['optional'] },
      { name: 'optin', type: 'pure-token', token: 'OPTIN', flags: ['optional'] },
      { name: 'optout', type: 'pure-token', token: 'OPTOUT', flags: ['optional'] },
      { name: 'noloop', type: 'pure-token', token: 'NOLOOP', flags: ['optional'] },
    ],
    handler: trackingCommand,
  },
  {
    name: 'caching', arity: 3, flags: CLIENT_FLAGS, acl: ['connection'],
    summary: 'Say whether the keys read by the next command should be tracked (OPTIN / OPTOUT modes).',
    since: '6.0.0', group: 'connection', complexity: 'O(1)',
    arguments: [{
      name: 'mode', type: 'oneof',
      arguments: [{ name: 'yes', type: 'pure-token', token: 'YES' }, { name: 'no', type: 'pure-token', token: 'NO' }],
    }],
    handler: cachingCommand,
  },
  {
    name: 'getredir', arity: 2, flags: CLIENT_FLAGS, acl: ['connection'],
    summary: 'Return the id of the client receiving this connection\'s invalidation messages.', since: '6.0.0',
    group: 'connection', complexity: 'O(1)', handler: getredirCommand,
  },
  {
    name: 'trackinginfo', arity: 2, flags: CLIENT_FLAGS, acl: ['connection'],
    summary: 'Describe this connection\'s client-side caching settings.', since: '6.2.0', group: 'connection',
    complexity: 'O(1)', handler: trackinginfoCommand,
  },
];
