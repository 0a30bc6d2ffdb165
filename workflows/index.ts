// The workflow bundle's entry: every workflow the worker runs is exported here.
export { periodClose } from './period-close.js';
export { scheduledClose } from './scheduled-close.js';
