import type { CheckStatus } from '../check.js';
import type { DoctorReport } from '../runner.js';

export interface TableOptions {
  /** ANSI colours on the status column: only for a terminal (the CLI passes isTTY, and honours NO_COLOR). */
  color?: boolean;
}

const LABEL: Record<CheckStatus, string> = { pass: 'OK', warn: 'ATTENTION', fail: 'ÉCHEC' };
const COLOR: Record<CheckStatus, string> = { pass: '\x1b[32m', warn: '\x1b[33m', fail: '\x1b[31m' };
const RESET = '\x1b[0m';
const HEADERS = ['État', 'Vérification', 'Code', 'Détail'] as const;
/** Long titles are cut so the detail column stays on screen on an 80-column console. */
const MAX_TITLE = 42;

/**
 * The report as a technician reads it on the Pi's console: one row per check, in the runner's order, the
 * fix on its own line under every warning and failure, and a one-line summary at the end.
 */
export function renderTable(report: DoctorReport, options: TableOptions = {}): string {
  const rows = report.checks.map((check) => ({
    status: check.status,
    cells: [LABEL[check.status], cut(check.title, MAX_TITLE), check.code, check.detail],
    fix: check.status === 'pass' ? undefined : check.fix,
  }));
  const widths = [0, 1, 2].map((i) =>
    Math.max(HEADERS[i]?.length ?? 0, ...rows.map((row) => row.cells[i]?.length ?? 0)),
  );
  const line = (cells: readonly string[], status?: CheckStatus) =>
    cells
      .map((cell, i) => {
        const padded = i < 3 ? cell.padEnd(widths[i] ?? 0) : cell;
        return i === 0 && status && options.color ? `${COLOR[status]}${padded}${RESET}` : padded;
      })
      .join('  ')
      .trimEnd();
  const indent = ' '.repeat((widths[0] ?? 0) + 2);
  const out = [line(HEADERS), line(widths.map((w) => '─'.repeat(w)).concat('─'.repeat(6)))];
  for (const row of rows) {
    out.push(line(row.cells, row.status));
    if (row.fix) out.push(`${indent}→ À faire : ${row.fix}`);
  }
  out.push('', summary(report));
  return `${out.join('\n')}\n`;
}

export function summary(report: DoctorReport): string {
  const count = (status: CheckStatus) => report.checks.filter((check) => check.status === status).length;
  const warns = count('warn');
  const fails = count('fail');
  const verdict = fails > 0 ? 'à corriger' : warns > 0 ? 'en marche, à surveiller' : 'tout va bien';
  return `${report.checks.length} vérification(s) : ${count('pass')} OK, ${warns} attention, ${fails} échec(s) — ${verdict}.`;
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
