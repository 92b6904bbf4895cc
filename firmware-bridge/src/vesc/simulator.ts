import { type Clock, systemClock } from '../clock.js';
import { BridgeError, BridgeErrorCode } from '../errors.js';
import type { ByteTransport } from '../transport/transport.js';
import {
  decodeRequest,
  encodeFwVersionReply,
  encodeSelectiveValuesReply,
  encodeValuesReply,
  type VescRequest,
} from './codec.js';
import { VescFault } from './faults.js';
import {
  firmwareAtLeast,
  supportsSelective,
  type VescFirmwareVersion,
  valueFieldsKnownBy,
  valuesLayoutKnown,
} from './firmware.js';
import { VescFrameSplitter } from './frame.js';
import type { VescFwVersion } from './fw-version.js';
import { RideModel, type VescScenario } from './ride-model.js';
import { requirePositive, type VescGeometry } from './sample.js';
import { VESC_VALUE_FIELDS, type VescValues } from './values.js';

/**
 * A VESC on the far end of a transport: it reads real request frames and answers FW_VERSION,
 * GET_VALUES and GET_VALUES_SELECTIVE with real reply frames, as the chosen firmware would.
 */
export interface VescSimulatorOptions extends VescGeometry {
  transport: ByteTransport;
  clock?: Clock;
  /** 'ride' (the default) repeats a delivery leg; 'park' stands still; 'fault' stands with a fault. Settable at runtime. */
  scenario?: VescScenario;
  /** The fault the 'fault' scenario reports; motor over-temperature by default. Settable at runtime. */
  faultCode?: number;
  /**
   * Emulated firmware, 3.0 or newer (6.05 by default): older ones send shorter GET_VALUES and
   * FW_VERSION replies, and before 3.48 ignore selective requests.
   */
  firmware?: VescFirmwareVersion;
  /** false: the controller is switched off and answers nothing. Settable at runtime. */
  poweredOn?: boolean;
  /** Bytes written in front of each reply, as a noisy line adds them; called with the reply's sequence number. */
  noise?: (replyIndex: number) => Uint8Array;
  /** Open-circuit battery voltage, 52 by default (a 14S pack); at most 200. */
  batteryV?: number;
  /** Simulated time per clock time: 10 rides ten times faster, for demos. */
  timeScale?: number;
  hardwareName?: string;
  controllerId?: number;
}

export interface VescSimulatorStats {
  requests: number;
  replies: number;
  ignoredPoweredOff: number;
  /** Requests this firmware does not know (a selective one before 3.48, any other command). */
  ignoredUnknown: number;
  discardEvents: number;
  discardedBytes: number;
  writeErrors: number;
}

/** A made-up, fixed MCU id. */
const SIM_UUID = Uint8Array.of(0x53, 0x49, 0x4d, 0x00, 0x54, 0x52, 0x49, 0x50, 0x4f, 0x52, 0x54, 0x31);

export class VescSimulator {
  scenario: VescScenario;
  poweredOn: boolean;
  readonly firmware: VescFirmwareVersion;
  private readonly transport: ByteTransport;
  private readonly clock: Clock;
  private readonly model: RideModel;
  private readonly noise: ((replyIndex: number) => Uint8Array) | undefined;
  private readonly hardwareName: string;
  private readonly controllerId: number;
  private fault: number;
  private readonly splitter = new VescFrameSplitter();
  private readonly counters = { requests: 0, replies: 0, ignoredPoweredOff: 0, ignoredUnknown: 0, writeErrors: 0 };
  private unsubscribe: (() => void) | undefined;

  constructor(options: VescSimulatorOptions) {
    // Defaults: a 15-pole-pair hub motor in a 20-inch wheel.
    const model = {
      motorPolePairs: options.motorPolePairs ?? 15,
      gearRatio: options.gearRatio ?? 1,
      wheelCircumferenceM: options.wheelCircumferenceM ?? 1.596,
      batteryV: options.batteryV ?? 52,
      timeScale: options.timeScale ?? 1,
    };
    // Checked here, not on the first request: a throw inside the transport's listener would reach nobody.
    requirePositive(model);
    if (model.batteryV > 200) throw invalid('batteryV', model.batteryV, 'at most 200');
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.scenario = options.scenario ?? 'ride';
    this.fault = checkFault(options.faultCode ?? VescFault.motorOverTemperature);
    this.firmware = { ...(options.firmware ?? { major: 6, minor: 5 }) };
    if (!valuesLayoutKnown(this.firmware)) {
      throw invalid('firmware', this.firmware.major, '3.0 or newer: 2.x used another layout');
    }
    this.poweredOn = options.poweredOn ?? true;
    this.noise = options.noise;
    this.hardwareName = options.hardwareName ?? '60';
    this.controllerId = options.controllerId ?? 0;
    this.model = new RideModel(model, this.clock.now());
    try {
      encodeFwVersionReply(this.fwVersion());
      encodeValuesReply(this.values());
    } catch (err) {
      throw new BridgeError(BridgeErrorCode.OPTION_INVALID, 'simulator identity cannot be encoded', { cause: err });
    }
  }

  get faultCode(): number {
    return this.fault;
  }

  /** The fault the 'fault' scenario reports; BRG_OPTION_INVALID outside 1–255. */
  set faultCode(code: number) {
    this.fault = checkFault(code);
  }

  get stats(): VescSimulatorStats {
    const { discardEvents, discardedBytes } = this.splitter.stats;
    return { ...this.counters, discardEvents, discardedBytes };
  }

  /** Every field this firmware would report right now. */
  values(): VescValues {
    const values = this.model.values(this.clock.now(), this.scenario, this.fault);
    return { ...values, controllerId: this.controllerId };
  }

  start(): void {
    this.unsubscribe ??= this.transport.onData((bytes) => this.onBytes(bytes));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private onBytes(bytes: Uint8Array): void {
    for (const result of this.splitter.push(bytes)) {
      if (result.type !== 'frame') continue;
      let request: VescRequest;
      try {
        request = decodeRequest(result.frame);
      } catch {
        // A selective request too short for its mask: the firmware would read past it; we stay quiet.
        this.counters.ignoredUnknown++;
        continue;
      }
      this.onRequest(request);
    }
  }

  private onRequest(request: VescRequest): void {
    this.counters.requests++;
    if (!this.poweredOn) {
      this.counters.ignoredPoweredOff++;
      return;
    }
    const reply = this.answer(request);
    if (reply === undefined) {
      this.counters.ignoredUnknown++;
      return;
    }
    const noise = this.noise?.(this.counters.replies) ?? new Uint8Array(0);
    const bytes = new Uint8Array(noise.length + reply.length);
    bytes.set(noise);
    bytes.set(reply, noise.length);
    this.counters.replies++;
    this.transport.write(bytes).catch(() => {
      this.counters.writeErrors++;
    });
  }

  private answer(request: VescRequest): Uint8Array | undefined {
    const known = valueFieldsKnownBy(this.firmware);
    switch (request.kind) {
      case 'fwVersion':
        return encodeFwVersionReply(this.fwVersion());
      case 'getValues':
        return encodeValuesReply(firstFields(this.values(), known));
      case 'getValuesSelective':
        // The firmware echoes the mask as asked but sends only the fields it knows.
        return supportsSelective(this.firmware)
          ? encodeSelectiveValuesReply(request.mask, firstFields(this.values(), known))
          : undefined;
      case 'other':
        return undefined;
    }
  }

  /** The FW_VERSION fields this firmware sends (see fw-version.ts for when each appeared). */
  private fwVersion(): VescFwVersion {
    const fw = this.firmware;
    const since = (major: number, minor: number) => firmwareAtLeast(fw, major, minor);
    return {
      major: fw.major,
      minor: fw.minor,
      hardwareName: this.hardwareName,
      uuid: SIM_UUID,
      ...(since(3, 48) && { pairingDone: false }),
      ...(since(5, 0) && { testVersion: 0 }),
      ...(since(5, 2) && { hardwareType: 0, customConfigCount: 0 }),
      ...(since(5, 3) && { hasPhaseFilters: false, qmlHardware: 0, qmlApp: 0 }),
      ...(since(6, 0) && { nrfFlags: 0, firmwareName: '', newAppOffset: 0 }),
      extra: new Uint8Array(0),
    };
  }
}

function checkFault(code: number): number {
  if (!Number.isInteger(code) || code < 1 || code > 0xff) throw invalid('faultCode', code, '1–255');
  return code;
}

function invalid(name: string, value: unknown, allowed: string): BridgeError {
  return new BridgeError(BridgeErrorCode.OPTION_INVALID, `simulator ${name} = ${String(value)} (${allowed})`);
}

function firstFields(values: VescValues, count: number): VescValues {
  const keep = new Set(VESC_VALUE_FIELDS.slice(0, count).map((f) => f.key));
  return Object.fromEntries(Object.entries(values).filter(([key]) => keep.has(key as keyof VescValues)));
}
