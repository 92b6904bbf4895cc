import type { AuxSample, FieldQuality } from '@triporteur/firmware-bridge';
import { RECORD_KINDS, type RecordBody, type RecordKind } from '../contract/records.js';
import type { RecordsConfig } from './config.js';
import { type Fields, type FieldValue, haversineM, moved, pastDeadband, quantize, sameValue } from './fields.js';
import { buildRules, type KindRules, LOCATION_FIELDS } from './kinds.js';
import type { DeviceKind, DeviceState, RecordSource } from './sources.js';

const raised = (value: unknown) => (Array.isArray(value) ? value.length > 0 : Boolean(value));

/** What was last sent for one kind: the reference every deadband is measured from. */
interface Sent {
  fields: Fields;
  quality: Record<string, FieldQuality>;
  /** Which fields exist, and array lengths: a change of shape is sent in full. */
  shape: string;
  fullAt: number;
  positionAt: number;
}

interface Snapshot {
  raw: Record<string, unknown>;
  fields: Fields;
  quality: Record<string, FieldQuality>;
  shape: string;
}

export interface Evaluation {
  body: RecordBody;
  /** An alarm field changed (protection flags, motor fault): the batch should go out now. */
  urgent: boolean;
}

export interface RbeOptions {
  /**
   * 'delta' (the contract's way) sends only the fields past their deadband; 'full' resends the whole
   * kind whenever any field is past its deadband. 'full' exists to measure the difference (docs/telemetry.md).
   */
  mode?: 'delta' | 'full';
}

/**
 * Report-by-exception over the latest sample of each kind. The caller feeds samples as they come
 * (`observe`, `linkState`) and calls `evaluate(now)` once per tick (telemetry.sampleIntervalMs); each call
 * returns one record holding the kinds that changed, or undefined. No timers, no I/O.
 */
export class ReportByException {
  private readonly rules: Readonly<Record<RecordKind, KindRules>>;
  private readonly latest = new Map<RecordKind, RecordSource>();
  private readonly links = new Map<DeviceKind, DeviceState>();
  private readonly sent = new Map<RecordKind, Sent>();
  private readonly mode: 'delta' | 'full';
  private wasMoving: boolean | undefined;
  private factor = 1;
  private pausedOverride: boolean | undefined;

  constructor(
    private readonly config: RecordsConfig,
    options: RbeOptions = {},
  ) {
    this.rules = buildRules(config);
    this.mode = options.mode ?? 'delta';
  }

  observe(source: RecordSource): void {
    this.latest.set(source.kind, source);
  }

  /** The driver's link state (connected, asleep, silent…): a change is sent in full. */
  linkState(kind: DeviceKind, state: DeviceState): void {
    this.links.set(kind, state);
  }

  /**
   * Withholds positions whatever the aux sample says: the dashboard's pause and the working hours live
   * in the edge, not on the board. Unset, the aux board's pauseLocation flag decides (tests, tools).
   */
  set locationPaused(paused: boolean) {
    this.pausedOverride = paused;
  }

  /** The data budget's multiplier for deadbands and heartbeats (1 = as configured). State changes ignore it. */
  set stretch(factor: number) {
    this.factor = Math.max(1, factor);
  }

  get stretch(): number {
    return this.factor;
  }

  evaluate(now: number): Evaluation | undefined {
    const body: RecordBody = { ts: Math.round(now) };
    let urgent = false;
    let any = false;
    const moving = this.movingNow();
    const transition = moving !== undefined && this.wasMoving !== undefined && moving !== this.wasMoving;
    if (moving !== undefined) this.wasMoving = moving;
    for (const kind of RECORD_KINDS) {
      const result = this.evaluateKind(kind, now, moving ?? false, transition);
      if (!result) continue;
      (body as Record<string, unknown>)[kind] = result.update;
      urgent ||= result.urgent;
      any = true;
    }
    return any ? { body, urgent } : undefined;
  }

  private evaluateKind(kind: RecordKind, now: number, moving: boolean, transition: boolean) {
    const snap = this.snapshot(kind);
    if (!snap) return undefined;
    const rules = this.rules[kind];
    const sent = this.sent.get(kind);
    const s = this.factor;
    let full =
      !sent ||
      sent.shape !== snap.shape ||
      !sameValue(sent.quality, snap.quality) ||
      now - sent.fullAt >= this.config.heartbeatMs * s ||
      // The Pi has no RTC: when GPS time sets the clock back, resynchronise rather than wait for it.
      now < sent.fullAt;
    // An alarm already raised when the unit starts is news too.
    let urgent =
      !sent && Object.entries(rules).some(([name, r]) => r.type === 'state' && r.alarm && raised(snap.fields[name]));
    const delta: Fields = {};
    if (sent) {
      const positionDue = kind === 'position' && this.positionDue(snap, sent, now, moving, transition);
      for (const [name, rule] of Object.entries(rules)) {
        if (rule.type === 'state') {
          if (sameValue(sent.fields[name], snap.fields[name])) continue;
          full = true;
          urgent ||= rule.alarm === true;
        } else if (
          (rule.type === 'position' && positionDue) ||
          // An inferred field (power = V × A) is computed from fields that are sent: heartbeats suffice.
          (snap.quality[name] !== 'inferred' && moved(rule, snap.raw[name], sent.fields[name], s))
        ) {
          delta[name] = snap.fields[name] as FieldValue;
        }
      }
    }
    const changed = Object.keys(delta).length > 0;
    if (full || (changed && this.mode === 'full')) {
      const { fields, quality, shape } = snap;
      this.sent.set(kind, { fields, quality, shape, fullAt: now, positionAt: now });
      const q = Object.keys(snap.quality).length > 0 ? { q: snap.quality } : {};
      return { update: { ...snap.fields, full: true, ...q }, urgent };
    }
    if (!sent || !changed) return undefined;
    sent.fields = { ...sent.fields, ...delta };
    if ('lat' in delta) sent.positionAt = now;
    return { update: delta, urgent };
  }

  /** 20 m (or 10 s) while moving, parkedDistanceM while parked, and once at each start and stop. */
  private positionDue(snap: Snapshot, sent: Sent, now: number, moving: boolean, transition: boolean): boolean {
    const { lat, lon } = snap.raw;
    const sentLat = sent.fields.lat;
    const sentLon = sent.fields.lon;
    if (typeof lat !== 'number' || typeof lon !== 'number') return false;
    if (typeof sentLat !== 'number' || typeof sentLon !== 'number') return false;
    if (snap.fields.lat === sentLat && snap.fields.lon === sentLon) return false;
    const p = this.config.deadbands.position;
    const s = this.factor;
    const limit = (moving ? p.movingDistanceM : p.parkedDistanceM) * s;
    if (pastDeadband(haversineM(lat, lon, sentLat, sentLon), 0, limit)) return true;
    return transition || (moving && now - sent.positionAt >= p.movingMaxIntervalMs * s);
  }

  /** Moving by GPS speed, or by wheel speed when the GPS gives none; undefined before any speed is known. */
  private movingNow(): boolean | undefined {
    const position = this.latest.get('position');
    const motor = this.latest.get('motor');
    const gps = position?.kind === 'position' && position.fix !== 'none' ? position.speedKmh : undefined;
    const speed = gps ?? (motor?.kind === 'motor' ? motor.speedKmh : undefined);
    return speed === undefined ? undefined : speed >= this.config.deadbands.position.movingKmh;
  }

  private snapshot(kind: RecordKind): Snapshot | undefined {
    const sample = this.latest.get(kind) as (RecordSource & Record<string, unknown>) | undefined;
    if (!sample) return undefined;
    const aux = this.latest.get('aux') as AuxSample | undefined;
    const paused = kind === 'position' && (this.pausedOverride ?? aux?.pauseLocation === true);
    const raw: Record<string, unknown> = {};
    const fields: Fields = {};
    for (const [name, rule] of Object.entries(this.rules[kind])) {
      let value: unknown = sample[name];
      if (name === 'state')
        value = this.links.get(kind as DeviceKind) ?? (kind === 'battery' ? 'connected' : undefined);
      if (name === 'paused') value = paused ? true : undefined;
      if (paused && (LOCATION_FIELDS as readonly string[]).includes(name)) value = undefined;
      const wire = quantize(rule, value);
      if (wire === undefined) continue;
      raw[name] = value;
      fields[name] = wire;
    }
    const quality: Record<string, FieldQuality> = {};
    const sampleQuality = (sample.quality ?? {}) as Record<string, FieldQuality | undefined>;
    for (const name of Object.keys(fields).sort()) {
      const q = sampleQuality[name];
      if (q !== undefined && q !== 'ok') quality[name] = q;
    }
    const shape = Object.entries(fields)
      .map(([name, v]) => (Array.isArray(v) ? `${name}[${v.length}]` : name))
      .join(',');
    return { raw, fields, quality, shape };
  }
}
