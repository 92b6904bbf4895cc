import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
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

/**
 * Reads the YAML this repository writes: block and flow collections, quoted and plain scalars, `|`
 * blocks, comments. No YAML library is installed, so it throws on everything else (anchors, tags,
 * folded or multi-line plain scalars, tabs, duplicate keys, words YAML 1.1 reads as booleans) rather
 * than misread the document.
 */
function parseYaml(text: string): Yaml {
  const lines = text.replace(/\r/g, '').split('\n');
  let i = 0;
  const fail = (message: string): never => {
    throw new Error(`YAML line ${i + 1}: ${message}`);
  };
  const indentOf = (line: string) => {
    const lead = /^[ \t]*/.exec(line)?.[0] ?? '';
    if (lead.includes('\t') && line.trim() !== '') fail('tab in indentation');
    return lead.length;
  };
  const skipBlank = () => {
    while (i < lines.length && /^\s*(#.*)?$/.test(lines[i] ?? '')) i++;
  };
  const isItem = (text: string) => /^-(\s|$)/.test(text);

  const readQuoted = (src: string, start: number): [string, number] => {
    const quote = src[start];
    let out = '';
    for (let j = start + 1; j < src.length; j++) {
      const c = src[j] ?? '';
      if (c === '\n') break;
      if (c === quote && quote === "'" && src[j + 1] === "'") {
        out += "'";
        j++;
      } else if (c === quote) {
        return [out, j + 1];
      } else if (c === '\\' && quote === '"') {
        const escaped: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t' };
        out += escaped[src[++j] ?? ''] ?? fail(`unsupported escape \\${src[j]}`);
      } else out += c;
    }
    return fail('unterminated quoted scalar');
  };

  const plainScalar = (raw: string): Yaml => {
    const t = raw.trim();
    if (/^(~|null|Null|NULL)$/.test(t)) return null;
    if (/^(true|True|TRUE|false|False|FALSE)$/.test(t)) return t.toLowerCase() === 'true';
    if (/^(y|n|yes|no|on|off)$/i.test(t)) fail(`"${t}" is a boolean in YAML 1.1 and a string in 1.2: quote it`);
    if (/^0x[0-9a-fA-F]+$/.test(t)) return Number.parseInt(t.slice(2), 16);
    if (/^[-+]?(\.\d+|\d+(\.\d*)?)([eE][-+]?\d+)?$/.test(t)) return Number(t);
    if (/^[&*!|>%@`?]/.test(t)) fail(`unsupported YAML: ${t}`);
    return t;
  };

  /** `{…}` or `[…]`, possibly over several lines. */
  const flow = (src: string): Yaml => {
    let p = 0;
    const space = () => {
      for (;;) {
        while (/\s/.test(src[p] ?? '')) p++;
        if (src[p] !== '#') return;
        while (p < src.length && src[p] !== '\n') p++;
      }
    };
    const scalar = (): { text: string; quoted: boolean } => {
      if (src[p] === "'" || src[p] === '"') {
        const [text, end] = readQuoted(src, p);
        p = end;
        return { text, quoted: true };
      }
      const start = p;
      for (; p < src.length; p++) {
        const c = src[p] ?? '';
        if (',[]{}'.includes(c) || (c === '#' && /\s/.test(src[p - 1] ?? ''))) break;
        if (c === ':' && /[\s,[\]{}]|^$/.test(src[p + 1] ?? '')) break;
      }
      const text = src.slice(start, p).trim();
      if (text === '' || text.includes('\n'))
        fail(`empty or multi-line flow scalar near "${src.slice(start, start + 20)}"`);
      return { text, quoted: false };
    };
    const node = (): Yaml => {
      space();
      const open = src[p];
      if (open !== '{' && open !== '[') {
        const { text, quoted } = scalar();
        return quoted ? text : plainScalar(text);
      }
      const close = open === '{' ? '}' : ']';
      const map: Record<string, Yaml> = {};
      const seq: Yaml[] = [];
      p++;
      for (;;) {
        space();
        if (src[p] === close) {
          p++;
          return open === '{' ? map : seq;
        }
        if (open === '[') seq.push(node());
        else {
          const { text: key } = scalar();
          space();
          if (src[p++] !== ':') fail(`expected ":" after flow key ${key}`);
          if (Object.hasOwn(map, key)) fail(`duplicate key ${key}`);
          map[key] = node();
        }
        space();
        if (src[p] === ',') p++;
        else if (src[p] !== close) fail(`expected "," or "${close}" in ${src.slice(0, 60)}`);
      }
    };
    const value = node();
    space();
    if (p !== src.length) fail(`text after a flow collection: ${src.slice(p, p + 20)}`);
    return value;
  };

  /** Bracket depth of a flow collection so far, outside quotes and comments. */
  const depth = (src: string) => {
    let level = 0;
    for (let p = 0; p < src.length; p++) {
      const c = src[p] ?? '';
      const before = src.slice(0, p).trimEnd().at(-1) ?? '';
      if ((c === "'" || c === '"') && (before === '' || '{[,:'.includes(before))) p = readQuoted(src, p)[1] - 1;
      else if (c === '#' && /\s/.test(src[p - 1] ?? ''))
        p = src.indexOf('\n', p) < 0 ? src.length : src.indexOf('\n', p);
      else if (c === '{' || c === '[') level++;
      else if (c === '}' || c === ']') level--;
    }
    return level;
  };

  const splitKey = (text: string): [string, string] | undefined => {
    if (text[0] === "'" || text[0] === '"') {
      const [key, end] = readQuoted(text, 0);
      const rest = text.slice(end);
      return /^:(\s|$)/.test(rest) ? [key, rest.slice(1)] : undefined;
    }
    if (/^[{[#]/.test(text)) return undefined;
    const colon = /:(\s|$)/.exec(text);
    if (!colon || / #/.test(text.slice(0, colon.index))) return undefined;
    return [text.slice(0, colon.index), text.slice(colon.index + 1)];
  };

  const literalBlock = (header: string, ownerIndent: number): string => {
    const chomp = (/^\|(-?)$/.exec(header) ?? fail(`unsupported block scalar header ${header}`))[1];
    const body: string[] = [];
    let blockIndent: number | undefined;
    for (; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (line.trim() === '') {
        body.push('');
        continue;
      }
      const n = indentOf(line);
      if (n <= ownerIndent) break;
      blockIndent ??= n;
      if (n < blockIndent) fail('block scalar line less indented than its first line');
      body.push(line.slice(blockIndent));
    }
    while (body.at(-1) === '') body.pop();
    const content = body.join('\n');
    return chomp === '-' || content === '' ? content : `${content}\n`;
  };

  /** The value after `key:` or `- ` on a line owned by an entry at `ownerIndent`; line i is the next one. */
  const value = (inline: string, ownerIndent: number, mapValue: boolean): Yaml => {
    const rest = inline.trim();
    if (rest === '' || rest.startsWith('#')) {
      skipBlank();
      const line = lines[i];
      if (line === undefined) return null;
      const n = indentOf(line);
      if (n > ownerIndent) return block(n);
      // `key:` followed by `- item` at the key's own indentation is a sequence too.
      if (n === ownerIndent && mapValue && isItem(line.trim())) return sequence(n);
      return null;
    }
    if (rest.startsWith('|')) return literalBlock(rest.replace(/\s+#.*$/, ''), ownerIndent);
    if (rest.startsWith('{') || rest.startsWith('[')) {
      let src = rest;
      while (depth(src) > 0) {
        if (i >= lines.length) fail('unclosed flow collection');
        src += `\n${lines[i++]}`;
      }
      return flow(src);
    }
    if (rest.startsWith("'") || rest.startsWith('"')) {
      const [text, end] = readQuoted(rest, 0);
      if (!/^\s*(#.*)?$/.test(rest.slice(end))) fail('text after a quoted scalar');
      return text;
    }
    const plain = rest.replace(/\s+#.*$/, '');
    if (/:\s/.test(plain)) fail(`": " inside a plain scalar: ${plain}`);
    skipBlank();
    const next = lines[i];
    if (next !== undefined && indentOf(next) > ownerIndent) fail('multi-line plain scalar');
    return plainScalar(plain);
  };

  const mapping = (n: number): Record<string, Yaml> => {
    const map: Record<string, Yaml> = {};
    for (;;) {
      skipBlank();
      const line = lines[i];
      if (line === undefined || indentOf(line) < n) return map;
      if (indentOf(line) > n) fail('unexpected indentation');
      const text = line.trim();
      if (isItem(text)) fail('a sequence item where a key was expected');
      const [key, inline] = splitKey(text) ?? fail(`expected "key: value", got ${text}`);
      if (Object.hasOwn(map, key)) fail(`duplicate key ${key}`);
      i++;
      map[key] = value(inline, n, true);
    }
  };

  const sequence = (n: number): Yaml[] => {
    const seq: Yaml[] = [];
    for (;;) {
      skipBlank();
      const line = lines[i];
      if (line === undefined || indentOf(line) < n) return seq;
      if (indentOf(line) > n) fail('unexpected indentation');
      const text = line.trim();
      if (!isItem(text)) return seq;
      const item = text.slice(1).trimStart();
      if (isItem(item)) fail('nested sequence on one line');
      if (splitKey(item)) {
        // A mapping that starts on the dash's line: read it as if the dash were a space.
        const itemIndent = n + text.length - item.length;
        lines[i] = ' '.repeat(itemIndent) + item;
        seq.push(mapping(itemIndent));
      } else {
        i++;
        seq.push(value(item, n, false));
      }
    }
  };

  const block = (n: number): Yaml => (isItem((lines[i] ?? '').trim()) ? sequence(n) : mapping(n));

  skipBlank();
  if (/^(---|%)/.test(lines[i] ?? '')) fail('directives and document markers are not supported');
  const doc = block(0);
  skipBlank();
  if (i < lines.length) fail('unexpected text');
  return doc;
}

/** The node at a local JSON pointer such as `#/components/schemas/BootId`. */
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

describe('the YAML reader of this test', () => {
  it('reads the constructs the contract document uses', () => {
    const text = [
      'a: 1 # comment',
      "b: { c: [x, 'y, z'], d: { e: 0x12, 'f g': -1.5 }, h: true }",
      'i:',
      '- { j: null }',
      '- k: "q\\"uote"',
      '  l: |',
      '    line one',
      '',
      '      indented #not a comment',
      'm: [',
      '  1, 2 ]',
    ].join('\n');
    expect(parseYaml(text)).toEqual({
      a: 1,
      b: { c: ['x', 'y, z'], d: { e: 0x12, 'f g': -1.5 }, h: true },
      i: [{ j: null }, { k: 'q"uote', l: 'line one\n\n  indented #not a comment\n' }],
      m: [1, 2],
    });
  });

  it.each([
    ['an anchor', 'a: &x 1'],
    ['a folded scalar', 'a: >\n  b'],
    ['a duplicate key', 'a: 1\na: 2'],
    ['a tab', 'a:\n\tb: 1'],
    ['a multi-line plain scalar', 'a: b\n  c'],
    ['a YAML 1.1 boolean', 'a: yes'],
    ['an unclosed flow mapping', 'a: { b: 1'],
    ['a colon inside a plain scalar', 'a: b: c'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseYaml(text)).toThrow(/YAML line/);
  });
});

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
