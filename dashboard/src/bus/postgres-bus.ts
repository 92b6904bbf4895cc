import pg from 'pg';
import type { Logger } from 'pino';
import { DashboardError, DashboardErrorCode } from '../errors.js';
import type { SqlDb } from '../store/sql/types.js';
import { type FleetBus, type LeadershipListener, Listeners, type SignalListener } from './bus.js';
import { type FleetSignal, parseSignal } from './signals.js';

export const BUS_CHANNEL = 'triporteur_fleet';
/** The advisory lock whose holder runs the fleet model: any fixed 64-bit number unique to this use. */
export const LEADER_LOCK_KEY = 0x7472_6970_6f72; // "tripor"

export interface PostgresBusOptions {
  url: string;
  /** Where `publish` sends its NOTIFY: the store's pool, so no extra connection per write. */
  db: SqlDb;
  logger: Logger;
  /** How often a follower tries to take the lead, and how soon a lost connection is opened again. Default 5 s. */
  retryMs?: number;
}

/**
 * The bus between dashboard processes on one PostgreSQL: NOTIFY on `triporteur_fleet` (delivered to every
 * listening session, in commit order), and the lead held as a session advisory lock on the same listening
 * connection. When a leader dies its connection closes, PostgreSQL frees the lock, and a follower takes it
 * within `retryMs`. Signals sent while a process's listening connection is down do not reach it.
 */
export class PostgresBus implements FleetBus {
  private readonly listeners = new Listeners<FleetSignal>();
  private readonly leadership = new Listeners<boolean>();
  private readonly log: Logger;
  private readonly retryMs: number;
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private lead = false;
  /** A retry still running when the timer fires again (a slow connect) is not started twice. */
  private retrying = false;

  private constructor(private readonly options: PostgresBusOptions) {
    this.log = options.logger.child({ module: 'bus' });
    this.retryMs = options.retryMs ?? 5000;
  }

  /** Opens the listening connection and tries for the lead once; fails with DSH_BUS_CONNECT. */
  static async start(options: PostgresBusOptions): Promise<PostgresBus> {
    const bus = new PostgresBus(options);
    try {
      await bus.connect();
    } catch (err) {
      throw new DashboardError(
        DashboardErrorCode.BUS_CONNECT,
        `cannot LISTEN on PostgreSQL for the other dashboard processes: ${(err as Error).message}`,
        { cause: err },
      );
    }
    bus.timer = setInterval(() => void bus.retry(), bus.retryMs);
    bus.timer.unref();
    return bus;
  }

  get leading(): boolean {
    return this.lead;
  }

  async publish(signal: FleetSignal): Promise<void> {
    await this.options.db.get('SELECT pg_notify($1, $2)', [BUS_CHANNEL, JSON.stringify(signal)]);
  }

  subscribe(listener: SignalListener): () => void {
    return this.listeners.add(listener);
  }

  onLeadership(listener: LeadershipListener): () => void {
    listener(this.lead);
    return this.leadership.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const client = this.client;
    this.client = undefined;
    this.setLead(false);
    this.listeners.clear();
    this.leadership.clear();
    // Ending the session frees the advisory lock at once, so a follower takes over within retryMs.
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url });
    client.on('notification', (message) => {
      if (message.channel !== BUS_CHANNEL || message.payload === undefined) return;
      const signal = parseSignal(message.payload);
      if (!signal) {
        this.log.warn({ bytes: message.payload.length }, 'ignored a notification that is not a fleet signal');
        return;
      }
      this.listeners.emit(signal, (err) => this.log.error({ err, kind: signal.kind }, 'bus listener failed'));
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    try {
      await client.query(`LISTEN ${BUS_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    await this.tryLead();
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    this.log.warn({ err: err.message }, 'lost the bus connection; the lead is released and retried');
    this.setLead(false);
    client.end().catch(() => undefined);
  }

  private async retry(): Promise<void> {
    if (this.closed || this.retrying) return;
    this.retrying = true;
    try {
      if (!this.client) await this.connect();
      else if (!this.lead) await this.tryLead();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'bus connection failed; retrying');
    } finally {
      this.retrying = false;
    }
  }

  private async tryLead(): Promise<void> {
    const client = this.client;
    if (!client || this.lead) return;
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      LEADER_LOCK_KEY,
    ]);
    if (this.client === client && rows[0]?.locked === true) this.setLead(true);
  }

  private setLead(leading: boolean): void {
    if (this.lead === leading) return;
    this.lead = leading;
    this.log.info({ leading }, leading ? 'this process now runs the fleet model' : 'this process follows');
    this.leadership.emit(leading, (err) => this.log.error({ err }, 'leadership listener failed'));
  }
}
