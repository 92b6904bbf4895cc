/**
 * Rewrites PostgreSQL's numbered placeholders for SQLite, which binds `?` in order: "$2 … $1 … $2"
 * becomes "? … ? … ?" with the values picked in that order. Our SQL never holds a "$" in a literal.
 */
export interface Rewritten {
  sql: string;
  /** For each `?`, the index into the caller's values. */
  order: number[];
}

export function rewritePlaceholders(sql: string): Rewritten {
  const order: number[] = [];
  const rewritten = sql.replace(/\$(\d+)/g, (_match, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  return { sql: rewritten, order };
}
