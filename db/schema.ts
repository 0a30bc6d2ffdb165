// The data model of billing.md, one file per seam of the domain.
export * from './schema/access.js';
export * from './schema/catalog.js';
export * from './schema/change-log.js';
export * from './schema/periods.js';
export * from './schema/tenancy.js';
export * from './schema/vendor.js';
