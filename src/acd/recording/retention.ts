import type { StoredRecordings } from '../../ari/index.js';
import type { Logger } from '../../log/index.js';
import type { RecordingStore } from './store.js';

export const DefaultPurgeBatch = 200;
export const DefaultPurgeIntervalMs = 3_600_000;

/**
 * Deletes the files whose retention has passed (recordings.purge_after) and marks their rows
 * purged; the rows stay for the history. Safe to run from several engines at once: deleting a file
 * already gone is not an error and marking twice changes nothing.
 */
export async function purgeExpiredRecordings(o: {
  store: RecordingStore;
  stored: StoredRecordings;
  logger: Logger;
  now?: Date;
  batch?: number;
}): Promise<{ purged: number; failed: number }> {
  const now = o.now ?? new Date();
  let purged = 0;
  let failed = 0;
  for (;;) {
    const due = await o.store.due(now, o.batch ?? DefaultPurgeBatch);
    if (!due.length) break;
    const done: string[] = [];
    for (const r of due) {
      try {
        await o.stored.delete(r.name);
        done.push(r.id);
      } catch (err) {
        failed++;
        o.logger.warn('recording file could not be purged', {
          recordingId: r.id,
          error: (err as Error).message,
        });
      }
    }
    await o.store.markPurged(done, now);
    purged += done.length;
    // A batch where nothing could be deleted would come back again: try later instead.
    if (!done.length) break;
  }
  if (purged || failed) o.logger.info('recordings purged by retention', { purged, failed });
  return { purged, failed };
}

/** Runs the purge every interval until stopped. */
export function startRetentionJob(o: {
  store: RecordingStore;
  /** Undefined while Asterisk is not connected: that round is skipped. */
  stored: () => StoredRecordings | undefined;
  logger: Logger;
  intervalMs?: number;
}): {
  stop(): void;
} {
  let running = false;
  const timer = setInterval(() => {
    const stored = o.stored();
    if (running || !stored) return;
    running = true;
    purgeExpiredRecordings({ store: o.store, stored, logger: o.logger })
      .catch((err: unknown) => o.logger.error('recording purge failed', { error: (err as Error).message }))
      .finally(() => (running = false));
  }, o.intervalMs ?? DefaultPurgeIntervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
