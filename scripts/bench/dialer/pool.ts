import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DayResult } from '../../../src/dialer/pacing/sim/simulate.js';
import { runDay, type DayTask } from './tasks.js';

const TsxApi = import.meta.resolve('tsx/esm/api');
const WorkerUrl = new URL('./worker.ts', import.meta.url).href;

/**
 * Runs day tasks on worker threads (one per core, at most `max`); with one thread it runs them
 * inline. Results come back in the order of the tasks.
 */
export class DayPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { task: DayTask; resolve: (r: DayResult) => void; reject: (e: Error) => void }[] =
    [];
  private readonly pending = new Map<
    number,
    { resolve: (r: DayResult) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  constructor(threads = Math.max(1, os.availableParallelism())) {
    if (threads <= 1) return;
    for (let i = 0; i < threads; i++) {
      // Worker threads do not inherit tsx's loader: the thread loads tsx's API, then our worker.
      const boot = `import(${JSON.stringify(TsxApi)}).then((m) => m.tsImport(${JSON.stringify(WorkerUrl)}, ${JSON.stringify(import.meta.url)}));`;
      const w = new Worker(boot, { eval: true });
      w.on('message', (msg: { id: number; result?: DayResult; error?: string }) => {
        const p = this.pending.get(msg.id)!;
        this.pending.delete(msg.id);
        if (msg.error) p.reject(new Error(msg.error));
        else p.resolve(msg.result!);
        this.idle.push(w);
        this.pump();
      });
      w.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  run(task: DayTask): Promise<DayResult> {
    if (this.workers.length === 0) return Promise.resolve().then(() => runDay(task));
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.pump();
    });
  }

  all(tasks: DayTask[]): Promise<DayResult[]> {
    return Promise.all(tasks.map((t) => this.run(t)));
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      this.pending.set(id, { resolve: job.resolve, reject: job.reject });
      w.postMessage({ id, task: job.task });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
