import type { PlatformId } from '../core/platform-id.js';

/** Base URLs of a running sandbox, per platform, plus Postiz. */
export type SandboxUrls = Partial<Record<PlatformId | 'postiz', string>>;

/** The settings key under which a running `clipcast sandbox` records its URLs for other processes. */
export const SANDBOX_URLS_SETTING = 'sandbox.urls';

/**
 * The apps the sandbox's emulators registered (as a platform's developer console hands them out), per
 * platform; Instagram has one per login product.
 */
export interface SandboxApps {
  tiktok: { clientKey: string; clientSecret: string };
  youtube: { clientId: string; clientSecret: string };
  instagram: { appId: string; appSecret: string; flavour: 'instagram' };
  facebook: { appId: string; appSecret: string; flavour: 'facebook' };
}

/** The settings key under which a running `clipcast sandbox` records {@link SandboxApps}. */
export const SANDBOX_APPS_SETTING = 'sandbox.apps';
