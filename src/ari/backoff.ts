export const DefaultReconnectMinMs = 100;
export const DefaultReconnectMaxMs = 5000;

/**
 * Delay before reconnect attempt `attempt` (0-based): doubling from min to max, with ±20% jitter so
 * many engines do not stampede a restarted Asterisk. `random` is injectable for tests.
 */
export function reconnectDelay(
  attempt: number,
  minMs = DefaultReconnectMinMs,
  maxMs = DefaultReconnectMaxMs,
  random: () => number = Math.random,
): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  const jittered = base * (0.8 + 0.4 * random());
  return Math.round(Math.min(maxMs, Math.max(minMs, jittered)));
}
