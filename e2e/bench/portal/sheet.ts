import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Client,
  type CurlRequest,
  type CurlResult,
  type ManagedProcess,
  PROBE_USER_AGENTS,
  type ProbeFetcher,
  runProbes,
} from '../../support/netns/index.js';
import { formWith, submission } from './forms.js';
import { AGENT_READY, type SheetAnswer, type SheetRequest } from './sheet-agent.js';

/**
 * What a phone does between its lease and the tap: the OS probe finds the portal, then the login sheet
 * (both sent by a resident process in the phone's namespace, sheet-agent.ts) opens the page it
 * points to, following redirects as a WebView does, and the resident taps the button. Requests may
 * queue behind a slow portal, so each gets a generous limit: a slow answer is a figure, not a failure.
 */
export const SHEET_REQUEST_LIMIT_MS = 60_000;

const AGENT = join(dirname(fileURLToPath(import.meta.url)), 'sheet-agent.js');
/** What Android's captive-portal login activity (a WebView) says it is. */
const WEBVIEW_USER_AGENT = `${PROBE_USER_AGENTS.android} wv`;

/** Something the bench saw that would make a portal's figures meaningless (a bypass, a broken page). */
export class SheetError extends Error {
  constructor(
    readonly code:
      | 'BENCH_PORTAL_NOT_CAPTIVE'
      | 'BENCH_PORTAL_HTTPS_LEAK'
      | 'BENCH_PORTAL_NO_FORM'
      | 'BENCH_PORTAL_REFUSED'
      | 'BENCH_PORTAL_SHEET_FAILED',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'SheetError';
  }
}

/** A phone's login sheet process; started before the runs, so no timed step waits for a program to start. */
export class Sheet {
  private nextId = 0;
  private readonly pending = new Map<number, (answer: SheetAnswer) => void>();

  private constructor(
    readonly client: Client,
    private readonly agent: ManagedProcess,
  ) {
    agent.child.on('message', (answer: SheetAnswer) => {
      this.pending.get(answer.id)?.(answer);
      this.pending.delete(answer.id);
    });
  }

  static async open(client: Client): Promise<Sheet> {
    const agent = client.spawn('sheet', process.execPath, [AGENT, client.files.caFile], { extraStdio: ['ipc'] });
    await agent.waitForLine(new RegExp(AGENT_READY), { timeoutMs: 30_000 });
    return new Sheet(client, agent);
  }

  load(url: string, form?: Record<string, string>): Promise<SheetAnswer> {
    return this.send({
      url,
      userAgent: WEBVIEW_USER_AGENT,
      timeoutMs: SHEET_REQUEST_LIMIT_MS,
      ...(form ? { form } : {}),
    });
  }

  /** The phone's OS probes, sent by the same resident process (see ProbeFetcher). */
  readonly probe: ProbeFetcher = async (request: CurlRequest): Promise<CurlResult> => {
    const answer = await this.send({
      url: request.url,
      userAgent: request.userAgent ?? PROBE_USER_AGENTS.android,
      timeoutMs: request.maxTimeMs ?? 5_000,
    });
    const result: CurlResult = {
      url: request.url,
      status: answer.status,
      headers: answer.headers,
      body: answer.body,
      exitCode: answer.status === null ? 1 : 0,
      timing: { dnsMs: 0, connectMs: 0, tlsMs: 0, firstByteMs: 0, totalMs: answer.ms, wallMs: answer.ms },
    };
    if (answer.location !== undefined) result.location = answer.location;
    if (answer.error !== undefined) result.error = answer.error;
    return result;
  };

  private send(request: Omit<SheetRequest, 'id'>): Promise<SheetAnswer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.agent.child.send({ id, ...request } satisfies SheetRequest);
    });
  }
}

export interface SheetPage {
  url: string;
  page: SheetAnswer;
}

/**
 * The phone's first probe run after its lease: it must say captive (a redirect or a page on plain
 * HTTP), and the HTTPS probe must get no answer at all. Either failing means the client is not held
 * captive, and no time-to-online measured through it would mean anything.
 */
export async function firstLook(sheet: Sheet): Promise<string> {
  const client = sheet.client;
  const run = await runProbes(client, 'android', { maxTimeMs: SHEET_REQUEST_LIMIT_MS }, sheet.probe);
  const https = run.steps.find((step) => step.result.url.startsWith('https:'));
  if (https?.result.status !== null) {
    throw new SheetError('BENCH_PORTAL_HTTPS_LEAK', `${client.name}: HTTPS probe answered ${https?.result.status}`);
  }
  if (run.verdict !== 'captive' || run.portalUrl === undefined) {
    throw new SheetError('BENCH_PORTAL_NOT_CAPTIVE', `${client.name}: probes said ${run.verdict}`);
  }
  return run.portalUrl;
}

/** Loads the page at `url` in the sheet, following up to five redirects. */
export async function openSheet(sheet: Sheet, url: string): Promise<SheetPage> {
  let at = url;
  for (let hops = 0; hops <= 5; hops++) {
    const page = await sheet.load(at);
    if (page.status === null) {
      throw new SheetError('BENCH_PORTAL_SHEET_FAILED', `${sheet.client.name}: ${at}: ${page.error}`);
    }
    if (page.location === undefined || page.status < 300 || page.status >= 400) return { url: at, page };
    at = new URL(page.location, at).href;
  }
  throw new SheetError('BENCH_PORTAL_NO_FORM', `${sheet.client.name}: more than five redirects from ${url}`);
}

/** Taps the button of the form that carries `field`; resolves with the page that came back. */
export async function tap(sheet: Sheet, from: SheetPage, field: string): Promise<SheetPage> {
  const form = formWith(from.page.body, field);
  if (form === undefined) {
    throw new SheetError('BENCH_PORTAL_NO_FORM', `${sheet.client.name}: no form with "${field}" at ${from.url}`);
  }
  const sent = submission(form, from.url);
  return { url: sent.url, page: await sheet.load(sent.url, sent.form) };
}
