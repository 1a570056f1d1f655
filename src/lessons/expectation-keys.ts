// SPDX-License-Identifier: MIT
/**
 * Which `@expect` conditions each trace event type takes, so a lesson with a
 * misspelt key fails when it is parsed, not silently when it is checked.
 */
export const EXPECT_KEYS: Readonly<Record<string, readonly string[]>> = {
  'domain-add': ['path'],
  'domain-remove': ['path'],
  'bus-add': ['name'],
  'bus-remove': ['name'],
  'endpoint-add': ['bus', 'name'],
  'endpoint-remove': ['bus', 'name'],
  'conn-add': ['bus', 'comm', 'exe', 'cmdline', 'uid', 'has', 'lacks'],
  'conn-remove': ['bus'],
  names: ['bus', 'name'],
  message: ['bus', 'kind', 'member', 'notification', 'name', 'comm', 'exe', 'uid', 'has', 'lacks'],
  error: ['errno'],
};

/** Every key also takes this one: at least N matching events (default 1). */
export const COUNT_KEY = 'count';

export const HIGHLIGHT_KEYS = ['bus', 'name', 'member', 'kind'] as const;
