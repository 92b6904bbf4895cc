import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Alert } from '../alerts/alert-store.js';
import type { FleetStore } from '../store/types.js';
import { liveUnit } from './live-unit.js';

export interface ChangeSource {
  onChange(listener: (unitId: string) => void): () => void;
  /** Called with an alert's id each time it is raised, merged, escalated, cleared or acknowledged. */
  onAlert?(listener: (alertId: number) => void): () => void;
}

/** Where the hub reads the alerts it pushes (alerts/alert-store.ts). */
export interface AlertReader {
  get(id: number): Promise<Alert | undefined>;
  listOpen(): Promise<Alert[]>;
}

interface LiveClient {
  readonly res: ServerResponse;
  /** Events held back until the snapshot is written, so the page never goes back in time. */
  pending: string[] | undefined;
}

/** A client this far behind is not reading; dropping it beats buffering without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
export const MAX_LIVE_CLIENTS = 200;

/**
 * Server-Sent Events for the live page: a `snapshot` of every unit (live-unit.ts: summary, place, Wi-Fi
 * users; and the open alerts) when a client connects, then a `unit` event each time one changes and an `alert` event each time an alert does.
 * EventSource reconnects by itself and gets a new snapshot.
 */
export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly unsubscribe: (() => void)[];
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly store: FleetStore,
    source: ChangeSource,
    private readonly log: Logger,
    private readonly alerts?: AlertReader,
    heartbeatMs = 25_000,
  ) {
    this.unsubscribe = [
      source.onChange((unitId) => {
        this.publishUnit(unitId).catch((err: unknown) => this.log.error({ err, unitId }, 'live update failed'));
      }),
    ];
    if (alerts && source.onAlert) {
      const publish = (alertId: number) =>
        this.publishAlert(alertId).catch((err: unknown) => this.log.error({ err, alertId }, 'live alert failed'));
      this.unsubscribe.push(source.onAlert(publish));
    }
    // Proxies and tablets drop idle connections; a comment line every so often keeps the stream open.
    this.heartbeat = setInterval(() => this.broadcast(': ping\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  get full(): boolean {
    return this.clients.size >= MAX_LIVE_CLIENTS;
  }

  /** Takes over a response whose headers were already written. */
  async attach(res: ServerResponse): Promise<void> {
    const client: LiveClient = { res, pending: [] };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    this.write(client, 'retry: 5000\n\n');
    try {
      const units = await Promise.all((await this.store.listUnits()).map((unit) => liveUnit(this.store, unit)));
      const alerts = this.alerts ? { alerts: await this.alerts.listOpen() } : {};
      this.write(client, `event: snapshot\ndata: ${JSON.stringify({ units, ...alerts })}\n\n`);
    } catch (err) {
      this.log.error({ err }, 'live snapshot failed');
      res.destroy();
      return;
    }
    const held = client.pending ?? [];
    client.pending = undefined;
    for (const chunk of held) this.write(client, chunk);
  }

  private async publishUnit(unitId: string): Promise<void> {
    if (this.clients.size === 0) return;
    const unit = await this.store.getUnit(unitId);
    if (unit) this.broadcast(`event: unit\ndata: ${JSON.stringify(await liveUnit(this.store, unit))}\n\n`);
  }

  private async publishAlert(alertId: number): Promise<void> {
    if (this.clients.size === 0 || !this.alerts) return;
    const alert = await this.alerts.get(alertId);
    if (alert) this.broadcast(`event: alert\ndata: ${JSON.stringify(alert)}\n\n`);
  }

  private broadcast(chunk: string): void {
    for (const client of this.clients) {
      if (client.pending) client.pending.push(chunk);
      else this.write(client, chunk);
    }
  }

  private write(client: LiveClient, chunk: string): void {
    const { res } = client;
    if (res.destroyed || res.writableEnded) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      this.log.warn('live client not reading; dropping it');
      this.clients.delete(client);
      res.destroy();
      return;
    }
    res.write(chunk);
  }

  /** Ends every stream, so the HTTP server can close without waiting on them. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const stop of this.unsubscribe) stop();
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }
}
