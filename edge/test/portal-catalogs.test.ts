import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  catalogProblems,
  findLocalesDir,
  loadCatalogs,
  placeholders,
  REFERENCE_LANGUAGE,
} from '../src/hotspot/portal/catalog.js';
import { PortalError, PortalErrorCode } from '../src/hotspot/portal/codes.js';
import { PORTAL_LANGUAGES } from '../src/hotspot/portal/config.js';
import { CONTRAST_PAIRS, PALETTE } from '../src/hotspot/portal/palette.js';
import { QUESTION_IDS, QUESTIONS } from '../src/hotspot/portal/questionnaire.js';
import { PORTAL_CSS } from '../src/hotspot/portal/style.js';

describe('language catalogs (JSON data files)', () => {
  const catalogs = loadCatalogs();
  const reference = catalogs[REFERENCE_LANGUAGE];

  it.each(PORTAL_LANGUAGES)('%s has every key of the French catalog, no other, with the same placeholders', (lang) => {
    expect(catalogProblems(reference, catalogs[lang])).toEqual([]);
    expect(Object.keys(catalogs[lang]).sort()).toEqual(Object.keys(reference).sort());
  });

  it('every questionnaire question and option has its text', () => {
    for (const q of QUESTION_IDS) {
      expect(reference[`q.${q}.legend`]).toBeDefined();
      for (const option of QUESTIONS[q]) expect(reference[`q.${q}.${option}`]).toBeDefined();
    }
  });

  it('each language names itself in its own script for the picker', () => {
    expect(PORTAL_LANGUAGES.map((lang) => catalogs[lang]['lang.name'])).toEqual([
      'Français',
      'العربية',
      'English',
      'Español',
      'Português',
      'Türkçe',
    ]);
  });

  it('the Arabic catalog is written in Arabic script', () => {
    const arabic = Object.values(catalogs.ar).filter((text) => /[\u0600-\u06ff]/.test(text));
    // Only the brand name and the CNIL's postal address may stay in Latin letters.
    expect(arabic.length).toBeGreaterThan(Object.keys(catalogs.ar).length - 3);
  });

  it('catalogProblems reports missing and extra keys and placeholder mismatches', () => {
    expect(catalogProblems({ a: 'x {n}', b: 'y', c: 'z' }, { a: 'x', b: 'y', d: 'w' })).toEqual([
      '"a" has placeholders {}',
      'missing "c"',
      'extra "d"',
    ]);
    expect(placeholders('{h} h {m} min')).toEqual(['h', 'm']);
  });

  describe('a broken catalog stops the portal at start-up with a code', () => {
    let dir: string | undefined;
    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it.each([
      [
        'a missing key',
        (fr: Record<string, string>) => ({ ...fr, 'login.button': undefined }),
        'missing "login.button"',
      ],
      ['a lost placeholder', (fr: Record<string, string>) => ({ ...fr, 'landing.intro': 'Internet' }), 'landing.intro'],
      ['an empty text', (fr: Record<string, string>) => ({ ...fr, 'nav.home': ' ' }), 'nav.home'],
    ])('%s in one language', async (_name, spoil, message) => {
      dir = await mkdtemp(join(tmpdir(), 'portal-locales-'));
      const real = loadCatalogs();
      for (const lang of PORTAL_LANGUAGES) {
        const content = lang === 'tr' ? spoil({ ...real.fr }) : real[lang];
        await writeFile(join(dir, `${lang}.json`), JSON.stringify(content));
      }
      let thrown: unknown;
      try {
        loadCatalogs(dir);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(PortalError);
      expect((thrown as PortalError).code).toBe(PortalErrorCode.CATALOG);
      expect((thrown as PortalError).message).toContain(message);
    });

    it('a file that is not JSON', async () => {
      dir = await mkdtemp(join(tmpdir(), 'portal-locales-'));
      await writeFile(join(dir, 'fr.json'), '{ not json');
      expect(() => loadCatalogs(dir)).toThrow(expect.objectContaining({ code: PortalErrorCode.CATALOG }));
    });
  });

  it('the catalogs are found from the source tree (vitest) as from the build (dist)', () => {
    expect(findLocalesDir()).toMatch(/src\/hotspot\/portal\/locales\/$/);
  });
});

/** WCAG 2.x relative luminance of an sRGB colour such as #0a5c36. */
function luminance(hex: string): number {
  const channel = (offset: number) => {
    const c = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('WCAG AA contrast of the palette', () => {
  it('the formula gives the known extremes', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it.each(CONTRAST_PAIRS)('$use: $fg on $bg reaches $min:1', ({ fg, bg, min }) => {
    expect(contrast(PALETTE[fg], PALETTE[bg])).toBeGreaterThanOrEqual(min);
  });

  it('the stylesheet uses no colour outside the checked palette', () => {
    const used = new Set(PORTAL_CSS.match(/#[0-9a-f]{3,8}\b/gi));
    const palette = new Set<string>(Object.values(PALETTE));
    expect([...used].filter((c) => !palette.has(c))).toEqual([]);
    expect(PORTAL_CSS).not.toMatch(/\b(rgb|hsl)a?\(|\b(red|white|black|gr[ae]y)\b/);
  });
});
