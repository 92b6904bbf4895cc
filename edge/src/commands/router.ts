import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { type Clock, systemClock } from '@triporteur/firmware-bridge';
import { type Logger, pino } from 'pino';
import {
  COMMAND_NAMES,
  COMMAND_TIMEOUTS_MS,
  CommandArgsSchemas,
  type CommandName,
  type CommandReply,
  CommandRequestSchema,
  CommandResultSchemas,
  cmdFilter,
  isCommandName,
  MAX_COMMAND_BYTES,
  replyTopic,
} from '../contract/commands.js';
import { MAX_PAYLOAD_BYTES } from '../contract/parse.js';
import { TOPIC_ROOT } from '../contract/topics.js';
import { EdgeError, EdgeErrorCode, isEdgeError } from '../errors.js';
import { type CommandContext, HANDLERS, type HandlerOutcome } from './handlers.js';
import { ReplyCache } from './reply-cache.js';

export type CommandMessageListener = (topic: string, payload: Uint8Array, packet: { retain?: boolean }) => void;

/** The slice of mqtt.js's MqttClient the router uses; a real MqttClient satisfies it. */
export interface CommandClient {
  subscribeAsync(filter: string, options: { qos: 1 }): Promise<ReadonlyArray<{ qos: number }>>;
  publishAsync(topic: string, message: string, options: { qos: 1; retain: false }): Promise<unknown>;
  on(event: 'message', listener: CommandMessageListener): unknown;
  removeListener(event: 'message', listener: CommandMessageListener): unknown;
}

export interface CommandRouterOptions {
  client: CommandClient;
  unitId: string;
  context: CommandContext;
  clock?: Clock;
  logger?: Logger;
  /** Per-command limits; the contract's COMMAND_TIMEOUTS_MS otherwise. */
  timeoutsMs?: Partial<Record<CommandName, number>>;
  /** How long a reply is kept to answer a redelivered request without running it again. */
  dedupeWindowMs?: number;
  /** Commands running at once; more are answered EDG_CMD_BUSY. */
  maxInFlight?: number;
}

type Body =
  | { ok: true; result: unknown; afterReply?: HandlerOutcome['afterReply'] }
  | { ok: false; code: string; message: string };

const DEDUPE_WINDOW_MS = 10 * 60_000;
const MAX_MESSAGE = 1000;

const requestCheck = TypeCompiler.Compile(CommandRequestSchema);
const compileAll = (schemas: Record<CommandName, TSchema>) =>
  Object.fromEntries(COMMAND_NAMES.map((name) => [name, TypeCompiler.Compile(schemas[name])])) as Record<
    CommandName,
    TypeCheck<TSchema>
  >;
const argsChecks = compileAll(CommandArgsSchemas);
const resultChecks = compileAll(CommandResultSchemas);

function firstError(check: TypeCheck<TSchema>, value: unknown, prefix: string): string {
  const first = check.Errors(value).First();
  return first ? `${prefix}${first.path}: ${first.message}` : `${prefix}: does not match the schema`;
}

/** The correlation id if it can be read at all, so even a refused request is answered to its sender. */
function readId(json: unknown): string | null {
  if (json === null || typeof json !== 'object' || !('id' in json)) return null;
  const { id } = json;
  return typeof id === 'string' && id.length >= 1 && id.length <= 64 ? id : null;
}

const fail = (code: EdgeErrorCode, message: string): Body => ({ ok: false, code, message });

/**
 * Answers `cmd/<name>` on `reply/<name>`. Whatever the broker delivers, the router replies or logs;
 * it never throws into the MQTT client. A request is run at most once per (name, id) within the
 * dedupe window, so a QoS 1 redelivery gets the first reply again instead of a second run.
 */
export class CommandRouter {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly prefix: string;
  private readonly replies: ReplyCache;
  private readonly running = new Set<string>();
  private active = false;
  private readonly listener: CommandMessageListener = (topic, payload, packet) => {
    try {
      this.handle(topic, payload, packet.retain === true).catch((err: unknown) =>
        this.log.error({ err }, 'command handling failed'),
      );
    } catch (err) {
      this.log.error({ err }, 'command handling failed');
    }
  };

  constructor(private readonly options: CommandRouterOptions) {
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ module: 'commands' });
    this.clock = options.clock ?? systemClock;
    this.prefix = `${TOPIC_ROOT}/${options.unitId}/cmd/`;
    this.replies = new ReplyCache(this.clock, options.dedupeWindowMs ?? DEDUPE_WINDOW_MS);
  }

  /** Listens, then subscribes to the unit's own cmd/+; rejects with EDG_CMD_SUBSCRIBE if the broker refuses. */
  async start(): Promise<void> {
    if (this.active) return;
    this.active = true;
    const { client, unitId } = this.options;
    client.on('message', this.listener);
    const filter = cmdFilter(unitId);
    try {
      const grants = await client.subscribeAsync(filter, { qos: 1 });
      if (grants.some((grant) => grant.qos === 128)) throw new Error('SUBACK 0x80');
    } catch (err) {
      this.stop();
      throw new EdgeError(EdgeErrorCode.CMD_SUBSCRIBE, `the broker refused the subscription to ${filter}`, {
        cause: err,
      });
    }
    this.log.info({ filter }, 'listening for commands');
  }

  /** Stops answering. The subscription stays with the broker session, which queues commands for the next start. */
  stop(): void {
    this.active = false;
    this.options.client.removeListener('message', this.listener);
  }

  private async handle(topic: string, payload: Uint8Array, retained: boolean): Promise<void> {
    // The client may carry other subscriptions; only our own cmd topics concern us.
    if (!this.active || !topic.startsWith(this.prefix)) return;
    const name = topic.slice(this.prefix.length);
    if (name === '' || name.includes('/')) {
      this.log.warn({ topic: topic.slice(0, 200) }, 'ignored a command topic with no usable name');
      return;
    }
    if (payload.byteLength > MAX_COMMAND_BYTES) {
      const message = `request of ${payload.byteLength} bytes is over ${MAX_COMMAND_BYTES}`;
      return this.answer(name, null, fail(EdgeErrorCode.CMD_TOO_LARGE, message));
    }
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return this.answer(name, null, fail(EdgeErrorCode.CMD_INVALID, 'request is not JSON'));
    }
    const id = readId(json);
    if (retained) {
      const message = 'retained commands are refused (they would run at every reconnect): clear the retained message';
      return this.answer(name, id, fail(EdgeErrorCode.CMD_RETAINED, message));
    }
    if (!requestCheck.Check(json)) {
      return this.answer(name, id, fail(EdgeErrorCode.CMD_INVALID, firstError(requestCheck, json, 'request')));
    }
    if (!isCommandName(name)) {
      const message = `unknown command "${name.slice(0, 64)}"; known: ${COMMAND_NAMES.join(', ')}`;
      return this.answer(name, json.id, fail(EdgeErrorCode.CMD_UNKNOWN, message));
    }
    const key = `${name}\n${json.id}`;
    const cached = this.replies.get(key);
    if (cached !== undefined) {
      this.log.info({ cmd: name, id: json.id }, 'duplicate request: replaying the first reply');
      await this.publish(name, cached);
      return;
    }
    if (this.running.has(key)) {
      this.log.info({ cmd: name, id: json.id }, 'duplicate request while the first still runs: its reply will answer');
      return;
    }
    if (this.running.size >= (this.options.maxInFlight ?? 4)) {
      return this.answer(name, json.id, fail(EdgeErrorCode.CMD_BUSY, `${this.running.size} commands already running`));
    }
    this.running.add(key);
    const started = this.clock.now();
    let body: Body;
    let text: string;
    try {
      body = await this.execute(name, json.args ?? {});
      text = this.replyText(json.id, body);
      this.replies.set(key, text);
    } finally {
      // From here a duplicate is replayed from the cache, so a reply stuck in an outage holds no slot.
      this.running.delete(key);
    }
    this.log.info(
      { cmd: name, id: json.id, ok: body.ok, code: body.ok ? undefined : body.code, ms: this.clock.now() - started },
      'command answered',
    );
    await this.publish(name, text);
    if (body.ok && body.afterReply) {
      try {
        await body.afterReply();
      } catch (err) {
        this.log.error({ err, cmd: name }, 'the action after the reply failed');
      }
    }
  }

  private async execute(name: CommandName, args: unknown): Promise<Body> {
    const argsCheck = argsChecks[name];
    if (!argsCheck.Check(args)) return fail(EdgeErrorCode.CMD_INVALID, firstError(argsCheck, args, 'args'));
    const handler = HANDLERS[name] as (args: unknown, ctx: CommandContext) => Promise<HandlerOutcome>;
    let outcome: HandlerOutcome;
    try {
      const work = Promise.resolve().then(() => handler(args, this.options.context));
      outcome = await this.withTimeout(work, name);
    } catch (err) {
      this.log.warn({ err, cmd: name }, 'command failed');
      if (isEdgeError(err)) return fail(err.code, err.message);
      return fail(EdgeErrorCode.CMD_FAILED, `${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!resultChecks[name].Check(outcome.result)) {
      const detail = firstError(resultChecks[name], outcome.result, 'result');
      return fail(EdgeErrorCode.CMD_FAILED, `${name} produced a result outside the contract: ${detail}`);
    }
    return { ok: true, result: outcome.result, afterReply: outcome.afterReply };
  }

  private withTimeout<T>(work: Promise<T>, name: CommandName): Promise<T> {
    const ms = this.options.timeoutsMs?.[name] ?? COMMAND_TIMEOUTS_MS[name];
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(
        () => reject(new EdgeError(EdgeErrorCode.CMD_TIMEOUT, `${name} did not finish within ${ms} ms`)),
        ms,
      );
      // A late result or error after the timeout is dropped here, never left unhandled.
      work.then(
        (value) => {
          this.clock.clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          this.clock.clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  private replyText(id: string | null, body: Body): string {
    if (!body.ok) {
      const reply: CommandReply = {
        v: 1,
        id,
        ok: false,
        error: { code: body.code, message: body.message.slice(0, MAX_MESSAGE) },
      };
      return JSON.stringify(reply);
    }
    // Unreachable today (every successful run carries a readable id); kept so the types say so too.
    if (id === null) return this.replyText(null, fail(EdgeErrorCode.CMD_INVALID, 'request has no id'));
    let text: string | undefined;
    try {
      text = JSON.stringify({ v: 1, id, ok: true, result: body.result } satisfies CommandReply);
    } catch {
      text = undefined;
    }
    if (text === undefined) return this.replyText(id, fail(EdgeErrorCode.CMD_FAILED, 'result is not serialisable'));
    const size = new TextEncoder().encode(text).byteLength;
    if (size > MAX_PAYLOAD_BYTES) {
      return this.replyText(id, fail(EdgeErrorCode.CMD_FAILED, `reply of ${size} bytes is over ${MAX_PAYLOAD_BYTES}`));
    }
    return text;
  }

  private async answer(name: string, id: string | null, body: Body): Promise<void> {
    if (!body.ok) this.log.warn({ cmd: name.slice(0, 64), id, code: body.code }, 'command refused');
    await this.publish(name, this.replyText(id, body));
  }

  private async publish(name: string, text: string): Promise<void> {
    if (!this.active) return;
    const topic = replyTopic(this.options.unitId, name);
    try {
      await this.options.client.publishAsync(topic, text, { qos: 1, retain: false });
    } catch (err) {
      this.log.warn({ err, code: EdgeErrorCode.MQTT_PUBLISH, topic }, 'reply not published');
    }
  }
}
