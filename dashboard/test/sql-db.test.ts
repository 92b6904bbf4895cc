import { describe, expect, it } from 'vitest';
import { migrate } from '../src/store/sql/migrate.js';
import { rewritePlaceholders } from '../src/store/sql/placeholders.js';
import type { Migration } from '../src/store/sql/types.js';
import { ENGINES, openTestDb } from './support/engines.js';

const ITEMS: Migration = {
  version: 1,
  name: 'items',
  sqlite: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER NOT NULL) STRICT',
  postgres: 'CREATE TABLE items (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, n BIGINT NOT NULL)',
};

describe('rewritePlaceholders', () => {
  it('turns numbered placeholders into ordered ? with the values they pick', () => {
    expect(rewritePlaceholders('SELECT $2, $1, $2')).toEqual({ sql: 'SELECT ?, ?, ?', order: [1, 0, 1] });
  });
});

describe.each(ENGINES)('SqlDb on %s', (engine) => {
  it('runs the same queries: numbered placeholders, ON CONFLICT, RETURNING, BIGINT as numbers', async () => {
    const { db } = await openTestDb(engine, [ITEMS]);
    const big = 1_700_000_000_000;
    expect(await db.run('INSERT INTO items (name, n) VALUES ($1, $2)', ['a', big])).toEqual({ changes: 1 });
    expect(await db.run('INSERT INTO items (name, n) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', ['a', 1])).toEqual(
      {
        changes: 0,
      },
    );
    const back = await db.get<{ id: number; n: number }>(
      'INSERT INTO items (name, n) VALUES ($1, $2) RETURNING id, n',
      ['b', big + 1],
    );
    expect(back?.n).toBe(big + 1);
    expect(await db.get('SELECT count(*) AS c, sum(n) AS s FROM items WHERE n >= $1', [big])).toEqual({
      c: 2,
      s: 2 * big + 1,
    });
    expect(await db.all('SELECT name FROM items WHERE name = $1 OR name = $1 ORDER BY name', ['b'])).toEqual([
      { name: 'b' },
    ]);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const { db } = await openTestDb(engine, [ITEMS]);
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO items (name, n) VALUES ($1, $2)', ['kept', 1]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO items (name, n) VALUES ($1, $2)', ['lost', 2]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.all('SELECT name FROM items ORDER BY name')).toEqual([{ name: 'kept' }]);
  });

  it('keeps concurrent transactions apart: each sees only its own writes until commit', async () => {
    const { db } = await openTestDb(engine, [ITEMS]);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db.transaction(async (tx) => {
          const before = await tx.get<{ c: number }>('SELECT count(*) AS c FROM items WHERE name LIKE $1', [`t${i}-%`]);
          await tx.run('INSERT INTO items (name, n) VALUES ($1, $2)', [`t${i}-a`, i]);
          await tx.run('INSERT INTO items (name, n) VALUES ($1, $2)', [`t${i}-b`, i]);
          return before?.c;
        }),
      ),
    );
    expect(await db.get('SELECT count(*) AS c FROM items')).toEqual({ c: 16 });
  });

  it('migrates once, records versions, and refuses a database newer than the code', async () => {
    const { db, location } = await openTestDb(engine, [ITEMS]);
    expect(await migrate(db, [ITEMS], location)).toEqual([]);
    const second: Migration = {
      version: 2,
      name: 'tags',
      sqlite: 'CREATE TABLE tags (t TEXT) STRICT',
      postgres: 'CREATE TABLE tags (t TEXT)',
    };
    expect(await migrate(db, [ITEMS, second], location)).toEqual([2]);
    await expect(migrate(db, [ITEMS], location)).rejects.toMatchObject({ code: 'DSH_STORE_SCHEMA' });
    await expect(migrate(db, [ITEMS, { ...second, version: 1 }], location)).rejects.toMatchObject({
      code: 'DSH_STORE_SCHEMA',
    });
  });
});
