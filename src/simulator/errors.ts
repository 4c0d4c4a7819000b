/** An ARI error response: status plus the exact JSON body Asterisk sends. */
export class AriError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    /** Extra response headers, e.g. Allow on a 405. */
    readonly headers?: Record<string, string>,
  ) {
    super(typeof body.message === 'string' ? body.message : JSON.stringify(body));
    this.name = 'AriError';
  }
}

export const ariError = (status: number, message: string): AriError => new AriError(status, { message });
/** Asterisk's ast_ari_response_alloc_failed(): the body uses "error", not "message". */
export const allocFailed = (): AriError => new AriError(500, { error: 'Allocation failed' });
