/**
 * The HTTP API shell: what `clipcast serve` and `clipcast apikeys` wire.
 *
 * @example
 * ```ts
 * import { startServer, createApiKey } from './server/index.js';
 * const { url } = await startServer({ app, port: 8787, providers, validator, campaigns });
 * ```
 */
export { buildServer, startServer, type BuildServerOptions } from './build-server.js';
export { createApiKey, listApiKeys, revokeApiKey, verifyApiKey, type ApiKeyView } from './api-keys.js';
export { ServerMetrics } from './server-metrics.js';
export { WORKER_HEARTBEAT_KEY } from './routes/health-routes.js';
export { HttpProblem, PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';
export { clipParamsValidator } from './clip-params-validator.js';
export { coreProvidersCatalog } from './core-providers.js';
export { coreCampaignCreator, type CoreCampaignOptions } from './core-campaigns.js';
export { platformWebhookSinks, type PlatformWebhookOptions } from './platform-webhooks.js';
export { postizChannels } from './postiz-channels.js';
export { adapterAccountChecker } from './adapter-account-checker.js';
export type {
  AccountChecker,
  CampaignCreator,
  CampaignRequest,
  Channel,
  ChannelsSource,
  ClipValidator,
  IncomingWebhook,
  MediaRequestHandler,
  OAuthConnectedAccount,
  OAuthProvider,
  OAuthProviders,
  ProviderInfo,
  ProvidersCatalog,
  WebhookSinks,
} from './server-parts.js';
