// The post states are the core's own list (a plain module with no imports), not a copy of it.
import { POST_STATES, type PostState } from '../../src/core/post-state.js';

/** Shapes the dashboard reads from the clipcast API (see /openapi.json). */
export type Platform = 'tiktok' | 'instagram' | 'youtube';

export type { PostState };

export interface Post {
  id: string;
  campaignId: string;
  clipId: number;
  accountId: string;
  platform: Platform;
  scheduledAt: string;
  timezone: string;
  state: PostState;
  attempt: number;
  nextAttemptAt: string;
  remoteId: string | null;
  permalink: string | null;
  lastError: { code: string; message: string; kind: string; retryable: boolean } | null;
  content: { caption: string; title?: string; tags?: string[]; options: Record<string, unknown> };
  updatedAt: string;
}

export interface Campaign {
  id: string;
  name: string;
  state: 'active' | 'cancelled' | 'done';
  timezone: string;
  window: string | null;
  counts?: Record<string, number>;
  paused: boolean;
}

export interface Account {
  id: string;
  platform: Platform;
  handle: string;
  status: 'ok' | 'needs_reauth' | 'disabled';
  sandbox: boolean;
  tokenExpiresAt: string | null;
}

/** An account's settings (`PATCH /accounts/{id}`); YouTube needs made-for-kids before a campaign. */
export interface AccountSettings {
  selfDeclaredMadeForKids?: boolean;
}

export interface AccountHealth extends Account {
  quota: { used: number; limit: number; rule: string };
  settings: AccountSettings;
}

export interface LedgerEvent {
  seq: number;
  at: string;
  type: string;
  data: Record<string, unknown>;
}

export interface DrawerData {
  post: Post;
  events: LedgerEvent[];
  account: { id: string; handle: string; status: string } | null;
  mediaUrl: string | null;
  sent: { platform: string; fields: { name: string; value: string }[] };
}

export const PLATFORM_NAMES: Record<Platform, string> = {
  tiktok: 'TikTok',
  instagram: 'Instagram',
  youtube: 'YouTube',
};
export const STATES: readonly PostState[] = POST_STATES;

/** A post as the calendar holds it (one compact row of `GET /dashboard/calendar`). */
export interface CalendarPost {
  id: string;
  campaignId: string;
  clipId: number;
  accountId: string;
  platform: Platform;
  /** Planned instant, epoch ms. */
  at: number;
  state: PostState;
  title: string;
  /** Last error's message (why it failed, waits or was deferred). */
  reason: string | null;
  permalink: string | null;
}

/** The calendar's form of a full post (from the live events and the actions' answers). */
export function toCalendarPost(p: Post): CalendarPost {
  return {
    id: p.id,
    campaignId: p.campaignId,
    clipId: p.clipId,
    accountId: p.accountId,
    platform: p.platform,
    at: Date.parse(p.scheduledAt),
    state: p.state,
    title: (p.content.title ?? p.content.caption.split('\n')[0] ?? '').trim(),
    reason: p.lastError?.message ?? null,
    permalink: p.permalink,
  };
}
