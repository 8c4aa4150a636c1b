export * from './cliper-campaign.js';
export * from './load-cliper-folder.js';
export * from './parse-clips-file.js';
export * from './parse-clip-metadata.js';
export * from './parse-generated-at.js';
export * from './extract-hashtags.js';
export * from './find-clip-files.js';
export * from './json-error-position.js';
