import type { Kysely, Selectable } from 'kysely';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from '../core/ports/store.js';
import type { Database, WebhookDeliveriesTable } from './schema.js';

// The outgoing-webhook part of the store: endpoints and their delivery log (see KyselyStore).

export async function insertEndpoint(db: Kysely<Database>, e: WebhookEndpointRecord): Promise<void> {
  await db
    .insertInto('webhook_endpoints')
    .values({
      id: e.id,
      url: e.url,
      secret_enc: e.secretEnc,
      events: e.events,
      active: e.active ? 1 : 0,
      created_at: e.createdAt,
    })
    .execute();
}

export async function listEndpoints(db: Kysely<Database>): Promise<WebhookEndpointRecord[]> {
  const rows = await db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').execute();
  return rows.map((r) => ({
    id: r.id,
    url: r.url,
    secretEnc: r.secret_enc,
    events: r.events,
    active: !!r.active,
    createdAt: Number(r.created_at),
  }));
}

export async function deleteEndpoint(db: Kysely<Database>, id: string): Promise<boolean> {
  const res = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** One pending delivery per active endpoint subscribed to `eventType` (or `*`). */
export async function enqueueDeliveries(
  db: Kysely<Database>,
  eventType: string,
  payload: Record<string, unknown>,
  now: number,
  makeId: () => string,
): Promise<number> {
  const endpoints = (await listEndpoints(db)).filter(
    (e) => e.active && (e.events === '*' || e.events.split(',').includes(eventType)),
  );
  if (!endpoints.length) return 0;
  await db
    .insertInto('webhook_deliveries')
    .values(
      endpoints.map((e) => ({
        id: makeId(),
        endpoint_id: e.id,
        event_type: eventType,
        payload_json: JSON.stringify(payload),
        state: 'pending',
        attempt: 0,
        next_attempt_at: now,
        last_status: null,
        last_error: null,
        created_at: now,
        delivered_at: null,
      })),
    )
    .execute();
  return endpoints.length;
}

export async function dueDeliveries(
  db: Kysely<Database>,
  now: number,
  limit: number,
): Promise<WebhookDeliveryRecord[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

export async function finishDelivery(
  db: Kysely<Database>,
  id: string,
  p: {
    state: 'delivered' | 'pending' | 'failed';
    attempt: number;
    nextAttemptAt: number;
    lastStatus: number | null;
    lastError: string | null;
    deliveredAt: number | null;
  },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      state: p.state,
      attempt: p.attempt,
      next_attempt_at: p.nextAttemptAt,
      last_status: p.lastStatus,
      last_error: p.lastError,
      delivered_at: p.deliveredAt,
    })
    .where('id', '=', id)
    .execute();
}

export async function listDeliveries(db: Kysely<Database>, limit: number): Promise<WebhookDeliveryRecord[]> {
  return (
    await db.selectFrom('webhook_deliveries').selectAll().orderBy('created_at', 'desc').limit(limit).execute()
  ).map(toDelivery);
}

function toDelivery(r: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    eventType: r.event_type,
    payload: JSON.parse(r.payload_json) as Record<string, unknown>,
    state: r.state as WebhookDeliveryRecord['state'],
    attempt: r.attempt,
    nextAttemptAt: Number(r.next_attempt_at),
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdAt: Number(r.created_at),
    deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
  };
}
