import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PortalError, PortalErrorCode } from './codes.js';
import { PORTAL_LANGUAGES, type PortalLanguage } from './config.js';

/**
 * The catalogs are JSON data files in ./locales, kept outside the TypeScript build (tsc would need the
 * edge tsconfig to include JSON). This module runs as src/hotspot/portal/catalog.ts (vitest) or as
 * dist/src/hotspot/portal/catalog.js (built), so the folder is found from either place.
 */
const CANDIDATES = ['./locales/', '../../../../src/hotspot/portal/locales/'];

export type Catalog = Readonly<Record<string, string>>;
export type Catalogs = Readonly<Record<PortalLanguage, Catalog>>;

/** The reference language: every other catalog must have exactly its keys and placeholders. */
export const REFERENCE_LANGUAGE: PortalLanguage = 'fr';

/** Right-to-left scripts among the catalogs. */
export const RTL_LANGUAGES: ReadonlySet<PortalLanguage> = new Set(['ar']);

export function findLocalesDir(): string {
  for (const relative of CANDIDATES) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(join(dir, `${REFERENCE_LANGUAGE}.json`))) return dir;
  }
  throw new PortalError(
    PortalErrorCode.CATALOG,
    `portal catalogs not found next to ${fileURLToPath(import.meta.url)} (looked in ${CANDIDATES.join(', ')})`,
  );
}

export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1] ?? '').sort();
}

function readCatalog(dir: string, lang: PortalLanguage): Catalog {
  const file = join(dir, `${lang}.json`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PortalError(PortalErrorCode.CATALOG, `cannot read catalog ${file}`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PortalError(PortalErrorCode.CATALOG, `catalog ${file} is not a JSON object`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new PortalError(PortalErrorCode.CATALOG, `catalog ${file}: "${key}" is not a non-empty string`);
    }
  }
  return Object.freeze(parsed as Record<string, string>);
}

/** Every difference between a catalog and the reference: missing or extra keys, placeholder mismatches. */
export function catalogProblems(reference: Catalog, catalog: Catalog): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(reference)) {
    const text = catalog[key];
    if (text === undefined) problems.push(`missing "${key}"`);
    else if (placeholders(text).join() !== placeholders(reference[key] ?? '').join()) {
      problems.push(`"${key}" has placeholders {${placeholders(text).join('} {')}}`);
    }
  }
  for (const key of Object.keys(catalog)) if (!(key in reference)) problems.push(`extra "${key}"`);
  return problems;
}

/** Read and checked once at start-up, so a broken catalog stops the portal instead of a resident's page. */
export function loadCatalogs(dir: string = findLocalesDir()): Catalogs {
  const reference = readCatalog(dir, REFERENCE_LANGUAGE);
  const entries = PORTAL_LANGUAGES.map((lang) => {
    const catalog = lang === REFERENCE_LANGUAGE ? reference : readCatalog(dir, lang);
    const problems = catalogProblems(reference, catalog);
    if (problems.length > 0) {
      throw new PortalError(PortalErrorCode.CATALOG, `catalog ${lang}.json: ${problems.slice(0, 5).join('; ')}`);
    }
    return [lang, catalog] as const;
  });
  return Object.freeze(Object.fromEntries(entries) as Record<PortalLanguage, Catalog>);
}

export type Translate = (key: string, vars?: Readonly<Record<string, string | number>>) => string;

/**
 * A missing key is a programming error: it is reported, and the page shows the key rather than failing.
 * On right-to-left pages each inserted value (a Latin association name, an e-mail, a number) is wrapped
 * in Unicode isolates (FSI…PDI), so the bidi algorithm cannot drag the sentence's punctuation into it.
 */
export function translator(
  catalog: Catalog,
  onMissing: (key: string) => void = () => {},
  isolateValues = false,
): Translate {
  const wrap = isolateValues ? (value: string) => `\u2068${value}\u2069` : (value: string) => value;
  return (key, vars) => {
    const text = catalog[key];
    if (text === undefined) onMissing(key);
    return (text ?? key).replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => {
      const value = vars?.[name];
      return value === undefined ? whole : wrap(String(value));
    });
  };
}
