export {
  decodeControllerFrame,
  decodeKtFrame,
  decodeLcdFrame,
  encodeControllerFrame,
  encodeLcdFrame,
  isKtLcdTail,
  KT_CONTROLLER_FRAME_LENGTH,
  KT_CONTROLLER_START,
  KT_LCD_DEFAULT_KEYS,
  KT_LCD_END,
  KT_LCD_FRAME_LENGTH,
  KT_LCD_TERMINATORS,
  KT_STOPPED_PERIOD_MS,
  type KtControllerStatus,
  type KtLcdSettings,
  type KtMessage,
  ktControllerChecksum,
  ktLcdXor,
} from './codec.js';
export { ktDecoder } from './decoder.js';
export {
  type KtDiscardReason,
  KtFrameSplitter,
  type KtFrameSplitterOptions,
  type KtSplitDiscard,
  type KtSplitResult,
  type KtSplitterStats,
} from './frame.js';
export { type KtSampleOptions, ktMotorSample, ktWheelRpm } from './sample.js';
export { type KtScenario, KtSimulator, type KtSimulatorOptions, type KtSimulatorStats } from './simulator.js';
export {
  type KtBatteryReading,
  KtSniffer,
  type KtSnifferEvents,
  type KtSnifferOptions,
  type KtSnifferStats,
} from './sniffer.js';
export { KT_BATTERY_BARS, KT_WHEEL_SIZES, type KtWheelSize, ktFaultName } from './tables.js';
