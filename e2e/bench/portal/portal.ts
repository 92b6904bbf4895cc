import type { Harness } from '../../support/netns/index.js';
import type { Pinning } from './pinning.js';
import type { Sheet } from './sheet.js';

export type PortalKey = 'ours' | 'opennds' | 'floor';

/** One client's way from its lease to its last tap: how many taps, and how long each step took. */
export interface AcceptTrace {
  taps: number;
  /** The first probe run (captive), opening the login sheet, the tap(s), in ms. */
  probeMs: number;
  sheetMs: number;
  tapMs: number;
  /** Of tapMs, the time from sending to the last byte of the answer(s): the portal's share. */
  tapServerMs: number;
}

/** Times the steps of an acceptance: call `mark()` at the end of the probe, of the sheet, of the taps. */
export function stepTimer(): { mark(): void; trace(taps: number, tapServerMs: number): AcceptTrace } {
  const marks = [performance.now()];
  return {
    mark: () => marks.push(performance.now()),
    trace: (taps, tapServerMs) => {
      const [start = 0, probe = 0, sheet = 0, tapped = 0] = marks;
      return { taps, probeMs: probe - start, sheetMs: sheet - probe, tapMs: tapped - sheet, tapServerMs };
    },
  };
}

/** A portal running in a harness's AP namespace, ready for clients. */
export interface StartedPortal {
  /** Between the lease and the first online probe, through the phone's sheet (the floor: nothing). */
  accept?: (sheet: Sheet) => Promise<AcceptTrace>;
  /** The status every captive probe gets; anything else in the flood is a refusal or an error. */
  captiveStatus?: number;
  /** What ran, for the results file. */
  version: string;
}

export interface PortalUnderTest {
  key: PortalKey;
  label: string;
  /** Starts the portal side in `harness.ap` (everything there pinned to the portal CPU when pinned). */
  start(harness: Harness, pinning: Pinning | undefined): Promise<StartedPortal>;
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
