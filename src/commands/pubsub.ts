/* ==========================================================================
 * Pub/Sub family: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
 * SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB (CHANNELS, NUMPAT,
 * NUMSUB, SHARDCHANNELS, SHARDNUMSUB, HELP).
 *
 * Subscription state and fan-out live in server/pubsub.ts; these handlers
 * parse arguments and pick the kind. Without cluster mode, shard channels
 * are a namespace of their own (SPUBLISH reaches only SSUBSCRIBE clients),
 * as in a non-cluster Redis 7.0. The gatekeeper (dispatch.ts) restricts
 * RESP2 clients in subscribed mode (CF.PUBSUB) to the commands Redis allows;
 * RESP3 clients may run anything while subscribed.
 * ========================================================================== */

import type { ArgDoc, CommandSpec, KeySpec } from './spec';
import { CF, type Client } from '../server/client';
import { pubsubOf, SubKind } from '../server/pubsub';
import { replyHelp } from './server';

// --- subscribe / unsubscribe -------------------------------------------------

/**
 * Redis refuses SUBSCRIBE-like commands from clients that expect exactly one
 * reply per command (scripts, DENY_BLOCKING contexts), except in MULTI for
 * backward compatibility. Returns false after replying the error.
 */
function subscribeAllowed(c: Client, name: string): boolean {
  if (c.flags & CF.DENY_BLOCKING && !(c.flags & CF.MULTI)) {
    c.error(`ERR ${name} isn't allowed for a DENY BLOCKING client`);
    return false;
  }
  return true;
}

function subscribeGeneric(c: Client, argv: string[], kind: SubKind, name: string): void {
  if (!subscribeAllowed(c, name)) return;
  const ps = pubsubOf(c.server);
  for (let i = 1; i < argv.length; i++) ps.subscribe(c, kind, argv[i]);
}

function unsubscribeGeneric(c: Client, argv: string[], kind: SubKind): void {
  const ps = pubsubOf(c.server);
  if (argv.length === 1) ps.unsubscribeAll(c, kind);
  else for (let i = 1; i < argv.length; i++) ps.unsubscribe(c, kind, argv[i], true);
}

function subscribeCommand(c: Client, argv: string[]): void { subscribeGeneric(c, argv, SubKind.CHANNEL, 'SUBSCRIBE'); }
function psubscribeCommand(c: Client, argv: string[]): void { subscribeGeneric(c, argv, SubKind.PATTERN, 'PSUBSCRIBE'); }
function ssubscribeCommand(c: Client, argv: string[]): void { subscribeGeneric(c, argv, SubKind.SHARD, 'SSUBSCRIBE'); }
function unsubscribeCommand(c: Client, argv: string[]): void { unsubscribeGeneric(c, argv, SubKind.CHANNEL); }
function punsubscribeCommand(c: Client, argv: string[]): void { unsubscribeGeneric(c, argv, SubKind.PATTERN); }
function sunsubscribeCommand(c: Client, argv: string[]): void { unsubscribeGeneric(c, argv, SubKind.SHARD); }

// --- publish -------------------------------------------------------------------

/** PUBLISH channel message: the number of receivers. */
function publishCommand(c: Client, argv: string[]): void {
  c.w.int(pubsubOf(c.server).publish(argv[1], argv[2]));
}

/** SPUBLISH shardchannel message: the number of shard-channel receivers. */
function spublishCommand(c: Client, argv: string[]): void {
  c.w.int(pubsubOf(c.server).publishShard(argv[1], argv[2]));
}

// --- PUBSUB introspection ---------------------------------------------------------

/** Redis's addReplySubcommandSyntaxError (PUBSUB CHANNELS with too many arguments). */
function subcommandSyntaxError(c: Client, argv: string[]): void {
  const cut = (s: string) => {
    const z = s.indexOf('\0');
    return z < 0 ? s : s.slice(0, z);
  };
  const msg = `ERR unknown subcommand or wrong number of arguments for '${cut(argv[1]).slice(0, 128)}'. ` +
    `Try ${cut(argv[0]).toUpperCase()} HELP.`;
  c.error(msg.replace(/[\r\n]/g, ' '));
}

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern]: active channels, optionally filtered. */
function channelsGeneric(c: Client, argv: string[], shard: boolean): void {
  if (argv.length > 3) {
    subcommandSyntaxError(c, argv);
    return;
  }
  c.w.bulkArray(pubsubOf(c.server).channelNames(shard, argv.length === 3 ? argv[2] : null));
}

/** PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: flat array of channel, count (an array in RESP3 too). */
function numsubGeneric(c: Client, argv: string[], shard: boolean): void {
  const ps = pubsubOf(c.server);
  c.w.arrayLen((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    c.w.bulk(argv[i]);
    c.w.int(ps.numSub(shard, argv[i]));
  }
}

function channelsCommand(c: Client, argv: string[]): void { channelsGeneric(c, argv, false); }
function shardchannelsCommand(c: Client, argv: string[]): void { channelsGeneric(c, argv, true); }
function numsubCommand(c: Client, argv: string[]): void { numsubGeneric(c, argv, false); }
function shardnumsubCommand(c: Client, argv: string[]): void { numsubGeneric(c, argv, true); }

/** PUBSUB NUMPAT: distinct subscribed patterns. */
function numpatCommand(c: Client): void {
  c.w.int(pubsubOf(c.server).patterns.size);
}

const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
];

function pubsubHelpCommand(c: Client): void {
  replyHelp(c, 'PUBSUB', PUBSUB_HELP);
}

// --- table ------------------------------------------------------------------------

const SUB_FLAGS = ['pubsub', 'noscript', 'loading', 'stale'] as const;
const INFO_FLAGS = ['pubsub', 'loading', 'stale'] as const;
const PUBLISH_FLAGS = ['pubsub', 'loading', 'stale', 'fast'] as const;
/** Optional channel / shard-channel lists (UNSUBSCRIBE, NUMSUB; SUNSUBSCRIBE, SHARDNUMSUB). */
const CHANNELS_OPT: readonly ArgDoc[] = [{ name: 'channel', type: 'string', flags: ['optional', 'multiple'] }];
const SHARDCHANNELS_OPT: readonly ArgDoc[] = [{ name: 'shardchannel', type: 'string', flags: ['optional', 'multiple'] }];
/** The optional pattern of PUBSUB CHANNELS / SHARDCHANNELS. */
const PATTERN_OPT: readonly ArgDoc[] = [{ name: 'pattern', type: 'pattern', flags: ['optional'] }];

/**
 * Shard channels from argv[1] to argv[1 + lastkey] (-1: to the end), declared
 * as not-key "keys" (cluster slot routing only).
 */
function shardChannels(lastkey: number): readonly KeySpec[] {
  return [{
    flags: ['not_key'], begin_search: { type: 'index', index: 1 },
    find_keys: { type: 'range', lastkey, step: 1, limit: 0 },
  }];
}
const SHARD_ALL = shardChannels(-1);
const SHARD_ONE = shardChannels(0);

export const PUBSUB_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'subscribe', arity: -2, flags: SUB_FLAGS,
    summary: 'Start receiving the messages published on the given channels.', since: '2.0.0', group: 'pubsub',
    complexity: 'O(N) where N is the number of channels to subscribe to.',
    arguments: [{ name: 'channel', type: 'string', flags: ['multiple'] }],
    handler: subscribeCommand,
  },
  {
    name: 'unsubscribe', arity: -1, flags: SUB_FLAGS,
    summary: 'Stop receiving the messages of the given channels, or of all of them.', since: '2.0.0', group: 'pubsub',
    complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
    arguments: CHANNELS_OPT,
    handler: unsubscribeCommand,
  },
  {
    name: 'psubscribe', arity: -2, flags: SUB_FLAGS,
    summary: 'Start receiving the messages of every channel matching the given glob patterns.', since: '2.0.0',
    group: 'pubsub', complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
    arguments: [{
      name: 'pattern', type: 'block', flags: ['multiple'],
      arguments: [{ name: 'pattern', type: 'pattern' }],
    }],
    handler: psubscribeCommand,
  },
  {
    name: 'punsubscribe', arity: -1, flags: SUB_FLAGS,
    summary: 'Drop the given pattern subscriptions, or all of them.', since: '2.0.0', group: 'pubsub',
    complexity: 'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
    arguments: [{ name: 'pattern', type: 'pattern', flags: ['optional', 'multiple'] }],
    handler: punsubscribeCommand,
  },
  {
    name: 'publish', arity: 3, flags: PUBLISH_FLAGS,
    summary: 'Send a message to the subscribers of a channel and of the patterns matching it.', since: '2.0.0',
    group: 'pubsub',
    complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    arguments: [{ name: 'channel', type: 'string' }, { name: 'message', type: 'string' }],
    handler: publishCommand,
  },
  {
    name: 'pubsub', arity: -2, flags: [],
    summary: 'Container for the commands that inspect the Pub/Sub state.', since: '2.8.0', group: 'pubsub',
    complexity: 'Depends on subcommand.',
    subcommands: [
      // Redis's order (COMMAND INFO / DOCS list subcommands in this order)
      {
        name: 'channels', arity: -2, flags: INFO_FLAGS,
        summary: 'List the channels that have subscribers, optionally filtered by a pattern.', since: '2.8.0',
        group: 'pubsub',
        complexity: 'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
        arguments: PATTERN_OPT,
        handler: channelsCommand,
      },
      {
        name: 'numpat', arity: 2, flags: INFO_FLAGS,
        summary: 'Count the distinct patterns clients are subscribed to.', since: '2.8.0', group: 'pubsub',
        complexity: 'O(1)',
        handler: numpatCommand,
      },
      {
        name: 'numsub', arity: -2, flags: INFO_FLAGS,
        summary: 'Count the subscribers of each given channel.', since: '2.8.0', group: 'pubsub',
        complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
        arguments: CHANNELS_OPT,
        handler: numsubCommand,
      },
      {
        name: 'shardchannels', arity: -2, flags: INFO_FLAGS,
        summary: 'List the shard channels that have subscribers, optionally filtered by a pattern.', since: '7.0.0',
        group: 'pubsub',
        complexity: 'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
        arguments: PATTERN_OPT,
        handler: shardchannelsCommand,
      },
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'],
        summary: 'List the PUBSUB subcommands.', since: '6.2.0', group: 'pubsub', complexity: 'O(1)',
        handler: pubsubHelpCommand,
      },
      {
        name: 'shardnumsub', arity: -2, flags: INFO_FLAGS,
        summary: 'Count the subscribers of each given shard channel.', since: '7.0.0', group: 'pubsub',
        complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
        arguments: SHARDCHANNELS_OPT,
        handler: shardnumsubCommand,
      },
    ],
  },
  {
    name: 'ssubscribe', arity: -2, flags: SUB_FLAGS, keySpecs: SHARD_ALL,
    summary: 'Start receiving the messages published on the given shard channels.', since: '7.0.0', group: 'pubsub',
    complexity: 'O(N) where N is the number of shard channels to subscribe to.',
    arguments: [{ name: 'shardchannel', type: 'string', flags: ['multiple'] }],
    handler: ssubscribeCommand,
  },
  {
    name: 'sunsubscribe', arity: -1, flags: SUB_FLAGS, keySpecs: SHARD_ALL,
    summary: 'Stop receiving the messages of the given shard channels, or of all of them.', since: '7.0.0',
    group: 'pubsub', complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.',
    arguments: SHARDCHANNELS_OPT,
    handler: sunsubscribeCommand,
  },
  {
    name: 'spublish', arity: 3, flags: PUBLISH_FLAGS, keySpecs: SHARD_ONE,
    summary: 'Send a message to the subscribers of a shard channel.', since: '7.0.0', group: 'pubsub',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    arguments: [{ name: 'shardchannel', type: 'string' }, { name: 'message', type: 'string' }],
    handler: spublishCommand,
  },
];
