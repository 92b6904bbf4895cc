import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

export const OPENAPI_TITLE = 'Triporteur connecté — API flotte';
export const OPENAPI_PATH = '/api/openapi.json';

/** The security scheme's name in the document; routes behind a login list it in `schema.security`. */
export const SESSION_SCHEME = 'session';
export const SESSION_SECURITY: ReadonlyArray<Record<string, string[]>> = [{ [SESSION_SCHEME]: [] }];

/** Tags the routes use, so the document groups them and says what each group is for. */
export const OPENAPI_TAGS = {
  commands: 'commandes',
} as const;

export interface OpenApiOptions {
  /** Name of the cookie the login sets. */
  sessionCookie: string;
  /** The dashboard package's version when absent. */
  version?: string;
}

/** Runs as `src/http/openapi.ts` (vitest) or `dist/src/http/openapi.js` (built): two or three levels down. */
function packageVersion(): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (!existsSync(path)) continue;
    const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
    if (pkg.name === '@triporteur/dashboard' && typeof pkg.version === 'string') return pkg.version;
  }
  return '0.0.0';
}

async function openApi(app: FastifyInstance, options: OpenApiOptions): Promise<void> {
  await app.register(fastifySwagger, {
    // 3.1: route schemas use `const` and `type: "null"`, which 3.0 does not know.
    openapi: {
      openapi: '3.1.0',
      info: {
        title: OPENAPI_TITLE,
        version: options.version ?? packageVersion(),
        description: 'API du tableau de bord de la flotte : unités, état, commandes technicien.',
      },
      tags: [
        {
          name: OPENAPI_TAGS.commands,
          description: 'Commandes technicien envoyées aux unités par MQTT (requête/réponse, avec délai maximal)',
        },
      ],
      components: {
        securitySchemes: {
          [SESSION_SCHEME]: {
            type: 'apiKey',
            in: 'cookie',
            name: options.sessionCookie,
            description: 'Cookie de session posé à la connexion',
          },
        },
      },
    },
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}

/**
 * Builds the OpenAPI document from the route schemas themselves, so it cannot drift from what the
 * server checks. Register it (awaited) before any route: only routes added after it are collected.
 * Not encapsulated (fastify-plugin), so it sees routes of sibling plugins.
 */
export const openApiPlugin: FastifyPluginAsync<OpenApiOptions> = fastifyPlugin(openApi, {
  name: 'triporteur-openapi',
  fastify: '5.x',
});
