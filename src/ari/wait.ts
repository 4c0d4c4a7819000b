import { CallHungUpError } from './errors.js';

/** A pending wait the owner can fail when the call ends. */
export interface Pending {
  fail(err: Error): void;
}

export interface WaitSpec<T> {
  /** Pendings of the call the wait belongs to; the wait removes itself when settled. */
  pendings: Set<Pending>;
  /** Starts listening; returns the function that stops listening. */
  listen(settle: (value: T) => void, fail: (err: Error) => void): () => void;
  timeoutMs?: number;
  onTimeout?: () => T;
  signal?: AbortSignal;
  onAbort?: () => T;
}

/**
 * Every wait on a call goes through here: one settle path that always removes the listener, clears
 * the timer and detaches from the abort signal, so no flow leaks timers or listeners.
 */
export function waitOn<T>(spec: WaitSpec<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const listening: { stop?: () => void } = {};
    let settled = false;
    const finish = () => {
      settled = true;
      spec.pendings.delete(pending);
      if (timer) clearTimeout(timer);
      spec.signal?.removeEventListener('abort', abort);
      listening.stop?.();
    };
    const pending: Pending = {
      fail(err) {
        if (settled) return;
        finish();
        reject(err);
      },
    };
    const settle = (value: T) => {
      if (settled) return;
      finish();
      resolve(value);
    };
    const abort = () => settle(spec.onAbort ? spec.onAbort() : (undefined as T));
    if (spec.signal?.aborted) {
      abort();
      return;
    }
    spec.pendings.add(pending);
    spec.signal?.addEventListener('abort', abort, { once: true });
    if (spec.timeoutMs !== undefined && spec.onTimeout) {
      const onTimeout = spec.onTimeout;
      timer = setTimeout(() => settle(onTimeout()), spec.timeoutMs);
    }
    listening.stop = spec.listen(settle, pending.fail);
    if (settled) listening.stop();
  });
}

/** Fails every pending wait of a call that left Stasis. */
export function failAll(pendings: Set<Pending>, channelId: string, cause?: number): void {
  const err = new CallHungUpError(channelId, cause);
  for (const p of [...pendings]) p.fail(err);
}
