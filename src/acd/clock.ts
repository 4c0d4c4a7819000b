/**
 * Time behind an interface so the ACD runs on the simulator's virtual clock in benchmarks (a day of
 * traffic in seconds) and on the wall clock in production. Structurally the simulator's Clock fits.
 */
export interface AcdTimer {
  cancel(): void;
}

export interface AcdClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): AcdTimer;
}

export const wallClock: AcdClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

/** Resolves after `ms` on the clock, or at once when the signal aborts. */
export function sleepOn(clock: AcdClock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
