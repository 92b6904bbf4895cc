import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { PrivacyConfig } from './config.js';
import { WorkingHours } from './working-hours.js';

/** Logged when the saved pause cannot be read or written; the unit then keeps location paused. */
export const PRIVACY_STATE_ERROR = 'EDG_PRIVACY_STATE';

export type PauseSource = 'button' | 'dashboard';

export interface LocationPrivacyState {
  /** Positions are withheld now: the mediator paused, or it is outside the working hours. */
  paused: boolean;
  /** The mediator's own pause, from the button or the dashboard; it survives a reboot. */
  manual: boolean;
  /** Who set the manual pause last (null: never since the unit was installed). */
  by: PauseSource | null;
  /** Unit clock, ms; null with `by`. */
  changedAt: number | null;
  /** Outside the configured working hours; always false without a schedule. */
  outsideHours: boolean;
}

interface Saved {
  manual: boolean;
  by: PauseSource | null;
  changedAt: number | null;
}

export interface LocationPrivacyOptions {
  config: PrivacyConfig;
  /** The save file (config.statePath, or the app's default beside the outbox). */
  statePath: string;
  now: () => number;
  logger: Logger;
  /** How the aux board's button works (aux.pauseMode): each press flips the pause, or a switch holds it. */
  buttonMode: 'toggle' | 'level';
}

/**
 * Whether the unit may send positions (CNIL délibération 2015-165): the mediator pauses with the
 * handlebar button or from the dashboard, whichever came last, and outside the working hours the
 * positions stop by themselves. The manual pause is saved so a reboot never resumes tracking behind
 * the mediator's back; a save file that cannot be read starts the unit paused, for the same reason.
 */
export class LocationPrivacy {
  private readonly hours: WorkingHours | undefined;
  private saved: Saved = { manual: false, by: null, changedAt: null };
  private readonly listeners = new Set<(state: LocationPrivacyState) => void>();

  constructor(private readonly options: LocationPrivacyOptions) {
    const { workingHours, timeZone } = options.config;
    this.hours = workingHours ? new WorkingHours(workingHours, timeZone) : undefined;
  }

  /** Reads the saved pause; a missing file means "never paused", an unreadable one "paused". */
  load(): void {
    const path = this.options.statePath;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.unreadable(path, err);
      return;
    }
    try {
      this.saved = parseSaved(JSON.parse(text));
    } catch (err) {
      this.unreadable(path, err);
    }
  }

  /** A press or release of the aux board's button; `pauseLocation` is the board's own flag after it. */
  button(event: { pressed: boolean; pauseLocation: boolean }): void {
    if (this.options.buttonMode === 'level') this.set(event.pauseLocation, 'button');
    // Toggle mode flips what the unit holds, not the board's flag: the dashboard may have changed it since.
    else if (event.pressed) this.set(!this.saved.manual, 'button');
  }

  /** The dashboard's toggle (the location-pause command). */
  setFromDashboard(paused: boolean): LocationPrivacyState {
    this.set(paused, 'dashboard');
    return this.state();
  }

  state(): LocationPrivacyState {
    const outsideHours = this.hours ? !this.hours.contains(this.options.now()) : false;
    return { ...this.saved, outsideHours, paused: this.saved.manual || outsideHours };
  }

  paused(): boolean {
    return this.state().paused;
  }

  onChange(listener: (state: LocationPrivacyState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(manual: boolean, by: PauseSource): void {
    this.saved = { manual, by, changedAt: this.options.now() };
    this.save();
    const state = this.state();
    this.options.logger.info(
      { event: 'location-pause', manual, by, paused: state.paused, outsideHours: state.outsideHours },
      manual ? 'location paused by the mediator' : 'location resumed by the mediator',
    );
    for (const listener of this.listeners) listener(state);
  }

  /** Written whole to a temporary file, then renamed: a power cut leaves the old state or the new one. */
  private save(): void {
    const path = this.options.statePath;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, `${JSON.stringify(this.saved)}\n`, { mode: 0o600, flush: true });
      renameSync(`${path}.tmp`, path);
    } catch (err) {
      this.options.logger.warn(
        { err, code: PRIVACY_STATE_ERROR, path },
        'location pause not saved; it holds until the next restart',
      );
    }
  }

  private unreadable(path: string, err: unknown): void {
    this.saved = { manual: true, by: null, changedAt: null };
    this.options.logger.warn(
      { err, code: PRIVACY_STATE_ERROR, path },
      'saved location pause unreadable: location stays paused until the mediator resumes it',
    );
  }
}

function parseSaved(value: unknown): Saved {
  const v = value as Partial<Saved> | null;
  const by = v?.by;
  const changedAt = v?.changedAt;
  if (
    typeof v?.manual !== 'boolean' ||
    !(by === null || by === 'button' || by === 'dashboard') ||
    !(changedAt === null || Number.isSafeInteger(changedAt))
  ) {
    throw new Error(`not a saved location pause: ${JSON.stringify(value)?.slice(0, 100)}`);
  }
  return { manual: v.manual, by, changedAt: changedAt ?? null };
}
