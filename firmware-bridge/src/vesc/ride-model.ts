import type { VescValues } from './values.js';

/**
 * A plausible loaded cargo tricycle on a hub motor, for the simulator: speed follows a repeating
 * delivery profile over (scaled) clock time, and currents follow from road load. Good enough for
 * demos and tests; not a vehicle model.
 */
export type VescScenario = 'ride' | 'park' | 'fault';

export interface RideModelOptions {
  motorPolePairs: number;
  gearRatio: number;
  wheelCircumferenceM: number;
  /** Battery open-circuit voltage. */
  batteryV: number;
  /** Simulated seconds per clock second. */
  timeScale: number;
}

/** One delivery leg, in simulated seconds: pull away, cruise, brake (regenerating), stand at the stop. */
const LEG = { accelerate: 8, cruise: 30, brake: 6, stop: 16 } as const;
const LEG_S = LEG.accelerate + LEG.cruise + LEG.brake + LEG.stop;
const CRUISE_MS = 18 / 3.6;
const MASS_KG = 250;
const ROLLING = 0.012;
const DRAG_AREA_M2 = 0.9;
const AIR_KG_M3 = 1.2;
const DRIVE_EFFICIENCY = 0.8;
const REGEN_EFFICIENCY = 0.5;
const PACK_RESISTANCE_OHM = 0.08;
/** Top speed at full duty and full battery voltage, which fixes ERPM per volt. */
const TOP_SPEED_MS = 35 / 3.6;
const MAX_MOTOR_CURRENT_A = 60;
const AMBIENT_C = 22;
/** A hot motor: above the default 100 °C cut-off, so the controller faults. */
const FAULT_MOTOR_C = 118.4;

export class RideModel {
  private readonly startedAt: number;
  private lastAt: number;
  private readonly counters = {
    ampHours: 0,
    ampHoursCharged: 0,
    wattHours: 0,
    wattHoursCharged: 0,
    tacho: 0,
    tachoAbs: 0,
  };

  constructor(
    private readonly options: RideModelOptions,
    now: number,
  ) {
    this.startedAt = now;
    this.lastAt = now;
  }

  /** Road speed in m/s and acceleration in m/s² at simulated second `t` of the profile. */
  static profile(t: number): { speed: number; accel: number } {
    const s = ((t % LEG_S) + LEG_S) % LEG_S;
    if (s < LEG.accelerate) return { speed: (CRUISE_MS * s) / LEG.accelerate, accel: CRUISE_MS / LEG.accelerate };
    if (s < LEG.accelerate + LEG.cruise) return { speed: CRUISE_MS, accel: 0 };
    const braking = s - LEG.accelerate - LEG.cruise;
    if (braking < LEG.brake) return { speed: CRUISE_MS * (1 - braking / LEG.brake), accel: -CRUISE_MS / LEG.brake };
    return { speed: 0, accel: 0 };
  }

  /** What the controller would report at `now` for this scenario; the energy counters integrate across calls. */
  values(now: number, scenario: VescScenario, faultCode: number): VescValues {
    const o = this.options;
    const simulatedS = ((now - this.startedAt) / 1000) * o.timeScale;
    // A faulted controller cuts the motor, and a parked one has nothing to do.
    const { speed, accel } = scenario === 'ride' ? RideModel.profile(simulatedS) : { speed: 0, accel: 0 };
    const wheelW = (MASS_KG * accel + (speed > 0 ? ROLLING * MASS_KG * 9.81 : 0)) * speed;
    const dragW = 0.5 * AIR_KG_M3 * DRAG_AREA_M2 * speed ** 3;
    const roadW = wheelW + dragW;
    const inputW = roadW >= 0 ? roadW / DRIVE_EFFICIENCY : roadW * REGEN_EFFICIENCY;
    const voltage = o.batteryV - (PACK_RESISTANCE_OHM * inputW) / o.batteryV;
    const inputA = inputW / voltage;
    const erpm = ((speed * 60) / o.wheelCircumferenceM) * o.gearRatio * o.motorPolePairs;
    const topErpm = ((TOP_SPEED_MS * 60) / o.wheelCircumferenceM) * o.gearRatio * o.motorPolePairs;
    const duty = Math.min(0.95, (erpm / topErpm) * (o.batteryV / voltage));
    const motorA = duty > 0.02 ? Math.max(-MAX_MOTOR_CURRENT_A, Math.min(MAX_MOTOR_CURRENT_A, inputA / duty)) : 0;
    this.integrate(now, inputA, voltage, erpm);
    const c = this.counters;
    return {
      tempFetC: round(AMBIENT_C + 3 + 0.4 * Math.abs(inputA), 1),
      tempMotorC: scenario === 'fault' ? FAULT_MOTOR_C : round(AMBIENT_C + 6 + 0.5 * Math.abs(motorA), 1),
      motorCurrentA: round(motorA, 2),
      inputCurrentA: round(inputA, 2),
      idA: 0,
      iqA: round(motorA, 2),
      duty: round(duty, 3),
      erpm: Math.round(erpm),
      inputVoltageV: round(voltage, 1),
      ampHours: round(c.ampHours, 4),
      ampHoursCharged: round(c.ampHoursCharged, 4),
      wattHours: round(c.wattHours, 4),
      wattHoursCharged: round(c.wattHoursCharged, 4),
      tachometer: Math.round(c.tacho),
      tachometerAbs: Math.round(c.tachoAbs),
      faultCode: scenario === 'fault' ? faultCode : 0,
      pidPosDeg: 0,
      controllerId: 0,
      tempMosC: [round(AMBIENT_C + 3 + 0.4 * Math.abs(inputA), 1), AMBIENT_C, AMBIENT_C],
      vdV: 0,
      vqV: round(duty * voltage, 3),
      status: 0,
    };
  }

  private integrate(now: number, inputA: number, voltage: number, erpm: number): void {
    const hours = (Math.max(0, now - this.lastAt) / 3_600_000) * this.options.timeScale;
    this.lastAt = Math.max(this.lastAt, now);
    const c = this.counters;
    if (inputA >= 0) {
      c.ampHours += inputA * hours;
      c.wattHours += inputA * voltage * hours;
    } else {
      c.ampHoursCharged += -inputA * hours;
      c.wattHoursCharged += -inputA * voltage * hours;
    }
    // The tachometer counts six steps per electrical revolution.
    const steps = erpm * 60 * 6 * hours;
    c.tacho += steps;
    c.tachoAbs += Math.abs(steps);
  }
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f + 0;
}
