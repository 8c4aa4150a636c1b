import { z } from 'zod';
import { HttpProblem, problemSchema } from '../problem.js';
import { accountSchema, accountSettingsSchema, errorResponses, idParams, newAccountSchema } from '../schemas.js';
import { requirePart, type ServerContext, type ZodServer } from '../server-context.js';

const checkSchema = z.object({ id: z.string(), ok: z.boolean(), status: z.enum(['ok', 'needs_reauth', 'disabled']), detail: z.string().optional() }).meta({ id: 'AccountCheck' });

/**
 * Accounts: create (credentials are write-only: stored encrypted, answered as field names only), list,
 * show, change settings, delete, check.
 *
 * @example
 * ```ts
 * registerAccountRoutes(server, ctx); // POST /accounts {platform, handle, credentials}
 * ```
 */
export function registerAccountRoutes(server: ZodServer, ctx: ServerContext): void {
  const { accounts, store } = ctx.app;

  server.post('/accounts', { schema: { tags: ['accounts'], summary: 'Adds an account', body: newAccountSchema, response: { 201: accountSchema, 422: problemSchema, ...errorResponses } } }, async (request, reply) => {
    const view = await accounts.add({ ...request.body, credentials: request.body.credentials });
    return reply.code(201).send(view);
  });

  server.get('/accounts', { schema: { tags: ['accounts'], summary: 'Lists active accounts', response: { 200: z.array(accountSchema), ...errorResponses } } }, async () => accounts.list());

  server.get('/accounts/:id', { schema: { tags: ['accounts'], summary: 'Shows an account', params: idParams, response: { 200: accountSchema, ...errorResponses } } }, async (request) => {
    const view = (await accounts.list()).find((a) => a.id === request.params.id);
    if (!view) throw new HttpProblem(404, 'account-not-found', `account ${request.params.id} does not exist`);
    return view;
  });

  server.patch('/accounts/:id', { schema: { tags: ['accounts'], summary: "Changes an account's settings (e.g. YouTube's made-for-kids default)", params: idParams, body: accountSettingsSchema, response: { 200: accountSchema, 422: problemSchema, ...errorResponses } } }, async (request) => {
    const account = await store.getAccount(request.params.id);
    if (!account || !account.active) throw new HttpProblem(404, 'account-not-found', `account ${request.params.id} does not exist`);
    const { selfDeclaredMadeForKids } = request.body;
    if (selfDeclaredMadeForKids === undefined) {
      throw new HttpProblem(422, 'nothing-to-change', 'the body names no setting', { hint: 'send {"selfDeclaredMadeForKids": false} (or true)', errors: [{ path: 'body', message: 'no setting given' }] });
    }
    if (account.platform !== 'youtube') {
      throw new HttpProblem(422, 'setting-unsupported', `selfDeclaredMadeForKids is a YouTube setting; ${account.platform}:${account.handle} is not a YouTube account`, { errors: [{ path: 'body.selfDeclaredMadeForKids', message: 'YouTube accounts only' }] });
    }
    return accounts.setDefaults(account.id, { selfDeclaredMadeForKids });
  });

  server.delete('/accounts/:id', { schema: { tags: ['accounts'], summary: 'Removes an account with no post waiting', params: idParams, response: { 204: z.null(), 409: problemSchema, ...errorResponses } } }, async (request, reply) => {
    const account = await store.getAccount(request.params.id);
    if (!account || !account.active) throw new HttpProblem(404, 'account-not-found', `account ${request.params.id} does not exist`);
    if (!(await store.deleteAccount(account.id))) {
      throw new HttpProblem(409, 'account-in-use', `account ${account.platform}:${account.handle} still has posts waiting to publish`, { hint: 'cancel them first or wait until they are final' });
    }
    return reply.code(204).send(null);
  });

  server.post('/accounts/:id/check', { schema: { tags: ['accounts'], summary: "Checks that an account's credentials still work", params: idParams, response: { 200: checkSchema, 501: problemSchema, ...errorResponses } } }, async (request) => {
    const checker = requirePart(ctx.parts.accountChecker, 'account checks');
    const account = await store.getAccount(request.params.id);
    if (!account || !account.active) throw new HttpProblem(404, 'account-not-found', `account ${request.params.id} does not exist`);
    const result = await checker.check(account);
    return { id: account.id, ok: result.ok, status: result.status ?? account.status, ...(result.detail ? { detail: result.detail } : {}) };
  });
}
