import type { ScenarioStep } from '../simulation/scenario.js';
import type { JbdSimulator } from './simulator.js';

/**
 * The stories a JBD pack lives through, as scenario steps for `runScenario`. Times are in clock ms;
 * `unplug` is the caller's (closing the transport or the pty), since the simulator does not own the cable.
 */
export const jbdScenarios = {
  /** Riding: a steady 12 A draw. */
  ride: (sim: JbdSimulator): ScenarioStep[] => [
    {
      atMs: 0,
      label: 'ride',
      apply: () => {
        sim.dischargeA = 12;
      },
    },
  ],

  /** Parked: the draw drops to the Pi's own, then the BMS goes to sleep and stops answering. */
  parkThenSleep: (sim: JbdSimulator, sleepAfterMs: number): ScenarioStep[] => [
    {
      atMs: 0,
      label: 'park',
      apply: () => {
        sim.dischargeA = 0.3;
      },
    },
    {
      atMs: sleepAfterMs,
      label: 'sleep',
      apply: () => {
        sim.asleep = true;
      },
    },
  ],

  /** At the depot: charging at 10 A after waking the BMS. */
  charge: (sim: JbdSimulator): ScenarioStep[] => [
    {
      atMs: 0,
      label: 'charge',
      apply: () => {
        sim.asleep = false;
        sim.dischargeA = -10;
      },
    },
  ],

  /** A fault: the BMS trips discharge over-current and opens its discharge MOSFET. */
  fault: (sim: JbdSimulator, clearAfterMs?: number): ScenarioStep[] => [
    {
      atMs: 0,
      label: 'fault',
      apply: () => {
        sim.protection = ['dischargeOverCurrent'];
      },
    },
    ...(clearAfterMs === undefined
      ? []
      : [
          {
            atMs: clearAfterMs,
            label: 'fault cleared',
            apply: () => {
              sim.protection = [];
            },
          },
        ]),
  ],
};
