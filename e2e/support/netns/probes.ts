import type { Client } from './client.js';
import { type CurlRequest, type CurlResult, curl } from './curl.js';
import { HarnessError } from './errors.js';
import {
  APPLE_SUCCESS,
  FIREFOX_CANONICAL,
  FIREFOX_SUCCESS,
  WINDOWS_CONNECT_TEST,
  WINDOWS_NCSI,
} from './internet-hosts.js';

export type ProbeOs = 'android' | 'apple' | 'windows' | 'firefox';
export const PROBE_OSES: readonly ProbeOs[] = ['android', 'apple', 'windows', 'firefox'];

/**
 * What the phone concludes: `online` when every probe got the real answer; `captive` when a plain
 * HTTP probe got some other HTTP answer (a redirect or a page: the login sheet opens); `partial`
 * when some probes succeeded and the rest got no answer; `offline` when nothing answered.
 */
export type Verdict = 'online' | 'captive' | 'partial' | 'offline';

export interface ProbeStep {
  label: string;
  request: CurlRequest;
  /** The answer the OS takes as "the Internet works". */
  isSuccess(result: CurlResult): boolean;
}

// The user agents the OSes send on these requests (Android's NetworkMonitor uses a fixed Chrome string).
export const PROBE_USER_AGENTS: Record<ProbeOs, string> = {
  android: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.32 Safari/537.36',
  apple: 'CaptiveNetworkSupport-481.0.1 wispr',
  windows: 'Microsoft NCSI',
  firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
};

const is204 = (result: CurlResult) => result.status === 204 && result.body === '';
const is200With = (body: string) => (result: CurlResult) => result.status === 200 && result.body === body;

/** Each OS's probe requests (REFERENCE §2), all sent at once as the OSes do. */
export function probeSteps(os: ProbeOs): ProbeStep[] {
  const userAgent = PROBE_USER_AGENTS[os];
  const step = (label: string, url: string, isSuccess: ProbeStep['isSuccess']): ProbeStep => ({
    label,
    request: { url, userAgent },
    isSuccess,
  });
  switch (os) {
    case 'android':
      return [
        step('http', 'http://connectivitycheck.gstatic.com/generate_204', is204),
        step('https', 'https://www.google.com/generate_204', is204),
        step('fallback', 'http://www.google.com/gen_204', is204),
      ];
    case 'apple':
      return [step('hotspot-detect', 'http://captive.apple.com/hotspot-detect.html', is200With(APPLE_SUCCESS))];
    case 'windows':
      return [
        step('connecttest', 'http://www.msftconnecttest.com/connecttest.txt', is200With(WINDOWS_CONNECT_TEST)),
        step('ncsi', 'http://www.msftncsi.com/ncsi.txt', is200With(WINDOWS_NCSI)),
      ];
    case 'firefox':
      return [
        step('success', 'http://detectportal.firefox.com/success.txt', is200With(FIREFOX_SUCCESS)),
        step('canonical', 'http://detectportal.firefox.com/canonical.html', is200With(FIREFOX_CANONICAL)),
      ];
  }
}

export interface ProbeStepResult {
  label: string;
  success: boolean;
  result: CurlResult;
}

export interface ProbeRun {
  os: ProbeOs;
  verdict: Verdict;
  steps: ProbeStepResult[];
  /** Where a captive answer points the login sheet (Location of the first redirect). */
  portalUrl?: string;
  /** When the run started and how long it took, in performance.now() milliseconds. */
  startedAt: number;
  wallMs: number;
}

export function verdictOf(steps: readonly ProbeStepResult[]): Verdict {
  const plainHttp = (step: ProbeStepResult) => step.result.url.startsWith('http:');
  if (steps.some((step) => plainHttp(step) && step.result.status !== null && !step.success)) return 'captive';
  const successes = steps.filter((step) => step.success).length;
  if (successes === steps.length) return 'online';
  return successes > 0 ? 'partial' : 'offline';
}

/**
 * Sends one probe request from a phone. The default starts the harness's curl in the phone's namespace;
 * a bench passes a resident process instead, as a phone's OS does not start a program per probe.
 */
export type ProbeFetcher = (request: CurlRequest) => Promise<CurlResult>;

/** Replays one OS's probe sequence from a client and says what the phone would conclude. */
export async function runProbes(
  client: Client,
  os: ProbeOs,
  options: Partial<CurlRequest> = {},
  fetch: ProbeFetcher = (request) => curl(client, request),
): Promise<ProbeRun> {
  const startedAt = performance.now();
  const steps = await Promise.all(
    probeSteps(os).map(async (step) => {
      const result = await fetch({ ...step.request, ...options });
      return { label: step.label, success: step.isSuccess(result), result };
    }),
  );
  const run: ProbeRun = { os, verdict: verdictOf(steps), steps, startedAt, wallMs: performance.now() - startedAt };
  const redirect = steps.find((step) => step.result.location !== undefined);
  if (redirect?.result.location) run.portalUrl = redirect.result.location;
  return run;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Pause between runs. Default 50 ms. */
  intervalMs?: number;
  /** How the probes are sent; default the harness's curl. */
  fetch?: ProbeFetcher;
}

/** Re-runs the probes until they reach `verdict`; resolves with that run and how many it took. */
export async function waitForVerdict(
  client: Client,
  os: ProbeOs,
  verdict: Verdict,
  options: WaitOptions = {},
): Promise<ProbeRun & { attempts: number }> {
  const deadline = performance.now() + (options.timeoutMs ?? 15_000);
  let last: ProbeRun | undefined;
  for (let attempts = 1; ; attempts++) {
    last = await runProbes(client, os, {}, options.fetch);
    if (last.verdict === verdict) return { ...last, attempts };
    if (performance.now() > deadline) {
      const steps = last.steps
        .map(({ label, result }) => `${label} ${result.status ?? `curl exit ${result.exitCode} ${result.error ?? ''}`}`)
        .join('; ');
      throw new HarnessError(
        'E2E_NETNS_TIMEOUT',
        `${client.name} ${os}: still ${last.verdict} after ${attempts} runs (${steps}), wanted ${verdict}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
