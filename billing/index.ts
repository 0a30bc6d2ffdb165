/** The pure billing rules: no I/O, importable from every other folder. */

export * from './close-calendar.js';
export * from './dates.js';
export * from './discounts.js';
export * from './invoice-to.js';
export * from './money.js';
export * from './patterns.js';
export * from './periods.js';
export * from './proration.js';
export * from './reconciliation/index.js';
export * from './rules.js';
export * from './tenant-config.js';
export * from './tiers.js';
