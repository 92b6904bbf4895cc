import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { UNIT_ID_PATTERN } from '@triporteur/edge/contract';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { PermissionHook } from '../../auth/plugin.js';
import { AuthErrorSchema } from '../../auth/routes.js';
import { HISTORY_SERIES, unitHistory } from '../../reports/history.js';
import { type FleetStore, type RecordHistorySource, UnitSummarySchema } from '../../store/types.js';
import { SESSION_SECURITY } from '../openapi.js';
import { ErrorBody, nullable } from '../schemas.js';
import { FLEET_TAG, FleetRouteErrorCode } from './fleet.js';

export interface HistoryRoutesOptions {
  /** Units, their birth message and their stored records. */
  store: Pick<FleetStore, 'getUnit' | 'getBirth'> & RecordHistorySource;
  /** The live fleet's permission: a unit's detail is not for funders. */
  liveView: PermissionHook;
  /** The monthly mobile data budget per unit from the config (fleet.dataBudgetBytesPerMonth); null when unset. */
  dataBudgetBytes: number | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Longest history range: a month of records is folded per request. */
export const HISTORY_MAX_SPAN_MS = 31 * DAY_MS;
export const HISTORY_POINTS = { min: 10, max: 2000, default: 500 } as const;

const Ms = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });

export const UnitParams = Type.Object({ unitId: Type.String({ pattern: UNIT_ID_PATTERN }) });
export const RangeQuery = Type.Object({
  from: Ms('Début inclus, ms depuis l’époque'),
  to: Ms('Fin exclue, ms depuis l’époque'),
});
const HistoryQuery = Type.Object({
  ...RangeQuery.properties,
  points: Type.Optional(
    Type.Integer({
      minimum: HISTORY_POINTS.min,
      maximum: HISTORY_POINTS.max,
      default: HISTORY_POINTS.default,
      description: `Nombre de tranches, ${HISTORY_POINTS.min} à ${HISTORY_POINTS.max}`,
    }),
  ),
});

const Series = Type.Array(nullable(Type.Number()), { description: 'Une valeur par tranche ; nul : pas de mesure' });
export const UnitHistorySchema = Type.Object(
  {
    unitId: Type.String(),
    from: Ms('Début inclus'),
    to: Ms('Fin exclue'),
    bucketMs: Type.Integer({ minimum: 1, description: 'Largeur d’une tranche, ms' }),
    series: Type.Object({
      ts: Type.Array(Type.Integer(), { description: 'Début de chaque tranche, ms depuis l’époque' }),
      ...Object.fromEntries(HISTORY_SERIES.map((name) => [name, Series])),
    }),
  },
  { description: 'Valeurs de l’unité par tranche de temps, sans aucune position' },
);

const BirthSchema = Type.Object({
  bootId: Type.String(),
  software: Type.Object({ edge: Type.String() }),
  firmware: Type.Record(Type.String(), Type.String(), { description: 'Versions des micrologiciels connues' }),
  bmsModel: Type.Optional(Type.String()),
  configHash: Type.String({ description: 'sha256 de la configuration de l’unité, sans secret' }),
  receivedAt: Ms('Reçu à (horloge du tableau de bord)'),
});

export const UnitDetailSchema = Type.Object({
  unit: UnitSummarySchema,
  birth: nullable(BirthSchema),
  dataBudgetBytes: nullable(
    Type.Integer({ minimum: 0, description: 'Forfait de données mensuel par unité (configuration) ; nul si absent' }),
  ),
});

export const denied: Record<number, TSchema> = {
  401: { ...AuthErrorSchema, description: 'Connexion requise (DSH_AUTH_UNAUTHENTICATED)' },
  403: { ...AuthErrorSchema, description: 'Rôle insuffisant (DSH_AUTH_FORBIDDEN)' },
};
export const refused: Record<number, TSchema> = {
  400: {
    ...ErrorBody,
    description: 'Paramètres refusés (DSH_FLEET_BAD_QUERY, DSH_FLEET_BAD_RANGE, DSH_FLEET_RANGE_TOO_LONG)',
  },
  ...denied,
};
const unknown = { 404: { ...ErrorBody, description: 'Unité inconnue (DSH_FLEET_UNKNOWN_UNIT)' } };

/** Why a request is refused: its status, code and words for a person. */
export class Refusal {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

export function unknownUnit(unitId: string): Refusal {
  return new Refusal(
    404,
    FleetRouteErrorCode.UNKNOWN_UNIT,
    `Aucune unité « ${unitId.slice(0, 64)} » n’est configurée.`,
  );
}

/**
 * The validated query, or why it is refused: a unit id that cannot exist, a malformed parameter (`hint`
 * says what is expected), an empty or too long range. Same codes as the fleet routes.
 */
export function checkRange<Q extends { from: number; to: number }>(
  request: FastifyRequest,
  maxSpanMs: number,
  hint = 'from et to sont requis, en millisecondes depuis l’époque',
): Q | Refusal {
  const invalid = request.validationError;
  if (invalid) {
    if (invalid.validationContext === 'params') {
      return unknownUnit(String((request.params as { unitId?: unknown }).unitId));
    }
    return new Refusal(400, FleetRouteErrorCode.BAD_QUERY, `Paramètres refusés : ${hint} (${invalid.message}).`);
  }
  const query = request.query as Q;
  // The schema's bounds let "1e400" through as Infinity: every number of the query is checked again here.
  const numbers = Object.values(query as object).filter((v) => typeof v === 'number');
  if (!numbers.every((v) => Number.isSafeInteger(v))) {
    return new Refusal(400, FleetRouteErrorCode.BAD_QUERY, `Paramètres refusés : ${hint} (nombre hors limites).`);
  }
  if (query.from >= query.to) {
    return new Refusal(400, FleetRouteErrorCode.BAD_RANGE, 'Période vide : from doit précéder to.');
  }
  if (query.to - query.from > maxSpanMs) {
    return new Refusal(
      400,
      FleetRouteErrorCode.RANGE_TOO_LONG,
      `Période trop longue : ${Math.round(maxSpanMs / DAY_MS)} jours au plus pour cette requête.`,
    );
  }
  return query;
}

/** Per user and per range: never cached. */
export function send(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.header('cache-control', 'no-store').send(body);
}

export function refuse(reply: FastifyReply, refusal: Refusal): FastifyReply {
  return send(reply.code(refusal.status), { code: refusal.code, message: refusal.message });
}

/**
 * A unit's history charts (its records folded and sampled into buckets) and its detail (summary, birth
 * message, data budget), behind the live fleet's permission.
 */
export const historyRoutes: FastifyPluginAsync<HistoryRoutesOptions> = async (app, options) => {
  const { store, liveView, dataBudgetBytes } = options;
  const common = { security: [...SESSION_SECURITY], params: UnitParams, tags: [FLEET_TAG] };

  app.get(
    '/api/units/:unitId/history',
    {
      preHandler: liveView,
      attachValidation: true,
      schema: {
        ...common,
        operationId: 'unit-history',
        summary: 'Historique des mesures de l’unité par tranches, 31 jours au plus',
        description:
          'Batterie (SOC, tension, courant, écart entre cellules, température maximale), moteur (puissance, vitesse), ' +
          'sessions Wi-Fi ouvertes, signal mobile et température du processeur. Jamais de position.',
        querystring: HistoryQuery,
        response: { 200: UnitHistorySchema, ...refused, ...unknown },
      },
    },
    async (request, reply) => {
      const query = checkRange<Static<typeof HistoryQuery>>(
        request,
        HISTORY_MAX_SPAN_MS,
        `from et to sont requis, en millisecondes depuis l’époque ; points entier de ${HISTORY_POINTS.min} à ${HISTORY_POINTS.max}`,
      );
      if (query instanceof Refusal) return refuse(reply, query);
      const { unitId } = request.params as Static<typeof UnitParams>;
      if (!(await store.getUnit(unitId))) return refuse(reply, unknownUnit(unitId));
      const points = Math.min(HISTORY_POINTS.max, Math.max(HISTORY_POINTS.min, query.points ?? HISTORY_POINTS.default));
      return send(reply, await unitHistory(store, unitId, query.from, query.to, points));
    },
  );

  app.get(
    '/api/units/:unitId/detail',
    {
      preHandler: liveView,
      attachValidation: true,
      schema: {
        ...common,
        operationId: 'unit-detail',
        summary: 'Fiche de l’unité : résumé, versions annoncées au démarrage, forfait de données',
        response: { 200: UnitDetailSchema, ...denied, ...unknown },
      },
    },
    async (request, reply) => {
      const { unitId } = request.params as Static<typeof UnitParams>;
      if (request.validationError) return refuse(reply, unknownUnit(String(unitId)));
      const unit = await store.getUnit(unitId);
      if (!unit) return refuse(reply, unknownUnit(unitId));
      const held = await store.getBirth(unitId);
      const birth = held
        ? {
            bootId: held.birth.bootId,
            software: held.birth.software,
            firmware: held.birth.firmware,
            ...(held.birth.bmsModel === undefined ? {} : { bmsModel: held.birth.bmsModel }),
            configHash: held.birth.configHash,
            receivedAt: held.receivedAt,
          }
        : null;
      return send(reply, { unit, birth, dataBudgetBytes });
    },
  );
};
