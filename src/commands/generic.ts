/* ==========================================================================
 * generic family (being written).
 * ========================================================================== */

import type { CommandSpec } from './spec';

export const GENERIC_COMMANDS: readonly CommandSpec[] = [];
