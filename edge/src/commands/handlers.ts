import type { CommandArgs, CommandName, CommandResult, Subsystem } from '../contract/commands.js';
import { EdgeError, EdgeErrorCode } from '../errors.js';
import { checkConfigValue, configKeyInfo, restartFor, withoutSecrets } from './config-keys.js';

type Awaitable<T> = T | Promise<T>;

/** One line of the run-diagnostics reply (a doctor check): name, ok, detail, and status/code/title/fix. */
export type DiagnosticCheck = CommandResult<'run-diagnostics'>['checks'][number];

export interface CaptureInfo {
  /** File name of the capture on the unit. */
  file: string;
  bytes: number;
}

/**
 * What the commands need from the running service; the app implements it. The router checks every
 * argument before calling in, and checks every result against the contract before replying.
 * Throw an EdgeError to answer with its code; anything else thrown answers EDG_CMD_FAILED.
 */
export interface CommandContext {
  getStatus(): Awaitable<CommandResult<'get-status'>>;
  runDiagnostics(): Awaitable<{ checks: DiagnosticCheck[] }>;
  startCapture(options: { port: string; seconds?: number }): Awaitable<CaptureInfo>;
  stopCapture(): Awaitable<CaptureInfo>;
  /** The current value at a dotted key (see configValueAt); secrets are redacted by the router. */
  getConfig(key: string): Awaitable<unknown>;
  /** Called with a value already checked against the config schema. */
  setConfig(key: string, value: unknown): Awaitable<{ applied: boolean; restartRequired: boolean }>;
  restartSubsystem(name: Subsystem): Awaitable<void>;
  /** The dashboard's location toggle; answers the unit's whole location privacy state. */
  setLocationPause(paused: boolean): Awaitable<CommandResult<'location-pause'>>;
}

export interface HandlerOutcome {
  result: unknown;
  /** Runs once the reply is acknowledged: restarting the uplink first would lose the reply. */
  afterReply?: () => Awaitable<void>;
}

type Handlers = { [N in CommandName]: (args: CommandArgs<N>, ctx: CommandContext) => Promise<HandlerOutcome> };

export const HANDLERS: Handlers = {
  'get-status': async (_args, ctx) => ({ result: await ctx.getStatus() }),

  'run-diagnostics': async (_args, ctx) => {
    const { checks } = await ctx.runDiagnostics();
    return { result: { ok: checks.every((check) => check.ok), checks } };
  },

  'capture-start': async (args, ctx) => ({
    result: await ctx.startCapture(args.seconds === undefined ? { port: args.port } : args),
  }),

  'capture-stop': async (_args, ctx) => ({ result: await ctx.stopCapture() }),

  'config-get': async ({ key }, ctx) => {
    if (!configKeyInfo(key)) throw new EdgeError(EdgeErrorCode.CMD_INVALID, `unknown config key "${key}"`);
    const value = withoutSecrets(await ctx.getConfig(key), key);
    return { result: { key, value: value ?? null } };
  },

  'config-set': async ({ key, value }, ctx) => {
    checkConfigValue(key, value);
    const outcome = await ctx.setConfig(key, value);
    // The schema's rule stands even if the service claims otherwise: a frozen MQTT option cannot change live.
    const restart = restartFor(key);
    const result: CommandResult<'config-set'> = {
      key,
      applied: outcome.applied === true,
      restartRequired: outcome.restartRequired === true || restart !== undefined,
    };
    if (restart !== undefined) result.restart = restart;
    return { result };
  },

  'restart-subsystem': async ({ name }, ctx) => {
    if (name === 'uplink') {
      return { result: { name, deferred: true }, afterReply: () => ctx.restartSubsystem(name) };
    }
    await ctx.restartSubsystem(name);
    return { result: { name, deferred: false } };
  },

  'location-pause': async ({ paused }, ctx) => ({ result: await ctx.setLocationPause(paused) }),
};
