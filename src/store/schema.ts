import type { ColumnType, Generated } from 'kysely';
import type { RateSlotsTable } from './rate-slots.js';

/**
 * The database schema, as Kysely sees it. Times are integers: milliseconds since the epoch (UTC).
 * JSON columns hold text. Ids are text (prefixed random ids), except the ledger's `seq`.
 */
export interface Database {
  accounts: AccountsTable;
  campaigns: CampaignsTable;
  clips: ClipsTable;
  posts: PostsTable;
  upload_sessions: UploadSessionsTable;
  events: EventsTable;
  quota_usage: QuotaUsageTable;
  oauth_states: OAuthStatesTable;
  api_keys: ApiKeysTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  settings: SettingsTable;
  ledger_head: LedgerHeadTable;
  secret_keys: SecretKeysTable;
  rate_slots: RateSlotsTable;
}

type Ms = ColumnType<number, number, number>;

export interface AccountsTable {
  id: string;
  platform: string;
  handle: string;
  external_id: string | null;
  display_name: string | null;
  is_main: number;
  active: number;
  status: string;
  token_expires_at: number | null;
  /** AES-256-GCM envelope (see secrets/), never plain tokens. */
  credentials_enc: string;
  key_version: number;
  sandbox: number;
  created_at: Ms;
  updated_at: Ms;
}

export interface CampaignsTable {
  id: string;
  name: string;
  source_dir: string;
  clips_file_sha256: string;
  /** Hash of everything that defines the campaign (clips file, targets, schedule): re-running the same command finds it. */
  fingerprint: string;
  start_at: Ms;
  interval_text: string;
  timezone: string;
  order_by: string;
  window_text: string | null;
  backend: string;
  state: string;
  created_at: Ms;
  cancelled_at: number | null;
}

export interface ClipsTable {
  id: string;
  campaign_id: string;
  clip_id: number;
  media_sha256: string;
  media_path: string;
  size: number;
  probe_json: string;
  copy: string;
  metadata_json: string;
  /** JSON array of `DerivedMedia` (migration 0020); null when the clip has none. */
  derived_json: string | null;
}

export interface PostsTable {
  id: string;
  campaign_id: string;
  clip_row_id: string;
  clip_id: number;
  account_id: string;
  platform: string;
  scheduled_at: Ms;
  timezone: string;
  content_json: string;
  state: string;
  /** The active state a waiting post (scheduled, retry_wait, deferred) runs when claimed. */
  resume_state: string;
  attempt: number;
  next_attempt_at: Ms;
  lease_owner: string | null;
  lease_until: number | null;
  remote_json: string;
  remote_id: string | null;
  permalink: string | null;
  last_error_json: string | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface UploadSessionsTable {
  post_id: string;
  protocol: string;
  url: string;
  total_bytes: number;
  bytes_acked: number;
  chunk_size: number;
  expires_at: number | null;
  created_at: Ms;
  updated_at: Ms;
}

export interface EventsTable {
  seq: Generated<number>;
  at: Ms;
  post_id: string | null;
  campaign_id: string | null;
  account_id: string | null;
  type: string;
  data_json: string;
  prev_hash: string;
  /** HMAC of the row under the ledger key (sha256 for rows written before the ledger was keyed). */
  hash: string;
  /** Ordinal (1, 2, …) covered by the MAC; null on rows written before the ledger was keyed. */
  n: number | null;
}

/** One row (id 1): the ledger's row count and last hash, MAC'd, updated with every append. */
export interface LedgerHeadTable {
  id: number;
  n: number;
  hash: string;
  mac: string;
  updated_at: Ms;
}

/** The secret keys data was encrypted with: version, fingerprint (never the key), `active` | `retiring` | `retired`. */
export interface SecretKeysTable {
  version: number;
  fingerprint: string;
  state: string;
  created_at: Ms;
  retired_at: number | null;
}

export interface QuotaUsageTable {
  bucket: string;
  window_key: string;
  used: number;
}

export interface OAuthStatesTable {
  state: string;
  platform: string;
  /** Encrypted PKCE verifier and redirect data. */
  data_enc: string;
  expires_at: Ms;
  used_at: number | null;
  created_at: Ms;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  created_at: Ms;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  secret_enc: string;
  events: string;
  active: number;
  created_at: Ms;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_type: string;
  payload_json: string;
  state: string;
  attempt: number;
  next_attempt_at: Ms;
  last_status: number | null;
  last_error: string | null;
  created_at: Ms;
  delivered_at: number | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Ms;
}
