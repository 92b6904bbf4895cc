import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Value } from '@sinclair/typebox/value';
import { applyRecord, type RecordBody } from '@triporteur/edge/contract';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { type Alert, type AlertChange, AlertStore } from '../src/alerts/alert-store.js';
import { AlertEngine } from '../src/alerts/alerts.js';
import { DEFAULT_ALERTS_CONFIG, type NotifyConfig, NotifyConfigSchema } from '../src/alerts/config.js';
import { AlertErrorCode } from '../src/alerts/errors.js';
import { ALERT_MIGRATIONS } from '../src/alerts/migrations.js';
import { Notifier } from '../src/alerts/notify.js';
import { captureLogger } from './helpers.js';
import { openTestDb } from './support/engines.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// 3 June 2025, 12:05 UTC: 14:05 in Paris.
const FIRST_AT = Date.UTC(2025, 5, 3, 12, 5);
const SECRET = 'a-webhook-secret-of-some-length';

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 41,
    unitId: 'tri-lyon-01',
    kind: 'low-battery',
    key: 'tri-lyon-01:low-battery',
    severity: 'critical',
    firstAt: FIRST_AT,
    lastAt: FIRST_AT,
    count: 1,
    detail: 'Batterie à 9 % (≈ 25 min restantes)',
    active: true,
    acknowledgedBy: null,
    acknowledgedAt: null,
    clearedAt: null,
    ...overrides,
  };
}

const change = (outcome: AlertChange['outcome'], overrides: Partial<Alert> = {}): AlertChange => ({
  outcome,
  alert: alert(overrides),
});

interface Mail {
  from: string;
  to: string[];
  user: unknown;
  subject: string;
  headers: Map<string, string>;
  text: string;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=), as nodemailer writes non-ASCII headers. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, encoding: string, data: string) => {
      if (encoding.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString('utf8');
      return quotedPrintable(data.replace(/_/g, ' '));
    });
}

function quotedPrintable(text: string): string {
  const bytes: number[] = [];
  const unwrapped = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < unwrapped.length; i++) {
    const c = unwrapped[i] ?? '';
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(unwrapped.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(unwrapped.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Just enough MIME to read back a single-part text message. */
function parseMail(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  const body = raw.slice(split + 4);
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? quotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body, 'base64').toString('utf8')
        : body;
  return { headers, text: text.replace(/\r\n/g, '\n') };
}

/** A real SMTP server on loopback that keeps what it receives. */
async function startSmtp(options: { auth?: { username: string; password: string }; rejectRecipients?: boolean } = {}) {
  const mails: Mail[] = [];
  let rcptAttempts = 0;
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.auth?.username && auth.password === options.auth?.password;
      callback(ok ? null : new Error('bad credentials'), ok ? { user: auth.username } : undefined);
    },
    onRcptTo(_address, _session, callback) {
      rcptAttempts++;
      callback(options.rejectRecipients ? Object.assign(new Error('no such mailbox'), { responseCode: 550 }) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const { headers, text } = parseMail(Buffer.concat(chunks).toString('utf8'));
        const from = session.envelope.mailFrom;
        mails.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user,
          subject: headers.get('subject') ?? '',
          headers,
          text,
        });
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    get rcptAttempts() {
      return rcptAttempts;
    },
    async mail(n: number): Promise<Mail> {
      while (mails.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      return mails[n - 1] as Mail;
    },
  };
}

interface HookRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP endpoint on loopback answering each request with the next status; 'hold' never answers. */
async function startHook(statuses: (number | 'hold')[]) {
  const requests: HookRequest[] = [];
  const held: ServerResponse[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = statuses[requests.length - 1] ?? statuses[statuses.length - 1] ?? 200;
      if (status === 'hold') held.push(res);
      else res.writeHead(status).end('ok');
      for (const wake of waiters.splice(0)) wake();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const release = () => {
    for (const res of held.splice(0)) if (!res.writableEnded) res.writeHead(200).end('late');
  };
  cleanups.push(() => {
    release();
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alerts?token=abc`,
    requests,
    held,
    release,
    async received(n: number): Promise<void> {
      while (requests.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

function notifyConfig(input: object): NotifyConfig {
  return Value.Default(NotifyConfigSchema, Value.Clone(input)) as NotifyConfig;
}

/** A notifier whose backoff waits are recorded and skipped: the retry logic runs, the clock does not. */
function notifier(config: NotifyConfig) {
  const { logger, lines } = captureLogger();
  const waits: number[] = [];
  const n = new Notifier(config, {
    log: logger,
    unitName: (id) => (id === 'tri-lyon-01' ? 'Triporteur Lyon 1' : undefined),
    now: () => FIRST_AT + 1000,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  cleanups.push(() => n.close(1000));
  return { notifier: n, lines, waits };
}

function verifies(request: HookRequest): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`);
  const given = Buffer.from(String(request.headers['x-triporteur-signature']));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

describe('e-mail notifications', () => {
  it('sends a French message to every recipient, logged in, on a raise', async () => {
    const smtp = await startSmtp({ auth: { username: 'alertes', password: 'mot-de-passe' } });
    const { notifier: n } = notifier(
      notifyConfig({
        dashboardUrl: 'https://flotte.example.org',
        email: {
          host: '127.0.0.1',
          port: smtp.port,
          username: 'alertes',
          password: 'mot-de-passe',
          from: 'flotte@example.org',
          to: ['coordination@example.org', 'atelier@example.org'],
        },
      }),
    );
    n.notify(change('raised'));
    const mail = await smtp.mail(1);
    expect(mail.user).toBe('alertes');
    expect(mail.from).toBe('flotte@example.org');
    expect(mail.to).toEqual(['coordination@example.org', 'atelier@example.org']);
    expect(mail.subject).toBe('[Triporteur] Critique — Triporteur Lyon 1 (tri-lyon-01) : batterie faible');
    expect(mail.text).toContain(
      [
        'Nouvelle alerte sur la flotte.',
        '',
        'Alerte : batterie faible',
        'Gravité : Critique',
        'Unité : Triporteur Lyon 1 (tri-lyon-01)',
        'Détail : Batterie à 9 % (≈ 25 min restantes)',
        'Depuis : mardi 3 juin 2025 à 14:05',
        'Signalements : 1',
        '',
        'Tableau de bord : https://flotte.example.org',
      ].join('\n'),
    );
  });

  it('notifies a raise and an escalation, not a merge, a clear, or a severity below the minimum', async () => {
    const smtp = await startSmtp();
    const { notifier: n } = notifier(
      notifyConfig({
        email: { host: '127.0.0.1', port: smtp.port, from: 'flotte@example.org', to: ['c@example.org'] },
      }),
    );
    n.notify(change('raised', { severity: 'warning', detail: 'Batterie à 19 %' }));
    n.notify(change('merged', { severity: 'warning', count: 2 }));
    n.notify(change('cleared', { active: false }));
    n.notify(change('acknowledged'));
    n.notify(change('raised', { kind: 'hotspot-full', severity: 'info' }));
    n.notify(change('escalated', { count: 3 }));
    await n.idle();
    expect(smtp.mails.map((m) => m.subject)).toEqual([
      '[Triporteur] Avertissement — Triporteur Lyon 1 (tri-lyon-01) : batterie faible',
      '[Triporteur] Critique (aggravée) — Triporteur Lyon 1 (tri-lyon-01) : batterie faible',
    ]);
    expect(smtp.mails[1]?.text).toMatch(/^Une alerte ouverte s’est aggravée\./);
  });

  it('keeps the zone name out of notifications unless the config includes locations', async () => {
    const smtp = await startSmtp();
    const email = { host: '127.0.0.1', port: smtp.port, from: 'flotte@example.org', to: ['c@example.org'] };
    const zone = {
      kind: 'zone-leave' as const,
      severity: 'warning' as const,
      detail: 'A quitté la zone « Quartier Nord »',
    };
    const hidden = notifier(notifyConfig({ email })).notifier;
    hidden.notify(change('raised', zone));
    await hidden.idle();
    const shown = notifier(notifyConfig({ email, includeLocation: true })).notifier;
    shown.notify(change('raised', zone));
    await shown.idle();
    expect(smtp.mails[0]?.text).not.toContain('Quartier Nord');
    expect(smtp.mails[0]?.text).toContain('Détail de lieu masqué dans les notifications');
    expect(smtp.mails[1]?.text).toContain('Détail : A quitté la zone « Quartier Nord »');
  });

  it('retries a refused message, then logs DSH_ALERT_EMAIL_FAILED and moves on', async () => {
    const smtp = await startSmtp({ rejectRecipients: true });
    const {
      notifier: n,
      lines,
      waits,
    } = notifier(
      notifyConfig({
        retries: 1,
        backoffMs: 250,
        email: { host: '127.0.0.1', port: smtp.port, from: 'flotte@example.org', to: ['nobody@example.org'] },
      }),
    );
    n.notify(change('raised'));
    await n.idle();
    expect(smtp.rcptAttempts).toBe(2);
    expect(waits).toEqual([250]);
    const errors = lines.filter((l) => l.level === 50);
    expect(errors.map((l) => [l.code, l.channel, l.attempts, l.alertId])).toEqual([
      [AlertErrorCode.EMAIL_FAILED, 'email', 2, 41],
    ]);
  });
});

describe('webhook notifications', () => {
  const hookConfig = (url: string, extra: object = {}) =>
    notifyConfig({ backoffMs: 100, ...extra, webhook: { url, secret: SECRET, timeoutMs: 2000 } });

  it('POSTs the alert as JSON with an HMAC-SHA256 signature of the body that the receiver verifies', async () => {
    const hook = await startHook([204]);
    const { notifier: n, lines } = notifier(hookConfig(hook.url));
    n.notify(change('raised'));
    await n.idle();
    const [request] = hook.requests;
    expect(request && verifies(request)).toBe(true);
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      v: 1,
      event: 'raised',
      sentAt: FIRST_AT + 1000,
      text: '[Triporteur] Critique — Triporteur Lyon 1 (tri-lyon-01) : batterie faible',
      alert: {
        id: 41,
        unitId: 'tri-lyon-01',
        unitName: 'Triporteur Lyon 1',
        kind: 'low-battery',
        severity: 'critical',
        detail: 'Batterie à 9 % (≈ 25 min restantes)',
        firstAt: FIRST_AT,
        lastAt: FIRST_AT,
        count: 1,
      },
    });
    // A tampered body no longer verifies.
    expect(verifies({ headers: request?.headers ?? {}, body: `${request?.body} ` })).toBe(false);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('retries on 500 with a doubling backoff, the same delivery each time, then succeeds', async () => {
    const hook = await startHook([500, 500, 200]);
    const { notifier: n, lines, waits } = notifier(hookConfig(hook.url));
    n.notify(change('raised'));
    await n.idle();
    expect(hook.requests).toHaveLength(3);
    expect(new Set(hook.requests.map((r) => r.headers['x-triporteur-delivery'])).size).toBe(1);
    expect(new Set(hook.requests.map((r) => r.body)).size).toBe(1);
    expect(hook.requests.every(verifies)).toBe(true);
    expect(waits).toEqual([100, 200]);
    expect(lines.filter((l) => l.level === 40).map((l) => l.code)).toEqual([
      AlertErrorCode.WEBHOOK_FAILED,
      AlertErrorCode.WEBHOOK_FAILED,
    ]);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.some((l) => l.msg === 'notification sent' && l.attempts === 3)).toBe(true);
  });

  it('gives up after the configured retries with DSH_ALERT_WEBHOOK_FAILED, never logging the URL token', async () => {
    const hook = await startHook([503]);
    const { notifier: n, lines } = notifier(hookConfig(hook.url, { retries: 2 }));
    n.notify(change('raised'));
    await n.idle();
    expect(hook.requests).toHaveLength(3);
    const errors = lines.filter((l) => l.level === 50);
    expect(errors.map((l) => [l.code, l.attempts, l.host])).toEqual([
      [AlertErrorCode.WEBHOOK_FAILED, 3, new URL(hook.url).host],
    ]);
    expect(JSON.stringify(lines)).not.toContain('token=abc');
  });

  it('does not retry a 4xx: DSH_ALERT_WEBHOOK_REJECTED after one request', async () => {
    const hook = await startHook([401]);
    const { notifier: n, lines } = notifier(hookConfig(hook.url));
    n.notify(change('raised'));
    await n.idle();
    expect(hook.requests).toHaveLength(1);
    expect(lines.filter((l) => l.level === 50).map((l) => l.code)).toEqual([AlertErrorCode.WEBHOOK_REJECTED]);
  });

  it('times out an endpoint that never answers, with a coded error', async () => {
    const hook = await startHook(['hold']);
    const { notifier: n, lines } = notifier(
      notifyConfig({ retries: 0, webhook: { url: hook.url, secret: SECRET, timeoutMs: 150 } }),
    );
    n.notify(change('raised'));
    await n.idle();
    const [error] = lines.filter((l) => l.level === 50);
    expect(error?.code).toBe(AlertErrorCode.WEBHOOK_FAILED);
    expect((error?.err as { message?: string } | undefined)?.message).toContain('no answer within 150 ms');
  });

  it('drops the oldest waiting notification when the queue is full, with a coded warning', async () => {
    const hook = await startHook(['hold', 200]);
    const { notifier: n, lines } = notifier(hookConfig(hook.url, { queueMax: 2 }));
    for (const id of [1, 2, 3, 4]) n.notify(change('raised', { id }));
    await hook.received(1);
    expect(lines.filter((l) => l.code === AlertErrorCode.NOTIFY_QUEUE_FULL).map((l) => l.alertId)).toEqual([2]);
    hook.release();
    await n.idle();
    expect(hook.requests.map((r) => (JSON.parse(r.body) as { alert: { id: number } }).alert.id)).toEqual([1, 3, 4]);
  });
});

describe('notifications never hold up the alert engine', () => {
  it('stores and reports a raise while the webhook hangs, and the e-mail still goes out', async () => {
    const smtp = await startSmtp();
    const hook = await startHook(['hold']);
    const { logger } = captureLogger();
    const config = notifyConfig({
      webhook: { url: hook.url, secret: SECRET, timeoutMs: 60_000 },
      email: { host: '127.0.0.1', port: smtp.port, from: 'flotte@example.org', to: ['c@example.org'] },
    });
    const n = new Notifier(config, { log: logger });
    cleanups.push(() => n.close(1000));
    const { db } = await openTestDb('sqlite', ALERT_MIGRATIONS);
    const engine = new AlertEngine({
      store: new AlertStore(db),
      config: { ...DEFAULT_ALERTS_CONFIG, notify: config },
      log: logger,
      notifier: n,
    });
    await engine.start();
    const battery: RecordBody['battery'] = {
      state: 'connected',
      socPct: 8,
      voltageV: 46,
      currentA: -5,
      remainingAh: 1.6,
      nominalAh: 20,
      cycles: 300,
      temperaturesC: [24],
      protection: [],
      fets: { charge: true, discharge: true },
      full: true,
    };
    const changes = await engine.onUnitState('tri-lyon-01', {}, applyRecord({}, { ts: 1, battery }));
    expect(changes.map((c) => [c.outcome, c.alert.kind, c.alert.severity])).toEqual([
      ['raised', 'low-battery', 'critical'],
    ]);
    let idle = false;
    void n.idle().then(() => {
      idle = true;
    });
    await hook.received(1);
    const mail = await smtp.mail(1);
    expect(mail.subject).toBe('[Triporteur] Critique — tri-lyon-01 : batterie faible');
    // The webhook still hangs: its queue is busy, yet the engine answered and the mail went out.
    expect(hook.held).toHaveLength(1);
    expect(idle).toBe(false);
    hook.release();
    await n.idle();
    expect(idle).toBe(true);
  });
});
