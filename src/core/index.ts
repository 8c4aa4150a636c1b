export * from './platform-id.js';
export * from './clock.js';
export * from './publish-error.js';
export * from './post-state.js';
export type * from './ports/platform-adapter.js';
export * from './input-error.js';
export * from './ports/store.js';
export type * from './ports/secrets.js';
