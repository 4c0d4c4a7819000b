import type { Call } from '../ari/index.js';
import { sleepOn, type AcdClock } from './clock.js';
import type { QueueConfig } from './model.js';
import type { Waiter } from './waiter.js';

/** Media the ACD plays; URIs as ARI takes them, in the caller's language. */
export interface AcdSounds {
  thereAre: string;
  callsWaiting: string;
  youAreNext: string;
  holdTime: string;
  minutes: string;
  lessThan: string;
  /** After the callback key: confirmation before we hang up. */
  callbackConfirm: string[];
  /** Played to the agent when the customer of a callback does not answer. */
  callbackNoAnswer: string[];
}

export const DefaultSounds: AcdSounds = {
  thereAre: 'sound:queue-thereare',
  callsWaiting: 'sound:queue-callswaiting',
  youAreNext: 'sound:queue-youarenext',
  holdTime: 'sound:queue-holdtime',
  minutes: 'sound:queue-minutes',
  lessThan: 'sound:queue-less-than',
  callbackConfirm: ['sound:auth-thankyou', 'sound:vm-goodbye'],
  callbackNoAnswer: ['sound:please-try-again'],
};

/** Longest a key wait lasts before it is simply started again (the signal ends it sooner). */
const KeyWaitMs = 3_600_000;

/**
 * What a waiting caller hears: the greeting, music on hold, and every `announceEverySeconds` the
 * position, the estimated wait and the periodic messages. Runs until `waiter.media` aborts.
 */
export async function holdMedia(options: {
  waiter: Waiter;
  call: Call;
  queue: () => QueueConfig;
  clock: AcdClock;
  sounds: AcdSounds;
  position: () => Promise<number | undefined>;
  estimateSeconds: (position: number) => Promise<number | undefined>;
}): Promise<void> {
  const { waiter, call, clock, sounds } = options;
  const signal = waiter.media.signal;
  const lang = waiter.request.language;
  const q0 = options.queue();
  if (q0.greeting) await call.play(q0.greeting, { lang, signal });
  if (signal.aborted) return;
  await call.startMoh(q0.moh);
  for (;;) {
    const q = options.queue();
    if (q.announceEverySeconds <= 0) return;
    await sleepOn(clock, q.announceEverySeconds * 1000, signal);
    if (signal.aborted) return;
    if (waiter.phase !== 'waiting') continue;
    const media: string[] = [];
    if (q.announcePosition) {
      const position = await options.position();
      if (position === 1) media.push(sounds.youAreNext);
      else if (position) media.push(sounds.thereAre, `number:${position - 1}`, sounds.callsWaiting);
      if (position && q.announceEstimate) {
        const seconds = await options.estimateSeconds(position);
        if (seconds !== undefined) {
          const minutes = Math.ceil(seconds / 60);
          media.push(
            sounds.holdTime,
            ...(minutes <= 1 ? [sounds.lessThan, 'number:1'] : [`number:${minutes}`]),
            sounds.minutes,
          );
        }
      }
    }
    media.push(...q.periodicMedia);
    if (!media.length || signal.aborted) continue;
    await call.stopMoh();
    await call.play(media, { lang, signal });
    if (signal.aborted) return;
    await call.startMoh(q.moh);
  }
}

/** Waits for the queue's callback key; resolves true when pressed, false when the media stopped. */
export async function callbackKey(waiter: Waiter, call: Call, key: string): Promise<boolean> {
  const signal = waiter.media.signal;
  while (!signal.aborted) {
    const r = await call.collectDigits({
      maxDigits: 1,
      firstDigitTimeoutMs: KeyWaitMs,
      interDigitTimeoutMs: 1000,
      signal,
    });
    if (r.status === 'cancelled' || signal.aborted) return false;
    if (r.digits === key && waiter.phase === 'waiting') return true;
  }
  return false;
}
