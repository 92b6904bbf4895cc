import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyError } from 'fastify';
import type { Logger } from 'pino';
import type { AlertEngine } from '../alerts/alerts.js';
import { authPlugin, sessionCookieName } from '../auth/plugin.js';
import { can, Permission } from '../auth/roles.js';
import { AuthErrorSchema } from '../auth/routes.js';
import type { CommandClient } from '../commands/command-client.js';
import { DashboardErrorCode } from '../errors.js';
import type { FleetHistoryStore } from '../fleet/fleet-store.js';
import type { ImpactSources } from '../reports/impact.js';
import type { SqlDb } from '../store/sql/types.js';
import { type FleetStore, type RecordHistorySource, UnitSummarySchema } from '../store/types.js';
import { compressedPage, loadWebAssets, pickEncoding, type WebAssets } from './assets.js';
import { type ChangeSource, LiveHub } from './live.js';
import { openApiPlugin } from './openapi.js';
import { renderIndex } from './render.js';
import { alertRoutes } from './routes/alerts.js';
import { commandRoutes } from './routes/commands.js';
import { fleetRoutes } from './routes/fleet.js';
import { historyRoutes } from './routes/history.js';
import { impactRoutes } from './routes/impact.js';
import { ErrorBody, nullable } from './schemas.js';
import { UnitStateResponseSchema } from './state-schema.js';

export interface HealthReport {
  ok: boolean;
  [detail: string]: unknown;
}

export interface HttpServerOptions {
  store: FleetStore;
  changes: ChangeSource;
  health: () => HealthReport;
  logger: Logger;
  /** Defaults to the package's own `web/` folder. */
  assets?: WebAssets;
  /** Where the users and sessions live: the fleet store's database. */
  db: SqlDb;
  /** Secure session cookies; off only for http://127.0.0.1 on the same machine (auth/plugin.ts). */
  cookieSecure: boolean;
  sessionTtlMs?: number;
  now?: () => number;
  /** Technician commands to units (commands/); without it the command routes are not served. */
  commands?: Pick<CommandClient, 'send'>;
  alerts?: AlertEngine;
  /** Stops, outings, zone crossings and the funders' report (fleet/fleet-store.ts). */
  derived?: FleetHistoryStore;
  /** The unit page's history charts and detail (routes/history.ts); without it they are not served. */
  unitPages?: { records: RecordHistorySource; dataBudgetBytes: number | null };
  /** The funders' impact report (routes/impact.ts), served with `derived`; without it, not served. */
  impact?: Pick<ImpactSources, 'hotspotDays' | 'zones' | 'timeZone'>;
  /** Map tiles for the web page; without them the map shows markers on a plain background. */
  ui?: { tileUrl?: string; tileAttribution?: string };
}

/** The origin a tile template loads images from, for the CSP's img-src; none for a path on this server. */
export function tileOrigin(tileUrl: string | undefined): string | undefined {
  if (!tileUrl?.startsWith('https://')) return undefined;
  // Leaflet's {s} subdomains become a wildcard; the rest of the host stays exact.
  const host = tileUrl.slice('https://'.length).split('/')[0] ?? '';
  return `https://${host.replace(/\{s\}/g, '*')}`;
}

/** Same-origin everything, no inline script or style: the page's JS and CSS are separate files. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export async function buildHttpServer(options: HttpServerOptions) {
  const assets = options.assets ?? loadWebAssets();
  const log = options.logger.child({ module: 'http' });
  const app = Fastify({ loggerInstance: log, bodyLimit: 64 * 1024 });
  const hub = new LiveHub(options.store, options.changes, log, options.alerts?.store);
  const tiles = tileOrigin(options.ui?.tileUrl);

  // Before any route, so every route's schema lands in the OpenAPI document.
  await app.register(openApiPlugin, { sessionCookie: sessionCookieName(options.cookieSecure) });
  // Helmet (in the auth plugin) sends the CSP and the other security headers on every answer.
  await app.register(authPlugin, {
    db: options.db,
    cookieSecure: options.cookieSecure,
    ...(tiles ? { cspDirectives: { imgSrc: ["'self'", tiles] } } : {}),
    ...(options.sessionTtlMs === undefined ? {} : { sessionTtlMs: options.sessionTtlMs }),
    ...(options.now ? { now: options.now } : {}),
  });
  const fleetView = app.requirePermission(Permission.FLEET_VIEW);
  const denied = { 401: AuthErrorSchema, 403: AuthErrorSchema };
  if (options.alerts) {
    await app.register(alertRoutes, {
      alerts: options.alerts,
      view: fleetView,
      ack: app.requirePermission(Permission.ALERTS_ACK),
    });
  }
  if (options.derived) {
    await app.register(fleetRoutes, {
      fleetStore: options.derived,
      store: options.store,
      liveView: fleetView,
      reports: app.requirePermission(Permission.REPORTS_VIEW),
    });
    if (options.impact) {
      const store = options.store;
      await app.register(impactRoutes, {
        sources: {
          ...options.impact,
          fleetStore: options.derived,
          units: () => store.listUnits(),
          now: options.now ?? Date.now,
        },
        reports: app.requirePermission(Permission.REPORTS_VIEW),
      });
    }
  }
  if (options.unitPages) {
    const { records, dataBudgetBytes } = options.unitPages;
    const store = options.store;
    await app.register(historyRoutes, {
      store: {
        getUnit: (id) => store.getUnit(id),
        getBirth: (id) => store.getBirth(id),
        recordsInRange: (id, from, to) => records.recordsInRange(id, from, to),
      },
      liveView: fleetView,
      dataBudgetBytes,
    });
  }
  if (options.commands) {
    const db = options.db;
    await app.register(commandRoutes, {
      commands: options.commands,
      guard: app.requirePermission(Permission.COMMANDS_SEND),
      guards: { 'location-pause': app.requirePermission(Permission.LOCATION_PAUSE) },
      // Who sent what to which unit, and how it ended; never the values sent.
      audit: async (entry, request) => {
        await db.run(
          'INSERT INTO command_audit (ts, username, unit_id, command, request_id, code, target) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [
            Date.now(),
            request.user?.username ?? null,
            entry.unitId,
            entry.command,
            entry.id,
            entry.code,
            entry.target ?? null,
          ],
        );
      },
    });
  }
  // Streams never end on their own; close them first so app.close() does not wait on them.
  app.addHook('preClose', async () => hub.close());

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send({ code: DashboardErrorCode.NOT_FOUND, message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      request.log.error({ err }, 'request failed');
      return reply.code(500).send({ code: DashboardErrorCode.INTERNAL, message: 'internal server error' });
    }
    return reply.code(status).send({ code: err.code ?? DashboardErrorCode.BAD_REQUEST, message: err.message });
  });

  app.get('/', async (request, reply) => {
    // A page, not an API: without a session the browser goes to the login page.
    if (!request.user) return reply.redirect('/login.html', 303);
    // A funder's role opens the aggregated reports only: that is their home page.
    if (!can(request.user.role, Permission.FLEET_VIEW)) return reply.redirect('/reports.html', 303);
    const units = await options.store.listUnits();
    const page = compressedPage(renderIndex(assets.indexTemplate, units), request.headers['accept-encoding']);
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('vary', 'accept-encoding');
    if (page.encoding) reply.header('content-encoding', page.encoding);
    return reply.send(page.body);
  });

  for (const [name, file] of assets.files) {
    app.get(`/${name}`, async (request, reply) => {
      reply
        .type(file.type)
        .header('cache-control', 'no-cache')
        .header('etag', file.etag)
        .header('vary', 'accept-encoding');
      if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
      const encoding = file.type === 'image/png' ? undefined : pickEncoding(request.headers['accept-encoding']);
      if (encoding === undefined) return reply.send(file.body);
      return reply.header('content-encoding', encoding).send(encoding === 'br' ? file.brotli : file.gzip);
    });
  }

  app.get(
    '/api/units',
    {
      preHandler: fleetView,
      schema: { response: { 200: Type.Object({ units: Type.Array(UnitSummarySchema) }), ...denied } },
    },
    async () => ({ units: await options.store.listUnits() }),
  );

  app.get(
    '/api/units/:id/state',
    {
      preHandler: fleetView,
      schema: {
        params: Type.Object({ id: Type.String() }),
        response: { 200: UnitStateResponseSchema, 404: ErrorBody, ...denied },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!(await options.store.getUnit(id))) {
        return reply
          .code(404)
          .send({ code: DashboardErrorCode.UNKNOWN_UNIT, message: `no unit ${JSON.stringify(id)}` });
      }
      const held = await options.store.getUnitState(id);
      return {
        unitId: id,
        bootId: held?.bootId ?? null,
        lastSeq: held?.lastSeq ?? null,
        receivedAt: held?.receivedAt ?? null,
        state: held?.state ?? null,
      };
    },
  );

  app.get(
    '/api/ui-config',
    {
      preHandler: fleetView,
      schema: {
        response: {
          200: Type.Object({ tileUrl: nullable(Type.String()), tileAttribution: nullable(Type.String()) }),
          ...denied,
        },
      },
    },
    async () => ({ tileUrl: options.ui?.tileUrl ?? null, tileAttribution: options.ui?.tileAttribution ?? null }),
  );

  app.get(
    '/api/live',
    { preHandler: fleetView, schema: { response: { 503: ErrorBody, ...denied } } },
    async (request, reply) => {
      if (hub.full)
        return reply.code(503).send({ code: DashboardErrorCode.LIVE_FULL, message: 'too many live connections' });
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no', // tell nginx not to buffer the stream
      });
      request.log.debug('live client connected');
      await hub.attach(res);
    },
  );

  app.get('/healthz', async (_request, reply) => {
    const report = options.health();
    return reply
      .code(report.ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ ...report, status: report.ok ? 'ok' : 'degraded' });
  });

  return app;
}

export type HttpServer = Awaited<ReturnType<typeof buildHttpServer>>;
