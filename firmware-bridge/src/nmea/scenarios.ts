import type { ScenarioStep } from '../simulation/scenario.js';
import type { NmeaSimulator } from './simulator.js';

/**
 * The stories a tricycle's GPS lives through, as steps for `runScenario`. Times are clock ms from
 * the start of the scenario.
 */
export const nmeaScenarios = {
  /** Riding the loop at a cargo tricycle's pace. */
  ride: (sim: NmeaSimulator, speedKmh = 14): ScenarioStep[] => [
    {
      atMs: 0,
      label: 'ride',
      apply: () => {
        sim.scenario = 'ride';
        sim.speedKmh = speedKmh;
      },
    },
  ],

  /** Parked at a stop: the fix stays, the position wanders by a metre or two. */
  park: (sim: NmeaSimulator): ScenarioStep[] => [
    {
      atMs: 0,
      label: 'park',
      apply: () => {
        sim.scenario = 'park';
      },
    },
  ],

  /** Powered on indoors or in a depot: no fix at all, then the first fix after `fixAfterMs`. */
  coldStart: (sim: NmeaSimulator, fixAfterMs: number): ScenarioStep[] => [
    {
      atMs: 0,
      label: 'cold start',
      apply: () => {
        sim.scenario = 'cold-start';
      },
    },
    {
      atMs: fixAfterMs,
      label: 'first fix',
      apply: () => {
        sim.scenario = 'ride';
      },
    },
  ],

  /** Riding, then under the ring road for `underMs`: the fix drops while the tricycle keeps moving. */
  underBridge: (sim: NmeaSimulator, afterMs: number, underMs: number): ScenarioStep[] => [
    {
      atMs: 0,
      label: 'ride',
      apply: () => {
        sim.scenario = 'ride';
      },
    },
    {
      atMs: afterMs,
      label: 'under the bridge',
      apply: () => {
        sim.scenario = 'bridge';
      },
    },
    {
      atMs: afterMs + underMs,
      label: 'out from under',
      apply: () => {
        sim.scenario = 'ride';
      },
    },
  ],

  /** A noisy line (a long cable next to the motor): garbage between sentences, the odd bad checksum. */
  noisy: (sim: NmeaSimulator, untilMs?: number): ScenarioStep[] => [
    {
      atMs: 0,
      label: 'noise on',
      apply: () => {
        sim.noisy = true;
      },
    },
    ...(untilMs === undefined
      ? []
      : [
          {
            atMs: untilMs,
            label: 'noise off',
            apply: () => {
              sim.noisy = false;
            },
          },
        ]),
  ],
};
