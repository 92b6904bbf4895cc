import { type Clock, systemClock, type TimerHandle } from '../clock.js';

/** One step of a scenario: at `atMs` after the start, do `apply` (change a simulator's knobs). */
export interface ScenarioStep {
  atMs: number;
  label: string;
  apply(): void | Promise<void>;
}

export interface RunningScenario {
  /** Labels of the steps applied so far, in order. */
  readonly applied: readonly string[];
  /** Resolves when the last step has been applied. */
  readonly done: Promise<void>;
  cancel(): void;
}

/**
 * Plays a timeline of changes on the injected clock, so the same "ride, park, sleep" story drives a
 * demo in real time, a bench in fast-forward, or a test on a manual clock.
 */
export function runScenario(steps: readonly ScenarioStep[], clock: Clock = systemClock): RunningScenario {
  const ordered = [...steps].sort((a, b) => a.atMs - b.atMs);
  const applied: string[] = [];
  const timers: TimerHandle[] = [];
  let cancelled = false;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const start = clock.now();
  let remaining = ordered.length;
  if (remaining === 0) finish();
  for (const step of ordered) {
    timers.push(
      clock.setTimeout(
        () => {
          if (cancelled) return;
          void Promise.resolve(step.apply()).then(() => {
            applied.push(step.label);
            if (--remaining === 0) finish();
          });
        },
        Math.max(0, step.atMs - (clock.now() - start)),
      ),
    );
  }
  return {
    applied,
    done,
    cancel() {
      cancelled = true;
      for (const timer of timers) clock.clearTimeout(timer);
      finish();
    },
  };
}
