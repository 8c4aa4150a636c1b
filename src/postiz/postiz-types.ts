/** Wire types of the Postiz Public API (reference §5–§6), as the client reads them. */

/** A channel, from `GET /integrations`. */
export interface PostizIntegration {
  id: string;
  name: string;
  /** Provider identifier: `tiktok`, `instagram`, `instagram-standalone`, `youtube`, … */
  identifier: string;
  picture: string | null;
  disabled: boolean;
  profile: string | null;
  customer?: { id: string; name: string };
}

/** Stored media, from `/upload` or `/upload-from-url`. Use `path` verbatim in posts. */
export interface PostizMedia {
  id: string;
  name: string;
  originalName: string | null;
  path: string;
  thumbnail: string | null;
  alt: string | null;
}

/** A media reference inside a post value. */
export interface PostizMediaRef {
  id: string;
  path: string;
  alt?: string;
  thumbnail?: string;
  thumbnailTimestamp?: number;
}

/** One channel's entry of a create request. */
export interface PostizPostEntry {
  integration: { id: string };
  value: { content: string; image: PostizMediaRef[]; id?: string; delay?: number }[];
  settings?: Record<string, unknown>;
  group?: string;
}

/** The body of `POST /posts`. */
export interface PostizCreateRequest {
  type: 'schedule' | 'now' | 'draft' | 'update';
  date: string;
  shortLink: boolean;
  tags: { value: string; label: string }[];
  posts: PostizPostEntry[];
  republish?: boolean;
  creationMethod?: 'API' | 'CLI';
}

/** The post states. */
export type PostizPostState = 'QUEUE' | 'PUBLISHED' | 'ERROR' | 'DRAFT';

/** A root post, from `GET /posts`, with `settings` parsed (the server sends a JSON string, the docs an object). */
export interface PostizPost {
  id: string;
  content: string;
  publishDate: string;
  releaseURL: string | null;
  releaseId: string | null;
  state: PostizPostState;
  group: string;
  intervalInDays: number | null;
  settings: Record<string, unknown> | null;
  integration: { id: string; providerIdentifier: string; name: string; picture: string | null };
}

/** A notification, from `GET /notifications`. */
export interface PostizNotification {
  id: string;
  content: string;
  link: string | null;
  createdAt: string;
}

/** The `X-RateLimit-*` headers of an allowed `POST /posts`, when the server sent them. */
export interface PostizRateLimitInfo {
  limit: number;
  remaining: number;
  resetSec: number;
}
