import { describe, expect, it } from 'vitest';
import { can, type Role } from './permissions';

describe('can', () => {
  it('mirrors the API’s role rules for period decisions and run control', () => {
    const roles: Role[] = ['admin', 'finance', 'operator', 'customer'];
    const who = (ability: Parameters<typeof can>[1]) => roles.filter((role) => can(role, ability));
    expect(who('decide')).toEqual(['admin', 'finance']);
    expect(who('closePeriod')).toEqual(['admin', 'operator']);
    expect(who('reprocess')).toEqual(['admin', 'operator']);
    expect(who('reopen')).toEqual(['admin']);
    expect(who('writeRules')).toEqual(['admin', 'finance']);
    expect(who('readRules')).toEqual(['admin', 'finance', 'operator']);
    expect(who('tokens')).toEqual(['admin']);
    expect(can(undefined, 'decide')).toBe(false);
  });
});
