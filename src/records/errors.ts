/**
 * Postgres refusals that depend on the row, not on the moment: retrying them never helps, so the
 * writer isolates the row and dead-letters it. Classes: 22 data exception (bad value, NUL byte,
 * out of range), 23 integrity constraint (CHECK, NOT NULL, no partition for the row), 54 program
 * limit (row too big). Everything else (connection lost, shutdown, deadlock, out of disk) is
 * transient: the batch waits and retries, so nothing is dead-lettered because Postgres was away.
 */
const RowClasses = new Set(['22', '23', '54']);

export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function isRowError(err: unknown): boolean {
  const code = sqlState(err);
  return code !== undefined && RowClasses.has(code.slice(0, 2));
}

export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = sqlState(err);
  return code ? `${message} (SQLSTATE ${code})` : message;
}

/** The write could not happen now (Postgres unreachable or busy); the caller backs off and retries. */
export class RecordsUnavailableError extends Error {
  override readonly name = 'RecordsUnavailableError';
  readonly code = 'RECORDS_UNAVAILABLE';
  constructor(readonly reason: unknown) {
    super(`call records cannot be written now: ${errorText(reason)}`);
  }
}
