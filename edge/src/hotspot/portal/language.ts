import type { PortalLanguage } from './config.js';

/**
 * The language for a request without `?lang=`: the first of the browser's Accept-Language tags, by
 * weight, whose primary subtag has a catalog; otherwise the configured first language (French).
 */
export function negotiateLanguage(header: string | undefined, languages: readonly PortalLanguage[]): PortalLanguage {
  const fallback = languages[0] ?? 'fr';
  if (!header) return fallback;
  const ranked = header
    .split(',', 20)
    .map((entry, index) => {
      const [tag = '', ...params] = entry.trim().split(';');
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.split('-')[0]?.toLowerCase() ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { primary } of ranked) {
    const found = languages.find((lang) => lang === primary);
    if (found) return found;
  }
  return fallback;
}
