import { isPlatformId } from '../core/platform-id.js';
import { listProviderIds, providerInfo } from '../core/rules/providers.js';
import type { ProvidersCatalog } from './server-parts.js';

/**
 * The providers catalog of the core rules (`src/core/rules/providers.ts`): what `buildServer` uses
 * unless another catalog is injected.
 *
 * @example
 * ```ts
 * coreProvidersCatalog().listProviders(); // ['instagram', 'tiktok', 'youtube']
 * ```
 */
export function coreProvidersCatalog(): ProvidersCatalog {
  return {
    listProviders: () => listProviderIds(),
    providerInfo: (platform) => (isPlatformId(platform) ? providerInfo(platform) : undefined),
  };
}
