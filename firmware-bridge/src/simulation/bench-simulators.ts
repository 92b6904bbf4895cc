import { BafangSimulator } from '../bafang/simulator.js';
import type { Clock } from '../clock.js';
import { DalySimulator } from '../daly/simulator.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import { FirmataBoardSimulator } from '../firmata/simulator.js';
import { jbdScenarios } from '../jbd/scenarios.js';
import { JbdSimulator } from '../jbd/simulator.js';
import { KtSimulator } from '../kt/simulator.js';
import { NmeaSimulator } from '../nmea/simulator.js';
import type { ProtocolName } from '../protocol.js';
import { noisyTransport } from '../transport/noisy.js';
import type { ByteTransport } from '../transport/transport.js';
import { VescSimulator } from '../vesc/simulator.js';
import { runScenario } from './scenario.js';

/** The stories every simulator can tell, under one name each, for a technician's bench. */
export type BenchScenario = 'ride' | 'park' | 'charge' | 'fault' | 'noisy';

export interface BenchSimulator {
  stop(): void;
}

interface Entry {
  /** The device's usual line speed, used when the bench does not say. */
  baudRate: number;
  scenarios: readonly BenchScenario[];
  start(
    transport: ByteTransport,
    scenario: BenchScenario,
    clock: Clock | undefined,
    random: () => number,
  ): BenchSimulator;
}

const withClock = (clock: Clock | undefined) => (clock === undefined ? {} : { clock });
const noisy = (transport: ByteTransport, random: () => number) =>
  noisyTransport(transport, { burstProbability: 0.3, maxBurst: 16, bitFlipProbability: 0.02, random });

/**
 * Each device family's simulator behind one door, so a technician can put a fake BMS, controller,
 * GPS or sensor board on a real serial port (`triporteur-edge simulate`) and test a Pi's wiring.
 */
export const BENCH_SIMULATORS: Record<ProtocolName, Entry> = {
  jbd: {
    baudRate: 9600,
    scenarios: ['ride', 'park', 'charge', 'fault', 'noisy'],
    start(transport, scenario, clock, random) {
      const sim = new JbdSimulator({
        transport: scenario === 'noisy' ? noisy(transport, random) : transport,
        ...withClock(clock),
      });
      sim.start();
      const steps =
        scenario === 'park'
          ? jbdScenarios.parkThenSleep(sim, 60_000)
          : scenario === 'charge'
            ? jbdScenarios.charge(sim)
            : scenario === 'fault'
              ? jbdScenarios.fault(sim)
              : jbdScenarios.ride(sim);
      const story = runScenario(steps, clock);
      return {
        stop: () => {
          story.cancel();
          sim.stop();
        },
      };
    },
  },
  daly: {
    baudRate: 9600,
    scenarios: ['ride', 'park', 'charge', 'fault', 'noisy'],
    start(transport, scenario, clock) {
      const names = {
        ride: 'ride',
        park: 'park-then-sleep',
        charge: 'charge',
        fault: 'fault',
        noisy: 'noisy-line',
      } as const;
      const sim = new DalySimulator({ transport, scenario: names[scenario], ...withClock(clock) });
      sim.start();
      return sim;
    },
  },
  vesc: {
    baudRate: 115200,
    scenarios: ['ride', 'park', 'fault', 'noisy'],
    start(transport, scenario, clock, random) {
      const line = scenario === 'noisy' ? noisy(transport, random) : transport;
      const sim = new VescSimulator({
        transport: line,
        scenario: scenario === 'noisy' ? 'ride' : (scenario as 'ride' | 'park' | 'fault'),
        ...withClock(clock),
      });
      sim.start();
      return sim;
    },
  },
  kt: {
    baudRate: 9600,
    scenarios: ['ride', 'park', 'fault', 'noisy'],
    start(transport, scenario, clock) {
      const sim = new KtSimulator({
        transport,
        scenario: scenario as 'ride' | 'park' | 'fault' | 'noisy',
        ...withClock(clock),
      });
      sim.start();
      return sim;
    },
  },
  bafang: {
    baudRate: 1200,
    scenarios: ['ride', 'park', 'fault', 'noisy'],
    start(transport, scenario, clock) {
      const sim = new BafangSimulator({
        transport,
        scenario: scenario as 'ride' | 'park' | 'fault' | 'noisy',
        ...withClock(clock),
      });
      sim.start();
      return sim;
    },
  },
  nmea: {
    baudRate: 9600,
    scenarios: ['ride', 'park', 'noisy'],
    start(transport, scenario, clock) {
      const sim = new NmeaSimulator({
        transport,
        scenario: scenario === 'park' ? 'park' : 'ride',
        noisy: scenario === 'noisy',
        ...withClock(clock),
      });
      sim.start();
      return sim;
    },
  },
  firmata: {
    baudRate: 57600,
    // The board has no story of its own: it streams its inputs and obeys the relay.
    scenarios: ['ride'],
    start(transport, _scenario, clock) {
      const sim = new FirmataBoardSimulator({ transport, ...withClock(clock) });
      sim.start();
      return sim;
    },
  },
};

export function startBenchSimulator(
  protocol: string,
  transport: ByteTransport,
  scenario: string,
  options: { clock?: Clock; random?: () => number } = {},
): BenchSimulator {
  const entry = Object.hasOwn(BENCH_SIMULATORS, protocol) ? BENCH_SIMULATORS[protocol as ProtocolName] : undefined;
  if (!entry) {
    throw new BridgeError(
      BridgeErrorCode.OPTION_INVALID,
      `no simulator for "${protocol}": use one of ${Object.keys(BENCH_SIMULATORS).join(', ')}`,
    );
  }
  if (!entry.scenarios.includes(scenario as BenchScenario)) {
    throw new BridgeError(
      BridgeErrorCode.OPTION_INVALID,
      `the ${protocol} simulator has no "${scenario}" scenario: use one of ${entry.scenarios.join(', ')}`,
    );
  }
  return entry.start(transport, scenario as BenchScenario, options.clock, options.random ?? Math.random);
}
