import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LiteralBlock, toYaml, yamlQuote } from './yaml.js';

// cloud-init reads YAML 1.1 (PyYAML), where `yes`, `on`, `0644` and `1_000` are not strings; 1.2 is the
// current spec. Both readings must give back exactly what was written.
const read = (text: string) => [parse(text, { version: '1.1' }), parse(text, { version: '1.2' })];

const AWKWARD = [
  'yes',
  'on',
  'No',
  '0644',
  '1_000',
  '0x1F',
  '.inf',
  '~',
  'null',
  '- item',
  '#1 not a comment',
  'key: value',
  '{flow}',
  '[seq]',
  '*alias',
  '&anchor',
  '!tag',
  '%directive',
  '@reserved',
  '`backtick',
  ' leading and trailing ',
  'quote " and \\ backslash',
  "l'apostrophe",
  'WiFi solidaire PIMMS – Café',
  'tab\there',
  'line\nbreak',
  'NEL\u0085 LS\u2028 PS\u2029 BOM\ufeff C1\u0090 DEL\u007f',
  '😀 astral',
  '',
];

describe('YAML emitter', () => {
  it('gives back every awkward string unchanged, in YAML 1.1 and 1.2', () => {
    const doc = { values: AWKWARD, nested: { [AWKWARD[10] as string]: AWKWARD[0] as string } };
    for (const parsed of read(toYaml(doc))) expect(parsed).toEqual(doc);
  });

  it('keeps numbers and booleans typed, and empty collections', () => {
    const doc = { n: 2, f: 0.5, yes: true, no: false, list: [], map: {} };
    for (const parsed of read(toYaml(doc))) expect(parsed).toEqual(doc);
  });

  it('writes file contents as a literal block when they fit, byte for byte', () => {
    const content = '{\n  "ssid": "Café",\n  "n": 1\n}\n';
    const text = toYaml({ files: [{ path: '/etc/x', content: new LiteralBlock(content) }] });
    expect(text).toContain('content: |\n');
    for (const parsed of read(text)) expect(parsed).toEqual({ files: [{ path: '/etc/x', content }] });
  });

  it('falls back to a quoted string when a literal block would change the text', () => {
    for (const content of ['no final newline', 'two final newlines\n\n', ' leading space\n', 'cr\r\n', 'ls\u2028\n']) {
      const text = toYaml({ content: new LiteralBlock(content) });
      expect(text).not.toContain('|');
      for (const parsed of read(text)) expect(parsed).toEqual({ content });
    }
  });

  it('writes header lines first, as given', () => {
    expect(toYaml({ a: 'b' }, ['#cloud-config', '# note']).split('\n').slice(0, 3)).toEqual([
      '#cloud-config',
      '# note',
      'a: "b"',
    ]);
    expect(yamlQuote('\u2028')).toBe('"\\u2028"');
  });
});
