import type { Request } from 'express';
import type { ApiKeyStore } from '../auth/store.js';
import type { Authenticate } from './registry.js';
import { ApiError, UnauthenticatedError } from './errors.js';

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthenticatedError('Authorization must be "Bearer <key>"');
    return match[1];
  }
  return req.get('x-api-key')?.trim() || undefined;
}

/** Resolves the request's key against the store; a key that is presented but unknown is a 401. */
export function keyAuthenticator(store: ApiKeyStore): Authenticate {
  return async (req) => {
    const key = presentedKey(req);
    if (!key) return undefined;
    let principal;
    try {
      principal = await store.authenticate(key);
    } catch (err) {
      // Postgres down or not migrated: the caller may hold a good key, so 503 (retry), never 401.
      throw Object.assign(new ApiError('UNAVAILABLE', 'cannot check API keys now; try again shortly'), {
        cause: err,
      });
    }
    if (!principal) throw new UnauthenticatedError('API key is unknown or revoked');
    return principal;
  };
}
