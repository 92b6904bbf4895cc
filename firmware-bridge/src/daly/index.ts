/**
 * The Daly A5 family's public API. Names the JBD family also uses (decodeResponse, …) carry a
 * Daly prefix here, so src/index.ts can re-export both families side by side.
 */
export {
  DALY_ALARM_BITS,
  DALY_ALARM_FLAGS,
  type DalyAlarmFlag,
  toProtectionFlags as dalyProtectionFlags,
} from './alarms.js';
export {
  DALY_BMS_ADDRESS,
  DALY_DATA_LENGTH,
  DALY_FRAME_LENGTH,
  DALY_START,
  DalyDataId,
  DalyHostAddress,
  type DalyKind,
  type DalyLink,
  type DalyRequest,
  type DalyResponse,
  dalyChecksum,
  decodeRequest as decodeDalyRequest,
  decodeResponse as decodeDalyResponse,
  encodeFrame as encodeDalyFrame,
  encodeReadRequest as encodeDalyReadRequest,
  encodeRequest as encodeDalyRequest,
  encodeResponse as encodeDalyResponse,
  isHostAddress as isDalyHostAddress,
} from './codec.js';
export { dalyDecoder } from './decoder.js';
export {
  DalyDriver,
  type DalyDriverEvents,
  type DalyDriverOptions,
  type DalyDriverStats,
  type DalyWarning,
} from './driver.js';
export { type DalyDiscardReason, DalyFrameSplitter, type DalySplitDiscard, type DalySplitResult } from './frame.js';
export type {
  DalyCellFrame,
  DalyCellVoltageRange,
  DalySoc,
  DalyTemperatureFrame,
  DalyTemperatureRange,
} from './measurements.js';
export type { DalyPackSnapshot } from './pack.js';
export {
  checkCurrentSign as checkDalyCurrentSign,
  type DalyCycleData,
  type DalyPartialCycle,
  type DalySampleOptions,
  type Reading as DalyReading,
  type SignCheck as DalySignCheck,
  toBatterySample as dalyToBatterySample,
} from './sample.js';
export {
  type DalyScenario,
  DalySimulator,
  type DalySimulatorOptions,
  type DalySimulatorStats,
} from './simulator.js';
export type { DalyAlarms, DalyBalance, DalyChargeState, DalyMosStatus, DalyStatusInfo } from './status.js';
export { DALY_CURRENT_OFFSET, DALY_TEMPERATURE_OFFSET } from './wire.js';
