import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, expect } from 'vitest';
import { configValueAt, restartFor } from '../../src/commands/config-keys.js';
import type { CommandContext } from '../../src/commands/handlers.js';
import { CommandRouter, type CommandRouterOptions } from '../../src/commands/router.js';
import { validateEdgeConfig } from '../../src/config/load.js';
import type { EdgeConfig } from '../../src/config/schema.js';
import { type CommandReply, cmdTopic, FLEET_REPLY_FILTER, parseCommandReply } from '../../src/contract/commands.js';
import { startTestBroker, type TestBroker } from './aedes-broker.js';

export const UNIT = 'tri-cmd-01';
export const UNIT_PASSWORD = 'unit-secret';
export const TECH = 'technician';
export const TECH_PASSWORD = 'tech-secret';

export function unitConfig(): Readonly<EdgeConfig> {
  return validateEdgeConfig({
    configVersion: 1,
    unitId: UNIT,
    bms: { type: 'jbd', path: '/dev/ttyUSB0' },
    mqtt: { url: 'mqtt://127.0.0.1:1883', username: UNIT, password: UNIT_PASSWORD },
  });
}

/**
 * A working CommandContext over an in-memory config, recording each call in order.
 * Tests replace single methods to make one throw or hang.
 */
export function recordingContext(overrides: Partial<CommandContext> = {}): {
  context: CommandContext;
  calls: string[];
  config: () => Readonly<EdgeConfig>;
} {
  const calls: string[] = [];
  let config = unitConfig();
  let capture: { file: string; bytes: number } | undefined;
  const context: CommandContext = {
    getStatus: () => {
      calls.push('getStatus');
      return {
        unitId: UNIT,
        bootId: 'boot-0001',
        bms: 'connected',
        uplink: 'online',
        pendingRecords: 2,
        publishedRecords: 40,
        uptimeS: 12,
      };
    },
    runDiagnostics: async () => {
      calls.push('runDiagnostics');
      return {
        checks: [
          { name: 'bms', ok: true },
          { name: 'disk', ok: false, detail: '91 % used' },
        ],
      };
    },
    startCapture: async ({ port, seconds }) => {
      calls.push(`startCapture ${port} ${seconds ?? '-'}`);
      if (capture) throw new Error('a capture is already running');
      capture = { file: 'capture-20240101-bms.txt', bytes: 0 };
      return capture;
    },
    stopCapture: async () => {
      calls.push('stopCapture');
      if (!capture) throw new Error('no capture is running');
      const done = { ...capture, bytes: 1234 };
      capture = undefined;
      return done;
    },
    getConfig: (key) => {
      calls.push(`getConfig ${key}`);
      return configValueAt(config, key);
    },
    setConfig: async (key, value) => {
      calls.push(`setConfig ${key}`);
      const next = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
      const [section, field] = key.split('.');
      if (section === undefined || field === undefined) throw new Error(`cannot set ${key}`);
      next[section] = { ...next[section], [field]: value };
      config = validateEdgeConfig(next);
      return { applied: restartFor(key) === undefined, restartRequired: false };
    },
    restartSubsystem: async (name) => {
      calls.push(`restart ${name}`);
    },
    setLocationPause: (paused) => {
      calls.push(`setLocationPause ${paused}`);
      return { paused, manual: paused, by: 'dashboard', changedAt: 1_000, outsideHours: false };
    },
    ...overrides,
  };
  return { context, calls, config: () => config };
}

export async function connectUnit(url: string, protocolVersion: 4 | 5 = 4, user = UNIT): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    username: user,
    password: UNIT_PASSWORD,
    clientId: `${user}-edge`,
    protocolVersion,
    reconnectPeriod: 0,
  });
}

export async function startRouter(
  client: MqttClient,
  context: CommandContext,
  options: Partial<CommandRouterOptions> = {},
): Promise<CommandRouter> {
  const router = new CommandRouter({ client, unitId: UNIT, context, ...options });
  await router.start();
  return router;
}

export interface SeenReply {
  name: string;
  reply: CommandReply;
}

/** The fleet side: publishes requests and collects every reply, each checked against the contract. */
export class Technician {
  readonly replies: SeenReply[] = [];
  readonly violations: string[] = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload) => {
      const parsed = parseCommandReply(payload);
      if (!parsed.ok) this.violations.push(`${topic}: ${parsed.detail}`);
      else this.replies.push({ name: topic.split('/').at(-1) ?? '', reply: parsed.value });
    });
  }

  static async connect(url: string, username = TECH, password = TECH_PASSWORD): Promise<Technician> {
    const client = await mqtt.connectAsync(url, { username, password, protocolVersion: 4, reconnectPeriod: 0 });
    await client.subscribeAsync(FLEET_REPLY_FILTER, { qos: 1 });
    return new Technician(client);
  }

  /** Publishes anything (bytes, text or an object as JSON) to the unit's cmd/<name>. */
  async send(name: string, payload: unknown, options: { retain?: boolean; unitId?: string } = {}): Promise<void> {
    const body =
      typeof payload === 'string'
        ? payload
        : payload instanceof Uint8Array
          ? Buffer.from(payload)
          : JSON.stringify(payload);
    await this.client.publishAsync(cmdTopic(options.unitId ?? UNIT, name), body, {
      qos: 1,
      retain: options.retain ?? false,
    });
  }

  async request(name: string, args?: Record<string, unknown>, id = randomId()): Promise<CommandReply> {
    await this.send(name, args === undefined ? { v: 1, id } : { v: 1, id, args });
    return this.reply(name, id);
  }

  /** Waits for the first reply on reply/<name> carrying `id` (null for "id unreadable"). */
  async reply(name: string, id: string | null, timeoutMs = 5000): Promise<CommandReply> {
    await until(() => this.find(name, id).length > 0, `a reply on ${name} for ${id}`, timeoutMs);
    const [first] = this.find(name, id);
    if (!first) throw new Error('unreachable');
    return first;
  }

  find(name: string, id: string | null): CommandReply[] {
    return this.replies.filter((r) => r.name === name && r.reply.id === id).map((r) => r.reply);
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

let counter = 0;
export function randomId(): string {
  counter += 1;
  return `req-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A promise the test opens by hand (Node 20 has no Promise.withResolvers). */
export function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The code of an error reply, or "ok": what the tests assert on. */
export function outcome(reply: CommandReply): string {
  return reply.ok ? 'ok' : reply.error.code;
}

export interface RouterHarness {
  readonly broker: TestBroker;
  readonly unit: MqttClient;
  readonly tech: Technician;
  /** Run after the test, last registered first. */
  defer(cleanup: () => unknown): void;
  /** Starts a router for UNIT on the unit's client over a recording context. */
  serve(
    overrides?: Partial<CommandContext>,
    options?: Partial<CommandRouterOptions>,
  ): Promise<ReturnType<typeof recordingContext>>;
}

/**
 * A fresh aedes broker, a connected unit and a technician for every test in the file; after each test
 * every reply seen must have matched the contract. `extraUsers` log in with UNIT_PASSWORD.
 */
export function useRouterHarness(extraUsers: readonly string[] = []): RouterHarness {
  let state: { broker: TestBroker; unit: MqttClient; tech: Technician } | undefined;
  const cleanups: Array<() => unknown> = [];
  const current = () => {
    if (!state) throw new Error('the harness is only usable inside a test');
    return state;
  };
  beforeEach(async () => {
    const users = Object.fromEntries(extraUsers.map((user) => [user, UNIT_PASSWORD]));
    const broker = await startTestBroker({ ...users, [UNIT]: UNIT_PASSWORD, [TECH]: TECH_PASSWORD });
    cleanups.push(() => broker.close());
    const unit = await connectUnit(broker.url);
    cleanups.push(() => unit.endAsync(true));
    const tech = await Technician.connect(broker.url);
    cleanups.push(() => tech.close());
    state = { broker, unit, tech };
  });
  afterEach(async () => {
    const violations = state?.tech.violations ?? [];
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    state = undefined;
    expect(violations).toEqual([]);
  });
  return {
    get broker() {
      return current().broker;
    },
    get unit() {
      return current().unit;
    },
    get tech() {
      return current().tech;
    },
    defer: (cleanup) => cleanups.push(cleanup),
    serve: async (overrides = {}, options = {}) => {
      const rig = recordingContext(overrides);
      const router = await startRouter(current().unit, rig.context, options);
      cleanups.push(() => router.stop());
      return rig;
    },
  };
}
