/** Typed ACD errors with stable codes; the API maps them to 4xx (routes.ts). */
export type AcdErrorCode =
  | 'UNKNOWN_QUEUE'
  | 'UNKNOWN_AGENT'
  | 'UNKNOWN_REASON'
  | 'NOT_LOGGED_IN'
  | 'INVALID_STATE'
  | 'NOT_YOUR_AGENT'
  | 'NO_CALL';

export class AcdError extends Error {
  override name = 'AcdError';
  constructor(
    readonly code: AcdErrorCode,
    message: string,
  ) {
    super(message);
  }
}
