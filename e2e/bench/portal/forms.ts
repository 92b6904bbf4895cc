/**
 * Just enough HTML reading to tap a captive portal's button the way a login sheet does: find the form
 * that carries a given field and send its hidden fields to its action with its method. Both portals
 * under test render their forms server-side with quoted attributes, which is all this reads.
 */
export interface HtmlForm {
  action: string;
  method: 'get' | 'post';
  /** Hidden inputs and named submit inputs, by name. */
  fields: Record<string, string>;
}

const FORM = /<form\b([^>]*)>([\s\S]*?)<\/form>/gi;
const INPUT = /<input\b([^>]*)>/gi;
const ATTRIBUTE = /([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of tag.matchAll(ATTRIBUTE)) {
    const name = match[1]?.toLowerCase();
    if (name !== undefined) found[name] = decodeEntities(match[2] ?? match[3] ?? '');
  }
  return found;
}

/** The entities a server-side template escapes in attribute values. */
function decodeEntities(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

export function formsOf(html: string): HtmlForm[] {
  return [...html.matchAll(FORM)].map((match) => {
    const form = attributes(match[1] ?? '');
    const fields: Record<string, string> = {};
    for (const input of (match[2] ?? '').matchAll(INPUT)) {
      const attrs = attributes(input[1] ?? '');
      const type = (attrs.type ?? 'text').toLowerCase();
      if (attrs.name !== undefined && (type === 'hidden' || type === 'submit')) fields[attrs.name] = attrs.value ?? '';
    }
    return { action: form.action ?? '', method: form.method?.toLowerCase() === 'post' ? 'post' : 'get', fields };
  });
}

/** The first form holding a field of that name: the button a resident taps. */
export function formWith(html: string, field: string): HtmlForm | undefined {
  return formsOf(html).find((form) => field in form.fields);
}

/** Where submitting the form goes, resolved against the page it came from (GET fields in the query). */
export function submission(form: HtmlForm, pageUrl: string): { url: string; form?: Record<string, string> } {
  const target = new URL(form.action || pageUrl, pageUrl);
  if (form.method === 'post') return { url: target.href, form: form.fields };
  target.search = new URLSearchParams(form.fields).toString();
  return { url: target.href };
}
