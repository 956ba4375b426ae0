/* ==========================================================================
 * Every command family, in one list. The table (table.ts) is built from it;
 * adding a family is one import and one entry here.
 * ========================================================================== */

import type { CommandSpec } from './spec';
import { STRING_COMMANDS } from './string';
import { BITMAP_COMMANDS } from './bitmap';
import { GENERIC_COMMANDS } from './generic';
import { EXPIRE_COMMANDS } from './expire';
import { CONNECTION_COMMANDS } from './connection';
import { SERVER_COMMANDS } from './server';
import { INTROSPECTION_COMMANDS } from './introspection';
import { COMMAND_COMMANDS } from './command';
import { SET_COMMANDS } from './set';
import { LIST_COMMANDS } from './list';
import { LIST_BLOCKING_COMMANDS } from './list-blocking';
import { ZSET_BLOCKING_COMMANDS } from './zset-blocking';
import { HASH_COMMANDS } from './hash';
import { ZSET_COMMANDS } from './zset';
import { SORT_COMMANDS } from './sort';
import { HLL_COMMANDS } from './hyperloglog';
import { GEO_COMMANDS } from './geo';
import { MULTI_COMMANDS } from './multi';
import { PUBSUB_COMMANDS } from './pubsub';
import { SLOWLOG_COMMANDS } from './slowlog';
import { LATENCY_COMMANDS } from './latency';
import { MONITOR_COMMANDS } from './monitor';
import { MEMORY_COMMANDS } from './memory';

export const FAMILIES: readonly (readonly CommandSpec[])[] = [
  STRING_COMMANDS,
  BITMAP_COMMANDS,
  GENERIC_COMMANDS,
  EXPIRE_COMMANDS,
  CONNECTION_COMMANDS,
  SERVER_COMMANDS,
  INTROSPECTION_COMMANDS,
  COMMAND_COMMANDS,
  SET_COMMANDS,
  LIST_COMMANDS,
  LIST_BLOCKING_COMMANDS,
  ZSET_BLOCKING_COMMANDS,
  HASH_COMMANDS,
  ZSET_COMMANDS,
  SORT_COMMANDS,
  HLL_COMMANDS,
  GEO_COMMANDS,
  MULTI_COMMANDS,
  PUBSUB_COMMANDS,
  SLOWLOG_COMMANDS,
  LATENCY_COMMANDS,
  MONITOR_COMMANDS,
  MEMORY_COMMANDS,
];
