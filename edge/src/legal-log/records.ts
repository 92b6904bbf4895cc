import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * What the legal connection log keeps (CPCE R10-13 IV): who held which address when, and which
 * translated address and port each of their connections went out with. Nothing about where a
 * connection went: no destination, host name, URL or content has a field here.
 */

const at = Type.Integer({ minimum: 0, description: 'When, in ms since the epoch (UTC)' });
const ip = Type.String({ minLength: 2, maxLength: 45, description: 'An IPv4 or IPv6 address' });
const port = Type.Integer({ minimum: 0, maximum: 65_535 });
const mac = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
  description: 'The terminal identifier; null for a session adopted from the kernel before its lease was read',
});

export const SessionStartRecordSchema = Type.Object(
  {
    kind: Type.Literal('session-start'),
    at,
    ip,
    mac,
    /** The session was already in the kernel's allowed set when the edge started: it began earlier. */
    resumed: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);

export const SessionEndRecordSchema = Type.Object(
  {
    kind: Type.Literal('session-end'),
    at,
    ip,
    mac,
    reason: Type.Union([Type.Literal('left'), Type.Literal('idle'), Type.Literal('timeout'), Type.Literal('quota')]),
  },
  { additionalProperties: false },
);

export const NatRecordSchema = Type.Object(
  {
    kind: Type.Literal('nat'),
    /** conntrack's NEW (the mapping begins) or DESTROY (it ends). */
    event: Type.Union([Type.Literal('new'), Type.Literal('destroy')]),
    at,
    /** Transport protocol as conntrack names it: tcp, udp, icmp… */
    proto: Type.String({ pattern: '^[a-z0-9-]{1,16}$' }),
    /** The resident's private address and source port (the original direction's source). */
    ip,
    port: Type.Optional(port),
    /** What the Internet saw: the reply direction's destination after masquerade. */
    natIp: ip,
    natPort: Type.Optional(port),
  },
  { additionalProperties: false },
);

export const GapRecordSchema = Type.Object(
  {
    kind: Type.Literal('gap'),
    /** When the gap was noticed as over: records between `from` and `at` may be missing. */
    at,
    from: at,
    reason: Type.Union([Type.Literal('conntrack-down'), Type.Literal('events-lost'), Type.Literal('records-dropped')]),
    /** How many records were dropped, when known. */
    lost: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const LegalRecordSchema = Type.Union([
  SessionStartRecordSchema,
  SessionEndRecordSchema,
  NatRecordSchema,
  GapRecordSchema,
]);

export type SessionStartRecord = Static<typeof SessionStartRecordSchema>;
export type SessionEndRecord = Static<typeof SessionEndRecordSchema>;
export type NatRecord = Static<typeof NatRecordSchema>;
export type GapRecord = Static<typeof GapRecordSchema>;
export type LegalRecord = Static<typeof LegalRecordSchema>;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * A chunk's plaintext: one JSON record per line, gzipped (so `age -d … | gunzip` reads it by hand).
 * Addresses and ports repeat a lot; gzip takes a batch to about a fifth.
 */
export async function encodeRecords(records: readonly LegalRecord[]): Promise<Uint8Array> {
  const text = records.map((record) => `${JSON.stringify(record)}\n`).join('');
  return new Uint8Array(await gzipAsync(text));
}

export interface DecodedRecords {
  records: LegalRecord[];
  /** Lines that are not records of this version (counted; their content is never echoed). */
  invalidLines: number;
}

/** The inverse of encodeRecords; throws when the bytes are not gzip (the caller reports a corrupt chunk). */
export async function decodeRecords(bytes: Uint8Array): Promise<DecodedRecords> {
  const text = (await gunzipAsync(bytes)).toString('utf8');
  const records: LegalRecord[] = [];
  let invalidLines = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const value = parseJson(line);
    if (Value.Check(LegalRecordSchema, value)) records.push(value);
    else invalidLines += 1;
  }
  return { records, invalidLines };
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
