import {
  type ByteTransport,
  type Clock,
  createMemoryPair,
  createPtyPair,
  FirmataBoardSimulator,
  JbdSimulator,
  jbdScenarios,
  NmeaSimulator,
  type nmea,
  openSerialTransport,
  type RunningScenario,
  runScenario,
  systemClock,
  type TimerHandle,
  VescSimulator,
} from '@triporteur/firmware-bridge';
import {
  type AuxDeviceConfig,
  deviceConfig,
  type JbdBmsConfig,
  type NmeaGpsConfig,
  type VescMotorConfig,
} from '../devices/config.js';

export type SimulatedDeviceName = 'bms' | 'motor' | 'gps' | 'aux';
export type SimulatedScenario = 'ride' | 'park';

export interface SimulatedDevicesOptions {
  /** Which devices to put on a pty: any of bms (JBD), motor (VESC), gps (NMEA), aux (Firmata Nano). */
  devices: readonly SimulatedDeviceName[];
  /** 'ride' (default): delivery legs along the route; 'park': standing still, the BMS falls asleep. */
  scenario?: SimulatedScenario;
  /** Simulated seconds per clock second for the battery and the motor's ride profile. Default 1. */
  timeScale?: number;
  initialSocPct?: number;
  /** The GPS's loop; by default about 4 km through Vaulx-en-Velin (Lyon). */
  route?: readonly nmea.LatLon[];
  clock?: Clock;
  /**
   * 'pty' (default): socat pseudo-terminals opened with serialport, as on a Pi. 'memory': in-process
   * pairs, for a machine without socat (the demo on a fresh laptop); open them with `openSerial`.
   */
  link?: 'pty' | 'memory';
}

export interface SimulatedDevices {
  /** Device config sections (defaults filled) pointing at the edge's end of each pty. */
  readonly config: { bms?: JbdBmsConfig; motor?: VescMotorConfig; gps?: NmeaGpsConfig; aux?: AuxDeviceConfig };
  readonly simulators: {
    bms?: JbdSimulator;
    motor?: VescSimulator;
    gps?: NmeaSimulator;
    aux?: FirmataBoardSimulator;
  };
  readonly scenario: SimulatedScenario;
  /** Opens the edge's end of a line by its config path: the pty, or the in-memory pair. */
  openSerial(options: { path: string; baudRate: number }): Promise<ByteTransport>;
  /** Rides off or parks, at run time. */
  setScenario(scenario: SimulatedScenario): void;
  /** Stops the simulators, closes their ports and the ptys. Safe to call twice. */
  stop(): Promise<void>;
}

/** The simulated VESC's hub motor: 15 pole pairs in a 20-inch wheel. */
const GEOMETRY = { motorPolePairs: 15, gearRatio: 1, wheelCircumferenceM: 1.596 };
const CELLS = 13;
/** What the pack feeds besides the motor: the Pi, the 4G router, the lights. */
const AUXILIARY_LOAD_A = 0.6;
/** Parked for this long (simulated), the BMS goes to sleep as a real one does. */
const PARK_SLEEP_S = 300;
/** How often the simulators are kept consistent with each other. */
const COUPLING_MS = 500;

/**
 * A whole tricycle's devices on socat pty pairs, each simulator speaking the real bytes on one end
 * while the edge opens the other with serialport, as on a Pi. The simulators are coupled so the
 * story holds together: the BMS current follows the controller's draw, the GPS rides at the wheel's
 * speed, and the aux board's divider reads the pack voltage. Rejects with BRG_PTY_UNAVAILABLE
 * without socat.
 */
export async function startSimulatedDevices(options: SimulatedDevicesOptions): Promise<SimulatedDevices> {
  const clock = options.clock ?? systemClock;
  const timeScale = options.timeScale ?? 1;
  const wanted = new Set(options.devices);
  const closers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };

  const memoryEnds = new Map<string, ByteTransport>();
  const line = async (baudRate: number, name: string): Promise<{ path: string; side: ByteTransport }> => {
    if (options.link === 'memory') {
      const [side, edgeEnd] = createMemoryPair();
      const path = `memory:${name}`;
      memoryEnds.set(path, edgeEnd);
      closers.push(() => side.close());
      return { path, side };
    }
    const pty = await createPtyPair();
    closers.push(() => pty.close());
    const side = await openSerialTransport({ path: pty.a, baudRate });
    // The simulator's end sees the edge's end go away too; nobody needs telling.
    side.onError(() => undefined);
    closers.push(() => side.close());
    return { path: pty.b, side };
  };

  const config: SimulatedDevices['config'] = {};
  const sims: SimulatedDevices['simulators'] = {};
  try {
    if (wanted.has('bms')) {
      const { path, side } = await line(9600, 'bms');
      sims.bms = new JbdSimulator({
        transport: side,
        clock,
        cells: CELLS,
        timeScale,
        initialSocPct: options.initialSocPct ?? 80,
      });
      config.bms = deviceConfig('battery', { type: 'jbd', path, cells: CELLS }) as JbdBmsConfig;
    }
    if (wanted.has('motor')) {
      const { path, side } = await line(115_200, 'motor');
      // The controller sees the pack's voltage; a JBD-less tricycle gets a full 14S pack.
      const batteryV = sims.bms?.snapshot().voltageV ?? 52;
      sims.motor = new VescSimulator({ transport: side, clock, timeScale, batteryV, ...GEOMETRY });
      config.motor = deviceConfig('motor', { type: 'vesc', path, ...GEOMETRY }) as VescMotorConfig;
    }
    if (wanted.has('gps')) {
      const { path, side } = await line(9600, 'gps');
      sims.gps = new NmeaSimulator({ transport: side, clock, ...(options.route ? { route: options.route } : {}) });
      config.gps = deviceConfig('position', { type: 'nmea', path }) as NmeaGpsConfig;
    }
    if (wanted.has('aux')) {
      const { path, side } = await line(57_600, 'aux');
      sims.aux = new FirmataBoardSimulator({ transport: side, clock, batteryV: sims.bms?.snapshot().voltageV ?? 52 });
      // No DTR reset on a pty: the board announced itself before the edge opened, so ask soon.
      config.aux = deviceConfig('aux', { type: 'firmata', path, versionQueryAfterMs: 500 });
    }
  } catch (err) {
    await stop();
    throw err;
  }

  let scenario: SimulatedScenario = options.scenario ?? 'ride';
  let story: RunningScenario | undefined;
  let couplingTimer: TimerHandle | undefined;

  const couple = () => {
    const { bms, motor, gps, aux } = sims;
    if (scenario === 'ride' && motor) {
      const values = motor.values();
      const wheelRpm = (values.erpm ?? 0) / GEOMETRY.motorPolePairs / GEOMETRY.gearRatio;
      if (gps) gps.speedKmh = Math.max(0, (wheelRpm * GEOMETRY.wheelCircumferenceM * 60) / 1000);
      if (bms) bms.dischargeA = (values.inputCurrentA ?? 0) + AUXILIARY_LOAD_A;
    }
    if (aux && bms) aux.batteryV = bms.snapshot().voltageV;
    couplingTimer = clock.setTimeout(couple, COUPLING_MS);
  };

  const apply = (next: SimulatedScenario) => {
    scenario = next;
    story?.cancel();
    story = undefined;
    const { bms, motor, gps } = sims;
    if (motor) motor.scenario = next;
    if (gps) gps.scenario = next;
    if (!bms) return;
    if (next === 'park') {
      story = runScenario(jbdScenarios.parkThenSleep(bms, (PARK_SLEEP_S * 1000) / timeScale), clock);
    } else {
      bms.asleep = false;
      story = runScenario(jbdScenarios.ride(bms), clock);
    }
  };

  apply(scenario);
  for (const sim of Object.values(sims)) sim.start();
  couple();
  closers.push(async () => {
    if (couplingTimer !== undefined) clock.clearTimeout(couplingTimer);
    story?.cancel();
    for (const sim of Object.values(sims)) sim.stop();
  });

  return {
    config,
    simulators: sims,
    get scenario() {
      return scenario;
    },
    setScenario: apply,
    openSerial: async (port) => memoryEnds.get(port.path) ?? openSerialTransport(port),
    stop,
  };
}
