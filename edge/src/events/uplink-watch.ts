import type { UplinkStatus } from '../uplink/session.js';
import type { RaisedEvent } from './unit-events.js';

/** What the modem said last, if a modem is read (edge/src/modem). */
export interface ModemView {
  registered?: boolean;
  signalPct?: number;
}

export type UplinkDownCause = 'modem-unregistered' | 'no-signal' | 'broker-unreachable';

/**
 * Turns the broker connection's ups and downs into `uplink-down` events. A drop shorter than `downAfterMs`
 * (a tunnel, a cell handover) is not one; past it, the event says what the modem knew, and the end says how
 * long it lasted. Both reach the dashboard once the link is back, journaled with their own times.
 */
export class UplinkWatch {
  private downSince: number | undefined;
  private reported = false;

  constructor(
    private readonly downAfterMs: number,
    private readonly raise: (event: RaisedEvent) => boolean,
  ) {}

  observe(now: number, status: UplinkStatus, modem: ModemView = {}): void {
    if (status === 'online') {
      if (this.reported && this.downSince !== undefined) {
        this.raise({
          kind: 'uplink-down',
          active: false,
          // The end keeps the start's severity: the unit page lists the two side by side.
          severity: 'warning',
          data: { downS: Math.max(0, Math.round((now - this.downSince) / 1000)) },
        });
      }
      this.downSince = undefined;
      this.reported = false;
      return;
    }
    // Stopped is our own doing; refused credentials are their own fatal error.
    if (status !== 'offline' && status !== 'connecting') return;
    this.downSince ??= now;
    if (this.reported || now - this.downSince < this.downAfterMs) return;
    this.reported = this.raise({
      kind: 'uplink-down',
      active: true,
      severity: 'warning',
      data: {
        cause: causeOf(modem),
        sinceTs: this.downSince,
        ...(modem.signalPct === undefined ? {} : { signalPct: modem.signalPct }),
      },
    });
  }
}

function causeOf(modem: ModemView): UplinkDownCause {
  if (modem.registered === false) return 'modem-unregistered';
  if (modem.signalPct === 0) return 'no-signal';
  return 'broker-unreachable';
}
