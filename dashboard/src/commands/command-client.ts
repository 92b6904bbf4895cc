import { randomUUID } from 'node:crypto';
import {
  COMMAND_TIMEOUTS_MS,
  type CommandError,
  type CommandName,
  type CommandRequest,
  type CommandResult,
  cmdTopic,
  FLEET_REPLY_FILTER,
  isCommandName,
  isValidUnitId,
  parseCommandReply,
  parseCommandTopic,
} from '@triporteur/edge/contract';
import { type Logger, pino } from 'pino';
import { argsProblem, resultProblem } from './checks.js';
import { CommandClientError, CommandErrorCode } from './errors.js';

export type CommandMessageListener = (topic: string, payload: Uint8Array) => void;

/** The slice of mqtt.js's MqttClient the command client uses; a real MqttClient satisfies it. */
export interface CommandMqtt {
  subscribeAsync(filter: string, options: { qos: 1 }): Promise<ReadonlyArray<{ qos: number }>>;
  publishAsync(topic: string, message: string, options: { qos: 1; retain: false }): Promise<unknown>;
  on(event: 'message', listener: CommandMessageListener): unknown;
  removeListener(event: 'message', listener: CommandMessageListener): unknown;
}

/** What the fleet knows of a unit: a configured unit is online or offline; any other id names no unit. */
export type UnitPresence = 'online' | 'offline' | 'no-such-unit';

export interface CommandClientOptions {
  mqtt: CommandMqtt;
  presence: (unitId: string) => UnitPresence | Promise<UnitPresence>;
  logger?: Logger;
  /** How long the unit lets each command run; the contract's COMMAND_TIMEOUTS_MS otherwise. */
  timeoutsMs?: Partial<Record<CommandName, number>>;
  /** Waited on top of the unit's own limit: the reply still has to cross the 4G link. */
  replyMarginMs?: number;
  /** Requests waiting on one unit at once; more are refused DSH_CMD_BUSY rather than queued. */
  maxInFlightPerUnit?: number;
  /** Correlation ids; random UUIDs otherwise (unguessable, so no unit can answer another's request). */
  newId?: () => string;
}

export type CommandOutcome<N extends CommandName = CommandName> =
  | { ok: true; id: string; unitId: string; command: N; result: CommandResult<N> }
  /** The unit answered with one of its coded errors (EDG_*): an answer, not a failure to get one. */
  | { ok: false; id: string; unitId: string; command: N; error: CommandError };

export interface CommandClientStats {
  sent: number;
  answered: number;
  unitErrors: number;
  timeouts: number;
  /** Replies that are not JSON or not the contract's reply shape. */
  malformed: number;
  /** Well-formed replies no waiting request claims: late, duplicate, or another process's. */
  unmatched: number;
  /** ok:true replies whose result is outside the contract. */
  badResults: number;
  inFlight: number;
}

interface Pending {
  unitId: string;
  name: CommandName;
  settle(outcome: CommandOutcome | CommandClientError): void;
}

export const DEFAULT_REPLY_MARGIN_MS = 10_000;
export const DEFAULT_MAX_IN_FLIGHT_PER_UNIT = 4;

/**
 * The fleet side of the cmd/reply contract: one request per call, matched to its reply by the
 * correlation id in the payload, under a deadline that always ends in a coded error.
 */
export class CommandClient {
  private readonly log: Logger;
  private readonly pending = new Map<string, Pending>();
  private readonly perUnit = new Map<string, number>();
  private readonly counts: Omit<CommandClientStats, 'inFlight'> = {
    sent: 0,
    answered: 0,
    unitErrors: 0,
    timeouts: 0,
    malformed: 0,
    unmatched: 0,
    badResults: 0,
  };
  private subscribed: Promise<void> | undefined;
  private closed = false;
  private readonly listener: CommandMessageListener = (topic, payload) => this.onMessage(topic, payload);

  constructor(private readonly options: CommandClientOptions) {
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ module: 'commands' });
  }

  /** Subscribes to every unit's replies, once; send() calls it too. Rejects DSH_CMD_SUBSCRIBE if refused. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    this.subscribed ??= this.subscribe().catch((err: unknown) => {
      this.subscribed = undefined; // the next call tries again
      throw err;
    });
    return this.subscribed;
  }

  private async subscribe(): Promise<void> {
    const { mqtt } = this.options;
    mqtt.removeListener('message', this.listener);
    mqtt.on('message', this.listener);
    try {
      const grants = await mqtt.subscribeAsync(FLEET_REPLY_FILTER, { qos: 1 });
      if (grants.some((grant) => grant.qos === 128)) throw new Error('SUBACK 0x80');
    } catch (err) {
      mqtt.removeListener('message', this.listener);
      throw new CommandClientError(
        CommandErrorCode.SUBSCRIBE,
        `le broker refuse l’abonnement aux réponses des unités (${FLEET_REPLY_FILTER}) : vérifier son ACL`,
        { cause: err },
      );
    }
    this.log.info({ filter: FLEET_REPLY_FILTER }, 'listening for command replies');
  }

  /**
   * Sends `name` to the unit and waits for its reply. Resolves with the unit's answer, success or
   * coded EDG_* error alike; rejects with a CommandClientError when no usable answer can be had.
   */
  async send<N extends CommandName>(unitId: string, name: N, args: unknown = {}): Promise<CommandOutcome<N>> {
    if (this.closed) throw closedError();
    if (!isCommandName(name)) {
      throw new CommandClientError(CommandErrorCode.UNKNOWN_COMMAND, `commande inconnue « ${String(name)} »`);
    }
    if (!isValidUnitId(unitId)) throw unknownUnit(unitId);
    const problem = argsProblem(name, args);
    if (problem !== undefined) throw new CommandClientError(CommandErrorCode.BAD_ARGS, problem);
    const presence = await this.options.presence(unitId);
    if (presence === 'no-such-unit') throw unknownUnit(unitId);
    if (presence === 'offline') {
      throw new CommandClientError(
        CommandErrorCode.UNIT_OFFLINE,
        `l’unité ${unitId} est hors ligne : la commande attendrait sa reconnexion, elle n’est pas envoyée`,
      );
    }
    const limit = this.options.maxInFlightPerUnit ?? DEFAULT_MAX_IN_FLIGHT_PER_UNIT;
    const busy = this.perUnit.get(unitId) ?? 0;
    if (busy >= limit) {
      throw new CommandClientError(
        CommandErrorCode.BUSY,
        `l’unité ${unitId} a déjà ${busy} commandes en cours : réessayer quand elles auront répondu`,
      );
    }
    this.perUnit.set(unitId, busy + 1);
    try {
      await this.start();
      return await this.request(unitId, name, args);
    } finally {
      const left = (this.perUnit.get(unitId) ?? 1) - 1;
      if (left > 0) this.perUnit.set(unitId, left);
      else this.perUnit.delete(unitId);
    }
  }

  private request<N extends CommandName>(unitId: string, name: N, args: unknown): Promise<CommandOutcome<N>> {
    if (this.closed) return Promise.reject(closedError());
    const id = (this.options.newId ?? randomUUID)();
    const waitMs = (this.options.timeoutsMs?.[name] ?? COMMAND_TIMEOUTS_MS[name]) + this.replyMargin();
    return new Promise<CommandOutcome<N>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.counts.timeouts++;
        this.log.warn({ unitId, cmd: name, id, waitMs }, 'command timed out');
        settle(
          new CommandClientError(
            CommandErrorCode.TIMEOUT,
            `l’unité ${unitId} n’a pas répondu à « ${name} » dans les ${Math.ceil(waitMs / 1000)} s`,
            { id },
          ),
        );
      }, waitMs);
      const settle = (outcome: CommandOutcome | CommandClientError) => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        if (outcome instanceof CommandClientError) reject(outcome);
        else resolve(outcome as CommandOutcome<N>);
      };
      // Registered before publishing: a fast unit may answer before the PUBACK arrives.
      this.pending.set(id, { unitId, name, settle });
      const request: CommandRequest = { v: 1, id, args: args as Record<string, unknown> };
      this.counts.sent++;
      this.log.info({ unitId, cmd: name, id }, 'command sent');
      this.options.mqtt.publishAsync(cmdTopic(unitId, name), JSON.stringify(request), { qos: 1, retain: false }).then(
        () => undefined,
        (err: unknown) => {
          this.log.warn({ err, unitId, cmd: name, id }, 'command not published');
          settle(
            new CommandClientError(
              CommandErrorCode.PUBLISH,
              `la commande « ${name} » n’a pas pu être remise au broker : ${err instanceof Error ? err.message : String(err)}`,
              { cause: err, id },
            ),
          );
        },
      );
    });
  }

  private replyMargin(): number {
    return this.options.replyMarginMs ?? DEFAULT_REPLY_MARGIN_MS;
  }

  private onMessage(topic: string, payload: Uint8Array): void {
    const where = parseCommandTopic(topic);
    // The connection may carry other subscriptions; only replies concern us.
    if (where?.kind !== 'reply') return;
    const parsed = parseCommandReply(payload);
    if (!parsed.ok) {
      this.counts.malformed++;
      this.log.warn({ unitId: where.unitId, cmd: where.name.slice(0, 64), reason: parsed.reason }, 'malformed reply');
      return;
    }
    const reply = parsed.value;
    const waiting = reply.id === null ? undefined : this.pending.get(reply.id);
    // The same id from another unit or on another command's topic is not this request's answer.
    if (!waiting || waiting.unitId !== where.unitId || waiting.name !== where.name) {
      this.counts.unmatched++;
      this.log.debug({ unitId: where.unitId, cmd: where.name.slice(0, 64), id: reply.id }, 'unmatched reply');
      return;
    }
    const { unitId, name } = waiting;
    const id = reply.id as string;
    if (!reply.ok) {
      this.counts.unitErrors++;
      this.log.info({ unitId, cmd: name, id, code: reply.error.code }, 'command refused by the unit');
      waiting.settle({ ok: false, id, unitId, command: name, error: reply.error });
      return;
    }
    const problem = resultProblem(name, reply.result);
    if (problem !== undefined) {
      this.counts.badResults++;
      this.log.warn({ unitId, cmd: name, id, problem }, 'reply result outside the contract');
      waiting.settle(
        new CommandClientError(
          CommandErrorCode.BAD_REPLY,
          `l’unité ${unitId} a répondu à « ${name} » hors contrat (${problem}) : son logiciel est-il à jour ?`,
          { id },
        ),
      );
      return;
    }
    this.counts.answered++;
    this.log.info({ unitId, cmd: name, id }, 'command answered');
    waiting.settle({ ok: true, id, unitId, command: name, result: reply.result as CommandResult<typeof name> });
  }

  stats(): CommandClientStats {
    return { ...this.counts, inFlight: this.pending.size };
  }

  /** Stops listening and fails every waiting request with DSH_CMD_CLOSED; the MQTT connection is the caller's. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.mqtt.removeListener('message', this.listener);
    for (const waiting of [...this.pending.values()]) waiting.settle(closedError());
  }
}

function unknownUnit(unitId: string): CommandClientError {
  return new CommandClientError(
    CommandErrorCode.UNKNOWN_UNIT,
    `aucune unité « ${unitId.slice(0, 64)} » n’est configurée`,
  );
}

function closedError(): CommandClientError {
  return new CommandClientError(CommandErrorCode.CLOSED, 'le service de commandes est arrêté');
}
