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
import { HASH_COMMANDS } from './hash';

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
  HASH_COMMANDS,
];
