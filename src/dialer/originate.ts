import { randomUUID } from 'node:crypto';
import type { AriConnection, Call } from '../ari/index.js';
import { OriginateFailedError } from '../ari/index.js';

/**
 * Dialer calls go through the dialplan so Asterisk's AMD() judges the answer before the call
 * reaches us: originate into `tongdai-outbound,amd,1`, which runs AMD and then
 * `Stasis(<app>,outbound,<AMDSTATUS>,<AMDCAUSE>)` (see dialplan/extensions.conf). A channel
 * originated into the dialplan is not subscribed to our app until it enters Stasis, so we subscribe
 * to it right after the REST answer to learn of busy / no answer / unreachable ends.
 *
 * The shape it needs from the connection is narrow; the lead may fold this into the ARI port
 * (OriginateOptions.dialplan) later.
 */
export type AmdOriginator = Pick<
  AriConnection,
  'rest' | 'app' | 'expectStasis' | 'noteOriginating' | 'noteLocalHangup' | 'originate'
>;

export const DialerContext = 'tongdai-outbound';
export const AmdExtension = 'amd';
/** AMD off: the call enters Stasis at answer (args outbound,NOTCHECKED). */
export const AmdOff = 'NOTCHECKED';

export interface DialOptions {
  channelId?: string;
  endpoint: string;
  callerId: string;
  timeoutSeconds: number;
  amd: boolean;
  variables?: Record<string, string>;
  /** Cancels the call while it rings (campaign stopped). */
  signal?: AbortSignal;
}

export type DialResult =
  | { answered: true; call: Call; amdStatus: string | null; amdCause: string | null }
  | {
      answered: false;
      outcome: 'busy' | 'no_answer' | 'invalid' | 'failed' | 'cancelled';
      cause?: number;
      detail: string;
    };

/** Maps Asterisk's end of an unanswered originate to a dialer outcome. */
export function classifyFailure(err: unknown): {
  outcome: 'busy' | 'no_answer' | 'invalid' | 'failed';
  cause?: number;
} {
  if (err instanceof OriginateFailedError) {
    const s = err.dialStatus;
    if (s === 'BUSY' || err.hangupCause === 17) return { outcome: 'busy', cause: err.hangupCause };
    if (s === 'NOANSWER' || err.hangupCause === 19 || err.hangupCause === 18)
      return { outcome: 'no_answer', cause: err.hangupCause };
    if (s === 'CHANUNAVAIL' || s === 'CONGESTION' || [1, 3, 28].includes(err.hangupCause))
      return { outcome: 'invalid', cause: err.hangupCause };
    return { outcome: 'failed', cause: err.hangupCause };
  }
  return { outcome: 'failed' };
}

export async function dialLead(ari: AmdOriginator, options: DialOptions): Promise<DialResult> {
  const channelId = options.channelId ?? randomUUID();
  if (!options.amd) {
    try {
      const call = await ari.originate({
        endpoint: options.endpoint,
        channelId,
        callerId: options.callerId,
        timeoutSeconds: options.timeoutSeconds,
        args: ['outbound', AmdOff],
        ...(options.variables ? { variables: options.variables } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { answered: true, call, amdStatus: null, amdCause: null };
    } catch (err) {
      if (options.signal?.aborted)
        return { answered: false, outcome: 'cancelled', detail: 'campaign stopped while ringing' };
      return { answered: false, ...classifyFailure(err), detail: (err as Error).message };
    }
  }
  ari.noteOriginating(channelId, 'outbound', undefined, options.endpoint.replace(/^.*\/|@.*$/g, ''));
  const expected = ari.expectStasis(channelId);
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    ari.noteLocalHangup(channelId);
    void ari.rest.call('channels', 'hangup', { channelId }).catch(() => undefined);
  };
  try {
    await ari.rest.call('channels', 'originateWithId', {
      channelId,
      endpoint: options.endpoint,
      context: DialerContext,
      extension: AmdExtension,
      priority: 1,
      callerId: options.callerId,
      timeout: options.timeoutSeconds,
      ...(options.variables ? { variables: options.variables } : {}),
    });
  } catch (err) {
    expected.cancel(err as Error);
    return { answered: false, outcome: 'failed', detail: (err as Error).message };
  }
  try {
    await ari.rest.call('applications', 'subscribe', {
      applicationName: ari.app,
      eventSource: `channel:${channelId}`,
    });
  } catch {
    // Gone already (or already in Stasis and so subscribed): the expectation settles either way.
  }
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  try {
    const call = await expected.call;
    const [, amdStatus, amdCause] = call.args;
    return { answered: true, call, amdStatus: amdStatus || null, amdCause: amdCause || null };
  } catch (err) {
    if (cancelled) return { answered: false, outcome: 'cancelled', detail: 'campaign stopped while ringing' };
    const f = classifyFailure(err);
    return { answered: false, ...f, detail: (err as Error).message };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}
