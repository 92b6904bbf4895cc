import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { COMMAND_NAMES, UNIT_ID_PATTERN } from '@triporteur/edge/contract';
import Fastify from 'fastify';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandClient } from '../src/commands/command-client.js';
import { OPENAPI_PATH, OPENAPI_TITLE, openApiPlugin } from '../src/http/openapi.js';
import { commandRoutes } from '../src/http/routes/commands.js';
import { UnitStateResponseSchema } from '../src/http/state-schema.js';
import { UnitSummarySchema } from '../src/store/types.js';

type Json = Record<string, unknown>;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every `$ref` in the document, so each can be checked to point at something. */
function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, found);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Json)[key] : undefined), doc);
}

/** Typed like the server's own instance: a pino logger, as in http/server.ts. */
const newApp = () => Fastify({ loggerInstance: pino({ level: 'silent' }) });

/** The JSON schema of a response or request body; undefined when it has none. */
function jsonBody(holder: unknown): Json | undefined {
  const content = (holder as { content?: Record<string, { schema?: Json }> } | undefined)?.content;
  return content?.['application/json']?.schema;
}

describe('OpenAPI document', () => {
  let app: ReturnType<typeof newApp>;
  let doc: Json;
  const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

  beforeAll(async () => {
    app = newApp();
    await app.register(openApiPlugin, { sessionCookie: 'triporteur-session' });
    // The same routes and schemas as in server.ts, registered after the document's plugin.
    app.get(
      '/api/units',
      { schema: { response: { 200: Type.Object({ units: Type.Array(UnitSummarySchema) }) } } },
      async () => ({ units: [] }),
    );
    app.get(
      '/api/units/:id/state',
      { schema: { params: Type.Object({ id: Type.String() }), response: { 200: UnitStateResponseSchema } } },
      async () => ({}),
    );
    // A real client never connected: building the document sends no command.
    const idle = mqtt.connect('mqtt://127.0.0.1:1', { manualConnect: true });
    const commands = new CommandClient({ mqtt: idle, presence: () => 'online' });
    await app.register(commandRoutes, { commands, guard: async () => undefined, audit: () => undefined });
    await app.ready();
    const res = await app.inject({ method: 'GET', url: OPENAPI_PATH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.json();
  });
  afterAll(async () => {
    await app.close();
  });

  it('is an OpenAPI 3.1 object with its required fields, titled and versioned', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: OPENAPI_TITLE, version });
    expect(typeof doc.paths).toBe('object');
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      expect(path).toMatch(/^\//);
      for (const [method, operation] of Object.entries(item)) {
        expect(HTTP_METHODS, `${path} ${method}`).toContain(method);
        const responses = (operation as Json).responses as Json;
        expect(Object.keys(responses).length, `${path} ${method}`).toBeGreaterThan(0);
        for (const response of Object.values(responses)) expect(typeof (response as Json).description).toBe('string');
      }
    }
    for (const ref of refsIn(doc)) expect(resolvePointer(doc, ref), ref).toBeDefined();
  });

  it('describes the session cookie and requires it on every command', () => {
    const schemes = (doc.components as Json).securitySchemes as Json;
    expect(schemes.session).toEqual({
      type: 'apiKey',
      in: 'cookie',
      name: 'triporteur-session',
      description: expect.any(String),
    });
    const paths = doc.paths as Record<string, Record<string, Json>>;
    for (const name of COMMAND_NAMES) {
      expect(paths[`/api/units/{unitId}/commands/${name}`]?.post?.security).toEqual([{ session: [] }]);
    }
  });

  it('carries each command’s arguments and result schemas from the contract', () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const operationIds = new Set<unknown>();
    for (const name of COMMAND_NAMES) {
      const post = paths[`/api/units/{unitId}/commands/${name}`]?.post;
      expect(post, name).toBeDefined();
      operationIds.add(post?.operationId);
      expect(post?.parameters).toEqual([
        expect.objectContaining({
          in: 'path',
          name: 'unitId',
          required: true,
          schema: expect.objectContaining({ pattern: UNIT_ID_PATTERN }),
        }),
      ]);
      const responses = post?.responses as Record<string, Json>;
      expect(Object.keys(responses).sort()).toEqual(['200', '400', '404', '409', '502', '503', '504']);
      expect(jsonBody(responses['200'])?.anyOf).toHaveLength(2);
      const timeout = jsonBody(responses['504'])?.properties;
      expect(Object.keys(timeout ?? {}).sort()).toEqual(['code', 'id', 'message']);
    }
    expect(operationIds.size).toBe(COMMAND_NAMES.length);

    const capture = paths['/api/units/{unitId}/commands/capture-start']?.post;
    const args = jsonBody(capture?.requestBody);
    expect(args).toMatchObject({
      type: 'object',
      required: ['port'],
      additionalProperties: false,
      properties: { port: { type: 'string' }, seconds: { type: 'integer', minimum: 1, maximum: 3600 } },
    });
    const restart = paths['/api/units/{unitId}/commands/restart-subsystem']?.post?.responses as Record<string, Json>;
    const [success] = (jsonBody(restart['200']) as { anyOf: Json[] }).anyOf;
    expect(success).toMatchObject({
      properties: { ok: { enum: [true] }, result: { required: ['name', 'deferred'] } },
    });
  });

  it('documents the existing unit routes and leaves out the hidden ones', () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const units = paths['/api/units']?.get?.responses as Record<string, Json>;
    const list = jsonBody(units['200']);
    expect(list).toMatchObject({
      properties: { units: { type: 'array', items: { properties: { online: { type: 'boolean' } } } } },
    });
    expect(paths['/api/units/{id}/state']?.get?.parameters).toEqual([
      expect.objectContaining({ in: 'path', name: 'id', required: true }),
    ]);
    expect(Object.keys(paths)).not.toContain(OPENAPI_PATH);
    expect(Object.keys(paths)).not.toContain('/api/units/{unitId}/commands/{name}');
  });
});
