import { ManualClock } from '@triporteur/firmware-bridge';
import { describe, expect, it } from 'vitest';
import type { CheckResult, DoctorCheck } from '../src/doctor/check.js';
import { DoctorCode } from '../src/doctor/codes.js';
import { selectChecks } from '../src/doctor/registry.js';
import { fail, pass, warn } from '../src/doctor/result.js';
import { runChecks } from '../src/doctor/runner.js';

type Ctx = { finished: string[] };

/** A check that answers when `release` is called, so a test decides the order checks finish in. */
function gated(id: string, result: (id: string) => CheckResult) {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const check: DoctorCheck<Ctx> = {
    id,
    title: `titre ${id}`,
    run: async (ctx) => {
      await gate;
      ctx.finished.push(id);
      return result(id);
    },
  };
  return { check, release };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('doctor runner', () => {
  it('runs checks together and answers in the order given, not the order they finish', async () => {
    const a = gated('a', (id) => pass(id, 'bien'));
    const b = gated('b', (id) => warn(id, DoctorCode.DISK_LOW, 'presque plein', 'faire de la place'));
    const c = gated('c', (id) => pass(id, 'bien'));
    const ctx: Ctx = { finished: [] };
    const running = runChecks([a.check, b.check, c.check], ctx);
    await flush();
    c.release();
    await flush();
    b.release();
    await flush();
    a.release();
    const report = await running;
    expect(ctx.finished).toEqual(['c', 'b', 'a']);
    expect(report.checks.map((check) => [check.id, check.title, check.status])).toEqual([
      ['a', 'titre a', 'pass'],
      ['b', 'titre b', 'warn'],
      ['c', 'titre c', 'pass'],
    ]);
    // A warning is worth reading but the unit works: ok stays true.
    expect(report.ok).toBe(true);
  });

  it('turns a hung check into DOC_CHECK_CRASHED "délai dépassé" and still reports the others', async () => {
    const clock = new ManualClock();
    const hung: DoctorCheck<Ctx> = { id: 'hung', title: 'bloquée', run: () => new Promise(() => undefined) };
    const quick: DoctorCheck<Ctx> = { id: 'quick', title: 'rapide', run: async () => pass('quick', 'bien') };
    const running = runChecks([hung, quick], { finished: [] }, { timeoutMs: 5000, clock });
    await flush();
    clock.advance(4999);
    await flush();
    let settled = false;
    void running.then(() => {
      settled = true;
    });
    await flush();
    expect(settled).toBe(false);
    clock.advance(1);
    const report = await running;
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ id: 'hung', status: 'fail', code: DoctorCode.CHECK_CRASHED });
    expect(report.checks[0]?.detail).toContain('délai dépassé');
    expect(report.checks[0]?.fix).toBeTruthy();
    expect(report.checks[1]).toMatchObject({ id: 'quick', status: 'pass' });
    // Every timer the runner set is gone once it answered.
    expect(clock.pendingTimers).toBe(0);
  });

  it('catches a check that throws, synchronously or not, as DOC_CHECK_CRASHED with the message', async () => {
    const sync: DoctorCheck<Ctx> = {
      id: 'sync',
      title: 'jette',
      run: () => {
        throw new Error('boum');
      },
    };
    const async: DoctorCheck<Ctx> = { id: 'async', title: 'rejette', run: async () => Promise.reject('raté') };
    const report = await runChecks([sync, async], { finished: [] });
    expect(report.checks.map((c) => [c.id, c.status, c.code])).toEqual([
      ['sync', 'fail', DoctorCode.CHECK_CRASHED],
      ['async', 'fail', DoctorCode.CHECK_CRASHED],
    ]);
    expect(report.checks[0]?.detail).toContain('boum');
    expect(report.checks[1]?.detail).toContain('raté');
  });

  it('keeps results well formed: the check id wins, a fail always has a fix, a pass has none', async () => {
    const wrongId: DoctorCheck<Ctx> = { id: 'mine', title: 't', run: async () => pass('other', 'bien') };
    const noFix: DoctorCheck<Ctx> = {
      id: 'nofix',
      title: 't',
      run: async () => ({ id: 'nofix', status: 'fail', code: DoctorCode.DISK_LOW, detail: 'plein' }),
    };
    const passFix: DoctorCheck<Ctx> = {
      id: 'passfix',
      title: 't',
      run: async () => ({ id: 'passfix', status: 'pass', code: DoctorCode.OK, detail: 'bien', fix: 'rien' }),
    };
    const bogus: DoctorCheck<Ctx> = {
      id: 'bogus',
      title: 't',
      run: async () => ({ ...fail('bogus', DoctorCode.DISK_LOW, 'x', 'y'), status: 'maybe' as never }),
    };
    const report = await runChecks([wrongId, noFix, passFix, bogus], { finished: [] });
    expect(report.checks[0]?.id).toBe('mine');
    expect(report.checks[1]?.fix).toBeTruthy();
    expect(report.checks[2]).not.toHaveProperty('fix');
    expect(report.checks[3]).toMatchObject({ status: 'fail', code: DoctorCode.CHECK_CRASHED });
  });

  it('refuses two checks with the same id: the table and the dashboard key lines by it', async () => {
    const one: DoctorCheck<Ctx> = { id: 'same', title: 'un', run: async () => pass('same', '') };
    await expect(runChecks([one, { ...one, title: 'deux' }], { finished: [] })).rejects.toThrow(/same/);
  });

  it('selects checks by id or by prefix, and names the unknown ones', () => {
    const checks = ['service-hostapd', 'service-dnsmasq', 'broker', 'disk'].map(
      (id): DoctorCheck<Ctx> => ({ id, title: id, run: async () => pass(id, '') }),
    );
    const { selected, unknown } = selectChecks(checks, ['service', 'disk', 'nope', 'serv']);
    expect(selected.map((c) => c.id)).toEqual(['service-hostapd', 'service-dnsmasq', 'disk']);
    expect(unknown).toEqual(['nope', 'serv']);
  });
});
