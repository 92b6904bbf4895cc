import { type Static, Type } from '@sinclair/typebox';
import { EventPayloadSchema, PositionUpdateSchema, UNIT_ID_PATTERN } from '@triporteur/edge/contract';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { PermissionHook } from '../../auth/plugin.js';
import { AuthErrorSchema } from '../../auth/routes.js';
import type { FleetHistoryStore } from '../../fleet/fleet-store.js';
import type { FleetStore as RecordStore } from '../../store/types.js';
import { SESSION_SECURITY } from '../openapi.js';
import { ErrorBody, nullable } from '../schemas.js';

export interface FleetRoutesOptions {
  /** Stops, outings, zone events and the funders' report. */
  fleetStore: FleetHistoryStore;
  /** Units, positions and events. */
  store: Pick<RecordStore, 'getUnit' | 'positionsOf' | 'eventsOf'>;
  /** Anything with a place or a unit's detail: the live fleet's permission. */
  liveView: PermissionHook;
  /** The aggregated report, which funders see: counts and totals only. */
  reports: PermissionHook;
}

/** Stable codes of these routes, in the dashboard's DSH_* family. */
export const FleetRouteErrorCode = {
  /** A malformed query parameter (not an integer, out of bounds). */
  BAD_QUERY: 'DSH_FLEET_BAD_QUERY',
  /** `from` is not before `to`. */
  BAD_RANGE: 'DSH_FLEET_BAD_RANGE',
  /** The range is longer than the route allows. */
  RANGE_TOO_LONG: 'DSH_FLEET_RANGE_TOO_LONG',
  /** No configured unit has that id. */
  UNKNOWN_UNIT: 'DSH_FLEET_UNKNOWN_UNIT',
} as const;

export const FLEET_TAG = 'flotte';
export const REPORTS_TAG = 'rapports';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Longest range per route: positions are heavy and sensitive, the report is one row. */
export const MAX_SPAN_MS = {
  positions: 7 * DAY_MS,
  events: 31 * DAY_MS,
  zoneEvents: 31 * DAY_MS,
  stops: 92 * DAY_MS,
  report: 400 * DAY_MS,
} as const;

export const MAX_POSITIONS = 10_000;
export const MAX_EVENTS = 5_000;

const Ms = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });

const UnitParams = Type.Object({ unitId: Type.String({ pattern: UNIT_ID_PATTERN }) });
const Range = {
  from: Ms('Début inclus, ms depuis l’époque'),
  to: Ms('Fin exclue, ms depuis l’époque'),
};
const RangeQuery = Type.Object(Range);
const limitOf = (max: number) =>
  Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: max, description: `1 à ${max}` }));
const PositionsQuery = Type.Object({ ...Range, limit: limitOf(MAX_POSITIONS) });
const EventsQuery = Type.Object({ ...Range, limit: limitOf(MAX_EVENTS) });
const ZoneEventsQuery = Type.Object({
  ...Range,
  unitId: Type.Optional(Type.String({ pattern: UNIT_ID_PATTERN, description: 'Une seule unité' })),
});

const span = { unitId: Type.String(), startTs: Ms('Début'), endTs: Ms('Fin'), bootId: Type.Optional(Type.String()) };
const StopSchema = Type.Object({
  ...span,
  durationMs: Type.Integer(),
  lat: nullable(Type.Number({ description: 'Centre de l’arrêt ; nul si la localisation était en pause' })),
  lon: nullable(Type.Number()),
  sessions: Type.Integer({ description: 'Sessions du portail ouvertes pendant l’arrêt' }),
  devices: Type.Integer({ description: 'Appareils distincts pendant l’arrêt' }),
});
const OutingSchema = Type.Object({
  ...span,
  distanceM: Type.Number(),
  stops: Type.Integer(),
  sessions: Type.Integer(),
  devices: Type.Integer(),
  movingMs: Type.Integer(),
});
const ZoneEventSchema = Type.Object({
  unitId: Type.String(),
  ts: Ms('Heure du passage'),
  zone: Type.String(),
  kind: Type.Union([Type.Literal('enter'), Type.Literal('leave')]),
});
const PositionSchema = Type.Object({
  ts: Ms('Heure de l’enregistrement'),
  position: { ...PositionUpdateSchema, description: 'Tel qu’envoyé par l’unité : sans coordonnées en pause' },
});
const EventSchema = Type.Object({ ts: Ms('Heure retenue'), receivedAt: Ms('Reçu à'), event: EventPayloadSchema });
const truncated = Type.Boolean({ description: 'Vrai si la limite a coupé la liste : réduire la période' });

export const FleetReportSchema = Type.Object(
  {
    from: Ms('Début inclus'),
    to: Ms('Fin exclue'),
    units: Type.Integer({ description: 'Unités avec au moins une tournée ou un arrêt' }),
    outings: Type.Integer(),
    distanceM: Type.Number(),
    movingMs: Type.Integer(),
    stops: Type.Integer(),
    stopMs: Type.Integer(),
    sessions: Type.Integer({ description: 'Sessions du portail ouvertes' }),
    devices: Type.Integer({ description: 'Appareils distincts, additionnés par période (majorant)' }),
  },
  { description: 'Chiffres agrégés de la flotte : ni lieu, ni position, ni détail par unité' },
);

const denied = {
  401: { ...AuthErrorSchema, description: 'Connexion requise (DSH_AUTH_UNAUTHENTICATED)' },
  403: { ...AuthErrorSchema, description: 'Rôle insuffisant (DSH_AUTH_FORBIDDEN)' },
};
const refused = {
  400: {
    ...ErrorBody,
    description: 'Paramètres refusés (DSH_FLEET_BAD_QUERY, DSH_FLEET_BAD_RANGE, DSH_FLEET_RANGE_TOO_LONG)',
  },
  ...denied,
};
const perUnit = {
  ...refused,
  404: { ...ErrorBody, description: 'Unité inconnue (DSH_FLEET_UNKNOWN_UNIT)' },
};

class Refusal {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

const days = (ms: number) => Math.round(ms / DAY_MS);

/** The validated query, or why it is refused: a malformed parameter, an empty or too long range. */
function checkRange<Q extends { from: number; to: number }>(request: FastifyRequest, maxSpanMs: number): Q | Refusal {
  const invalid = request.validationError;
  if (invalid) {
    if (invalid.validationContext === 'params') {
      const { unitId } = request.params as { unitId?: unknown };
      return unknownUnit(String(unitId));
    }
    return new Refusal(
      400,
      FleetRouteErrorCode.BAD_QUERY,
      `Paramètres refusés : from et to sont requis, en millisecondes depuis l’époque (${invalid.message}).`,
    );
  }
  const query = request.query as Q;
  if (query.from >= query.to) {
    return new Refusal(400, FleetRouteErrorCode.BAD_RANGE, 'Période vide : from doit précéder to.');
  }
  if (query.to - query.from > maxSpanMs) {
    return new Refusal(
      400,
      FleetRouteErrorCode.RANGE_TOO_LONG,
      `Période trop longue : ${days(maxSpanMs)} jours au plus pour cette requête.`,
    );
  }
  return query;
}

function unknownUnit(unitId: string): Refusal {
  return new Refusal(
    404,
    FleetRouteErrorCode.UNKNOWN_UNIT,
    `Aucune unité « ${unitId.slice(0, 64)} » n’est configurée.`,
  );
}

/** Per user and per range: never cached. */
function send(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.header('cache-control', 'no-store').send(body);
}

function refuse(reply: FastifyReply, refusal: Refusal): FastifyReply {
  return send(reply.code(refusal.status), { code: refusal.code, message: refusal.message });
}

/** Keeps `limit` rows and says whether there were more: the store is asked for one extra. */
function page<T>(rows: T[], limit: number): { rows: T[]; truncated: boolean } {
  return { rows: rows.slice(0, limit), truncated: rows.length > limit };
}

/**
 * What the fleet model derived (stops, outings, zone crossings), positions and events per unit, all behind
 * the live fleet's permission since they tell where the tricycles were; and the funders' aggregated report.
 */
export const fleetRoutes: FastifyPluginAsync<FleetRoutesOptions> = async (app, options) => {
  const { fleetStore, store, liveView, reports } = options;

  /** The range and a unit that exists, or the refusal to send. */
  async function unitRange<Q extends { from: number; to: number }>(request: FastifyRequest, maxSpanMs: number) {
    const query = checkRange<Q>(request, maxSpanMs);
    if (query instanceof Refusal) return query;
    const { unitId } = request.params as Static<typeof UnitParams>;
    if (!(await store.getUnit(unitId))) return unknownUnit(unitId);
    return { unitId, query };
  }

  const common = { security: [...SESSION_SECURITY], params: UnitParams };

  app.get(
    '/api/units/:unitId/stops',
    {
      preHandler: liveView,
      attachValidation: true,
      schema: {
        ...common,
        tags: [FLEET_TAG],
        operationId: 'unit-stops',
        summary: 'Arrêts de l’unité commencés dans la période, avec leur lieu',
        querystring: RangeQuery,
        response: { 200: Type.Object({ unitId: Type.String(), stops: Type.Array(StopSchema) }), ...perUnit },
      },
    },
    async (request, reply) => {
      const found = await unitRange<Static<typeof RangeQuery>>(request, MAX_SPAN_MS.stops);
      if (found instanceof Refusal) return refuse(reply, found);
      const { unitId, query } = found;
      return send(reply, { unitId, stops: await fleetStore.stops(unitId, query.from, query.to) });
    },
  );

  app.get(
    '/api/units/:unitId/outings',
    {
      preHandler: liveView,
      attachValidation: true,
      schema: {
        ...common,
        tags: [FLEET_TAG],
        operationId: 'unit-outings',
        summary: 'Tournées de l’unité commencées dans la période',
        querystring: RangeQuery,
        response: { 200: Type.Object({ unitId: Type.String(), outings: Type.Array(OutingSchema) }), ...perUnit },
      },
    },
    async (request, reply) => {
      const found = await unitRange<Static<typeof RangeQuery>>(request, MAX_SPAN_MS.stops);
      if (found instanceof Refusal) return refuse(reply, found);
      const { unitId, query } = found;
      return send(reply, { unitId, outings: await fleetStore.outings(unitId, query.from, query.to) });
    },
  );

  app.get(
    '/api/units/:unitId/positions',
    {
      preHandler: liveView,
      attachValidation: true,
      schema: {
        ...common,
        tags: [FLEET_TAG],
        operationId: 'unit-positions',
        summary: 'Positions enregistrées de l’unité, 7 jours au plus',
        querystring: PositionsQuery,
        response: {
          200: Type.Object({ unitId: Type.String(), positions: Type.Array(PositionSchema), truncated }),
          ...perUnit,
        },
      },
    },
    async (request, reply) => {
      const found = await unitRange<Static<typeof PositionsQuery>>(request, MAX_SPAN_MS.positions);
      if (found instanceof Refusal) return refuse(reply, found);
      const { unitId, query } = found;
      const limit = query.limit ?? MAX_POSITIONS;
      const { rows, truncated } = page(await store.positionsOf(unitId, query.from, query.to, limit + 1), limit);
      return send(reply, { unitId, positions: rows, truncated });
    },
  );

  app.get(
    '/api/units/:unitId/events',
    {
      preHandler: liveView,
      attachValidation: true,
      schema: {
        ...common,
        tags: [FLEET_TAG],
        operationId: 'unit-events',
        summary: 'Événements signalés par l’unité (alarmes, changements d’état)',
        querystring: EventsQuery,
        response: {
          200: Type.Object({ unitId: Type.String(), events: Type.Array(EventSchema), truncated }),
          ...perUnit,
        },
      },
    },
    async (request, reply) => {
      const found = await unitRange<Static<typeof EventsQuery>>(request, MAX_SPAN_MS.events);
      if (found instanceof Refusal) return refuse(reply, found);
      const { unitId, query } = found;
      const limit = query.limit ?? MAX_EVENTS;
      const { rows, truncated } = page(await store.eventsOf(unitId, query.from, query.to, limit + 1), limit);
      return send(reply, { unitId, events: rows, truncated });
    },
  );

  app.get(
    '/api/zone-events',
    {
      preHandler: liveView,
      attachValidation: true,
      schema: {
        tags: [FLEET_TAG],
        operationId: 'zone-events',
        summary: 'Entrées et sorties de zones, de la flotte ou d’une unité',
        security: [...SESSION_SECURITY],
        querystring: ZoneEventsQuery,
        response: { 200: Type.Object({ zoneEvents: Type.Array(ZoneEventSchema) }), ...perUnit },
      },
    },
    async (request, reply) => {
      const query = checkRange<Static<typeof ZoneEventsQuery>>(request, MAX_SPAN_MS.zoneEvents);
      if (query instanceof Refusal) return refuse(reply, query);
      if (query.unitId !== undefined && !(await store.getUnit(query.unitId))) {
        return refuse(reply, unknownUnit(query.unitId));
      }
      return send(reply, { zoneEvents: await fleetStore.zoneEvents(query.from, query.to, query.unitId) });
    },
  );

  app.get(
    '/api/reports/fleet',
    {
      preHandler: reports,
      attachValidation: true,
      schema: {
        tags: [REPORTS_TAG],
        operationId: 'report-fleet',
        summary: 'Rapport agrégé de la flotte sur la période (400 jours au plus)',
        description: 'Ouvert aux financeurs : des comptes et des totaux, jamais de lieu ni de détail par unité.',
        security: [...SESSION_SECURITY],
        querystring: RangeQuery,
        response: { 200: FleetReportSchema, ...refused },
      },
    },
    async (request, reply) => {
      const query = checkRange<Static<typeof RangeQuery>>(request, MAX_SPAN_MS.report);
      if (query instanceof Refusal) return refuse(reply, query);
      return send(reply, await fleetStore.report(query.from, query.to));
    },
  );
};
