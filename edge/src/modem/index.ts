export { type ModemSection, ModemSectionSchema } from './config.js';
export { isModemError, ModemError, ModemErrorCode } from './errors.js';
export { type ModemAggregate, type ModemHealthOptions, ModemHealthPoller } from './health-poller.js';
export {
  type BearerStats,
  type ModemSignal,
  type ModemStatus,
  parseBearer,
  parseModemList,
  parseModemStatus,
  parseSignal,
} from './mmcli-json.js';
export { createMmcliReader, type MmcliReaderOptions, type ModemReader, type ModemReading } from './mmcli-reader.js';
