import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ManualClock } from '@triporteur/firmware-bridge';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { eventJournalCheck, outboxCheck } from '../src/doctor/checks/outbox.js';
import { DoctorCode } from '../src/doctor/codes.js';
import { Outbox } from '../src/uplink/outbox.js';
import { doctorConfig, doctorTestContext } from './support/doctor-config.js';

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const MIN = 60_000;

/** Adds to a real outbox file, through the edge's own Outbox, records made `agesMs` ago (a new boot each call). */
function writeOutbox(path: string, agesMs: readonly number[]): void {
  const outbox = new Outbox(path, { clock: { now: () => NOW } });
  const bootId = `boot-${randomUUID()}`;
  outbox.append(agesMs.map((age, seq) => ({ bootId, seq, ts: NOW - age, alarm: false, payload: `{"seq":${seq}}` })));
  outbox.close();
}

const run = (config: ReturnType<typeof doctorConfig>, check = outboxCheck) =>
  check.run(doctorTestContext(config, { clock: new ManualClock(NOW) }));

describe('doctor: the outbox file, read-only', () => {
  it('passes with nothing pending, and with a fresh batch in flight', async () => {
    const config = doctorConfig();
    writeOutbox(config.outbox.path, []);
    expect(await run(config)).toMatchObject({ status: 'pass', detail: 'vide : tout a été reçu par le broker' });
    writeOutbox(config.outbox.path, [2 * MIN, MIN]);
    const result = await run(config);
    expect(result).toMatchObject({ status: 'pass', code: DoctorCode.OK });
    expect(result.detail).toBe('2 enregistrement(s) en attente, le plus ancien a 2 min');
  });

  it('warns DOC_OUTBOX_BACKLOG past an hour, and fails when records are about to be evicted', async () => {
    const config = doctorConfig({ outbox: { maxAgeMs: 10 * 3600_000 } });
    writeOutbox(config.outbox.path, [90 * MIN]);
    const late = await run(config);
    expect(late).toMatchObject({ status: 'warn', code: DoctorCode.OUTBOX_BACKLOG });
    expect(late.detail).toContain('1,5 h');
    writeOutbox(config.outbox.path, [9 * 3600_000]);
    expect(await run(config)).toMatchObject({ status: 'fail', code: DoctorCode.OUTBOX_BACKLOG });
  });

  it('warns on depth alone when a quarter of maxRows waits', async () => {
    const config = doctorConfig({ outbox: { maxRows: 100 } });
    writeOutbox(
      config.outbox.path,
      Array.from({ length: 30 }, () => MIN),
    );
    expect(await run(config)).toMatchObject({ status: 'warn', code: DoctorCode.OUTBOX_BACKLOG });
  });

  it('leaves the file as it was: the rows are still there after the check', async () => {
    const config = doctorConfig();
    writeOutbox(config.outbox.path, [MIN, MIN]);
    await run(config);
    const db = new BetterSqlite3(config.outbox.path, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 2 });
    db.close();
  });

  it('passes, saying so, when the service never created the file', async () => {
    const result = await run(doctorConfig());
    expect(result.status).toBe('pass');
    expect(result.detail).toContain('pas encore de fichier');
  });

  it('fails DOC_OUTBOX_UNREADABLE on a file that is not a database, naming it and the way out', async () => {
    const config = doctorConfig();
    await writeFile(config.outbox.path, 'this is a text file, not SQLite\n'.repeat(200));
    const result = await run(config);
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.OUTBOX_UNREADABLE });
    expect(result.detail).toBe(`${config.outbox.path} : ce n'est pas une base SQLite`);
    expect(result.fix).toContain(`mv ${config.outbox.path}`);
  });

  it("fails DOC_OUTBOX_UNREADABLE on another program's SQLite database", async () => {
    const config = doctorConfig();
    const other = new BetterSqlite3(config.outbox.path);
    other.exec('CREATE TABLE notes (body TEXT)');
    other.close();
    const result = await run(config);
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.OUTBOX_UNREADABLE });
    expect(result.detail).toContain("d'un autre programme");
  });

  it('reads the live outbox inside the service instead of the file', async () => {
    const config = doctorConfig();
    await writeFile(config.outbox.path, 'not a database');
    const live = {
      uplink: () => 'online' as const,
      outbox: () => ({ depth: 3, oldestTs: NOW - 5 * MIN }),
      pendingEvents: () => 0,
      devices: () => [],
    };
    const result = await outboxCheck.run(doctorTestContext(config, { clock: new ManualClock(NOW), live }));
    expect(result).toMatchObject({ status: 'pass', detail: '3 enregistrement(s) en attente, le plus ancien a 5 min' });
  });
});

describe('doctor: the events journal beside the outbox', () => {
  it('counts pending events and warns when one has waited over an hour', async () => {
    const config = doctorConfig();
    const events = join(dirname(config.outbox.path), 'events.db');
    writeOutbox(events, []);
    expect(await run(config, eventJournalCheck)).toMatchObject({
      status: 'pass',
      detail: 'aucun événement en attente',
    });
    writeOutbox(events, [2 * 3600_000]);
    expect(await run(config, eventJournalCheck)).toMatchObject({ status: 'warn', code: DoctorCode.OUTBOX_BACKLOG });
    await writeFile(events, 'garbage'.repeat(100));
    expect(await run(config, eventJournalCheck)).toMatchObject({ status: 'fail', code: DoctorCode.OUTBOX_UNREADABLE });
  });
});
