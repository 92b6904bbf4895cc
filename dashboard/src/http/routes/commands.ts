import { type TSchema, Type } from '@sinclair/typebox';
import {
  COMMAND_NAMES,
  CommandArgsSchemas,
  CommandErrorSchema,
  type CommandName,
  CommandResultSchemas,
  isValidUnitId,
  MAX_COMMAND_BYTES,
  UNIT_ID_PATTERN,
} from '@triporteur/edge/contract';
import type {
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  FastifySchemaCompiler,
  preHandlerAsyncHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import { argsProblem } from '../../commands/checks.js';
import type { CommandClient, CommandOutcome } from '../../commands/command-client.js';
import { CommandClientError, CommandErrorCode, isCommandClientError } from '../../commands/errors.js';
import { OPENAPI_TAGS, SESSION_SECURITY } from '../openapi.js';

type CommandGuard = preHandlerHookHandler | preHandlerAsyncHookHandler;

/** One line per command attempt that got past the guard; the caller adds who made the request. */
export interface CommandAuditEntry {
  unitId: string;
  command: string;
  /** Correlation id once the request was sent; the unit logs it too. */
  id: string | null;
  /** 'OK', the unit's EDG_* code, or the DSH_* code that stopped the command. */
  code: string;
  /** What the command aimed at, never a value (config-set may carry a secret): a config key, a subsystem, a port. */
  target?: string;
}

export interface CommandRoutesOptions {
  commands: Pick<CommandClient, 'send'>;
  /** Decides who may send commands (the auth layer's permission check); runs before every command route. */
  guard: CommandGuard;
  /** A different check for some commands (the mediators' location pause is not a technician's tool). */
  guards?: Partial<Record<CommandName, CommandGuard>>;
  audit: (entry: CommandAuditEntry, request: FastifyRequest) => void | Promise<void>;
}

const STATUS: Record<CommandErrorCode, number> = {
  DSH_CMD_BAD_ARGS: 400,
  DSH_CMD_UNKNOWN: 404,
  DSH_CMD_UNKNOWN_UNIT: 404,
  DSH_CMD_BUSY: 409,
  DSH_CMD_BAD_REPLY: 502,
  DSH_CMD_UNIT_OFFLINE: 503,
  DSH_CMD_SUBSCRIBE: 503,
  DSH_CMD_PUBLISH: 503,
  DSH_CMD_CLOSED: 503,
  DSH_CMD_TIMEOUT: 504,
};

const SUMMARIES: Record<CommandName, string> = {
  'get-status': 'État de l’unité : liaisons BMS et MQTT, enregistrements en attente',
  'run-diagnostics': 'Diagnostic complet de l’unité',
  'capture-start': 'Démarre une capture brute de la ligne série du BMS',
  'capture-stop': 'Arrête la capture en cours',
  'config-get': 'Lit une clé de la configuration de l’unité (secrets masqués)',
  'config-set': 'Modifie une clé de la configuration de l’unité',
  'restart-subsystem': 'Redémarre un sous-système de l’unité (bms ou uplink)',
  'location-pause': 'Met en pause ou reprend la localisation de l’unité (vie privée des médiateurs)',
};

export const CommandErrorBody = Type.Object(
  {
    code: Type.String({ description: 'Code stable, p. ex. DSH_CMD_TIMEOUT' }),
    message: Type.String({ description: 'Explication en français' }),
    id: Type.Optional(Type.String({ description: 'Identifiant de corrélation, si la requête est partie' })),
  },
  { additionalProperties: false },
);

const UnitParams = Type.Object({ unitId: Type.String({ pattern: UNIT_ID_PATTERN }) }, { additionalProperties: false });

function outcomeSchema(name: CommandName): TSchema {
  const common = {
    id: Type.String({ description: 'Identifiant de corrélation de la requête' }),
    unitId: Type.String(),
    command: Type.Literal(name),
  };
  return Type.Union(
    [
      Type.Object({ ok: Type.Literal(true), ...common, result: CommandResultSchemas[name] }),
      Type.Object(
        { ok: Type.Literal(false), ...common, error: CommandErrorSchema },
        { description: 'L’unité a répondu par une erreur codée (EDG_*)' },
      ),
    ],
    { description: 'La réponse de l’unité : son résultat, ou son erreur codée' },
  );
}

/**
 * Checks with the contract's own schemas instead of fastify's default Ajv, which would coerce types
 * and silently drop unknown fields: the unit refuses both, so the API must too.
 */
const contractValidator =
  (name: CommandName): FastifySchemaCompiler<unknown> =>
  ({ httpPart }) => {
    if (httpPart === 'params') {
      return (data) => {
        const unitId = (data as { unitId?: unknown } | null)?.unitId;
        return typeof unitId === 'string' && isValidUnitId(unitId) ? { value: data } : { error: new Error('unitId') };
      };
    }
    if (httpPart === 'body') {
      return (data) => {
        const problem = argsProblem(name, data);
        return problem === undefined ? { value: data } : { error: new Error(problem) };
      };
    }
    return () => true;
  };

function targetOf(name: string, args: unknown): string | undefined {
  if (args === null || typeof args !== 'object') return undefined;
  const field = name === 'restart-subsystem' ? 'name' : name === 'capture-start' ? 'port' : 'key';
  const value = (args as Record<string, unknown>)[field];
  return typeof value === 'string' ? value.slice(0, 200) : undefined;
}

const withTarget = (target: string | undefined) => (target === undefined ? {} : { target });

function unknownUnit(unitId: string): CommandClientError {
  return new CommandClientError(
    CommandErrorCode.UNKNOWN_UNIT,
    `aucune unité « ${unitId.slice(0, 64)} » n’est configurée`,
  );
}

/** Technician commands: `POST /api/units/:unitId/commands/<name>`, one route per command so each has its schemas. */
export const commandRoutes: FastifyPluginAsync<CommandRoutesOptions> = async (app, options) => {
  const { commands, guard } = options;

  async function record(request: FastifyRequest, entry: CommandAuditEntry): Promise<void> {
    try {
      await options.audit(entry, request);
    } catch (err) {
      // The command has run (or been refused) already: the technician still gets its answer.
      request.log.error(
        { err, unitId: entry.unitId, cmd: entry.command, code: entry.code },
        'command audit not stored',
      );
    }
  }

  async function finish(
    request: FastifyRequest,
    reply: FastifyReply,
    entry: Omit<CommandAuditEntry, 'id' | 'code'>,
    outcome: CommandOutcome | CommandClientError,
  ) {
    const failed = outcome instanceof CommandClientError;
    const code = failed ? outcome.code : outcome.ok ? 'OK' : outcome.error.code;
    const id = failed ? (outcome.id ?? null) : outcome.id;
    await record(request, { ...entry, id, code });
    if (!failed) return reply.code(200).send(outcome);
    const body = { code: outcome.code, message: outcome.message, ...(outcome.id ? { id: outcome.id } : {}) };
    return reply.code(STATUS[outcome.code]).send(body);
  }

  for (const name of COMMAND_NAMES) {
    app.post(
      `/api/units/:unitId/commands/${name}`,
      {
        bodyLimit: MAX_COMMAND_BYTES,
        attachValidation: true,
        validatorCompiler: contractValidator(name),
        // A command without arguments may come with no body at all.
        preValidation: async (request) => {
          request.body ??= {};
        },
        preHandler: options.guards?.[name] ?? guard,
        schema: {
          tags: [OPENAPI_TAGS.commands],
          operationId: `command-${name}`,
          summary: SUMMARIES[name],
          description: `Envoie « ${name} » à l’unité et attend sa réponse (délai de l’unité plus une marge pour le lien 4G).`,
          security: [...SESSION_SECURITY],
          params: UnitParams,
          body: CommandArgsSchemas[name],
          response: {
            200: outcomeSchema(name),
            400: { ...CommandErrorBody, description: 'Arguments refusés (DSH_CMD_BAD_ARGS)' },
            404: { ...CommandErrorBody, description: 'Unité inconnue (DSH_CMD_UNKNOWN_UNIT)' },
            409: { ...CommandErrorBody, description: 'Trop de commandes en cours pour cette unité (DSH_CMD_BUSY)' },
            502: { ...CommandErrorBody, description: 'Réponse de l’unité hors contrat (DSH_CMD_BAD_REPLY)' },
            503: { ...CommandErrorBody, description: 'Unité hors ligne ou broker indisponible' },
            504: { ...CommandErrorBody, description: 'L’unité n’a pas répondu à temps (DSH_CMD_TIMEOUT)' },
          },
        },
      },
      async (request, reply) => {
        const { unitId } = request.params as { unitId: string };
        const entry = { unitId, command: name, ...withTarget(targetOf(name, request.body)) };
        const invalid = request.validationError;
        if (invalid) {
          const refusal =
            invalid.validationContext === 'params'
              ? unknownUnit(unitId)
              : new CommandClientError(CommandErrorCode.BAD_ARGS, invalid.message);
          return finish(request, reply, entry, refusal);
        }
        let outcome: CommandOutcome | CommandClientError;
        try {
          outcome = await commands.send(unitId, name, request.body);
        } catch (err) {
          if (!isCommandClientError(err)) {
            await record(request, { ...entry, id: null, code: 'DSH_INTERNAL' });
            throw err;
          }
          outcome = err;
        }
        return finish(request, reply, entry, outcome);
      },
    );
  }

  // Any other name: a coded 404 rather than fastify's bare one, and still audited.
  app.post(
    '/api/units/:unitId/commands/:name',
    { preHandler: guard, schema: { hide: true } },
    async (request, reply) => {
      const { unitId, name } = request.params as { unitId: string; name: string };
      const refusal = new CommandClientError(
        CommandErrorCode.UNKNOWN_COMMAND,
        `commande inconnue « ${name.slice(0, 64)} » ; commandes connues : ${COMMAND_NAMES.join(', ')}`,
      );
      return finish(request, reply, { unitId: unitId.slice(0, 64), command: name.slice(0, 64) }, refusal);
    },
  );
};
