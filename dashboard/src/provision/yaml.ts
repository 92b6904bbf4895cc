/**
 * The few YAML documents provisioning writes (cloud-init user-data, network-config, meta-data),
 * emitted from plain values. Every string is double-quoted with JSON escapes, which YAML 1.1 (PyYAML,
 * what cloud-init parses with) and YAML 1.2 both read the same way, so no value (an SSID such as
 * `yes`, `0644`, `- x` or `#1`) can turn into another type or break the document.
 */

/** A string written as a literal block (`|`): a file's content, kept readable on the boot partition. */
export class LiteralBlock {
  constructor(readonly text: string) {}
}

export type YamlValue =
  | string
  | number
  | boolean
  | LiteralBlock
  | readonly YamlValue[]
  | { readonly [key: string]: YamlValue };

// Characters PyYAML refuses in a stream (its reader's NON_PRINTABLE class), plus the YAML 1.1 line
// breaks (NEL, LS, PS) that would end a line inside a literal block.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is matched
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/g;

const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Escapes, inside JSON text, the characters YAML cannot carry raw. JSON.stringify leaves them alone
 * (lone surrogates aside, which it already escapes); they can only occur inside strings, where the
 * \uXXXX form means the same to a JSON reader.
 */
export function yamlSafeJson(json: string): string {
  return json.replace(UNSAFE, escapeChar);
}

/** A double-quoted scalar: JSON's escapes are YAML's. */
export function yamlQuote(text: string): string {
  return yamlSafeJson(JSON.stringify(text));
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Words YAML 1.1 reads as booleans or null even as keys (`yes: true` is `{true: true}` to PyYAML). */
const SPECIAL_WORD = /^(y|n|yes|no|true|false|on|off|null)$/i;
const keyText = (key: string) => (PLAIN_KEY.test(key) && !SPECIAL_WORD.test(key) ? key : yamlQuote(key));

/** A literal block keeps the text byte for byte only with one final newline and no character to escape. */
function literalFits(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return (
    text.endsWith('\n') &&
    !text.endsWith('\n\n') &&
    !text.startsWith(' ') &&
    !text.startsWith('\n') &&
    !text.includes('\r') &&
    !UNSAFE.test(text)
  );
}

function scalar(value: string | number | boolean): string {
  if (typeof value === 'string') return yamlQuote(value);
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('YAML: a non-finite number');
  return String(value);
}

const isMap = (value: YamlValue): value is { readonly [key: string]: YamlValue } =>
  typeof value === 'object' && !(value instanceof LiteralBlock) && !Array.isArray(value);

/** The text after `key:` or `-` when the value fits on that line, else undefined. */
function inline(value: YamlValue): string | undefined {
  if (value instanceof LiteralBlock) return literalFits(value.text) ? undefined : scalar(value.text);
  if (Array.isArray(value)) {
    // A list of plain values (packages, a command's argv) reads best on one line, as people write it.
    const plain = value.every((item: YamlValue) => typeof item !== 'object');
    return plain ? `[${value.map((item: string | number | boolean) => scalar(item)).join(', ')}]` : undefined;
  }
  if (isMap(value)) return Object.keys(value).length === 0 ? '{}' : undefined;
  return scalar(value as string | number | boolean);
}

/** The lines of a value that does not fit inline, indented by `indent`. */
function block(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (value instanceof LiteralBlock) {
    return value.text
      .slice(0, -1)
      .split('\n')
      .map((line) => (line === '' ? '' : `${pad}${line}`));
  }
  if (Array.isArray(value)) return value.flatMap((item: YamlValue) => sequenceItem(pad, item, indent + 2));
  return Object.entries(value as Record<string, YamlValue>).flatMap(([key, item]) =>
    entry(`${pad}${keyText(key)}:`, item, indent + 2),
  );
}

/** `- item`; a mapping or list item starts on the dash's line, as people write it. */
function sequenceItem(pad: string, value: YamlValue, childIndent: number): string[] {
  if (inline(value) !== undefined || value instanceof LiteralBlock) return entry(`${pad}-`, value, childIndent);
  const [first = '', ...rest] = block(value, childIndent);
  return [`${pad}- ${first.slice(childIndent)}`, ...rest];
}

function entry(head: string, value: YamlValue, childIndent: number): string[] {
  const text = inline(value);
  if (text !== undefined) return [`${head} ${text}`];
  if (value instanceof LiteralBlock) return [`${head} |`, ...block(value, childIndent)];
  return [head, ...block(value, childIndent)];
}

/** A YAML document from a mapping, after header lines written as given (`#cloud-config`, comments). */
export function toYaml(document: { readonly [key: string]: YamlValue }, header: readonly string[] = []): string {
  return `${[...header, ...block(document, 0)].join('\n')}\n`;
}
