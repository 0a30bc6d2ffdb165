/** Vendor reconciliation: apportioning charges to periods and the three-way match. */
export * from './apportion.js';
export * from './margin.js';
export * from './match.js';
export * from './unit-cost.js';
