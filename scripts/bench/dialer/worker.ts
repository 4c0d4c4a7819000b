/**
 * A bench worker thread: runs simulated campaign days it is sent and posts back their results.
 */
import { parentPort } from 'node:worker_threads';
import { runDay, type DayTask } from './tasks.js';

parentPort!.on('message', (msg: { id: number; task: DayTask }) => {
  try {
    parentPort!.postMessage({ id: msg.id, result: runDay(msg.task) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) });
  }
});
