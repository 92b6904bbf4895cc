import type { Clock, TimerHandle } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import { isWifiError, WifiErrorCode } from './errors.js';
import type { DepotNetwork, WifiControl } from './wifi-control.js';

/**
 * - `away`: not parked at the depot; traffic goes through the 4G router (its default route).
 * - `joining`: parked; joining the depot network.
 * - `depot`: joined; syncs go through the depot network (its route metric beats the router's).
 * - `fallback`: parked, but the join failed or the link dropped; back on the 4G router until the retry.
 * - `leaving`: no longer parked; leaving the depot network.
 */
export type DepotState = 'away' | 'joining' | 'depot' | 'fallback' | 'leaving';

export type Uplink = 'depot-wifi' | '4g-router';

/**
 * Lends the radio to the depot link. With one radio (the Pi's own), hostapd holds wlan0 as the hotspot:
 * `release` stops it and lets NetworkManager manage the interface, `reclaim` does the reverse. Leave it
 * out when the depot link has a radio of its own (a second adapter).
 */
export interface RadioHandover {
  release(): Promise<void>;
  reclaim(): Promise<void>;
}

export interface DepotLinkOptions {
  wifi: WifiControl;
  network: DepotNetwork;
  /** The app's "parked at base" (e.g. DepotArea.parked). */
  atDepot: (now: number) => boolean;
  clock: Clock;
  logger: Logger;
  radio?: RadioHandover;
  /** How often the link is reconsidered, ms. */
  checkIntervalMs?: number;
  /** After a failed join or a dropped link, wait this long before joining again, ms. */
  retryMs?: number;
}

export interface DepotTransition {
  at: number;
  from: DepotState;
  to: DepotState;
  reason: string;
}

/**
 * The depot network as a small state machine. Every change is logged at info with its reason, never
 * with the PSK (nor the SSID, which says where the depot is). One step runs at a time.
 */
export class DepotLink {
  private current: DepotState = 'away';
  private retryAt = 0;
  private timer: TimerHandle | undefined;
  private running: Promise<DepotState> | undefined;
  private stopped = true;
  readonly transitions: DepotTransition[] = [];

  constructor(private readonly options: DepotLinkOptions) {}

  get state(): DepotState {
    return this.current;
  }

  /** Where the unit's traffic goes now. */
  uplink(): Uplink {
    return this.current === 'depot' ? 'depot-wifi' : '4g-router';
  }

  /** Evaluates the link once; concurrent calls share the step in progress. */
  step(): Promise<DepotState> {
    this.running ??= this.evaluate().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops checking and, if joined, leaves the depot network and gives the radio back to the hotspot. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.current === 'depot') await this.disconnect('stopped', 'away');
    else this.move('away', 'stopped');
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.step().finally(() => this.schedule(this.options.checkIntervalMs ?? 30_000));
    }, ms);
  }

  private async evaluate(): Promise<DepotState> {
    const now = this.options.clock.now();
    const parked = this.options.atDepot(now);
    switch (this.current) {
      case 'away':
        if (parked) await this.connect('parked at the depot');
        break;
      case 'fallback':
        if (!parked) this.move('away', 'left the depot');
        else if (now >= this.retryAt) await this.connect('retrying the depot network');
        break;
      case 'depot':
        if (!parked) await this.disconnect('left the depot', 'away');
        else if (!(await this.stillJoined())) await this.disconnect('depot link lost', 'fallback');
        break;
      default:
        // joining and leaving only exist inside connect/disconnect, which a step awaits.
        break;
    }
    return this.current;
  }

  private async connect(reason: string): Promise<void> {
    this.move('joining', reason);
    try {
      await this.options.radio?.release();
      await this.options.wifi.join(this.options.network);
      this.move('depot', 'joined the depot network');
    } catch (err) {
      await this.disconnect(`join failed (${codeOf(err)})`, 'fallback');
    }
  }

  /** Leaves the network (best effort: a failed leave must not keep the hotspot down) and gives the radio back. */
  private async disconnect(reason: string, to: 'away' | 'fallback'): Promise<void> {
    if (this.current === 'depot') this.move('leaving', reason);
    try {
      await this.options.wifi.leave();
    } catch (err) {
      this.options.logger.warn({ event: 'depot-leave-failed', code: codeOf(err) }, 'could not leave the depot network');
    }
    try {
      await this.options.radio?.reclaim();
    } catch (err) {
      this.options.logger.warn({ event: 'radio-reclaim-failed', code: codeOf(err) }, 'could not give the radio back');
    }
    if (to === 'fallback') this.retryAt = this.options.clock.now() + (this.options.retryMs ?? 5 * 60_000);
    this.move(to, reason);
  }

  private async stillJoined(): Promise<boolean> {
    try {
      return await this.options.wifi.joined();
    } catch (err) {
      this.options.logger.warn({ event: 'depot-check-failed', code: codeOf(err) }, 'cannot read the depot link');
      return false;
    }
  }

  private move(to: DepotState, reason: string): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    const at = this.options.clock.now();
    this.transitions.push({ at, from, to, reason });
    this.options.logger.info({ event: 'depot-link', from, to, reason, uplink: this.uplink() }, `depot link ${to}`);
  }
}

function codeOf(err: unknown): string {
  return isWifiError(err) ? err.code : WifiErrorCode.COMMAND_FAILED;
}
