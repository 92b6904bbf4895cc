import { readFile } from 'node:fs/promises';
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { LIVE_KEYS } from '../src/commands/app-context.js';
import { configKeyInfo } from '../src/commands/config-keys.js';
import {
  BirthPayloadSchema,
  COMMAND_NAMES,
  COMMAND_TIMEOUTS_MS,
  CommandArgsSchemas,
  CommandReplySchema,
  CommandRequestSchema,
  CommandResultSchemas,
  cmdFilter,
  cmdTopic,
  FLEET_REPLY_FILTER,
  MAX_COMMAND_BYTES,
  parseCommandReply,
  parseCommandRequest,
  parseCommandTopic,
  replyTopic,
} from '../src/contract/commands.js';
import { EventPayloadSchema } from '../src/contract/events.js';
import { StatePayloadSchema, TelemetryPayloadSchema } from '../src/contract/payloads.js';
import { EdgeErrorCode } from '../src/errors.js';

describe('command contract', () => {
  it('builds and splits cmd and reply topics', () => {
    expect(cmdTopic('tri-01', 'get-status')).toBe('triporteur/v1/tri-01/cmd/get-status');
    expect(replyTopic('tri-01', 'get-status')).toBe('triporteur/v1/tri-01/reply/get-status');
    expect(cmdFilter('tri-01')).toBe('triporteur/v1/tri-01/cmd/+');
    expect(FLEET_REPLY_FILTER).toBe('triporteur/v1/+/reply/+');
    expect(parseCommandTopic(replyTopic('tri-01', 'config-set'))).toEqual({
      unitId: 'tri-01',
      kind: 'reply',
      name: 'config-set',
    });
    for (const topic of [
      'triporteur/v1/tri-01/cmd/',
      'triporteur/v1/tri-01/cmd/a/b',
      'triporteur/v1/TRI/cmd/x',
      'triporteur/v1/tri-01/state',
      'other/v1/tri-01/cmd/x',
    ]) {
      expect(parseCommandTopic(topic)).toBeUndefined();
    }
  });

  it('parses requests and replies, measuring size in UTF-8 bytes', () => {
    expect(parseCommandRequest('{"v":1,"id":"a","args":{}}').ok).toBe(true);
    const multibyte = JSON.stringify({ v: 1, id: 'a', args: { note: 'é'.repeat(MAX_COMMAND_BYTES / 2) } });
    expect(multibyte.length).toBeLessThan(MAX_COMMAND_BYTES + 100);
    const refused = parseCommandRequest(multibyte);
    expect(!refused.ok && refused.reason).toBe('too-large');
    expect(parseCommandReply('{"v":1,"id":null,"ok":false,"error":{"code":"EDG_CMD_INVALID","message":"x"}}').ok).toBe(
      true,
    );
    const noId = parseCommandReply('{"v":1,"id":null,"ok":true,"result":1}');
    expect(!noId.ok && noId.reason).toBe('schema');
  });

  it('gives every command args, a result and a time limit', () => {
    for (const name of COMMAND_NAMES) {
      expect(CommandArgsSchemas[name]).toBeDefined();
      expect(CommandResultSchemas[name]).toBeDefined();
      expect(COMMAND_TIMEOUTS_MS[name]).toBeGreaterThan(0);
    }
  });
});

/** Every property name a schema mentions, at any depth. */
function propertyNames(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) propertyNames(item, into);
  else if (schema !== null && typeof schema === 'object') {
    const { properties } = schema as { properties?: Record<string, unknown> };
    if (properties) for (const name of Object.keys(properties)) into.add(name);
    for (const child of Object.values(schema)) propertyNames(child, into);
  }
  return into;
}

describe('docs/asyncapi.yaml keeps up with the contract', async () => {
  const doc = await readFile(new URL('../../docs/asyncapi.yaml', import.meta.url), 'utf8');
  const schemas: Record<string, TSchema> = {
    StatePayload: StatePayloadSchema,
    TelemetryPayload: TelemetryPayloadSchema,
    BirthPayload: BirthPayloadSchema,
    EventPayload: EventPayloadSchema,
    CommandRequest: CommandRequestSchema,
    CommandReply: CommandReplySchema,
    ...Object.fromEntries(COMMAND_NAMES.map((name) => [`args of ${name}`, CommandArgsSchemas[name]])),
    ...Object.fromEntries(COMMAND_NAMES.map((name) => [`result of ${name}`, CommandResultSchemas[name]])),
  };

  it.each(Object.entries(schemas))('documents every field of %s', (_name, schema) => {
    const missing = [...propertyNames(schema)].filter((field) => !new RegExp(`\\b${field}\\b`).test(doc));
    expect(missing).toEqual([]);
  });

  it('documents every command, every EDG_CMD_ code and every channel', () => {
    // EDG_CMD_SUBSCRIBE is the unit's own start-up error, never a reply code.
    const codes = Object.values(EdgeErrorCode).filter(
      (code) => code.startsWith('EDG_CMD_') && code !== EdgeErrorCode.CMD_SUBSCRIBE,
    );
    const missing = [
      ...COMMAND_NAMES,
      ...codes,
      'triporteur/v1/{unitId}/state',
      'triporteur/v1/{unitId}/birth',
      'triporteur/v1/{unitId}/events',
      'triporteur/v1/{unitId}/telemetry',
      'triporteur/v1/{unitId}/cmd/{command}',
      'triporteur/v1/{unitId}/reply/{command}',
    ].filter((text) => !doc.includes(text));
    expect(missing).toEqual([]);
  });

  it('shows config commands on keys the config has, applied live exactly when the unit does', () => {
    const keys = [...doc.matchAll(/\bkey: ([a-zA-Z][\w.]*)/g)].map((match) => match[1] ?? '');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => !configKeyInfo(key)?.writable)).toEqual([]);
    const results = [...doc.matchAll(/\bkey: ([\w.]+), applied: (true|false), restartRequired: (true|false)/g)];
    expect(results.length).toBeGreaterThan(0);
    for (const [, key = '', applied, restartRequired] of results) {
      const live = (LIVE_KEYS as readonly string[]).includes(key);
      expect({ key, applied: applied === 'true', restartRequired: restartRequired === 'true' }).toEqual({
        key,
        applied: live,
        restartRequired: !live,
      });
    }
  });
});
