export {
  ADC_MAX,
  adcToDividerVolts,
  adcToThermistorC,
  type DividerCalibration,
  dividerVoltsToAdc,
  type ThermistorCalibration,
  thermistorCToAdc,
} from './analog.js';
export {
  type AuxBoard,
  type AuxBoardEvents,
  type AuxBoardOptions,
  type AuxButtonEvent,
  type AuxCalibration,
  type AuxReading,
  type ResolvedAuxBoardOptions,
  resolveAuxBoardOptions,
  toAuxSample,
} from './aux-board.js';
export {
  decodeFirmataMessage,
  encodeFirmataMessage,
  type FirmataDecodeResult,
  type FirmataMessage,
  type PinCapability,
} from './codec.js';
export { CAPABILITY_PIN_END, FirmataCommand, NO_ANALOG_CHANNEL, PinMode, SysexCommand } from './constants.js';
export { createFirmataDecoder, decodeFirmataFrame, type FirmataProtocolDecoder, firmataDecoder } from './decoder.js';
export {
  type FirmataDirection,
  type FirmataDiscardReason,
  FirmataFrameSplitter,
  type FirmataFrameSplitterOptions,
  type FirmataSplitDiscard,
  type FirmataSplitResult,
  firmataMessageLength,
} from './frame.js';
export {
  JohnnyFiveAuxBoard,
  type JohnnyFiveAuxBoardOptions,
  type JohnnyFiveAuxBoardStats,
} from './johnny-five-board.js';
export {
  isNanoAnalogPin,
  isNanoDigitalPin,
  NANO_ANALOG_CHANNELS,
  NANO_FIRST_ANALOG_PIN,
  NANO_TOTAL_PINS,
  NanoFirmata,
  type NanoIdentity,
  type NanoInputs,
  nanoAnalogMapping,
  nanoCapabilities,
} from './nano-firmata.js';
export {
  FirmataBoardSimulator,
  type FirmataBoardSimulatorEvents,
  type FirmataBoardSimulatorOptions,
  type FirmataBoardSimulatorStats,
} from './simulator.js';
