import { describe, expect, test } from 'vitest';
import { matchesPattern } from '../../billing/index.js';

describe('matchesPattern', () => {
  test.each([
    ['Demo*', 'Demo Corp', true],
    ['Demo*', 'demo corp', true],
    ['Demo*', 'DEMOLITION Ltd', true],
    ['Demo*', 'Demo', true],
    ['Demo*', 'The Demo Corp', false],
    ['admin*', 'Administrator', true],
    ['admin*', 'admin@acme.com', true],
    ['admin*', 'sysadmin', false],
    ['*.test@*', 'john.test@acme.com', true],
    ['*.test@*', 'JOHN.TEST@ACME.COM', true],
    ['*.test@*', '.test@', true],
    ['*.test@*', 'johntest@acme.com', false],
    ['*.test@*', 'john.testing@acme.com', false],
    ['user?', 'user1', true],
    ['user?', 'user12', false],
    ['user?', 'user', false],
    ['*', '', true],
    ['?', '', false],
    ['?', '😀', true],
    ['Ü*', 'über GmbH', true],
    ['*', 'two\nlines', true],
    // Everything but * and ? is literal, including SQL and regex syntax.
    ['100%*', '100% Managed', true],
    ['100%*', '100 Managed', false],
    ['a_b*', 'a_b c', true],
    ['a_b*', 'axb c', false],
    ['a.b', 'axb', false],
    ['(test)*', '(Test) Ltd', true],
    ['[x]', '[x]', true],
    ['[x]', 'x', false],
    ['a+b', 'aab', false],
    ['a\\b', 'a\\b', true],
    ['^Demo$', '^demo$', true],
    ['x-y', 'x-y', true],
  ])('%j matches %j: %s', (pattern, value, expected) => {
    expect(matchesPattern(pattern, value)).toBe(expected);
  });
});

test.each([matchesPattern])('an empty pattern is an error', (use) => {
  expect(() => use('', 'anything')).toThrow(/must not be empty/);
});
