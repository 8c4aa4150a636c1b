import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyRequest } from 'fastify';
import type { App } from '../app/open-app.js';
import { DashboardLive } from './dashboard-live.js';
import { DashboardSessions } from './dashboard-sessions.js';
import { FolderUploads, type UploadLimits } from './folder-uploads.js';
import { registerDashboardAccountRoutes } from './routes/dashboard-account-routes.js';
import { registerDashboardCalendarRoutes } from './routes/dashboard-calendar-routes.js';
import { registerDashboardCampaignRoutes } from './routes/dashboard-campaign-routes.js';
import { registerDashboardLiveRoutes } from './routes/dashboard-live-routes.js';
import { registerDashboardNewCampaignRoutes } from './routes/dashboard-new-campaign-routes.js';
import { registerDashboardPostRoutes } from './routes/dashboard-post-routes.js';
import { liveSession, registerDashboardSessionRoutes } from './routes/dashboard-session-routes.js';
import { registerDashboardStaticRoutes } from './routes/dashboard-static-routes.js';
import { registerDashboardUploadRoutes } from './routes/dashboard-upload-routes.js';
import type { ServerContext, ZodServer } from './server-context.js';

/** Options of the web dashboard `buildServer` serves at `/`; every default is documented here. */
export interface DashboardOptions {
  /** Folder of the built web app (`index.html`, `assets/`). Default: `dist/web` of this package. */
  webRoot?: string;
  /** Signs a media URL for a clip's sha256 (the drawer's preview). Absent: the drawer shows no video. */
  mediaUrl?: (sha256: string) => string;
  /** The live feed the engine's activity goes to. Default: a new {@link DashboardLive} over the app. */
  live?: DashboardLive;
  /** Session cookies marked Secure. Default: true when the public URL is https. */
  secureCookies?: boolean;
  /** Folders the new-campaign page lists CLIPER folders from and may plan (the shell reads `CLIPCAST_SOURCE_ROOTS`). Default none. */
  sourceRoots?: string[];
  /** Idle lifetime of a session. Default 12 h. */
  sessionTtlMs?: number;
  /** Limits of a folder uploaded from the new-campaign page (see {@link UploadLimits} for the defaults). */
  uploadLimits?: Partial<UploadLimits>;
  /** Where uploaded folders wait for their campaign. Default: `<media root>/uploads` with `uploadLimits`. */
  uploads?: FolderUploads;
}

/**
 * The dashboard's server half: sessions (cookie + CSRF) for `installAuth`, and the routes (static files,
 * `/session`, `/dashboard/*`). Built before auth is installed, registered with the other routes.
 *
 * @example
 * ```ts
 * const dashboard = createDashboard(app, { mediaUrl }, publicUrl);
 * installAuth(server, { ..., session: dashboard.resolveSession });
 * dashboard.register(scope, ctx);
 * ```
 */
export function createDashboard(app: App, options: DashboardOptions, publicUrl: string | undefined) {
  const sessions = new DashboardSessions(app.clock, options.sessionTtlMs);
  const live = options.live ?? new DashboardLive(app);
  const secure = options.secureCookies ?? !!publicUrl?.startsWith('https:');
  const uploads = options.uploads ?? new FolderUploads(join(app.media.root, 'uploads'), app.clock, options.uploadLimits ?? {});
  return {
    sessions,
    live,
    /** Resolves a request's cookie to its key and checks CSRF on mutations. */
    resolveSession: async (request: FastifyRequest) => {
      const session = await liveSession(app, sessions, request);
      if (!session) return undefined;
      sessions.checkCsrf(request, session);
      return { id: session.keyId, name: session.keyName };
    },
    register(server: ZodServer, ctx: ServerContext): void {
      registerDashboardStaticRoutes(server, { webRoot: options.webRoot ?? defaultWebRoot() });
      registerDashboardSessionRoutes(server, { sessions, app, secure });
      registerDashboardPostRoutes(server, ctx, options.mediaUrl ? { mediaUrl: options.mediaUrl } : {});
      registerDashboardAccountRoutes(server, ctx);
      registerDashboardCalendarRoutes(server, ctx);
      registerDashboardCampaignRoutes(server, ctx);
      registerDashboardNewCampaignRoutes(server, ctx, { sourceRoots: options.sourceRoots ?? [] });
      registerDashboardUploadRoutes(server, ctx, { uploads });
      registerDashboardLiveRoutes(server, { live });
      server.addHook('onClose', async () => {
        live.close();
        await uploads.close();
      });
    },
  };
}

/** `dist/web` beside the compiled server (`dist/server` → `dist/web`), or the repo's when run from `src/`. */
export function defaultWebRoot(): string {
  const candidates = ['../web/', '../../dist/web/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}
