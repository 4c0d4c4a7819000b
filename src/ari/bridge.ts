import { isGone } from './errors.js';
import type { AriBridge } from './model.js';
import type { Bridge, Call } from './port.js';
import type { AriRest } from './rest.js';

/** A bridge this engine created; the connection keeps it current from bridge events. */
export class AriBridgeHandle implements Bridge {
  private gone = false;

  constructor(
    private readonly rest: AriRest,
    public bridge: AriBridge,
    private readonly onDestroyed: (id: string) => void,
  ) {}

  get id(): string {
    return this.bridge.id;
  }
  get destroyed(): boolean {
    return this.gone;
  }

  /** Called when Asterisk reports (or re-sync finds) the bridge gone. */
  markDestroyed(): void {
    if (this.gone) return;
    this.gone = true;
    this.onDestroyed(this.bridge.id);
  }

  async addChannel(
    call: Call | string,
    options: { role?: string; mute?: boolean; absorbDTMF?: boolean } = {},
  ): Promise<void> {
    const channel = typeof call === 'string' ? call : call.channelId;
    await this.rest.call('bridges', 'addChannel', { bridgeId: this.id, channel, ...options });
  }

  async removeChannel(call: Call | string): Promise<void> {
    const channel = typeof call === 'string' ? call : call.channelId;
    try {
      await this.rest.call('bridges', 'removeChannel', { bridgeId: this.id, channel });
    } catch (err) {
      // The channel hung up (and so left the bridge) first: the outcome wanted is already there.
      if (!isGone(err)) throw err;
    }
  }

  async startMoh(mohClass?: string): Promise<void> {
    await this.rest.call('bridges', 'startMoh', { bridgeId: this.id, ...(mohClass ? { mohClass } : {}) });
  }

  async stopMoh(): Promise<void> {
    await this.rest.call('bridges', 'stopMoh', { bridgeId: this.id });
  }

  async destroy(): Promise<void> {
    if (this.gone) return;
    try {
      await this.rest.call('bridges', 'destroy', { bridgeId: this.id });
    } catch (err) {
      if (!isGone(err)) throw err;
    }
    this.markDestroyed();
  }
}
