import { Value } from '@sinclair/typebox/value';
import type { Logger } from 'pino';
import type { EventKind, EventPayload } from '../contract/events.js';
import { EventPayloadSchema } from '../contract/events.js';
import { EdgeError, EdgeErrorCode, isEdgeError } from '../errors.js';
import { Outbox } from '../uplink/outbox.js';

export type EventSeverity = EventPayload['severity'];
export type EventData = NonNullable<EventPayload['data']>;

export interface RaisedEvent {
  kind: EventKind;
  /** True when the condition starts, false when it ends. */
  active: boolean;
  severity: EventSeverity;
  data?: EventData;
  /** Conditions of one kind that come and go apart (one per cell, say); the kind by default. */
  key?: string;
}

export interface UnitEventsOptions {
  bootId: string;
  /** The journal's SQLite file: events wait there, across power cuts, until the broker acknowledges them. */
  path: string;
  clock: { now(): number };
  logger: Logger;
  /** The broker connection is up: sending is worth trying. */
  online: () => boolean;
  /** Publishes one event payload on the unit's events topic; resolves on the broker's PUBACK. */
  publish: (payload: string) => Promise<void>;
}

/** Events are rare: a month in a dead zone is a few hundred at most. Info ones go first past the bound. */
const JOURNAL_BOUNDS = { maxRows: 5000, maxAgeMs: 30 * 86_400_000 } as const;
const SEND_CHUNK = 20;

/**
 * The unit's `…/events` channel: alarms and state changes sent at once, not with the next telemetry batch.
 * Each condition is latched, so only its start and its end become events however often it is reported.
 * An event is journaled (synchronous, fsynced) before it is sent and leaves the journal on the broker's
 * PUBACK, like a telemetry record: an outage or a power cut delays it, never loses it.
 */
export class UnitEvents {
  private journal: Outbox | undefined;
  private nextSeq = 0;
  private readonly latched = new Map<string, boolean>();
  private sending: Promise<void> | undefined;
  private again = false;
  /** Between open() and close(): a journal that failed to open is tried again. */
  private opened = false;

  constructor(private readonly options: UnitEventsOptions) {}

  /**
   * Opens the journal. One that cannot open (a full disk at start) is logged and tried again at the next
   * event: the telemetry must not stop for the events' sake. Events raised before this are refused.
   */
  open(): void {
    this.opened = true;
    this.tryOpen();
  }

  private tryOpen(): void {
    const { bootId, path, clock, logger } = this.options;
    try {
      this.journal = new Outbox(path, { ...JOURNAL_BOUNDS, clock, logger: logger.child({ module: 'event-journal' }) });
      this.nextSeq = (this.journal.lastSeq(bootId) ?? -1) + 1;
    } catch (err) {
      logger.error(
        { code: isEdgeError(err) ? err.code : EdgeErrorCode.OUTBOX_OPEN, path, failure: (err as Error).message },
        'events journal unavailable; tried again at the next event',
      );
    }
  }

  /** Held in the journal, not yet acknowledged. */
  get pending(): number {
    return this.journal?.stats().depth ?? 0;
  }

  /**
   * Records the condition's change and starts sending it. False when nothing changed (the condition was
   * already in that state) or the journal is closed or full: the latter is logged with the event itself.
   */
  raise(event: RaisedEvent): boolean {
    const key = event.key ?? event.kind;
    if ((this.latched.get(key) ?? false) === event.active) return false;
    if (this.opened && this.journal === undefined) this.tryOpen();
    const journal = this.journal;
    if (journal === undefined) return false;
    const payload: EventPayload = {
      v: 1,
      bootId: this.options.bootId,
      seq: this.nextSeq,
      ts: this.options.clock.now(),
      kind: event.kind,
      active: event.active,
      severity: event.severity,
      ...(event.data === undefined ? {} : { data: event.data }),
    };
    // Our own code builds these: a payload the contract refuses is a bug, loud rather than sent.
    if (!Value.Check(EventPayloadSchema, payload)) {
      throw new EdgeError(EdgeErrorCode.EVENT_INVALID, `event ${event.kind} does not match the events contract`);
    }
    try {
      journal.append([
        {
          bootId: payload.bootId,
          seq: payload.seq,
          ts: payload.ts,
          alarm: event.severity !== 'info',
          payload: JSON.stringify(payload),
        },
      ]);
    } catch (err) {
      this.options.logger.error(
        { code: isEdgeError(err) ? err.code : EdgeErrorCode.OUTBOX_IO, lostEvent: payload },
        'event not journaled',
      );
      return false;
    }
    this.nextSeq += 1;
    this.latched.set(key, event.active);
    this.options.logger.info(
      { event: 'unit-event', kind: event.kind, active: event.active, data: event.data },
      `event ${event.kind}`,
    );
    void this.flush();
    return true;
  }

  /** Sends what waits, oldest first; one pass at a time, and a pass asked for meanwhile runs after it. */
  flush(): Promise<void> {
    if (this.sending) {
      this.again = true;
      return this.sending;
    }
    this.sending = this.drain().finally(() => {
      this.sending = undefined;
      if (this.again) {
        this.again = false;
        void this.flush();
      }
    });
    return this.sending;
  }

  close(): void {
    this.opened = false;
    this.journal?.close();
    this.journal = undefined;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const journal = this.journal;
      if (journal === undefined || !this.options.online()) return;
      const batch = journal.peek(SEND_CHUNK);
      if (batch.length === 0) return;
      for (const entry of batch) {
        try {
          await this.options.publish(entry.payload);
        } catch (err) {
          // The next connect or the next event tries again.
          this.options.logger.warn(
            { code: isEdgeError(err) ? err.code : EdgeErrorCode.MQTT_PUBLISH },
            'event not sent yet',
          );
          return;
        }
        if (this.journal !== journal) return;
        journal.ack([entry.id]);
      }
    }
  }
}
