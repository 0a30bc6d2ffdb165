import { describe, expect, test } from 'vitest';
import { type RulePart, type RuleRange, splitByRules } from '../../billing/index.js';

const march = { activeFrom: '2026-03-01', activeTo: '2026-04-01' };
const part = (activeFrom: string, activeTo: string, daysActive: number, ruleId: number | null): RulePart => ({
  activeFrom,
  activeTo,
  daysActive,
  ruleId,
});

describe('splitByRules over March 2026 (31 days)', () => {
  test.each<[string, RuleRange[], RulePart[]]>([
    ['no rule', [], [part('2026-03-01', '2026-04-01', 31, null)]],
    [
      'go-live on 10 Mar: not billable up to the 9th',
      [{ id: 1, from: null, to: '2026-03-09' }],
      [part('2026-03-01', '2026-03-10', 9, 1), part('2026-03-10', '2026-04-01', 22, null)],
    ],
    [
      'departed customer from 20 Mar, open end',
      [{ id: 2, from: '2026-03-20', to: null }],
      [part('2026-03-01', '2026-03-20', 19, null), part('2026-03-20', '2026-04-01', 12, 2)],
    ],
    [
      'rule covering the whole span',
      [{ id: 3, from: '2026-01-01', to: null }],
      [part('2026-03-01', '2026-04-01', 31, 3)],
    ],
    ['both ends open', [{ id: 9, from: null, to: null }], [part('2026-03-01', '2026-04-01', 31, 9)]],
    [
      'to = 14 Mar covers 14 Mar',
      [{ id: 6, from: null, to: '2026-03-14' }],
      [part('2026-03-01', '2026-03-15', 14, 6), part('2026-03-15', '2026-04-01', 17, null)],
    ],
    [
      'a one-day rule',
      [{ id: 7, from: '2026-03-14', to: '2026-03-14' }],
      [
        part('2026-03-01', '2026-03-14', 13, null),
        part('2026-03-14', '2026-03-15', 1, 7),
        part('2026-03-15', '2026-04-01', 17, null),
      ],
    ],
    [
      'two overlapping rules: the lower id wins the shared days',
      [
        { id: 5, from: '2026-03-05', to: '2026-03-20' },
        { id: 4, from: '2026-03-15', to: '2026-03-25' },
      ],
      [
        part('2026-03-01', '2026-03-05', 4, null),
        part('2026-03-05', '2026-03-15', 10, 5),
        part('2026-03-15', '2026-03-26', 11, 4),
        part('2026-03-26', '2026-04-01', 6, null),
      ],
    ],
    [
      'a rule inside a lower-id rule changes nothing',
      [
        { id: 1, from: '2026-03-01', to: '2026-03-31' },
        { id: 2, from: '2026-03-10', to: '2026-03-12' },
      ],
      [part('2026-03-01', '2026-04-01', 31, 1)],
    ],
    [
      'adjacent rules stay apart',
      [
        { id: 7, from: '2026-02-01', to: '2026-03-10' },
        { id: 8, from: '2026-03-11', to: '2026-03-20' },
      ],
      [
        part('2026-03-01', '2026-03-11', 10, 7),
        part('2026-03-11', '2026-03-21', 10, 8),
        part('2026-03-21', '2026-04-01', 11, null),
      ],
    ],
    [
      'a rule ending the day before',
      [{ id: 1, from: null, to: '2026-02-28' }],
      [part('2026-03-01', '2026-04-01', 31, null)],
    ],
    [
      'a rule starting the day after',
      [{ id: 1, from: '2026-04-01', to: null }],
      [part('2026-03-01', '2026-04-01', 31, null)],
    ],
    [
      'a rule on the last day',
      [{ id: 1, from: '2026-03-31', to: null }],
      [part('2026-03-01', '2026-03-31', 30, null), part('2026-03-31', '2026-04-01', 1, 1)],
    ],
  ])('%s', (_name, rules, expected) => {
    const parts = splitByRules(march, rules);
    expect(parts).toEqual(expected);
    expect(parts.reduce((days, p) => days + p.daysActive, 0)).toBe(31);
  });
});

describe('a 0-day span (added and removed the same day)', () => {
  const sameDay = { activeFrom: '2026-03-10', activeTo: '2026-03-10' };

  test.each<[string, RuleRange[], number | null]>([
    ['no rule', [], null],
    ['a rule covering the day', [{ id: 3, from: '2026-03-10', to: '2026-03-10' }], 3],
    ['a rule ending the day before', [{ id: 3, from: null, to: '2026-03-09' }], null],
    [
      'overlapping rules: the lowest id',
      [
        { id: 8, from: null, to: null },
        { id: 2, from: '2026-03-01', to: '2026-03-31' },
      ],
      2,
    ],
  ])('%s', (_name, rules, ruleId) => {
    expect(splitByRules(sameDay, rules)).toEqual([part('2026-03-10', '2026-03-10', 0, ruleId)]);
  });
});

describe('invalid input', () => {
  test('a rule ending before it starts', () => {
    expect(() => splitByRules(march, [{ id: 1, from: '2026-03-10', to: '2026-03-09' }])).toThrow(
      /rule 1 ends \(2026-03-09\) before it starts/,
    );
  });

  test('a reversed span', () => {
    expect(() => splitByRules({ activeFrom: '2026-03-10', activeTo: '2026-03-01' }, [])).toThrow(/span ends/);
  });

  test('an invalid rule date', () => {
    expect(() => splitByRules(march, [{ id: 1, from: '2026-02-30', to: null }])).toThrow(
      /invalid local date/,
    );
  });
});
