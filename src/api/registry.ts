import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../log/index.js';
import { allows, type Access, type Principal } from '../auth/roles.js';
import { ForbiddenError, UnauthenticatedError, ValidationError, type FieldIssue } from './errors.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler sees: validated input, the caller, and the request's logger. */
export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Undefined only on public routes. */
  principal: Principal | undefined;
  logger: Logger;
  req: Request;
  res: Response;
  /** Overrides the route's success status for this response (e.g. 503 from /health). */
  setStatus(status: number): void;
}

/**
 * One route, declared once: the same zod schemas validate the request, shape the response and
 * become its OpenAPI operation. Paths use OpenAPI syntax (`/apikeys/{id}`).
 */
export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  tags?: string[];
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** Success status (200 unless set). */
  status?: number;
  /** Other statuses the handler sets with `setStatus`, answered with the same response schema. */
  alsoResponds?: Array<{ status: number; description: string }>;
  /** JSON response body; the handler's result is parsed through it, so unknown fields never leak. */
  response?: R;
  /** A non-JSON response (e.g. Prometheus text); the handler returns the body as a string. */
  produces?: string;
  handler(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>> | z.input<R>;
}

/** A route as stored for the OpenAPI document (schemas erased to ZodType). */
export type RegisteredRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;

export type Authenticate = (req: Request) => Promise<Principal | undefined>;

/** Express `:id` from OpenAPI `{id}`. */
export function expressPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

function parse<T extends z.ZodType>(schema: T, location: string, value: unknown, issues: FieldIssue[]) {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({ path: [location, ...issue.path.map(String)].join('.'), message: issue.message });
  }
  return undefined;
}

/** Routes of the API: each `add` mounts a validating express handler and records its OpenAPI operation. */
export class RouteRegistry {
  readonly router = express.Router();
  readonly routes: RegisteredRoute[] = [];

  constructor(
    private readonly authenticate: Authenticate,
    private readonly logger: Logger,
  ) {}

  add<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
    spec: RouteSpec<P, Q, B, R>,
  ): void {
    if (this.routes.some((r) => r.method === spec.method && r.path === spec.path)) {
      throw new Error(`route ${spec.method.toUpperCase()} ${spec.path} is registered twice`);
    }
    this.routes.push(spec as unknown as RegisteredRoute);
    this.router[spec.method](expressPath(spec.path), async (req, res) => {
      res.locals.route = spec.path;
      const principal = await this.authorize(spec.access, req);
      res.locals.principal = principal;

      const issues: FieldIssue[] = [];
      const params = spec.params ? parse(spec.params, 'params', req.params, issues) : {};
      const query = spec.query ? parse(spec.query, 'query', req.query, issues) : {};
      const body = spec.body ? parse(spec.body, 'body', req.body, issues) : undefined;
      if (issues.length) throw new ValidationError(issues);

      let status = spec.status ?? 200;
      const logger: Logger = res.locals.logger ?? this.logger;
      const result = await spec.handler({
        params: params as z.output<P>,
        query: query as z.output<Q>,
        body: body as z.output<B>,
        principal,
        logger,
        req,
        res,
        setStatus: (s) => (status = s),
      });
      // A handler that answered itself (content negotiation, e.g. CSV) is done.
      if (res.headersSent) return;
      res.status(status);
      if (spec.produces) res.type(spec.produces).send(result);
      else if (spec.response) res.json(spec.response.parse(result));
      else res.end();
    });
  }

  private async authorize(access: Access, req: Request): Promise<Principal | undefined> {
    if (access === 'public') return undefined;
    const principal = await this.authenticate(req);
    if (!principal) throw new UnauthenticatedError();
    if (!allows(access, principal.role)) {
      throw new ForbiddenError(
        `role ${principal.role} may not do this (needs ${[access].flat().join(' or ')})`,
      );
    }
    return principal;
  }
}
