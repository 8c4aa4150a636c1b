export * from './platform-rules.js';
export * from './text-length.js';
export * from './caption-mapping.js';
export * from './validate-clip.js';
export * from './providers.js';
