import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlatformId } from '../core/platform-id.js';
import type { AccountRecord, CampaignRecord } from '../core/ports/store.js';

/**
 * The parts of clipcast the server drives but does not own. `buildServer` takes them injected, so the
 * shell wires the real modules (rules, OAuth clients, webhook verifiers, media handler, engine) and a
 * route whose part is absent answers `501` with a problem document instead of pretending.
 *
 * Terminology: a *catalog* describes platforms; a *sink* receives verified incoming events; a
 * *creator* runs a use case of the core.
 */

/** What `GET /publishing/providers/{platform}` tells about a platform (the seed's shape). */
export interface ProviderInfo {
  features: unknown;
  limits: unknown;
  api_version: string;
  documentation: string;
}

/**
 * The providers catalog (`src/core/rules/providers.ts`).
 *
 * @example
 * ```ts
 * const catalog: ProvidersCatalog = { listProviders, providerInfo };
 * ```
 */
export interface ProvidersCatalog {
  listProviders(): readonly string[];
  /** Undefined for a platform the catalog does not know. */
  providerInfo(platform: string): ProviderInfo | undefined;
}

/** What a platform would refuse (`errors`, e.g. `Too many hashtags (31). Maximum is 30.`) and would treat other than intended (`warnings`). */
export interface ClipFindings {
  errors: readonly string[];
  warnings?: readonly string[];
}

/** Checks clip parameters for a platform (default: `clipParamsValidator()` over `src/core/rules/validate-clip.ts`). */
export interface ClipValidator {
  validate(platform: string, params: Record<string, unknown>): ClipFindings | Promise<ClipFindings>;
}

/** The body of `POST /campaigns`: a CLIPER folder the server can read, planned like `clipcast publish`. */
export interface CampaignRequest {
  /** Absolute path of the CLIPER folder on the server's file system. */
  sourceDir: string;
  /** `YYYY-MM-DD HH:mm` in `timezone`, or an ISO instant. */
  startDate: string;
  /** e.g. `4h`, `30m`, `1d`. */
  interval: string;
  /** `tiktok`, `youtube:@channel`, an account id… */
  platforms: string[];
  timezone?: string;
  order?: 'file' | 'viral';
  backend?: 'direct' | 'postiz';
  window?: string;
  /** Offset between the platforms of one clip, e.g. `15m`. */
  stagger?: string;
  /** A new campaign even when the same one exists. */
  forceNew?: boolean;
}

/** Runs the campaign use case (`src/core/campaigns/create-campaign.ts`). Throws `InputError` on bad input. */
export interface CampaignCreator {
  create(request: CampaignRequest): Promise<{ campaign: CampaignRecord; created: boolean; postCount?: number }>;
}

/** What a completed OAuth code exchange yields: the account to store (credentials stay server-side). */
export interface OAuthConnectedAccount {
  handle: string;
  externalId?: string | null;
  displayName?: string | null;
  credentials: Record<string, unknown>;
  /** Connected on the sandbox's emulators (the account then publishes there). */
  sandbox?: boolean;
}

/**
 * One platform's OAuth client (URL builder + code exchange). PKCE is the client's: platforms differ
 * (TikTok wants a hex SHA-256 challenge, Google base64url), so `start` makes the verifier and returns it
 * for the server to keep, encrypted, with the state.
 */
export interface OAuthProvider {
  start(input: { state: string; redirectUri: string }): { url: string; codeVerifier?: string };
  exchangeCode(input: { code: string; redirectUri: string; codeVerifier?: string }): Promise<OAuthConnectedAccount>;
}

/** OAuth clients by platform. */
export type OAuthProviders = Partial<Record<PlatformId, OAuthProvider>>;

/** A verified, first-seen incoming platform event. */
export interface IncomingWebhook {
  source: 'tiktok' | 'meta';
  /** sha256 (hex) of the raw body: the dedupe key. */
  id: string;
  receivedAt: number;
  body: unknown;
}

/**
 * Incoming webhooks: signature checks (on the raw body, constant time) and where verified events go.
 *
 * @example
 * ```ts
 * const webhooks: WebhookSinks = {
 *   tiktok: { verify: (raw, header, now) => verifyTikTokSignature(raw, header, clientSecret, now) },
 *   meta: { verifyToken: 'my-token', verify: (raw, header) => verifyMetaSignature(raw, header, appSecret) },
 *   sink: (event) => engine.onWebhook(event),
 * };
 * ```
 */
export interface WebhookSinks {
  tiktok?: { verify(rawBody: Buffer, signatureHeader: string, nowMs: number): boolean };
  meta?: { verifyToken: string; verify(rawBody: Buffer, signatureHeader: string): boolean };
  sink(event: IncomingWebhook): Promise<void> | void;
}

/** Postiz integrations, as `GET /channels` lists them. */
export interface Channel {
  id: string;
  name: string;
  provider: string;
  disabled?: boolean;
  picture?: string | null;
}

/** Reads Postiz channels (the Postiz backend). */
export interface ChannelsSource {
  list(): Promise<Channel[]>;
}

/** Checks that an account's credentials still work (`clipcast accounts check`). Never returns secrets. */
export interface AccountChecker {
  check(account: AccountRecord): Promise<{ ok: boolean; status?: AccountRecord['status']; detail?: string }>;
}

/** The signed media handler (`src/media/media-handler.ts`): verifies the signature, serves Range requests. */
export type MediaRequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The parts `buildServer` takes injected; a route whose part is absent answers 501 with a problem
 * document.
 */
export interface ServerParts {
  /** `GET /publishing/providers…`. Default: the core rules' catalog. */
  providers?: ProvidersCatalog;
  /** `POST /publishing/validate`. Default: {@link clipParamsValidator} (the core rules). */
  validator?: ClipValidator;
  /** `POST /campaigns` (absent: 501). */
  campaigns?: CampaignCreator;
  /** `/oauth/{platform}/…` per platform (absent platform: 501). */
  oauth?: OAuthProviders;
  /** `/webhooks/tiktok`, `/webhooks/meta` (absent: 501). */
  webhooks?: WebhookSinks;
  /** `GET /channels` (Postiz; absent: 501). */
  channels?: ChannelsSource;
  /** `POST /accounts/{id}/check` (absent: 501). */
  accountChecker?: AccountChecker;
  /** `GET|HEAD /media/*` (absent: 501). */
  mediaHandler?: MediaRequestHandler;
}
