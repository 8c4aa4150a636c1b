import type { PlatformId } from '../core/platform-id.js';

/** Base URLs of a running sandbox, per platform, plus Postiz. */
export type SandboxUrls = Partial<Record<PlatformId | 'postiz', string>>;

/** The settings key under which a running `clipcast sandbox` records its URLs for other processes. */
export const SANDBOX_URLS_SETTING = 'sandbox.urls';
