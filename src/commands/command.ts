/* ==========================================================================
 * command family (being written).
 * ========================================================================== */

import type { CommandSpec } from './spec';

export const COMMAND_COMMANDS: readonly CommandSpec[] = [];
