import { type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { installEnvelopeGuard, installLedgerGuards } from './guards.js';

/** Which SQL dialect a migration runs on (identity columns and big integers differ). */
export type DialectName = 'sqlite' | 'postgres';

/** Columns that hold secret envelopes, guarded against retired keys (keep in step with secrets/envelope-columns.ts). */
const ENVELOPE_GUARDED: [string, string][] = [
  ['accounts', 'credentials_enc'],
  ['webhook_endpoints', 'secret_enc'],
  ['oauth_states', 'data_enc'],
  ['settings', 'value'],
];

/**
 * The migrations, in code so they ship in the package. Each branches on the dialect only where the two
 * differ (identity column and 64-bit integers).
 */
export function migrationsFor(dialect: DialectName): MigrationProvider {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  const migrations: Record<string, Migration> = {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('accounts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('handle', 'text', (c) => c.notNull())
          .addColumn('external_id', 'text')
          .addColumn('display_name', 'text')
          .addColumn('is_main', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('status', 'text', (c) => c.notNull().defaultTo('ok'))
          .addColumn('token_expires_at', big)
          .addColumn('credentials_enc', 'text', (c) => c.notNull())
          .addColumn('key_version', 'integer', (c) => c.notNull())
          .addColumn('sandbox', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('updated_at', big, (c) => c.notNull())
          .addUniqueConstraint('accounts_platform_handle', ['platform', 'handle'])
          .execute();

        await db.schema
          .createTable('campaigns')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('source_dir', 'text', (c) => c.notNull())
          .addColumn('clips_file_sha256', 'text', (c) => c.notNull())
          .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
          .addColumn('start_at', big, (c) => c.notNull())
          .addColumn('interval_text', 'text', (c) => c.notNull())
          .addColumn('timezone', 'text', (c) => c.notNull())
          .addColumn('order_by', 'text', (c) => c.notNull())
          .addColumn('window_text', 'text')
          .addColumn('backend', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('cancelled_at', big)
          .execute();

        await db.schema
          .createTable('clips')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
          .addColumn('clip_id', 'integer', (c) => c.notNull())
          .addColumn('media_sha256', 'text', (c) => c.notNull())
          .addColumn('media_path', 'text', (c) => c.notNull())
          .addColumn('size', big, (c) => c.notNull())
          .addColumn('probe_json', 'text', (c) => c.notNull())
          .addColumn('copy', 'text', (c) => c.notNull())
          .addColumn('metadata_json', 'text', (c) => c.notNull())
          .addUniqueConstraint('clips_campaign_clip', ['campaign_id', 'clip_id'])
          .execute();

        await db.schema
          .createTable('posts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
          .addColumn('clip_row_id', 'text', (c) => c.notNull().references('clips.id').onDelete('cascade'))
          .addColumn('clip_id', 'integer', (c) => c.notNull())
          .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('scheduled_at', big, (c) => c.notNull())
          .addColumn('timezone', 'text', (c) => c.notNull())
          .addColumn('content_json', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('resume_state', 'text', (c) => c.notNull().defaultTo('preparing'))
          .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', big, (c) => c.notNull())
          .addColumn('lease_owner', 'text')
          .addColumn('lease_until', big)
          .addColumn('remote_json', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('remote_id', 'text')
          .addColumn('permalink', 'text')
          .addColumn('last_error_json', 'text')
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('updated_at', big, (c) => c.notNull())
          .addUniqueConstraint('posts_clip_account', ['clip_row_id', 'account_id'])
          .execute();
        await db.schema.createIndex('posts_due').on('posts').columns(['state', 'next_attempt_at']).execute();
        await db.schema.createIndex('posts_campaign').on('posts').columns(['campaign_id', 'scheduled_at']).execute();
        await db.schema.createIndex('posts_account').on('posts').columns(['account_id', 'state']).execute();

        await db.schema
          .createTable('upload_sessions')
          .addColumn('post_id', 'text', (c) => c.primaryKey().references('posts.id').onDelete('cascade'))
          .addColumn('protocol', 'text', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('total_bytes', big, (c) => c.notNull())
          .addColumn('bytes_acked', big, (c) => c.notNull())
          .addColumn('chunk_size', big, (c) => c.notNull())
          .addColumn('expires_at', big)
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('updated_at', big, (c) => c.notNull())
          .execute();

        let events = db.schema.createTable('events');
        events =
          dialect === 'postgres'
            ? events.addColumn('seq', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
            : events.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
        await events
          .addColumn('at', big, (c) => c.notNull())
          .addColumn('post_id', 'text')
          .addColumn('campaign_id', 'text')
          .addColumn('account_id', 'text')
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('data_json', 'text', (c) => c.notNull())
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('events_post').on('events').columns(['post_id', 'seq']).execute();

        await db.schema
          .createTable('quota_usage')
          .addColumn('bucket', 'text', (c) => c.notNull())
          .addColumn('window_key', 'text', (c) => c.notNull())
          .addColumn('used', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('quota_usage_pk', ['bucket', 'window_key'])
          .execute();

        await db.schema
          .createTable('oauth_states')
          .addColumn('state', 'text', (c) => c.primaryKey())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('data_enc', 'text', (c) => c.notNull())
          .addColumn('expires_at', big, (c) => c.notNull())
          .addColumn('used_at', big)
          .addColumn('created_at', big, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('prefix', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('revoked_at', big)
          .addColumn('last_used_at', big)
          .execute();

        await db.schema
          .createTable('webhook_endpoints')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('secret_enc', 'text', (c) => c.notNull())
          .addColumn('events', 'text', (c) => c.notNull())
          .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', big, (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
          .addColumn('event_type', 'text', (c) => c.notNull())
          .addColumn('payload_json', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('resume_state', 'text', (c) => c.notNull().defaultTo('preparing'))
          .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', big, (c) => c.notNull())
          .addColumn('last_status', 'integer')
          .addColumn('last_error', 'text')
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('delivered_at', big)
          .execute();
        await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['state', 'next_attempt_at']).execute();

        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('updated_at', big, (c) => c.notNull())
          .execute();
      },
    },
    // Postiz backend (src/store/postiz-submission-store.ts): one submission row per clip and planned
    // instant, and the history of `POST /posts` send times per Postiz organization for the pacer.
    '0002_postiz': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('postiz_submissions')
          .addColumn('clip_key', 'text', (c) => c.primaryKey())
          .addColumn('org', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('media_id', 'text')
          .addColumn('media_path', 'text')
          .addColumn('intent_at', big)
          .addColumn('intent_date', big)
          .addColumn('intent_channels_json', 'text')
          .addColumn('post_ids_json', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_error', 'text')
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('updated_at', big, (c) => c.notNull())
          .execute();
        let sends = db.schema.createTable('postiz_sends');
        sends =
          dialect === 'postgres'
            ? sends.addColumn('seq', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
            : sends.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
        await sends
          .addColumn('org', 'text', (c) => c.notNull())
          .addColumn('at', big, (c) => c.notNull())
          .addColumn('clip_key', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('postiz_sends_org_at').on('postiz_sends').columns(['org', 'at']).execute();
      },
    },
    '0003_posts_schedule_index': {
      // Post lists page by (scheduled_at, id): without this index every page sorts the whole table.
      async up(db: Kysely<unknown>) {
        await db.schema.createIndex('posts_schedule').on('posts').columns(['scheduled_at', 'id']).execute();
      },
    },
    '0020_clip_derived_media': {
      // Files derived from a clip for some platforms (a lossless remux for Instagram), as a JSON array;
      // null for the clips that publish their original everywhere.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('clips').addColumn('derived_json', 'text').execute();
      },
    },
    '0040_rate_slots': {
      // Calls made against a per-minute platform limit (TikTok's video/init: 6 per user token), shared
      // by every worker so that together they stay under it.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('rate_slots')
          .addColumn('bucket', 'text', (c) => c.notNull())
          .addColumn('at', big, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('rate_slots_bucket_at').on('rate_slots').columns(['bucket', 'at']).execute();
      },
    },
    // Issue 13: a keyed, anchored, append-only ledger and checked secret keys (store/ledger.ts,
    // secrets/key-check.ts). `events.n` is the row's ordinal (covered by its MAC), so a gap says how many
    // rows are missing; `ledger_head` is the MAC'd (count, last hash) written with every append, so a
    // truncated tail shows; `secret_keys` holds each key's fingerprint, so a replaced key is refused.
    '0050_ledger_keys': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('events').addColumn('n', big).execute();
        await db.schema
          .createTable('ledger_head')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('n', big, (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .addColumn('mac', 'text', (c) => c.notNull())
          .addColumn('updated_at', big, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('secret_keys')
          .addColumn('version', 'integer', (c) => c.primaryKey())
          .addColumn('fingerprint', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('retired_at', big)
          .execute();
        await installLedgerGuards(db, dialect);
        for (const [table, column] of ENVELOPE_GUARDED) await installEnvelopeGuard(db, dialect, table, column);
      },
    },
  };
  return { getMigrations: async () => migrations };
}
