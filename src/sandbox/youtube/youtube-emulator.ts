import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.js';
import type { Credentials } from '../../core/ports/platform-adapter.js';
import { EmulatorServer } from '../emulator-server.js';
import { registerDataRoutes } from './youtube-data-routes.js';
import { GoogleOAuthEmulator, type GoogleClient } from './youtube-oauth-emulator.js';
import { QuotaMeter, type QuotaModel } from './youtube-quota-meter.js';
import { UploadSessions } from './youtube-upload-sessions.js';
import type { Channel, ProcessingOutcome, Video, YouTubeKnobs, YouTubeWorld } from './youtube-world.js';

/** Options of {@link createYouTubeEmulator}. */
export interface YouTubeEmulatorOptions {
  clock?: Clock;
  port?: number;
  host?: string;
  /** Quota model (default `buckets2026`). */
  quotaModel?: QuotaModel;
  /** Shared units per project per day (default 10,000). */
  unitsPerDay?: number;
  /** `videos.insert` calls per project per day under `buckets2026` (default 100). */
  insertsPerDay?: number;
  /** Switch every quota and channel limit off (throughput benches). Default false. */
  noLimits?: boolean;
  /** Processing time after the last byte, by the injected clock (default 0: processed at once). */
  processingMs?: number;
  /** Session lifetime (default 7 days, an unconfirmed value). */
  sessionTtlMs?: number;
  /** Completing PUT status (default 201). */
  completionStatus?: 200 | 201;
  /** Channel uploads per Pacific day before `uploadLimitExceeded` (default 50). */
  channelUploadsPerDay?: number;
  /** The project passed the API audit (default false: uploads forced private, reference §5.2). */
  audited?: boolean;
  /** The sandbox OAuth client is in "Testing" mode: refresh tokens die 7 days after consent (default false). */
  testingMode?: boolean;
}

/** The sandbox OAuth client every sandbox account uses. */
export const SANDBOX_CLIENT_ID = 'clipcast-sandbox.apps.googleusercontent.com';
/** The sandbox OAuth client's secret (a sandbox value, not a secret). */
export const SANDBOX_SECRET = 'sandbox-client-secret';
const ALL_SCOPES = ['youtube.upload', 'youtube.readonly', 'youtube'].map((s) => `https://www.googleapis.com/auth/${s}`);

/** A running YouTube + Google OAuth emulator. */
export interface YouTubeEmulator {
  name: 'youtube';
  url: string;
  server: EmulatorServer;
  oauth: GoogleOAuthEmulator;
  quota: QuotaMeter;
  uploads: UploadSessions;
  knobs: YouTubeKnobs;
  channels: Map<string, Channel>;
  videos: Map<string, Video>;
  close(): Promise<void>;
  /** Credentials valid on this emulator as if consent had completed. */
  createSandboxAccount(handle?: string, options?: { scopes?: string[]; verified?: boolean; hasChannel?: boolean; selfDeclaredMadeForKids?: boolean }): { handle: string; externalId: string; credentials: Credentials };
  /** Every video created (final chunk landed), whatever its privacy, with the sha256 of the bytes received. */
  published(): { remoteId: string; sha256: string; text: string; permalink: string; at: number; privacyStatus: string }[];
  /** A playlist owned by the channel (for `playlistItems.insert`). */
  createPlaylist(channelId: string, title?: string): string;
  /** Forces the outcome of the next video's processing. */
  setNextProcessingOutcome(outcome: ProcessingOutcome): void;
  /** Bytes a session received but does not hold (resent or dropped); after completion, received − file size. */
  bytesResent(sessionUri: string): number;
}

/**
 * Starts the YouTube Data API v3 + Google OAuth emulator on 127.0.0.1 (reference §12).
 *
 * @example
 * ```ts
 * const yt = await createYouTubeEmulator({ clock, processingMs: 30_000 });
 * const account = yt.createSandboxAccount('@clips');
 * ```
 */
export async function createYouTubeEmulator(options: YouTubeEmulatorOptions = {}): Promise<YouTubeEmulator> {
  const clock = options.clock ?? systemClock;
  const server = new EmulatorServer({ name: 'youtube', clock, host: options.host, port: options.port });
  const channels = new Map<string, Channel>();
  const oauth = new GoogleOAuthEmulator(server, clock, () => channels.keys().next().value);
  const world: YouTubeWorld = {
    clock,
    baseUrl: () => server.url,
    oauth,
    quota: new QuotaMeter({ model: options.quotaModel, unitsPerDay: options.unitsPerDay, insertsPerDay: options.insertsPerDay, disabled: options.noLimits }),
    knobs: {
      processingMs: options.processingMs ?? 0,
      defaultOutcome: { kind: 'succeeded' },
      sessionTtlMs: options.sessionTtlMs ?? 7 * 24 * 3600_000,
      completionStatus: options.completionStatus ?? 201,
      channelUploadsPerDay: options.noLimits ? Infinity : (options.channelUploadsPerDay ?? 50),
      audited: options.audited ?? false,
    },
    channels,
    videos: new Map(),
    playlists: new Map(),
    received: new Map(),
    uploadsPerDay: new Map(),
  };
  const sandboxClient: GoogleClient = { clientId: SANDBOX_CLIENT_ID, clientSecret: SANDBOX_SECRET, type: 'desktop', testingMode: options.testingMode ?? false };
  world.oauth.registerClient(sandboxClient);
  const published: ReturnType<YouTubeEmulator['published']> = [];
  const uploads = new UploadSessions(server, world, (video) => {
    published.push({
      remoteId: video.id,
      sha256: video.sha256,
      text: `${String(video.snippet['title'])}\n${String(video.snippet['description'] ?? '')}`,
      permalink: `${server.url}/watch?v=${video.id}`,
      at: video.createdAt,
      privacyStatus: String(video.status['privacyStatus']),
    });
  });
  registerDataRoutes(server, world);
  const url = await server.listen();
  server.setStateProvider(() => ({
    channels: [...channels.values()],
    sessions: [...uploads.sessions.values()].map((s) => ({ id: s.id, total: s.total, persisted: s.persisted, received: s.received, completed: !!s.completed })),
    videos: published,
    quota: world.quota.snapshot(),
    revokedTokens: world.oauth.revoked.length,
  }));
  return {
    name: 'youtube',
    url,
    server,
    oauth: world.oauth,
    quota: world.quota,
    uploads,
    knobs: world.knobs,
    channels,
    videos: world.videos,
    close: () => server.close(),
    createSandboxAccount(handle, opts = {}) {
      const id = `UC${randomBytes(16).toString('base64url').slice(0, 22)}`;
      const name = handle ?? `@sandbox${channels.size + 1}`;
      channels.set(id, { id, handle: name, title: name.replace(/^@/, ''), hasChannel: opts.hasChannel ?? true, verified: opts.verified ?? true });
      const scopes = opts.scopes ?? ALL_SCOPES;
      const { grant, access } = world.oauth.issueDirect(SANDBOX_CLIENT_ID, id, scopes);
      return {
        handle: name,
        externalId: id,
        credentials: {
          accessToken: access.token,
          refreshToken: grant.refreshToken,
          expiresAt: access.expiresAt,
          scope: scopes.join(' '),
          clientId: SANDBOX_CLIENT_ID,
          clientSecret: SANDBOX_SECRET,
          appMode: sandboxClient.testingMode ? 'testing' : 'production',
          consentedAt: grant.consentedAt,
          selfDeclaredMadeForKids: opts.selfDeclaredMadeForKids ?? false,
        },
      };
    },
    published: () => published.map((p) => ({ ...p })),
    createPlaylist(channelId, title = 'Sandbox playlist') {
      const id = `PL${randomBytes(16).toString('base64url')}`;
      world.playlists.set(id, { id, channelId, title, items: [] });
      return id;
    },
    setNextProcessingOutcome(outcome) {
      world.knobs.nextOutcome = outcome;
    },
    bytesResent(sessionUri) {
      const id = new URL(sessionUri).searchParams.get('upload_id') ?? '';
      const s = uploads.sessions.get(id);
      return s ? Math.max(0, s.received - s.persisted) : 0;
    },
  };
}
