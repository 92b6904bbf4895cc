import type { Clock } from '@triporteur/firmware-bridge';
import type { SerialDeviceConfig } from '../../devices/drivers.js';
import { classify, decodeAll, type Verdict, withoutEchoes } from './classify.js';
import { type Heard, listen, type OpenSerial } from './listen.js';
import { classifyOpenFailure, type OpenFailure } from './open-error.js';
import { type Message, type ProbeProfile, profileOf } from './profiles.js';

/** Everything one device's probe can end in; the answering and GPS-fix checks both read it. */
export type ProbeOutcome =
  | { kind: 'missing' }
  | { kind: 'busy'; why: Exclude<OpenFailure, 'missing'>; message: string }
  | { kind: 'answered'; detail: string; messages: Message[] }
  | { kind: 'echo'; bytes: number }
  /** Nothing decodes at the configured speed, and this one does. */
  | { kind: 'wrong-baud'; baudRate: number; detail: string; messages: Message[] }
  | { kind: 'garbled'; bytes: number; tried: number[] }
  | { kind: 'silent'; tried: number[] };

export interface ProbeDeps {
  open: OpenSerial;
  clock: Clock;
}

class OpenFailed extends Error {
  constructor(readonly outcome: Extract<ProbeOutcome, { kind: 'missing' | 'busy' }>) {
    super(outcome.kind);
  }
}

/**
 * Asks one device at its configured speed. When nothing decodes there, tries the usual other speeds:
 * after garbage always (the bytes were at another speed), after silence only for polled devices (a
 * request at the wrong speed is garbage to the device, so it never answered).
 */
export async function probeDevice(config: SerialDeviceConfig, deps: ProbeDeps): Promise<ProbeOutcome> {
  const profile = profileOf(config);
  try {
    const first = await listenOnce(profile, deps, config.path, config.baudRate, profile.windowMs, true);
    switch (first.kind) {
      case 'answered':
        return { kind: 'answered', detail: first.detail, messages: first.messages };
      case 'echo':
        return first;
      case 'garbage':
      case 'silent': {
        const scanAfterSilence = profile.request !== undefined && profile.requestWhileScanning;
        if (first.kind === 'silent' && !scanAfterSilence) return { kind: 'silent', tried: [config.baudRate] };
        const found = await scan(profile, deps, config.path);
        if (found !== undefined) return found;
        const tried = [config.baudRate, ...profile.scanBauds];
        return first.kind === 'garbage' ? { kind: 'garbled', bytes: first.bytes, tried } : { kind: 'silent', tried };
      }
    }
  } catch (err) {
    if (err instanceof OpenFailed) return err.outcome;
    throw err;
  }
}

async function scan(
  profile: ProbeProfile,
  deps: ProbeDeps,
  path: string,
): Promise<Extract<ProbeOutcome, { kind: 'wrong-baud' }> | undefined> {
  for (const baudRate of profile.scanBauds) {
    const verdict = await listenOnce(profile, deps, path, baudRate, profile.scanWindowMs, profile.requestWhileScanning);
    if (verdict.kind === 'answered') {
      return { kind: 'wrong-baud', baudRate, detail: verdict.detail, messages: verdict.messages };
    }
  }
  return undefined;
}

async function listenOnce(
  profile: ProbeProfile,
  deps: ProbeDeps,
  path: string,
  baudRate: number,
  windowMs: number,
  withRequest: boolean,
): Promise<Verdict> {
  const request = withRequest ? profile.request : undefined;
  const sent = request === undefined ? [] : [request];
  let heard: Heard;
  try {
    heard = await listen(deps.open, deps.clock, {
      path,
      baudRate,
      request,
      // Twice within the window at the configured speed (the driver's retry), once per scanned speed.
      repeatAfterMs: windowMs === profile.windowMs ? profile.repeatAfterMs : windowMs / 2,
      windowMs,
      enough: (received) => profile.enough(decodeAll(profile, withoutEchoes(received, sent).rest).messages),
    });
  } catch (err) {
    const why = classifyOpenFailure(err);
    throw new OpenFailed(
      why === 'missing'
        ? { kind: 'missing' }
        : { kind: 'busy', why, message: err instanceof Error ? err.message : String(err) },
    );
  }
  if (heard.lost && heard.received.length === 0) throw new OpenFailed({ kind: 'missing' });
  return classify(profile, heard.received, heard.sent);
}
