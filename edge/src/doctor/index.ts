export type { CheckResult, CheckStatus, DoctorCheck } from './check.js';
export { DOCTOR_CODES, DoctorCode } from './codes.js';
export { type ConnectMqtt, type DoctorContext, type DoctorSeams, doctorContext, type LiveUnit } from './context.js';
export { configFailure, DOCTOR_EXIT, exitCodeOf } from './outcome.js';
export { renderTable, summary } from './output/table.js';
export { doctorChecks, selectChecks } from './registry.js';
export { toDiagnostics } from './remote.js';
export { type DoctorOptions, runDoctor, UnknownCheckError } from './run-doctor.js';
export { DEFAULT_CHECK_TIMEOUT_MS, type DoctorEntry, type DoctorReport, type RunOptions, runChecks } from './runner.js';
