/* ==========================================================================
 * server family (being written).
 * ========================================================================== */

import type { CommandSpec } from './spec';

export const SERVER_COMMANDS: readonly CommandSpec[] = [];
