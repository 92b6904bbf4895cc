import type { QualityMap, Sample } from '../samples.js';

/** Fields that describe the sample itself, not a measurement, and so never go stale. */
const META = new Set(['kind', 'source', 'at', 'quality']);

/**
 * Marks every measured field of a sample older than `maxAgeMs` as 'stale': the last good value,
 * still shown, but never mistaken for the present (a sleeping BMS, a GPS under a bridge).
 */
export function markStale<S extends Sample>(sample: S, now: number, maxAgeMs: number): S {
  if (now - sample.at <= maxAgeMs) return sample;
  const quality: Record<string, string> = { ...(sample.quality as Record<string, string> | undefined) };
  for (const [field, value] of Object.entries(sample)) {
    if (!META.has(field) && value !== undefined) quality[field] = 'stale';
  }
  return { ...sample, quality: quality as QualityMap<S> };
}
