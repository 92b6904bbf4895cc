export * as bafang from './bafang/index.js';
export { BafangSimulator, BafangSniffer, bafangDecoder } from './bafang/index.js';
export {
  type CrossCheckTolerances,
  crossCheck,
  DEFAULT_TOLERANCES,
  type Mismatch,
  type MismatchName,
} from './checks/cross-check.js';
export {
  type BatteryLimits,
  DEFAULT_BATTERY_LIMITS,
  DEFAULT_MOTOR_LIMITS,
  gateBattery,
  gateMotor,
  gatePosition,
  type MotorLimits,
} from './checks/plausibility.js';
export { markStale } from './checks/staleness.js';
export { type Clock, systemClock, type TimerHandle } from './clock.js';
export * as daly from './daly/index.js';
export { DalyDriver, DalySimulator, dalyDecoder } from './daly/index.js';
export { BridgeError, BridgeErrorCode, isBridgeError } from './errors.js';
export { type EventMap, TypedEvents, type Unsubscribe } from './events.js';
export * as firmata from './firmata/index.js';
export {
  type AuxBoard,
  type AuxBoardEvents,
  type AuxBoardOptions,
  FirmataBoardSimulator,
  firmataDecoder,
  JohnnyFiveAuxBoard,
} from './firmata/index.js';
export type {
  CommonDiscardReason,
  FrameSplitter,
  SplitDiscard as AnySplitDiscard,
  SplitResult as AnySplitResult,
  SplitterStats,
} from './framing.js';
export * as gpsd from './gpsd/index.js';
export { GpsdClient } from './gpsd/index.js';
export {
  decodeBasicInfo,
  decodeCellVoltages,
  decodeRequest,
  decodeResponse,
  encodeBasicInfo,
  encodeCellVoltages,
  encodeHardwareVersion,
  encodeReadRequest,
  encodeResponse,
  JBD_ACTION_READ,
  JBD_ACTION_WRITE,
  JBD_END,
  JBD_FRAME_OVERHEAD,
  JBD_START,
  type JbdBasicInfo,
  type JbdProductionDate,
  JbdRegister,
  type JbdRequest,
  type JbdResponse,
  JbdStatus,
  jbdChecksum,
} from './jbd/codec.js';
export { jbdDecoder } from './jbd/decoder.js';
export { JbdDriver, type JbdDriverEvents, type JbdDriverOptions, type JbdDriverStats } from './jbd/driver.js';
export {
  type DiscardReason,
  type JbdDirection,
  JbdFrameSplitter,
  type JbdFrameSplitterOptions,
  type JbdSplitterStats,
  type SplitDiscard,
  type SplitFrame,
  type SplitResult,
} from './jbd/frame.js';
export { openCircuitVoltage, type PackSnapshot } from './jbd/pack-model.js';
export { toBatterySample } from './jbd/sample.js';
export { jbdScenarios } from './jbd/scenarios.js';
export { JbdSimulator, type JbdSimulatorOptions, type JbdSimulatorStats } from './jbd/simulator.js';
export * as kt from './kt/index.js';
export { KtSimulator, KtSniffer, ktDecoder } from './kt/index.js';
export { listenOnly } from './listen-only.js';
export { machineFacts } from './machine-facts.js';
export * as nmea from './nmea/index.js';
export { NmeaReceiver, NmeaSimulator, nmeaDecoder } from './nmea/index.js';
export {
  type PortState,
  PortSupervisor,
  type PortSupervisorEvents,
  type PortSupervisorOptions,
  type SupervisedDevice,
} from './port/supervisor.js';
export type { DecodeOutcome, ProtocolDecoder, ProtocolName } from './protocol.js';
export {
  type AuxSample,
  type BatterySample,
  type DeviceState,
  type FieldQuality,
  type GpsFix,
  JBD_PROTECTION_FLAGS,
  type MotorSample,
  type PositionSample,
  type ProtectionFlag,
  type QualityMap,
  type Sample,
} from './samples.js';
export {
  BENCH_SIMULATORS,
  type BenchScenario,
  type BenchSimulator,
  startBenchSimulator,
} from './simulation/bench-simulators.js';
export { mulberry32 } from './simulation/random.js';
export { type RunningScenario, runScenario, type ScenarioStep } from './simulation/scenario.js';
export { ManualClock } from './testing/manual-clock.js';
export {
  CAPTURE_FORMAT,
  type CaptureChunk,
  type CaptureHeader,
  formatCaptureChunk,
  formatCaptureHeader,
  parseCapture,
} from './tools/capture-file.js';
export { type DecodedLine, decodeStream, StreamDecoder } from './tools/decode-stream.js';
export { DECODERS, decoderFor } from './tools/decoders.js';
export { jsonable, parseHex, toHex } from './tools/hex.js';
export { createMemoryPair } from './transport/memory.js';
export { type NoiseOptions, noisyTransport } from './transport/noisy.js';
export { createPtyPair, type PtyPair, type PtyPairOptions } from './transport/pty-pair.js';
export { openSerialTransport, type SerialOptions } from './transport/serialport.js';
export type { ByteTransport } from './transport/transport.js';
export * as vesc from './vesc/index.js';
export { VescDriver, VescSimulator, vescDecoder } from './vesc/index.js';
export { Waiter, type WaitHandle } from './waiter.js';
