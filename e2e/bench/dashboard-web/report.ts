/** Issue 7 item 7's budgets, and the few the brief adds to make "responsive" a number. */
export const BUDGETS = {
  /** 300 × 1024 bytes: the issue says 300 kB; we read it as kibibytes, the larger reading. */
  firstLoadBytes: 300 * 1024,
  updateLatencyP95Ms: 1000,
  /** 20 frames a second at worst for 95 % of frames. */
  frameIntervalP95Ms: 50,
  longestTaskMs: 200,
} as const;

export interface Target {
  key: string;
  name: string;
  value: number;
  limit: number;
  unit: 'bytes' | 'ms';
  pass: boolean;
}

/** At or under the limit passes; NaN (nothing measured) fails. */
export function atMost(key: string, name: string, value: number, limit: number, unit: Target['unit']): Target {
  return { key, name, value, limit, unit, pass: Number.isFinite(value) && value <= limit };
}

/** A figure for the table: a target's row carries its limit and verdict, a plain figure does not. */
export interface Row {
  name: string;
  value: string;
  target?: Target;
}

export function formatValue(value: number, unit: Target['unit']): string {
  if (!Number.isFinite(value)) return '—';
  if (unit === 'bytes') return `${Math.round(value).toLocaleString('en')} B (${(value / 1024).toFixed(1)} KiB)`;
  return `${value >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(1)} ms`;
}

export function table(rows: readonly Row[]): string {
  const header = ['figure', 'value', 'target', ''];
  const lines = rows.map((row) => [
    row.name,
    row.value,
    row.target ? `≤ ${formatValue(row.target.limit, row.target.unit)}` : '',
    row.target ? (row.target.pass ? 'pass' : 'FAIL') : '',
  ]);
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
