/** A binary min-heap of timed events; ties leave in insertion order so runs are deterministic. */
export interface TimedEvent {
  at: number;
  seq: number;
  type: number;
  id: number;
}

export class EventHeap {
  private readonly items: TimedEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(at: number, type: number, id: number): void {
    const e = { at, seq: this.seq++, type, id };
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, a[p]!)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = e;
  }

  peek(): TimedEvent | undefined {
    return this.items[0];
  }

  pop(): TimedEvent | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && before(a[r]!, a[l]!) ? r : l;
        if (!before(a[c]!, last)) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

const before = (x: TimedEvent, y: TimedEvent) => x.at < y.at || (x.at === y.at && x.seq < y.seq);
