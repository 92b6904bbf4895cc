import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { PermissionHook } from '../../auth/plugin.js';
import { type ImpactSources, impactReport } from '../../reports/impact.js';
import { QuestionnaireCountsSchema } from '../../reports/questionnaire.js';
import { SESSION_SECURITY } from '../openapi.js';
import { nullable } from '../schemas.js';
import { MAX_SPAN_MS, REPORTS_TAG } from './fleet.js';
import { checkRange, RangeQuery, Refusal, refuse, refused, send } from './history.js';

export interface ImpactRoutesOptions {
  /** Where the figures come from: the fleet model's tables, the daily hotspot table, units and zones. */
  sources: ImpactSources;
  /** The reports' permission: funders see this one. */
  reports: PermissionHook;
}

const Int = (description?: string) => Type.Integer({ minimum: 0, ...(description ? { description } : {}) });
const Ms = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });

const figures = {
  outings: Int('Tournées commencées dans la période'),
  presentMs: Int('Durée des tournées, additionnée, ms'),
  sessions: Int('Sessions du portail ouvertes (compteur journalier de l’unité)'),
  devicesDays: Int('Somme sur les jours des appareils distincts de chaque jour'),
  devicesPerDayMean: Type.Number({ minimum: 0, description: 'devicesDays / activeDays ; 0 sans jour actif' }),
  distanceM: Type.Number({ minimum: 0, description: 'Distance parcourue, m' }),
  activeDays: Int('Jours avec au moins une tournée ou un arrêt'),
};

const DaySchema = Type.Object({
  day: Type.String({ description: 'Jour local AAAA-MM-JJ' }),
  outings: Int(),
  presentMs: Int(),
  sessions: Int(),
  devices: Int('Appareils distincts ce jour-là'),
  distanceM: Type.Number({ minimum: 0 }),
});

export const ImpactReportSchema = Type.Object(
  {
    from: Ms('Début inclus'),
    to: Ms('Fin exclue'),
    timeZone: Type.String({ description: 'Fuseau des jours locaux' }),
    days: Type.Array(Type.String(), { description: 'Chaque jour local touché par la période, dans l’ordre' }),
    totals: Type.Object(figures, { description: 'Flotte entière ; activeDays compte les jours du calendrier' }),
    units: Type.Array(
      Type.Object({
        unitId: Type.String(),
        name: Type.String(),
        ...figures,
        perDay: Type.Array(DaySchema, { description: 'Un élément par jour de `days`, dans le même ordre' }),
      }),
    ),
    zones: Type.Array(
      Type.Object({
        zone: Type.String({ description: 'Identifiant de la zone dans le fichier, sinon son nom' }),
        name: Type.String(),
        visits: Int('Entrées dans la zone'),
        presentMs: Int('Temps passé dans la zone par les unités, ms'),
        stops: Int('Arrêts dont le centre est dans la zone'),
        sessions: Int('Sessions ouvertes pendant ces arrêts'),
        devices: Int('Appareils distincts pendant ces arrêts, additionnés'),
      }),
    ),
    questionnaire: nullable(
      Type.Object(QuestionnaireCountsSchema.properties, {
        description: 'Réponses au questionnaire, additionnées ; nul si aucune unité ne l’avait activé',
      }),
    ),
  },
  { description: 'Rapport d’impact : des comptes seulement, ni position, ni heure, ni identifiant d’appareil' },
);

/** The funders' impact report: per unit, per day and per neighbourhood zone. */
export const impactRoutes: FastifyPluginAsync<ImpactRoutesOptions> = async (app, options) => {
  app.get(
    '/api/reports/impact',
    {
      preHandler: options.reports,
      attachValidation: true,
      schema: {
        tags: [REPORTS_TAG],
        operationId: 'report-impact',
        summary: 'Rapport d’impact par unité, par jour et par zone (400 jours au plus)',
        description:
          'Ouvert aux financeurs : tournées, heures de présence, sessions Wi-Fi, appareils distincts par jour, ' +
          'kilomètres, réponses au questionnaire. Jours locaux dans le fuseau de la flotte.',
        security: [...SESSION_SECURITY],
        querystring: RangeQuery,
        response: { 200: ImpactReportSchema, ...refused },
      },
    },
    async (request, reply) => {
      const query = checkRange<Static<typeof RangeQuery>>(request, MAX_SPAN_MS.report);
      if (query instanceof Refusal) return refuse(reply, query);
      return send(reply, await impactReport(options.sources, query.from, query.to));
    },
  );
};
