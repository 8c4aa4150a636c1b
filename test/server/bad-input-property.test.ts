import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaHandlerFor, mediaSigner } from '../../src/app/media-signer.js';
import { openApp, type App } from '../../src/app/open-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { FakeClock } from '../../src/core/clock.js';
import { adapterAccountChecker } from '../../src/server/adapter-account-checker.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { buildServer } from '../../src/server/build-server.js';
import { coreCampaignCreator } from '../../src/server/core-campaigns.js';
import { platformWebhookSinks } from '../../src/server/platform-webhooks.js';
import { EXAMPLE_CAMPAIGN } from '../helpers/cliper-fixtures.js';
import { createTestDatabase, postgresAvailable } from '../helpers/postgres.js';
import { accountFixture, campaignFixture } from '../helpers/store-data.js';

/**
 * Every route, driven from the OpenAPI document the server itself serves, with generated input that
 * breaks its schema in one known way at least (a missing or mistyped field, a NUL character, a string
 * over its maxLength, a value outside an enum, a body that is not a JSON object, not JSON, or not
 * JSON-typed, a forged signature, a bad key). Each answer must be a 4xx problem document, and no table
 * may gain or lose a row. Seeded and bounded (CLIPCAST_FC_RUNS, CLIPCAST_FC_SEED to replay a failure).
 */
const RUNS = Number(process.env.CLIPCAST_FC_RUNS ?? 250);
const SEED = Number(process.env.CLIPCAST_FC_SEED ?? 1302);

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
};
interface Parameter {
  in: 'path' | 'query';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}
interface Operation {
  method: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  path: string;
  params: Parameter[];
  body?: JsonSchema;
}
interface Case {
  what: string;
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** Routes with no input (nothing to break) besides the key: named so a new route is not skipped silently. */
// The dashboard's session routes read only the cookie (GET tells whether it is live; DELETE signs out);
// its live stream, account health, campaign and source-folder lists take no input (the stream never ends).
const NO_INPUT = new Set(['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /publishing/providers', 'GET /accounts', 'GET /campaigns', 'GET /channels', 'GET /session', 'DELETE /session', 'GET /dashboard/live', 'GET /dashboard/accounts', 'GET /dashboard/campaigns', 'GET /dashboard/sources']);

describe.each(await backends())('every route refuses bad input on $name', (backend) => {
  let ctx: { app: App; server: FastifyInstance; key: string; dir: string; ops: Operation[]; components: Record<string, JsonSchema>; close(): Promise<void> };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clipcast-fc-'));
    const sources = join(dir, 'sources');
    mkdirSync(sources);
    cpSync(EXAMPLE_CAMPAIGN, join(sources, 'campaign'), { recursive: true });
    const db = await backend.database(dir);
    const clock = new FakeClock(Date.UTC(2025, 11, 1, 9, 0, 0));
    const app = await openApp(loadConfig({}, { home: dir, databaseUrl: db.url }), { clock });
    const { key } = await createApiKey(app, 'fc');
    // Rows the routes could touch if bad input got through.
    const account = accountFixture('tiktok', '@seeded', clock.now());
    await app.store.insertAccount(account);
    await app.store.createCampaign(campaignFixture([account], 2, clock.now() + 3_600_000), clock.now());
    const signer = (await mediaSigner(app, 'http://127.0.0.1:9'))!;
    const server = buildServer({
      app,
      expectWorker: false,
      // The clock stands still: the limits must not turn every later answer into a 429.
      rateLimitPerMinute: 1_000_000,
      unauthenticatedPerMinute: 1_000_000,
      mediaHandler: mediaHandlerFor(app, signer),
      accountChecker: adapterAccountChecker(app, {}),
      campaigns: coreCampaignCreator(app, { sourceRoots: [sources], defaultTimezone: 'UTC' }),
      webhooks: platformWebhookSinks({
        tiktokClientSecret: 'tiktok-secret',
        metaAppSecret: 'meta-secret',
        metaVerifyToken: 'verify-me',
        sink: async (event) => void (await app.store.appendEvents([{ type: `webhook.${event.source}`, data: { id: event.id } }], clock.now())),
      }),
    });
    await server.ready();
    const doc = (await server.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>; components: { schemas: Record<string, JsonSchema> } };
    const ops: Operation[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        ops.push({ method: method.toUpperCase() as Operation['method'], path, params: op.parameters ?? [], ...(op.requestBody ? { body: op.requestBody.content['application/json']?.schema ?? {} } : {}) });
      }
    }
    ctx = {
      app,
      server,
      key,
      dir,
      ops,
      components: doc.components.schemas,
      async close() {
        await server.close();
        await app.close();
        await db.drop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
  afterAll(async () => ctx?.close());

  it('reads every route from /openapi.json', () => {
    const names = ctx.ops.map((o) => `${o.method} ${o.path}`);
    expect(names.length).toBeGreaterThan(20);
    const driven = ctx.ops.filter((o) => !NO_INPUT.has(`${o.method} ${o.path}`));
    // Every route not listed as input-free has an input to break (or is a signed webhook).
    for (const op of driven) expect(op.params.length > 0 || op.body !== undefined || op.path.startsWith('/webhooks/'), `${op.method} ${op.path}`).toBe(true);
  });

  it('answers generated bad input with a 4xx problem document and writes nothing', async () => {
    const driven = ctx.ops.filter((o) => !NO_INPUT.has(`${o.method} ${o.path}`));
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...driven).chain((op) => badCase(op, ctx.key, (s) => resolve(s, ctx.components))),
        async (c) => {
          seen.add(`${c.method} ${c.url.split('?')[0]}`.replace(/\/[^/]{40,}/g, '/…'));
          const before = await rowCounts(ctx.app);
          const res = await ctx.server.inject({ method: c.method, url: c.url, headers: c.headers, ...(c.payload === undefined ? {} : { payload: c.payload }) });
          const where = `${c.what}: ${c.method} ${c.url.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, where).toBeLessThan(500);
          expect(String(res.headers['content-type']), where).toMatch(/^application\/problem\+json/);
          if (c.method !== 'HEAD') {
            const body = JSON.parse(res.body) as Record<string, unknown>;
            expect(body, where).toMatchObject({ status: res.statusCode, type: expect.stringMatching(/^https:\/\/clipcast\.dev\/problems\//), title: expect.any(String), detail: expect.any(String) });
          }
          expect(await rowCounts(ctx.app), where).toEqual(before);
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(seen.size).toBeGreaterThan(10);
  }, 240_000);

  it('answers generated input that fits the schemas without a 5xx (the routes beyond validation)', async () => {
    const driven = ctx.ops.filter((o) => !NO_INPUT.has(`${o.method} ${o.path}`) && !o.path.startsWith('/webhooks/'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...driven).chain((op) => fittingCase(op, ctx.key, (sch) => resolve(sch, ctx.components))),
        async (c) => {
          const res = await ctx.server.inject({ method: c.method, url: c.url, headers: c.headers, ...(c.payload === undefined ? {} : { payload: c.payload }) });
          const where = `${c.what}: ${c.method} ${c.url.slice(0, 200)} ${c.payload?.slice(0, 200) ?? ''} → ${res.statusCode} ${res.body.slice(0, 300)}`;
          // 501: a part this server was built without (OAuth apps), answered as a problem by design.
          const notConfigured = res.statusCode === 501 && res.body.includes('not-configured');
          expect(res.statusCode < 500 || notConfigured, where).toBe(true);
          if (res.statusCode >= 400) expect(String(res.headers['content-type']), where).toMatch(/^application\/problem\+json/);
        },
      ),
      { numRuns: Math.ceil(RUNS / 2), seed: SEED, endOnFailure: true },
    );
  }, 240_000);
});

/** A value the schema accepts, generated (the fill is random text, numbers in range, enum members). */
function fittingOf(schema: JsonSchema, r: (s: JsonSchema) => JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const s = r(schema);
  const inner = (): fc.Arbitrary<unknown> => {
    if (s.enum?.length) return fc.constantFrom(...s.enum);
    if (s.anyOf?.length) return fc.oneof(...s.anyOf.map((a) => fittingOf(a, r, depth + 1)));
    switch (typesOf(s).find((t) => t !== 'null')) {
      case 'string':
        if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
        return fc.oneof(fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) }), fc.string({ unit: 'binary', minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) })).filter((v) => !v.includes('\u0000') && v.length >= (s.minLength ?? 0));
      case 'integer':
        return fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 });
      case 'number':
        return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return depth > 3 ? fc.constant([]) : fc.array(fittingOf(s.items ?? {}, r, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.max(3, s.minItems ?? 0) });
      case 'object': {
        if (depth > 3) return fc.constant({});
        const props = Object.entries(s.properties ?? {});
        if (!props.length) return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), typeof s.additionalProperties === 'object' ? fittingOf(s.additionalProperties, r, depth + 1) : fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
        return fc.record(Object.fromEntries(props.map(([k, v]) => [k, fittingOf(v, r, depth + 1)])), { requiredKeys: s.required ?? [] });
      }
      default:
        return fc.jsonValue({ maxDepth: 1 });
    }
  };
  return typesOf(s).includes('null') ? fc.option(inner(), { nil: null }) : inner();
}

/** Generated requests that fit the route's schemas: path, some of the query, the body. */
function fittingCase(op: Operation, key: string, r: (s: JsonSchema) => JsonSchema): fc.Arbitrary<Case> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const text = (p: Parameter): fc.Arbitrary<string> => {
    const sch = r(p.schema);
    if (sch.enum?.length) return fc.constantFrom(...sch.enum.map(String));
    if (typesOf(sch).includes('integer')) return fc.integer({ min: sch.minimum ?? 0, max: sch.maximum ?? 1_000_000 }).map(String);
    return fc.string({ unit: 'grapheme', minLength: Math.max(1, sch.minLength ?? 1), maxLength: Math.min(sch.maxLength ?? 30, 30) }).filter((v) => !v.includes('\u0000') && v.length >= 1);
  };
  return fc
    .tuple(
      fc.tuple(...pathParams.map(text)),
      fc.tuple(...queryParams.map((p) => fc.option(text(p), { nil: undefined }))),
      op.body ? fittingOf(op.body, r).map((b) => JSON.stringify(b)) : fc.constant(undefined),
    )
    .map(([path, query, body]) => {
      let url = op.path;
      pathParams.forEach((p, i) => (url = url.replace(`{${p.name}}`, encodeURIComponent(path[i]!))));
      const qs = new URLSearchParams(queryParams.flatMap((p, i) => (query[i] === undefined ? [] : [[p.name, query[i]!] as [string, string]]))).toString();
      return {
        what: 'fitting input',
        method: op.method,
        url: qs ? `${url}?${qs}` : url,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: body }),
      };
    });
}

/** SQLite always; PostgreSQL when the test server answers (required under CI). */
async function backends(): Promise<{ name: string; database(dir: string): Promise<{ url: string; drop(): Promise<void> }> }[]> {
  type Backend = { name: string; database(dir: string): Promise<{ url: string; drop(): Promise<void> }> };
  const list: Backend[] = [{ name: 'sqlite', database: async (dir: string) => ({ url: join(dir, 'clipcast.db'), drop: async () => undefined }) }];
  if (await postgresAvailable()) list.push({ name: 'postgres', database: () => createTestDatabase() });
  return list;
}

async function rowCounts(app: App): Promise<Record<string, number>> {
  let tables = tablesOf.get(app);
  if (!tables) tablesOf.set(app, (tables = (await app.store.db.introspection.getTables()).map((t) => t.name).filter((n) => !n.startsWith('kysely_')).sort()));
  // One round trip for every table: the counts run twice per generated request.
  const counts = sql.join(tables.map((t) => sql`(select count(*) from ${sql.table(t)}) as ${sql.ref(t)}`));
  const { rows } = await sql<Record<string, number | string>>`select ${counts}`.execute(app.store.db);
  return Object.fromEntries(Object.entries(rows[0] ?? {}).map(([k, v]) => [k, Number(v)]));
}
const tablesOf = new WeakMap<App, string[]>();

function resolve(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    if (s.$ref) s = components[s.$ref.split('/').pop()!] ?? {};
    else if (s.allOf?.length === 1) s = s.allOf[0]!;
    else break;
  }
  return s;
}

function typesOf(s: JsonSchema): string[] {
  const t = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  return s.nullable ? [...t, 'null'] : t;
}

/** A value the schema accepts (the fill around the one broken field). */
function validOf(schema: JsonSchema, r: (s: JsonSchema) => JsonSchema): unknown {
  const s = r(schema);
  if (s.enum?.length) return s.enum[0];
  if (s.anyOf?.length) return validOf(s.anyOf[0]!, r);
  switch (typesOf(s)[0]) {
    case 'string':
      return s.format === 'date-time' ? '2030-01-01T00:00:00Z' : 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => validOf(s.items ?? {}, r));
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, validOf(s.properties?.[k] ?? {}, r)]));
    default:
      return 'x';
  }
}

const nulText = fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })).map(([a, b]) => `${a}\u0000${b}`);

/** A JSON value of a type the schema does not allow; undefined when the schema allows any type. */
function wrongTypeOf(s: JsonSchema): fc.Arbitrary<unknown> | undefined {
  const allowed = typesOf(s);
  if (!allowed.length) return undefined;
  const byType: [string, fc.Arbitrary<unknown>][] = [
    ['string', fc.string({ maxLength: 30 })],
    ['number', fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))],
    ['boolean', fc.boolean()],
    ['null', fc.constant(null)],
    ['array', fc.array(fc.integer(), { maxLength: 3 })],
    ['object', fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 })],
  ];
  const isAllowed = (t: string) => allowed.includes(t) || (t === 'number' && allowed.includes('integer'));
  const candidates = byType.filter(([t]) => !isAllowed(t)).map(([, a]) => a);
  return candidates.length ? fc.oneof(...candidates) : undefined;
}

/** Ways to break one value of schema `s` (each certainly refused by it). */
function breakersOf(s: JsonSchema): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [];
  const wrong = wrongTypeOf(s);
  if (wrong) out.push(wrong);
  const types = typesOf(s);
  if (types.includes('string') || s.enum?.every((v) => typeof v === 'string')) out.push(nulText);
  if (s.maxLength !== undefined) out.push(fc.integer({ min: 1, max: 40 }).map((extra) => 'y'.repeat(s.maxLength! + extra)));
  if (s.enum?.length) out.push(fc.string({ minLength: 1, maxLength: 20 }).filter((v) => !s.enum!.includes(v)));
  if ((types.includes('integer') || types.includes('number')) && s.maximum !== undefined) out.push(fc.integer({ min: s.maximum + 1, max: s.maximum + 1_000_000 }));
  if (types.includes('integer')) out.push(fc.constant(1.5));
  return out;
}

/** Ways to break a query parameter (always text: a type is broken by text that does not parse). */
function queryBreakersOf(s: JsonSchema): fc.Arbitrary<string>[] {
  const types = typesOf(s);
  const out: fc.Arbitrary<string>[] = [nulText];
  if (s.maxLength !== undefined) out.push(fc.integer({ min: 1, max: 40 }).map((extra) => 'y'.repeat(s.maxLength! + extra)));
  if (s.enum?.length) out.push(fc.stringMatching(/^[a-z0-9_-]{1,12}$/).filter((v) => !s.enum!.includes(v)));
  if (types.includes('integer') || types.includes('number')) {
    out.push(fc.constantFrom('abc', 'NaN', 'true', '1e', '0x'));
    if (types.includes('integer')) out.push(fc.constantFrom('1.5', '2.25'));
    if (s.maximum !== undefined) out.push(fc.integer({ min: s.maximum + 1, max: s.maximum + 1_000_000 }).map(String));
    if (s.minimum !== undefined) out.push(fc.integer({ min: s.minimum - 1_000_000, max: s.minimum - 1 }).map(String));
  }
  return out;
}

const headerText = (max: number) => fc.stringMatching(new RegExp(`^[\\x21-\\x7e]{0,${max}}$`));

/** Generated bad requests for one operation: always at least one certain violation. */
function badCase(op: Operation, key: string, r: (s: JsonSchema) => JsonSchema): fc.Arbitrary<Case> {
  const auth = { authorization: `Bearer ${key}` };
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const urlOf = (params: Record<string, string>, query: [string, string][] = []) => {
    let url = op.path;
    for (const p of pathParams) url = url.replace(`{${p.name}}`, p.name === '*' ? (params[p.name] ?? 'x').split('/').map(encodeURIComponent).join('/') : encodeURIComponent(params[p.name] ?? 'x'));
    const qs = new URLSearchParams(query).toString();
    return qs ? `${url}?${qs}` : url;
  };
  const fine = Object.fromEntries(pathParams.map((p) => [p.name, p.name === 'platform' ? 'tiktok' : 'missing_id']));
  const goodBody = op.body ? JSON.stringify(validOf(op.body, r)) : undefined;
  const json = { ...auth, 'content-type': 'application/json' };
  const cases: fc.Arbitrary<Case>[] = [];

  // A path parameter with NUL, or longer than allowed (or than the router takes: 414).
  for (const p of pathParams) {
    const s = r(p.schema);
    const bad = fc.oneof(nulText, fc.integer({ min: 1, max: 200 }).map((n) => 'z'.repeat(Math.max(s.maxLength ?? 100, 100) + n)));
    cases.push(bad.map((v) => ({ what: `path ${p.name}`, method: op.method, url: urlOf({ ...fine, [p.name]: v }), headers: goodBody ? json : auth, ...(goodBody ? { payload: goodBody } : {}) })));
  }
  // A query parameter that breaks its schema, alongside random harmless extras.
  for (const p of queryParams) {
    const breakers = queryBreakersOf(r(p.schema));
    if (!breakers.length) continue;
    cases.push(
      fc.tuple(fc.oneof(...breakers), fc.array(fc.tuple(fc.constantFrom('x', 'y', 'page'), fc.string({ maxLength: 10 })), { maxLength: 2 })).map(([v, extra]) => ({
        what: `query ${p.name}`,
        method: op.method,
        url: urlOf(fine, [[p.name, typeof v === 'string' ? v : JSON.stringify(v)], ...extra]),
        headers: auth,
      })),
    );
  }
  if (op.body) {
    const s = r(op.body);
    const base = validOf(s, r) as Record<string, unknown>;
    const props = Object.entries(s.properties ?? {});
    const send = (what: string, payload: string, headers: Record<string, string> = json): Case => ({ what, method: op.method, url: urlOf(fine), headers, payload });
    for (const k of s.required ?? []) cases.push(fc.constant(send(`body without ${k}`, JSON.stringify(Object.fromEntries(Object.entries(base).filter(([name]) => name !== k))))));
    for (const [name, prop] of props) {
      const breakers = breakersOf(r(prop));
      // A list of strings: break one item (the NUL in `platforms: ["tiktok", "a\0"]`).
      const items = r(prop).items;
      if (items) breakers.push(...breakersOf(r(items)).map((b) => b.map((v) => [validOf(items, r), v])));
      if (breakers.length) cases.push(fc.oneof(...breakers).map((v) => send(`body.${name}`, JSON.stringify({ ...base, [name]: v }))));
    }
    cases.push(fc.constantFrom<unknown>([], [base], 1, 'text', null, true).map((v) => send('body not an object', JSON.stringify(v))));
    cases.push(fc.constantFrom('{', '{"a":', '[1,,]', "{'a':1}", '{"a":1}}', 'nul\u0000').map((p) => send('body not JSON', p)));
    cases.push(
      fc.tuple(fc.constantFrom('text/plain', 'text/csv', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x'), fc.string({ minLength: 1, maxLength: 40 })).map(([type, p]) =>
        send(`body as ${type}`, goodBody && type === 'text/plain' ? goodBody : p, { ...auth, 'content-type': type }),
      ),
    );
  }
  if (op.path.startsWith('/webhooks/') && op.method === 'POST') {
    const header = op.path.endsWith('tiktok') ? 'tiktok-signature' : 'x-hub-signature-256';
    cases.push(
      fc.tuple(fc.json({ maxDepth: 2 }), fc.option(fc.oneof(headerText(80), fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256=${h}`), fc.integer().map((t) => `t=${t},s=${'0'.repeat(64)}`)))).map(([body, sig]) => ({
        what: 'unsigned or forged webhook',
        method: 'POST' as const,
        url: op.path,
        headers: { 'content-type': 'application/json', ...(sig === null ? {} : { [header]: sig }) },
        payload: body,
      })),
    );
  }
  // Any route: a key the server never issued, in any case of the scheme.
  if (!op.path.startsWith('/webhooks/') && !op.path.startsWith('/media/') && !op.path.startsWith('/oauth/')) {
    cases.push(
      fc.tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', ''), headerText(60).filter((t) => t !== key)).map(([scheme, token]) => ({
        what: 'bad key',
        method: op.method,
        url: urlOf(fine),
        headers: { authorization: `${scheme} ${token}`.trim() || 'x', ...(goodBody ? { 'content-type': 'application/json' } : {}) },
        ...(goodBody ? { payload: goodBody } : {}),
      })),
    );
  }
  if (!cases.length) throw new Error(`no way to break ${op.method} ${op.path}: add it to NO_INPUT or teach the generator`);
  return fc.oneof(...cases);
}
