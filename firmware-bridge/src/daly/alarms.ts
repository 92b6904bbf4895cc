import { JBD_PROTECTION_FLAGS, type ProtectionFlag } from '../samples.js';

/**
 * The 0x98 "battery failure status" bits, bytes 0–6, bit 0 first; null marks a reserved bit.
 *
 * Names follow the bit table of Daly's "UART/485 Communications Protocol V1.2" (the PDF kept in
 * maland16/daly-bms-uart docs/), cross-checked with dreadnought/python-daly-bms
 * dalybms/error_codes.py (taken from "Part 4_ Daly RS485+UART Protocol.pdf"),
 * softwarecrash/Daly2MQTT src/daly-bms-uart.cpp and Louisvdw/dbus-serialbattery bms/daly.py.
 * Level 1 is Daly's early warning, level 2 the alarm at which the BMS acts.
 */
export const DALY_ALARM_BITS = [
  [
    'cellVoltageHighL1',
    'cellVoltageHighL2',
    'cellVoltageLowL1',
    'cellVoltageLowL2',
    'packVoltageHighL1',
    'packVoltageHighL2',
    'packVoltageLowL1',
    'packVoltageLowL2',
  ],
  [
    'chargeTemperatureHighL1',
    'chargeTemperatureHighL2',
    'chargeTemperatureLowL1',
    'chargeTemperatureLowL2',
    'dischargeTemperatureHighL1',
    'dischargeTemperatureHighL2',
    'dischargeTemperatureLowL1',
    'dischargeTemperatureLowL2',
  ],
  [
    'chargeOverCurrentL1',
    'chargeOverCurrentL2',
    'dischargeOverCurrentL1',
    'dischargeOverCurrentL2',
    'socHighL1',
    'socHighL2',
    'socLowL1',
    'socLowL2',
  ],
  ['cellVoltageDiffL1', 'cellVoltageDiffL2', 'temperatureDiffL1', 'temperatureDiffL2', null, null, null, null],
  [
    'chargeMosOverTemperature',
    'dischargeMosOverTemperature',
    'chargeMosTemperatureSensorFault',
    'dischargeMosTemperatureSensorFault',
    // "Adhesion": a welded (stuck-closed) MOSFET.
    'chargeMosStuckClosed',
    'dischargeMosStuckClosed',
    'chargeMosOpenCircuit',
    'dischargeMosOpenCircuit',
  ],
  [
    'afeChipFault',
    'cellVoltageSensingLost',
    'cellTemperatureSensorFault',
    'eepromFault',
    'rtcFault',
    'prechargeFailure',
    'vehicleCommunicationFault',
    'internalCommunicationFault',
  ],
  [
    'currentSensorFault',
    'packVoltageSensorFault',
    'shortCircuitProtection',
    'lowVoltageChargeForbidden',
    null,
    null,
    null,
    null,
  ],
] as const;

export type DalyAlarmFlag = Exclude<(typeof DALY_ALARM_BITS)[number][number], null>;

/** Every named flag, in bit order (byte 0 bit 0 first). */
export const DALY_ALARM_FLAGS: readonly DalyAlarmFlag[] = DALY_ALARM_BITS.flatMap((bits) =>
  bits.filter((name): name is DalyAlarmFlag => name !== null),
);

/** Bytes 0–6 as alarm bits; byte 7 is a fault code. */
export const DALY_ALARM_BYTES = DALY_ALARM_BITS.length;

/** Where each flag sits: byte index and bit mask. */
const POSITION = new Map<DalyAlarmFlag, { byte: number; mask: number }>();
DALY_ALARM_BITS.forEach((bits, byte) => {
  bits.forEach((name, bit) => {
    if (name !== null) POSITION.set(name, { byte, mask: 1 << bit });
  });
});

/** Per byte, the bits that carry a name. */
export const DALY_NAMED_MASKS: readonly number[] = DALY_ALARM_BITS.map((bits) =>
  bits.reduce<number>((mask, name, bit) => (name === null ? mask : mask | (1 << bit)), 0),
);

export function alarmPosition(flag: DalyAlarmFlag): { byte: number; mask: number } | undefined {
  return POSITION.get(flag);
}

/**
 * Daly flags onto the shared (JBD) protection names. Only level 2 counts: level 1 is a warning,
 * and JBD's bits mean "protection tripped". Daly has no MOSFET software lock.
 * "Short circuit protect fault" is read as the short-circuit protection having acted; some
 * translations call it a failure of that protection, but either way discharge is blocked.
 */
const PROTECTION_BY_ALARM: Partial<Record<DalyAlarmFlag, ProtectionFlag>> = {
  cellVoltageHighL2: 'cellOverVoltage',
  cellVoltageLowL2: 'cellUnderVoltage',
  packVoltageHighL2: 'packOverVoltage',
  packVoltageLowL2: 'packUnderVoltage',
  chargeTemperatureHighL2: 'chargeOverTemperature',
  chargeTemperatureLowL2: 'chargeUnderTemperature',
  dischargeTemperatureHighL2: 'dischargeOverTemperature',
  dischargeTemperatureLowL2: 'dischargeUnderTemperature',
  chargeOverCurrentL2: 'chargeOverCurrent',
  dischargeOverCurrentL2: 'dischargeOverCurrent',
  shortCircuitProtection: 'shortCircuit',
  afeChipFault: 'frontEndIcError',
};

/** The shared protection flags these Daly alarms amount to, in JBD bit order. */
export function toProtectionFlags(flags: readonly DalyAlarmFlag[]): ProtectionFlag[] {
  const mapped = new Set(flags.flatMap((flag) => PROTECTION_BY_ALARM[flag] ?? []));
  return JBD_PROTECTION_FLAGS.filter((flag) => mapped.has(flag));
}
