/**
 * Typed ARI failures with stable codes. Every REST failure is classified here, once; features test
 * `instanceof` or `code`, never message text.
 */
export type AriErrorCode =
  | 'CALL_HUNG_UP'
  | 'ARI_NOT_FOUND'
  | 'ARI_CONFLICT'
  | 'ARI_INVALID'
  | 'ARI_ALLOCATION_FAILED'
  | 'ARI_TIMEOUT'
  | 'ARI_UNAVAILABLE'
  | 'ARI_UNAUTHORIZED'
  | 'ARI_FAILED'
  | 'ORIGINATE_FAILED';

export class AriError extends Error {
  override name = 'AriError';
  constructor(
    readonly code: AriErrorCode,
    message: string,
    readonly operation?: string,
  ) {
    super(message);
  }
}

/** The channel left Stasis (hung up, redirected out, or gone while we were disconnected). */
export class CallHungUpError extends AriError {
  override name = 'CallHungUpError';
  constructor(
    readonly channelId: string,
    readonly hangupCause?: number,
  ) {
    super('CALL_HUNG_UP', `channel ${channelId} hung up`);
  }
}

/** Channel, bridge, playback or recording no longer exists (404, or 400 on bridge addChannel). */
export class AriNotFoundError extends AriError {
  override name = 'AriNotFoundError';
}
/** The channel itself is gone (as opposed to something on it, such as an unset variable). */
export class AriChannelGoneError extends AriNotFoundError {
  override name = 'AriChannelGoneError';
}
/** The resource exists but is in the wrong state (409/422: not in Stasis, already bridged...). */
export class AriConflictError extends AriError {
  override name = 'AriConflictError';
}
export class AriInvalidError extends AriError {
  override name = 'AriInvalidError';
}
/** Originate to an endpoint Asterisk cannot build a channel for (500 {"error":"Allocation failed"}). */
export class AriAllocationFailedError extends AriError {
  override name = 'AriAllocationFailedError';
}
export class AriTimeoutError extends AriError {
  override name = 'AriTimeoutError';
}
/** Asterisk is not reachable (connection refused, socket down). */
export class AriUnavailableError extends AriError {
  override name = 'AriUnavailableError';
}

/** Asterisk refused our ARI credentials: a configuration error, not worth retrying. */
export class AriUnauthorizedError extends AriError {
  override name = 'AriUnauthorizedError';
}

/** An originated channel ended before reaching Stasis: busy (17), no answer (19), failure... */
export class OriginateFailedError extends AriError {
  override name = 'OriginateFailedError';
  constructor(
    readonly channelId: string,
    readonly hangupCause: number,
    readonly causeText: string,
    readonly dialStatus?: string,
  ) {
    super(
      'ORIGINATE_FAILED',
      `originate ${channelId} failed: ${dialStatus ?? causeText} (cause ${hangupCause})`,
    );
  }
}

const NetworkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * ari-client drops the HTTP status and rejects with `new Error(<response body>)`; Asterisk's bodies
 * are `{"message": "..."}` (or `{"error": "Allocation failed"}`), whose texts are fixed per failure in
 * res_ari. This is the one place those texts are mapped onto typed errors.
 */
export function classifyAriError(err: unknown, operation: string): AriError {
  if (err instanceof AriError) return err;
  const e = err as { code?: string; message?: string } | undefined;
  if (e?.code && NetworkCodes.has(e.code)) {
    return new AriUnavailableError('ARI_UNAVAILABLE', `${operation}: ${e.code}`, operation);
  }
  const raw = typeof e?.message === 'string' ? e.message : String(err);
  let text = raw;
  let allocation = false;
  try {
    const body = JSON.parse(raw) as { message?: string; error?: string };
    text = body.message ?? body.error ?? raw;
    allocation = body.error === 'Allocation failed';
  } catch {
    // not a JSON body: a transport failure or an empty response
  }
  if (allocation)
    return new AriAllocationFailedError('ARI_ALLOCATION_FAILED', `${operation}: ${text}`, operation);
  if (/^(provided )?channel (was )?not found/i.test(text)) {
    return new AriChannelGoneError('ARI_NOT_FOUND', `${operation}: ${text}`, operation);
  }
  if (/not found|does not exist/i.test(text)) {
    return new AriNotFoundError('ARI_NOT_FOUND', `${operation}: ${text}`, operation);
  }
  if (
    /not in (a )?stasis|already|in use|not in progress|not recording|not playing|conflict|is busy/i.test(text)
  ) {
    return new AriConflictError('ARI_CONFLICT', `${operation}: ${text}`, operation);
  }
  if (/missing|invalid|must|required|bad request|not allowed|unprocessable/i.test(text)) {
    return new AriInvalidError('ARI_INVALID', `${operation}: ${text}`, operation);
  }
  if (/socket hang up|connect|ECONN/i.test(text)) {
    return new AriUnavailableError('ARI_UNAVAILABLE', `${operation}: ${text}`, operation);
  }
  return new AriError('ARI_FAILED', `${operation}: ${text}`, operation);
}

/** True when the failure means the channel is gone: the call is over, not broken. */
export function isGone(err: unknown): boolean {
  return err instanceof CallHungUpError || err instanceof AriNotFoundError;
}
