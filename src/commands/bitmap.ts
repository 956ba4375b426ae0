/* ==========================================================================
 * bitmap family (being written).
 * ========================================================================== */

import type { CommandSpec } from './spec';

export const BITMAP_COMMANDS: readonly CommandSpec[] = [];
