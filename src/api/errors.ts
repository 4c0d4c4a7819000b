/**
 * Every error the API answers with has a stable code; this table is the one place codes meet HTTP
 * statuses. Clients branch on `error.code`, never on the message.
 */
export const HttpStatusByCode = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof HttpStatusByCode;

/** One field that failed validation: `body.queue.name`, `query.limit`, `params.id`. */
export interface FieldIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return HttpStatusByCode[this.code];
  }

  toBody(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message } };
  }
}

export class ValidationError extends ApiError {
  override readonly name = 'ValidationError';
  constructor(readonly issues: FieldIssue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('VALIDATION_FAILED', first ? `${first.path}: ${first.message}${more}` : 'request is not valid');
  }

  override toBody() {
    return { error: { code: this.code, message: this.message, issues: this.issues } };
  }
}

export class UnauthenticatedError extends ApiError {
  override readonly name = 'UnauthenticatedError';
  constructor(message = 'an API key is required (Authorization: Bearer <key> or X-API-Key)') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends ApiError {
  override readonly name = 'ForbiddenError';
  constructor(message = 'this API key’s role may not do that') {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError';
  constructor(message = 'not found') {
    super('NOT_FOUND', message);
  }
}

export class ConflictError extends ApiError {
  override readonly name = 'ConflictError';
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** Errors thrown by express's body parser (body-parser sets `type` and `status`). */
export function fromBodyParserError(err: unknown): ApiError | undefined {
  const type = (err as { type?: unknown })?.type;
  if (type === 'entity.parse.failed') return new ApiError('MALFORMED_JSON', 'request body is not valid JSON');
  if (type === 'entity.too.large') return new ApiError('PAYLOAD_TOO_LARGE', 'request body is too large');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'request body encoding is not supported');
  }
  return undefined;
}
