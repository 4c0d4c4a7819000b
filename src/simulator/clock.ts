/** Every timer in the simulator goes through one Clock, so a virtual clock can run a day in seconds. */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  readonly kind: 'real' | 'virtual';
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Virtual clock only: run every timer due within the next `ms` milliseconds, in time order. */
  advance(ms: number): Promise<void>;
  /** Number of pending timers (leak checks). */
  pending(): number;
  dispose(): void;
}

export class RealClock implements Clock {
  readonly kind = 'real' as const;
  private readonly timers = new Set<NodeJS.Timeout>();
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    this.timers.add(t);
    return {
      cancel: () => {
        clearTimeout(t);
        this.timers.delete(t);
      },
    };
  }
  advance(): Promise<void> {
    return Promise.reject(new Error('advance() needs the virtual clock (SIM_CLOCK=virtual)'));
  }
  pending(): number {
    return this.timers.size;
  }
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

interface VTimer {
  at: number;
  seq: number;
  fn: () => void;
  live: boolean;
}

/** Discrete-event clock: time only moves in advance(); timers fire in (time, creation) order. */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private t: number;
  private seq = 0;
  private heap: VTimer[] = [];
  private live = 0;

  constructor(start = Date.UTC(2026, 10, 23, 12, 0, 0)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: VTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, live: true };
    this.push(timer);
    this.live++;
    return {
      cancel: () => {
        if (timer.live) {
          timer.live = false;
          this.live--;
        }
      },
    };
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + Math.max(0, ms);
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > end) break;
      this.pop();
      if (!top.live) continue;
      top.live = false;
      this.live--;
      this.t = Math.max(this.t, top.at);
      top.fn();
      // Let I/O callbacks queued by the timer (socket writes, awaiting handlers) run in order.
      await new Promise<void>((r) => setImmediate(r));
    }
    this.t = end;
  }
  pending(): number {
    return this.live;
  }
  dispose(): void {
    this.heap = [];
    this.live = 0;
  }

  private less(a: VTimer, b: VTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  private push(x: VTimer): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

/** Asterisk's timestamp format: 2026-11-23T12:00:00.000+0000 */
export function astTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
