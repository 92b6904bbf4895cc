import { type Static, Type } from '@sinclair/typebox';
import { UNIT_ID_PATTERN } from '@triporteur/edge/contract';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { HISTORY_STATES } from '../../alerts/alert-store.js';
import type { AlertEngine } from '../../alerts/alerts.js';
import { AlertErrorCode, isAlertError } from '../../alerts/errors.js';
import { ALERT_KINDS, ALERT_SEVERITIES } from '../../alerts/types.js';
import { AuthErrorCode, authError } from '../../auth/errors.js';
import type { PermissionHook } from '../../auth/plugin.js';
import { AuthErrorSchema } from '../../auth/routes.js';
import { SESSION_SECURITY } from '../openapi.js';
import { ErrorBody, nullable } from '../schemas.js';

export interface AlertRoutesOptions {
  alerts: AlertEngine;
  /** Who may read alerts: the live fleet's permission. */
  view: PermissionHook;
  /** Who may acknowledge them. */
  ack: PermissionHook;
}

/** The OpenAPI group of these routes. */
export const ALERTS_TAG = 'alertes';

export const AlertSchema = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  unitId: Type.String(),
  kind: Type.Union(ALERT_KINDS.map((kind) => Type.Literal(kind))),
  key: Type.String({ description: 'Une alerte ouverte par clé, p. ex. « tri-lyon-01:low-battery »' }),
  severity: Type.Union(
    ALERT_SEVERITIES.map((s) => Type.Literal(s)),
    {
      description: 'La pire gravité atteinte tant que l’alerte est ouverte',
    },
  ),
  firstAt: Type.Integer({ description: 'Horloge du tableau de bord, ms depuis l’époque' }),
  lastAt: Type.Integer(),
  count: Type.Integer({ description: 'Signaux fusionnés dans cette alerte' }),
  detail: Type.String({ description: 'Le dernier détail, en français ; jamais une position' }),
  active: Type.Boolean({ description: 'Vrai tant que la condition dure' }),
  acknowledgedBy: nullable(Type.String()),
  acknowledgedAt: nullable(Type.Integer()),
  clearedAt: nullable(Type.Integer()),
});

const UnitFilter = Type.String({ pattern: UNIT_ID_PATTERN, description: 'Une seule unité' });

const OpenQuery = Type.Object({ unitId: Type.Optional(UnitFilter) });

const HistoryQuery = Type.Object({
  unitId: Type.Optional(UnitFilter),
  kind: Type.Optional(Type.Union(ALERT_KINDS.map((kind) => Type.Literal(kind)))),
  severity: Type.Optional(Type.Union(ALERT_SEVERITIES.map((s) => Type.Literal(s)))),
  state: Type.Optional(
    Type.Union(
      HISTORY_STATES.map((s) => Type.Literal(s)),
      {
        description: 'active : condition en cours ; cleared : close ; acknowledged / unacknowledged : acquittée ou non',
      },
    ),
  ),
  from: Type.Optional(
    Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Levées à partir de (ms)' }),
  ),
  to: Type.Optional(
    Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Levées avant (ms, exclu)' }),
  ),
  before: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Page suivante : la valeur `nextBefore` de la page précédente' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
});

const AckParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

const denied = {
  401: { ...AuthErrorSchema, description: 'Connexion requise (DSH_AUTH_UNAUTHENTICATED)' },
  403: { ...AuthErrorSchema, description: 'Rôle insuffisant (DSH_AUTH_FORBIDDEN)' },
};
const badInput = { ...ErrorBody, description: 'Paramètre refusé (DSH_ALERT_BAD_INPUT)' };

function refuse(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ code, message });
}

/** Alerts: the open ones, the history a page at a time, and acknowledgement. */
export const alertRoutes: FastifyPluginAsync<AlertRoutesOptions> = async (app, options) => {
  const { alerts, view, ack } = options;

  app.get(
    '/api/alerts',
    {
      preHandler: view,
      attachValidation: true,
      schema: {
        tags: [ALERTS_TAG],
        operationId: 'alerts-open',
        summary: 'Alertes ouvertes, les plus graves d’abord',
        security: [...SESSION_SECURITY],
        querystring: OpenQuery,
        response: { 200: Type.Object({ alerts: Type.Array(AlertSchema) }), 400: badInput, ...denied },
      },
    },
    async (request, reply) => {
      if (request.validationError) {
        return refuse(reply, 400, AlertErrorCode.BAD_INPUT, 'Identifiant d’unité invalide (paramètre unitId).');
      }
      const { unitId } = request.query as Static<typeof OpenQuery>;
      return reply.header('cache-control', 'no-store').send({ alerts: await alerts.store.listOpen(unitId) });
    },
  );

  app.get(
    '/api/alerts/history',
    {
      preHandler: view,
      attachValidation: true,
      schema: {
        tags: [ALERTS_TAG],
        operationId: 'alerts-history',
        summary: 'Historique des alertes, ouvertes ou closes, les plus récentes d’abord',
        description: 'Pagination : repasser `nextBefore` en paramètre `before` pour la page suivante (plus ancienne).',
        security: [...SESSION_SECURITY],
        querystring: HistoryQuery,
        response: {
          200: Type.Object({
            alerts: Type.Array(AlertSchema),
            nextBefore: nullable(Type.Integer({ description: 'Nulle sur la dernière page' })),
          }),
          400: badInput,
          ...denied,
        },
      },
    },
    async (request, reply) => {
      if (request.validationError) {
        return refuse(
          reply,
          400,
          AlertErrorCode.BAD_INPUT,
          `Paramètres refusés : unitId (identifiant d’unité), kind (${ALERT_KINDS.join(', ')}), severity (${ALERT_SEVERITIES.join(', ')}), state (${HISTORY_STATES.join(', ')}), from et to (ms ≥ 0), before (entier ≥ 1), limit (1 à 500).`,
        );
      }
      const query = request.query as Static<typeof HistoryQuery>;
      try {
        return reply.header('cache-control', 'no-store').send(await alerts.store.history(query));
      } catch (err) {
        // What the schema lets through but the store still refuses, e.g. to=1e400 read as Infinity.
        if (isAlertError(err, AlertErrorCode.BAD_INPUT)) {
          return refuse(
            reply,
            400,
            err.code,
            `Paramètres refusés : from, to et before doivent être des entiers finis ≥ 0.`,
          );
        }
        throw err;
      }
    },
  );

  app.post(
    '/api/alerts/:id/ack',
    {
      preHandler: ack,
      attachValidation: true,
      schema: {
        tags: [ALERTS_TAG],
        operationId: 'alerts-acknowledge',
        summary: 'Acquitte une alerte au nom de la personne connectée',
        description: 'Idempotent : un second acquittement garde la première personne et la première heure.',
        security: [...SESSION_SECURITY],
        params: AckParams,
        response: {
          200: Type.Object({ alert: AlertSchema }),
          400: badInput,
          404: { ...ErrorBody, description: 'Aucune alerte avec cet identifiant (DSH_ALERT_UNKNOWN)' },
          ...denied,
        },
      },
    },
    async (request, reply) => {
      if (request.validationError) {
        return refuse(reply, 400, AlertErrorCode.BAD_INPUT, 'L’identifiant d’alerte doit être un entier positif.');
      }
      const user = request.user;
      if (!user) return authError(reply, 401, AuthErrorCode.UNAUTHENTICATED, 'Connexion requise.');
      const { id } = request.params as Static<typeof AckParams>;
      try {
        return { alert: await alerts.acknowledge(id, user.username) };
      } catch (err) {
        if (isAlertError(err, AlertErrorCode.UNKNOWN)) {
          return refuse(reply, 404, err.code, `Aucune alerte n’a l’identifiant ${id}.`);
        }
        if (isAlertError(err, AlertErrorCode.BAD_INPUT)) {
          return refuse(reply, 400, err.code, 'Acquittement refusé : identifiant ou utilisateur invalide.');
        }
        throw err;
      }
    },
  );
};
