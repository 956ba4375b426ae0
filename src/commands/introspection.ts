/* ==========================================================================
 * introspection family (being written).
 * ========================================================================== */

import type { CommandSpec } from './spec';

export const INTROSPECTION_COMMANDS: readonly CommandSpec[] = [];
