/* ==========================================================================
 * List family table: the non-blocking list commands. Handlers live in
 * list-ops.ts; facts (arity, flags, key specs) follow Redis 7.0.15's
 * COMMAND INFO, docs follow COMMAND DOCS with summaries in our own words.
 * ========================================================================== */

import type { ArgDoc, CommandSpec, KeySpec } from './spec';
import { numkeysGetKeys } from './keys';
import { LIST_HANDLERS as H } from './list-ops';

/** A single key at argv[index] with the given key-spec flags. */
function ks(index: number, flags: KeySpec['flags']): KeySpec {
  return {
    flags,
    begin_search: { type: 'index', index },
    find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
  };
}

const KEY: ArgDoc = { name: 'key', type: 'key', key_spec_index: 0 };
const ELEMENTS: ArgDoc = { name: 'element', type: 'string', flags: ['multiple'] };
const PUSH_COMPLEXITY = 'O(1) for each element added, so O(N) to add N elements when the command is called with ' +
  'multiple arguments.';
const LEFT_RIGHT: readonly ArgDoc[] = [
  { name: 'left', type: 'pure-token', token: 'LEFT' },
  { name: 'right', type: 'pure-token', token: 'RIGHT' },
];
const POP_ARGS: readonly ArgDoc[] = [KEY, { name: 'count', type: 'integer', since: '6.2.0', flags: ['optional'] }];
const MOVE_KEYS: readonly KeySpec[] = [ks(1, ['RW', 'access', 'delete']), ks(2, ['RW', 'insert'])];
const SRC_DST: readonly ArgDoc[] = [
  { name: 'source', type: 'key', key_spec_index: 0 },
  { name: 'destination', type: 'key', key_spec_index: 1 },
];

export const LIST_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'lpush', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['list'],
    keySpecs: [ks(1, ['RW', 'insert'])],
    summary: 'Add one or more elements at the head of a list, creating it if needed.', since: '1.0.0',
    group: 'list', complexity: PUSH_COMPLEXITY,
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    arguments: [KEY, ELEMENTS],
    handler: H.lpushCommand,
  },
  {
    name: 'rpush', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['list'],
    keySpecs: [ks(1, ['RW', 'insert'])],
    summary: 'Add one or more elements at the tail of a list, creating it if needed.', since: '1.0.0',
    group: 'list', complexity: PUSH_COMPLEXITY,
    history: [['2.4.0', 'Accepts multiple `element` arguments.']],
    arguments: [KEY, ELEMENTS],
    handler: H.rpushCommand,
  },
  {
    name: 'lpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['list'],
    keySpecs: [ks(1, ['RW', 'insert'])],
    summary: 'Add elements at the head of a list, but only when the list already exists.', since: '2.2.0',
    group: 'list', complexity: PUSH_COMPLEXITY,
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    arguments: [KEY, ELEMENTS],
    handler: H.lpushxCommand,
  },
  {
    name: 'rpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['list'],
    keySpecs: [ks(1, ['RW', 'insert'])],
    summary: 'Add elements at the tail of a list, but only when the list already exists.', since: '2.2.0',
    group: 'list', complexity: PUSH_COMPLEXITY,
    history: [['4.0.0', 'Accepts multiple `element` arguments.']],
    arguments: [KEY, ELEMENTS],
    handler: H.rpushxCommand,
  },
  {
    name: 'lpop', arity: -2, flags: ['write', 'fast'], acl: ['list'],
    keySpecs: [ks(1, ['RW', 'access', 'delete'])],
    summary: 'Remove and return elements from the head of a list.', since: '1.0.0', group: 'list',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    arguments: POP_ARGS,
    handler: H.lpopCommand,
  },
  {
    name: 'rpop', arity: -2, flags: ['write', 'fast'], acl: ['list'],
    keySpecs: [ks(1, ['RW', 'access', 'delete'])],
    summary: 'Remove and return elements from the tail of a list.', since: '1.0.0', group: 'list',
    complexity: 'O(N) where N is the number of elements returned',
    history: [['6.2.0', 'Added the `count` argument.']],
    arguments: POP_ARGS,
    handler: H.rpopCommand,
  },
  {
    name: 'llen', arity: 2, flags: ['readonly', 'fast'], acl: ['list'],
    keySpecs: [ks(1, ['RO'])],
    summary: 'Return the number of elements in a list.', since: '1.0.0', group: 'list', complexity: 'O(1)',
    arguments: [KEY],
    handler: H.llenCommand,
  },
  {
    name: 'lindex', arity: 3, flags: ['readonly'], acl: ['list'],
    keySpecs: [ks(1, ['RO', 'access'])],
    summary: 'Return the element at a position of a list.', since: '1.0.0', group: 'list',
    complexity: 'O(N) where N is the number of elements to traverse to get to the element at index. This makes ' +
      'asking for the first or the last element of the list O(1).',
    arguments: [KEY, { name: 'index', type: 'integer' }],
    handler: H.lindexCommand,
  },
  {
    name: 'lset', arity: 4, flags: ['write', 'denyoom'], acl: ['list'],
    keySpecs: [ks(1, ['RW', 'update'])],
    summary: 'Overwrite the element at a position of a list.', since: '1.0.0', group: 'list',
    complexity: 'O(N) where N is the length of the list. Setting either the first or the last element of the ' +
      'list is O(1).',
    arguments: [KEY, { name: 'index', type: 'integer' }, { name: 'element', type: 'string' }],
    handler: H.lsetCommand,
  },
  {
    name: 'lrange', arity: 4, flags: ['readonly'], acl: ['list'],
    keySpecs: [ks(1, ['RO', 'access'])],
    summary: 'Return the elements of a list between two positions.', since: '1.0.0', group: 'list',
    complexity: 'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end ' +
      '(HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
    arguments: [KEY, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }],
    handler: H.lrangeCommand,
  },
  {
    name: 'linsert', arity: 5, flags: ['write', 'denyoom'], acl: ['list'],
    keySpecs: [ks(1, ['RW', 'insert'])],
    summary: 'Insert an element next to the first occurrence of a pivot element in a list.', since: '2.2.0',
    group: 'list',
    complexity: 'O(N) where N is the number of elements to traverse before seeing the value pivot. This means ' +
      'that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting ' +
      'somewhere on the right end (tail) is O(N).',
    arguments: [
      KEY,
      {
        name: 'where', type: 'oneof',
        arguments: [
          { name: 'before', type: 'pure-token', token: 'BEFORE' },
          { name: 'after', type: 'pure-token', token: 'AFTER' },
        ],
      },
      { name: 'pivot', type: 'string' },
      { name: 'element', type: 'string' },
    ],
    handler: H.linsertCommand,
  },
  {
    name: 'lrem', arity: 4, flags: ['write'], acl: ['list'],
    keySpecs: [ks(1, ['RW', 'delete'])],
    summary: 'Remove occurrences of an element from a list.', since: '1.0.0', group: 'list',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    arguments: [KEY, { name: 'count', type: 'integer' }, { name: 'element', type: 'string' }],
    handler: H.lremCommand,
  },
  {
    name: 'ltrim', arity: 4, flags: ['write'], acl: ['list'],
    keySpecs: [ks(1, ['RW', 'delete'])],
    summary: 'Cut a list down to the elements between two positions.', since: '1.0.0', group: 'list',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    arguments: [KEY, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }],
    handler: H.ltrimCommand,
  },
  {
    name: 'lpos', arity: -3, flags: ['readonly'], acl: ['list'],
    keySpecs: [ks(1, ['RO', 'access'])],
    summary: 'Return the positions of elements of a list equal to a given value.', since: '6.0.6', group: 'list',
    complexity: 'O(N) where N is the number of elements in the list, for the average case. When searching for ' +
      'elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may ' +
      'run in constant time.',
    arguments: [
      KEY,
      { name: 'element', type: 'string' },
      { name: 'rank', type: 'integer', token: 'RANK', flags: ['optional'] },
      { name: 'num-matches', type: 'integer', token: 'COUNT', flags: ['optional'] },
      { name: 'len', type: 'integer', token: 'MAXLEN', flags: ['optional'] },
    ],
    handler: H.lposCommand,
  },
  {
    name: 'lmove', arity: 5, flags: ['write', 'denyoom'], acl: ['list'],
    keySpecs: MOVE_KEYS,
    summary: 'Take an element from one end of a list and add it to an end of another list.', since: '6.2.0',
    group: 'list', complexity: 'O(1)',
    arguments: [
      ...SRC_DST,
      { name: 'wherefrom', type: 'oneof', arguments: LEFT_RIGHT },
      { name: 'whereto', type: 'oneof', arguments: LEFT_RIGHT },
    ],
    handler: H.lmoveCommand,
  },
  {
    name: 'rpoplpush', arity: 3, flags: ['write', 'denyoom'], acl: ['list'],
    keySpecs: MOVE_KEYS,
    summary: 'Take the last element of a list and add it at the head of another list.', since: '1.2.0',
    group: 'list', complexity: 'O(1)',
    docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments',
    arguments: SRC_DST,
    handler: H.rpoplpushCommand,
  },
  {
    name: 'lmpop', arity: -4, flags: ['write'], acl: ['list'],
    keySpecs: [{
      flags: ['RW', 'access', 'delete'],
      begin_search: { type: 'index', index: 1 },
      find_keys: { type: 'keynum', keynumidx: 0, firstkey: 1, step: 1 },
    }],
    getKeys: numkeysGetKeys(1, 2), // Redis's lmpopGetKeys
    summary: 'Remove and return elements from one end of the first non-empty list among several keys.',
    since: '7.0.0', group: 'list',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    arguments: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      { name: 'where', type: 'oneof', arguments: LEFT_RIGHT },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: H.lmpopCommand,
  },
];
