import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EdgeConfigSchema } from '../src/config/schema.js';
import {
  BATCH_DICTIONARY_1,
  BATCH_HEADER_VERSION,
  BatchEncoding,
  decodeBatch,
  type EncodingName,
  encodeBatch,
  MAX_INFLATED_BYTES,
  type TelemetryBatch,
} from '../src/contract/encoding.js';
import { MAX_PAYLOAD_BYTES } from '../src/contract/parse.js';
import * as payloads from '../src/contract/payloads.js';
import * as records from '../src/contract/records.js';
import { unitTopic } from '../src/contract/topics.js';

type Yaml = null | boolean | number | string | Yaml[] | { [key: string]: Yaml };

/** The document as data: the `yaml` package, strict about duplicate keys, YAML 1.2 core schema. */
function parseYaml(text: string): Yaml {
  return parse(text, { uniqueKeys: true, schema: 'core', strict: true }) as Yaml;
}

function pointer(doc: Yaml, ref: string): Yaml {
  if (!ref.startsWith('#/')) throw new Error(`not a local reference: ${ref}`);
  let node: Yaml = doc;
  for (const raw of ref.slice(2).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const next: Yaml | undefined =
      node !== null && typeof node === 'object' && Object.hasOwn(node, part)
        ? (node as Record<string, Yaml>)[part]
        : undefined;
    if (next === undefined) throw new Error(`${ref}: nothing at "${part}"`);
    node = next;
  }
  return node;
}

const NOT_VALIDATION = new Set(['description', 'title', 'examples', 'default', '$comment']);
const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

/**
 * A schema reduced to what validation depends on, $refs followed. Both sides are normalised the same
 * way: `const` and a union of consts become a sorted `enum` (which implies the type), `required` is
 * sorted, TypeBox's Record (`patternProperties` `^(.*)$`) is `additionalProperties`, and `anyOf`/`oneOf`
 * are the same alternatives (every union in the contract is disjoint: `v`, or `full` vs none).
 * Every other keyword is kept, so one on either side alone is a difference.
 */
function shape(schema: unknown, doc: Yaml): unknown {
  const recurse = (child: unknown) => shape(child, doc);
  if (Array.isArray(schema)) return schema.map(recurse);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Record<string, unknown>;
  if ('$ref' in node) {
    if (Object.keys(node).length !== 1) throw new Error(`keywords beside $ref ${String(node.$ref)} are ignored`);
    return recurse(pointer(doc, String(node.$ref)));
  }
  const out: Record<string, unknown> = {};
  const mapValues = (value: unknown) =>
    Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, recurse(v)]));
  for (const [key, value] of Object.entries(node)) {
    if (NOT_VALIDATION.has(key) || key.startsWith('x-')) continue;
    if (key === 'const') out.enum = [value];
    else if (key === 'enum') out.enum = [...(value as unknown[])].sort(byJson);
    else if (key === 'required') out.required = [...(value as string[])].sort();
    else if (key === 'properties') out.properties = mapValues(value);
    else if (key === 'anyOf' || key === 'oneOf') out.alternatives = (value as unknown[]).map(recurse);
    else if (key === 'patternProperties' && Object.keys(value as object).join() === '^(.*)$') {
      out.additionalProperties = recurse((value as Record<string, unknown>)['^(.*)$']);
    } else out[key] = recurse(value);
  }
  const alternatives = out.alternatives as Record<string, unknown>[] | undefined;
  if (alternatives?.every((alt) => Object.keys(alt).join() === 'enum')) {
    out.enum = alternatives.flatMap((alt) => alt.enum as unknown[]).sort(byJson);
    delete out.alternatives;
  }
  if ('enum' in out) delete out.type;
  if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
  return out;
}

describe('docs/asyncapi.yaml documents the telemetry channel as it is on the wire', async () => {
  const doc = parseYaml(await readFile(new URL('../../docs/asyncapi.yaml', import.meta.url), 'utf8'));
  const at = (ref: string) => pointer(doc, ref) as Record<string, Yaml>;
  const channel = at('#/channels/telemetry');
  const message = at(String(at('#/channels/telemetry/messages/telemetry').$ref));
  const payload = message.payload as Record<string, Yaml>;
  const framing = message['x-framing'] as Record<string, Yaml>;
  const description = String(message.description);
  const decoded = Type.Union([records.TelemetryBatchV2Schema, payloads.TelemetryPayloadSchema]);
  const headerOf = (code: number) => (BATCH_HEADER_VERSION << 4) | code;

  it('is AsyncAPI 3.0: the channel carries bytes, and the payload schema is the decoded batch', () => {
    expect(doc).toMatchObject({ asyncapi: '3.0.0' });
    expect(channel.address).toBe(unitTopic('{unitId}', 'telemetry'));
    expect(message.contentType).toBe('application/octet-stream');
    expect(payload.schemaFormat).toBe('application/vnd.aai.asyncapi+json;version=3.0.0');
    expect(shape(payload.schema, doc)).toEqual(shape(decoded, doc));
  });

  // Every schema the two payload modules export has a component of the same name, field for field.
  const contractSchemas = Object.entries({ ...payloads, ...records })
    .filter(([name]) => name.endsWith('Schema'))
    .map(([name, schema]) => [name.replace(/Schema$/, ''), schema as TSchema] as const);

  it.each(contractSchemas)('components.schemas.%s matches the TypeBox schema', (name, schema) => {
    expect(shape(at(`#/components/schemas/${name}`), doc)).toEqual(shape(schema, doc));
  });

  const sample: TelemetryBatch = {
    v: 2,
    bootId: 'boot-0001',
    records: Array.from({ length: 20 }, (_, seq) => ({
      seq,
      ts: 1_700_000_000_000 + seq * 10_000,
      system: { cpuTempC: 50 + seq },
    })),
  };

  it('gives the header bytes of encoding.ts, each as encodeBatch writes it for that encoding', () => {
    expect(framing.headerVersion).toBe(BATCH_HEADER_VERSION);
    const headers = framing.headers as { byte: number; id: string; config: EncodingName }[];
    const documented = headers.map(({ byte, id }) => ({ byte, id }));
    const actual = Object.entries(BatchEncoding).map(([id, code]) => ({ byte: headerOf(code), id }));
    expect(documented).toEqual(actual);
    for (const { byte, config } of headers) {
      const bytes = encodeBatch(sample, { encoding: config });
      expect(bytes[0]).toBe(byte);
      expect(decodeBatch(bytes)).toEqual({ ok: true, value: sample });
    }
    expect(framing.legacyFirstByte).toBe('{'.charCodeAt(0));
    expect(decodeBatch(new TextEncoder().encode(JSON.stringify(sample)))).toEqual({ ok: true, value: sample });
  });

  it('gives the limits, the dictionary and the default encoding of the code', () => {
    expect(framing.maxInflatedBytes).toBe(MAX_INFLATED_BYTES);
    expect(framing.maxPayloadBytes).toBe(MAX_PAYLOAD_BYTES);
    expect(framing.dictionary).toEqual({
      name: 'BATCH_DICTIONARY_1',
      length: BATCH_DICTIONARY_1.length,
      sha256: createHash('sha256').update(BATCH_DICTIONARY_1).digest('hex'),
    });
    const telemetryConfig = EdgeConfigSchema.properties.telemetry.properties as Record<string, TSchema>;
    expect(framing.defaultEncoding).toBe(telemetryConfig.encoding?.default);
    expect(encodeBatch(sample)[0]).toBe(headerOf(BatchEncoding.deflateRawDict1));
  });

  it('says the same in its prose: header bytes, limits and every refusal reason', () => {
    const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;
    const bytes = [...Object.values(BatchEncoding).map(headerOf), '{'.charCodeAt(0)].map(hex);
    const mentioned = new Set(description.match(/\b0x[0-9a-f]{2}\b/gi)?.map((h) => h.toLowerCase()));
    expect([...mentioned].sort()).toEqual(bytes.sort());
    expect(description).toContain(`${MAX_INFLATED_BYTES} bytes`);
    expect(description).toContain(`${MAX_PAYLOAD_BYTES} bytes`);
    expect(description).toContain(`${BATCH_DICTIONARY_1.length}-character`);
    expect(description).toContain(createHash('sha256').update(BATCH_DICTIONARY_1).digest('hex'));

    const frame = (header: number, body: Uint8Array) => Uint8Array.from([header, ...body]);
    const text = (s: string) => new TextEncoder().encode(s);
    const refusals = [
      new Uint8Array(0),
      new Uint8Array(MAX_PAYLOAD_BYTES + 1),
      frame(0x20, text('{}')),
      frame(headerOf(BatchEncoding.deflateRaw), Uint8Array.from([0xff, 0xff, 0xff, 0xff])),
      frame(headerOf(BatchEncoding.deflateRaw), deflateRawSync(new Uint8Array(MAX_INFLATED_BYTES + 1))),
      frame(headerOf(BatchEncoding.json), text('not json')),
      frame(headerOf(BatchEncoding.json), text('{}')),
    ].map((bytes) => {
      const result = decodeBatch(bytes);
      return result.ok ? 'accepted' : result.reason;
    });
    expect(new Set(refusals).size).toBe(refusals.length);
    expect(refusals.filter((reason) => !description.includes(`\`${reason}\``))).toEqual([]);
  });

  it('gives examples that the decoded schema accepts and that survive the encoding', () => {
    const examples = message.examples as { payload: unknown }[];
    expect(examples.length).toBeGreaterThan(0);
    for (const { payload: example } of examples) {
      expect([...Value.Errors(decoded, example)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
      expect(decodeBatch(encodeBatch(example as TelemetryBatch))).toEqual({ ok: true, value: example });
    }
  });
});
