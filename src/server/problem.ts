import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isInputError } from '../core/input-error.js';
import { NotFoundError, StateConflictError } from '../core/ports/store.js';
import { PublishError } from '../core/publish-error.js';

/** Media type of RFC 9457 problem details. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem details document (plus our optional `code`, `hint`, `errors`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code?: string;
  hint?: string;
  errors?: { path: string; message: string }[];
}

/** Zod shape of {@link Problem}, used in every route's error responses for the OpenAPI document. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string().optional(),
    hint: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/**
 * An error a route throws to answer with a problem document.
 *
 * @example
 * ```ts
 * throw new HttpProblem(404, 'post-not-found', `post ${id} does not exist`);
 * ```
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    /** Short slug; the problem `type` is `https://clipcast.dev/problems/<slug>`. */
    readonly slug: string,
    detail: string,
    readonly extra: { code?: string; hint?: string; errors?: Problem['errors']; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

/** Builds a problem document for `request`. */
export function problem(request: FastifyRequest, status: number, slug: string, detail: string, extra: Omit<Problem, 'type' | 'title' | 'status' | 'detail' | 'instance'> = {}): Problem {
  return {
    type: `https://clipcast.dev/problems/${slug}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance: instanceOf(request.url),
    ...extra,
  };
}

/** Sends a problem document with its media type. */
export function sendProblem(reply: FastifyReply, body: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(body.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body);
}

/**
 * Installs the error and not-found handlers so every failure, including schema validation, oversize
 * bodies and unknown routes, answers `application/problem+json`. Internal errors are logged and answered
 * without their message (it may name internals).
 */
export function installProblemHandlers(server: FastifyInstance): void {
  server.setNotFoundHandler((request, reply) => {
    sendProblem(reply, problem(request, 404, 'not-found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
  server.setErrorHandler((error: FastifyError, request, reply) => {
    const body = toProblem(error, request);
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    const headers = error instanceof HttpProblem ? (error.extra.headers ?? {}) : {};
    return sendProblem(reply, body, headers);
  });
}

function toProblem(error: FastifyError, request: FastifyRequest): Problem {
  if (error instanceof HttpProblem) {
    const { code, hint, errors } = error.extra;
    return problem(request, error.status, error.slug, error.message, { ...(code ? { code } : {}), ...(hint ? { hint } : {}), ...(errors ? { errors } : {}) });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((v) => ({
      path: `${error.validationContext ?? 'body'}${v.instancePath ? v.instancePath.replaceAll('/', '.') : ''}`,
      message: v.message ?? 'invalid',
    }));
    const first = errors[0];
    return problem(request, 400, 'validation', first ? `${first.path}: ${first.message}` : 'the request does not match the schema', { errors });
  }
  if (isResponseSerializationError(error)) {
    return problem(request, 500, 'internal', 'the server built a response it could not serialize');
  }
  if (isInputError(error)) {
    return problem(request, 422, 'invalid-input', error.message, { code: error.code, ...(error.hint ? { hint: error.hint } : {}) });
  }
  // A remote (platform, Postiz) failed: its message is secret-free by contract; the code is stable.
  if (error instanceof PublishError) return problem(request, 502, 'remote-failed', error.message, { code: error.code });
  if (error instanceof NotFoundError) return problem(request, 404, 'not-found', error.message);
  if (error instanceof StateConflictError) return problem(request, 409, 'conflict', error.message);
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 500) return problem(request, status, 'internal', 'the server failed to handle the request');
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(request, 413, 'body-too-large', 'the request body is larger than this server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(request, 415, 'unsupported-media-type', `content type "${request.headers['content-type'] ?? ''}" is not accepted here; send application/json`);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(request, 400, 'bad-json', 'the body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(request, 400, 'empty-body', 'the JSON body is empty');
    default:
      // Fastify's own 4xx messages (bad JSON, bad content length) name no secret.
      return problem(request, status, status === 400 ? 'bad-request' : 'client-error', error.message);
  }
}

/** The path of a request URL, without its query, cut to 200 characters (a 414 URL is long). */
function instanceOf(url: string): string {
  const path = url.split('?')[0] ?? url;
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/**
 * Fastify's `frameworkErrors`: a URL that cannot be decoded (`%zz`), a path parameter over the length
 * limit, a failed route constraint. Without it Fastify answers these in its own JSON shape.
 */
export function frameworkErrorsHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const body =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? problem(request, 414, 'uri-too-long', 'a path segment of this URL is longer than the server accepts (100 characters)')
      : error.code === 'FST_ERR_BAD_URL'
        ? problem(request, 400, 'bad-url', 'the URL is not validly percent-encoded')
        : problem(request, 400, 'bad-request', 'the request could not be routed');
  void sendProblem(reply, body);
}

/**
 * Fastify's `clientErrorHandler`: errors Node's HTTP parser raises before a request exists (headers or
 * URL over the size limit, a malformed request line, a timeout). Written straight to the socket as a
 * problem document, as Node would write its bare status line.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail = status === 431 ? 'the request line or headers are larger than the server accepts (16 KiB)' : status === 408 ? 'the request took too long to arrive' : 'the request is not valid HTTP';
  const body = JSON.stringify({ type: `https://clipcast.dev/problems/${status === 431 ? 'headers-too-large' : status === 408 ? 'timeout' : 'bad-http'}`, title: TITLES[status] ?? STATUS_CODES[status], status, detail, instance: '' });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
