/* ==========================================================================
 * expire family (being written).
 * ========================================================================== */

import type { CommandSpec } from './spec';

export const EXPIRE_COMMANDS: readonly CommandSpec[] = [];
