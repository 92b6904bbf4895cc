// The network-namespace harness for the captive-portal end-to-end tests and bench (issue 5).

export type { IssuedCertificate, TestCa as HarnessCa } from '@triporteur/edge/testing';
export {
  BASELINE_NAT_TABLE,
  type BaselineAp,
  baselineDnsmasqArgs,
  baselineNatRuleset,
  startBaselineAp,
} from './baseline.js';
export {
  type FloodReport,
  probeThroughput,
  type Summary,
  summarize,
  type Throughput,
  type ThroughputOptions,
  type TimeToOnline,
  type TimeToOnlineOptions,
  timeToOnline,
} from './bench.js';
export { launchChromiumIn } from './chromium.js';
export { Client, type DhcpOptions, type DhcpResult, type Lease } from './client.js';
export { namespaceCpuMs, processCpuMs } from './cpu.js';
export { type CurlRequest, type CurlResult, type CurlTiming, curl } from './curl.js';
export { type LookupOptions, type LookupResult, lookup } from './dns.js';
export { HarnessError, type HarnessErrorCode } from './errors.js';
export {
  type AddClientOptions,
  createHarness,
  Harness,
  type HarnessOptions,
  withHarness,
} from './harness.js';
export { Internet, type InternetRequest } from './internet.js';
export * from './internet-hosts.js';
export { Namespace } from './namespace.js';
export { PLAN } from './plan.js';
export {
  PROBE_OSES,
  PROBE_USER_AGENTS,
  type ProbeFetcher,
  type ProbeOs,
  type ProbeRun,
  type ProbeStep,
  type ProbeStepResult,
  probeSteps,
  runProbes,
  type Verdict,
  verdictOf,
  waitForVerdict,
} from './probes.js';
export { ManagedProcess, type RunOptions, type RunResult, runCommand } from './run.js';
export { listNamespaces, type SweepReport, sweepStale } from './sweep.js';
