/**
 * A staffing question the models cannot answer (negative rates, zero patience, too many agents,
 * an unstable Erlang C queue...). `path` names the offending input so the API can answer 400 with it.
 */
export class WfmInputError extends Error {
  override readonly name = 'WfmInputError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** Largest agent count the calculator accepts; beyond it the Erlang B recursion and searches get slow. */
export const MaxAgents = 100_000;
/** Largest offered load, in Erlangs. */
export const MaxTrafficErlangs = 50_000;
