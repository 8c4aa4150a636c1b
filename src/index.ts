/**
 * clipcast as a library: the core (domain, planning, rules, engine, ports) and the adapters behind
 * its ports, importable with types.
 *
 * @example
 * ```ts
 * import { openApp, loadConfig, prepareCampaign, createCampaign, createWorker } from 'clipcast';
 * const app = await openApp(loadConfig());
 * ```
 */
export * from './core/index.js';
export { AccountService, validateCredentials, type AccountView, type NewAccountInput } from './core/accounts/account-service.js';
export { CREDENTIAL_SPECS } from './core/accounts/credential-fields.js';
export { prepareCampaign, resolveTargets, type PrepareDeps } from './core/campaigns/prepare-campaign.js';
export { createCampaign, type CreateDeps } from './core/campaigns/create-campaign.js';
export type * from './core/campaigns/campaign-request.js';
export { Engine, type EngineActivity, type EngineOptions, type QuotaRequirement } from './core/engine/engine.js';
export { DEFAULT_RETRY_POLICY, retryDelay, type RetryPolicy } from './core/engine/retry-policy.js';
export { LocalDispatcher, type LocalDispatcherOptions } from './dispatch/local/local-dispatcher.js';
export { openStore, isPostgresUrl, type OpenStoreOptions } from './store/open-store.js';
export { KyselyStore } from './store/kysely-store.js';
export { SecretBox, secretBoxFrom } from './secrets/secret-box.js';
export { openSecretKeys, keySourceOf, SecretKeyError } from './secrets/key-check.js';
export { rotateKeys } from './secrets/rotate-keys.js';
export { LocalMediaStore, hashFile } from './media/local-media-store.js';
export { probeMp4, type ProbeInfo, type ProbeResult } from './media/probe.js';
export { MediaUrlSigner } from './media/signed-url.js';
export { createMediaHandler } from './media/media-handler.js';
export { WebhookNotifier, signWebhook, verifyWebhookSignature, newWebhookSecret } from './notify/webhook-notifier.js';
export { loadConfig, type ClipcastConfig } from './config/load-config.js';
export { openApp, type App } from './app/open-app.js';
export { createAdapterRegistry, type AdapterRegistry } from './app/adapter-registry.js';
export { runDemo } from './app/run-demo.js';
export { createWorker, type Worker, type WorkerOptions } from './worker/create-worker.js';
export { createTikTokAdapter } from './platforms/tiktok/tiktok-adapter.js';
export { tiktokConfig, sandboxTikTokConfig } from './platforms/tiktok/tiktok-config.js';
export { createInstagramAdapter } from './platforms/instagram/instagram-adapter.js';
export { instagramConfig, sandboxInstagramConfig } from './platforms/instagram/instagram-config.js';
export { createYouTubeAdapter } from './platforms/youtube/youtube-adapter.js';
export { youTubeConfig, sandboxYouTubeConfig } from './platforms/youtube/youtube-config.js';
export { startSandbox, type Sandbox, type SandboxOptions } from './sandbox/start-sandbox.js';
export { EmulatorServer, rawJson } from './sandbox/emulator-server.js';
export { FaultPlan, type Fault, type FaultRule } from './sandbox/fault-plan.js';
export { buildServer, startServer } from './server/build-server.js';
export { runCli } from './cli/main.js';
