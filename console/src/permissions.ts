/** What each role may do, mirrored from the API's `allow(...)` lists so the console hides what the API refuses. */
export type Role = 'admin' | 'finance' | 'operator' | 'customer';

const may = {
  closePeriod: ['admin', 'operator'],
  decide: ['admin', 'finance'],
  reprocess: ['admin', 'operator'],
  reopen: ['admin'],
  readRules: ['admin', 'finance', 'operator'],
  writeRules: ['admin', 'finance'],
  readSettings: ['admin', 'finance', 'operator'],
  writeSettings: ['admin'],
  tokens: ['admin'],
  audit: ['admin', 'finance'],
  writeCatalog: ['admin'],
  writeCustomers: ['admin'],
  storedExports: ['admin', 'finance', 'operator'],
} as const satisfies Record<string, readonly Role[]>;

export type Ability = keyof typeof may;

export function can(role: Role | undefined, ability: Ability): boolean {
  return role !== undefined && (may[ability] as readonly Role[]).includes(role);
}
