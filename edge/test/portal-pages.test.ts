import { describe, expect, it } from 'vitest';
import { ERROR_CODE_HEADER, PortalErrorCode } from '../src/hotspot/portal/codes.js';
import { PORTAL_LANGUAGES } from '../src/hotspot/portal/config.js';
import { csrfFrom, NEIGHBOUR, PORTAL_HOST, portalRig, RESIDENT } from './support/portal-rig.js';

const PAGES = ['/', '/privacy', '/info'] as const;

type Rig = ReturnType<typeof portalRig>;
const get = (rig: Rig, url: string, headers: Record<string, string> = {}, remoteAddress = RESIDENT) =>
  rig.portal.http.inject({ url, headers: { host: PORTAL_HOST, ...headers }, remoteAddress });

const login = (
  rig: Rig,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
  remoteAddress = RESIDENT,
) =>
  rig.portal.http.inject({
    method: 'POST',
    url: '/login',
    headers: { host: PORTAL_HOST, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
    remoteAddress,
  });

async function tokenFor(rig: Rig, remoteAddress = RESIDENT): Promise<string> {
  return csrfFrom((await get(rig, '/', {}, remoteAddress)).body);
}

describe('portal pages: server-rendered, self-contained, in six languages', () => {
  it.each(PORTAL_LANGUAGES.flatMap((lang) => PAGES.map((path) => ({ lang, path }))))(
    '$path in $lang: lang and dir on <html>, landmarks, no external asset, under 20 kB',
    async ({ lang, path }) => {
      const rig = portalRig({ questionnaire: { enabled: true } });
      const res = await get(rig, `${path}?lang=${lang}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toContain(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`);
      expect(res.body).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
      for (const landmark of ['<header>', '<main>', '<footer>', '<nav aria-label="', '<h1>']) {
        expect(res.body).toContain(landmark);
      }
      // Self-contained: nothing to fetch, nothing to run.
      expect(res.body).not.toMatch(/<script|<link|<img|src=|url\(|@import|@font-face/i);
      expect(Buffer.byteLength(res.body)).toBeLessThan(20 * 1024);
      expect(rig.log.lines.filter((l) => l.msg === 'portal catalog key missing')).toEqual([]);
    },
  );

  it('the language picker lists French first, then Arabic right-to-left, English, Spanish, Portuguese, Turkish', async () => {
    const res = await get(portalRig(), '/');
    const picker = [...res.body.matchAll(/<a href="\/\?lang=(\w+)" hreflang="\w+" lang="\w+" dir="(\w+)"/g)];
    expect(picker.map((m) => m[1])).toEqual(['fr', 'ar', 'en', 'es', 'pt', 'tr']);
    expect(picker.map((m) => m[2])).toEqual(['ltr', 'rtl', 'ltr', 'ltr', 'ltr', 'ltr']);
    expect(res.body).toContain(
      '<a href="/?lang=fr" hreflang="fr" lang="fr" dir="ltr" aria-current="page">Français</a>',
    );
    expect(res.body).toContain('>العربية</a>');
  });

  it('on Arabic pages inserted values are bidi-isolated, so a Latin name keeps the sentence in order', async () => {
    const rig = portalRig();
    const ar = await get(rig, '/?lang=ar');
    expect(ar.body).toContain('إنترنت مجاني تقدّمه \u2068PIMMS Médiation Test\u2069.');
    const fr = await get(rig, '/?lang=fr');
    expect(fr.body).toContain('Internet gratuit, proposé par PIMMS Médiation Test.');
    expect(fr.body).not.toContain('\u2068');
  });

  it('the picker follows the configured order and links to the same page', async () => {
    const res = await get(portalRig({ languages: ['fr', 'tr', 'ar'] }), '/privacy?lang=tr');
    expect([...res.body.matchAll(/href="\/privacy\?lang=(\w+)" hreflang/g)].map((m) => m[1])).toEqual([
      'fr',
      'tr',
      'ar',
    ]);
    expect(res.body).toContain('<html lang="tr"');
  });

  it.each([
    ['ar-MA,ar;q=0.9,fr;q=0.8', 'ar'],
    ['de-DE,de;q=0.9,en;q=0.5', 'en'],
    ['de-DE', 'fr'],
    ['tr;q=0,es;q=0.3', 'es'],
    ['', 'fr'],
  ])('without ?lang, Accept-Language %j gives %s', async (acceptLanguage, lang) => {
    const res = await get(portalRig(), '/', { 'accept-language': acceptLanguage });
    expect(res.body).toContain(`<html lang="${lang}"`);
  });

  it('the landing page holds the charter, the data summary, the session limits and one "Se connecter" form', async () => {
    const res = await get(portalRig(), '/');
    const body = res.body;
    expect(body).toContain('La charte, en bref');
    expect(body).toContain('Une session dure 4 h. Elle se termine aussi après 15 min sans activité');
    expect(body).toContain('nous gardons pendant un an');
    expect(body).toContain('href="/privacy?lang=fr"');
    expect(body.match(/<form /g)).toHaveLength(1);
    expect(body).toContain('<form method="post" action="/login">');
    expect(body).toContain('<button type="submit">Se connecter</button>');
    expect(body).not.toContain('<details>');
  });

  it('the GDPR article 13 notice names the controller, the data, purposes and bases, 1-year retention, recipients, rights and the CNIL', async () => {
    const res = await get(portalRig(), '/privacy');
    for (const needle of [
      'PIMMS Médiation Test, responsable du traitement',
      'dpo@pimms.test',
      'adresse MAC',
      'article L34-1',
      'article 6.1.c du RGPD',
      'article 6.1.b du RGPD',
      'article 6.1.f du RGPD',
      'gardé un an',
      'R10-13',
      'autorités judiciaires',
      'rectification, leur effacement',
      'saisir la CNIL',
      'www.cnil.fr',
      'jamais le contenu',
    ]) {
      expect(res.body).toContain(needle);
    }
  });

  it.each(PORTAL_LANGUAGES)('the notice in %s keeps the legal references and the contact', async (lang) => {
    const res = await get(portalRig(), `/privacy?lang=${lang}`);
    for (const needle of ['L34-1', 'R10-13', 'CNIL', 'www.cnil.fr', 'dpo@pimms.test', 'PIMMS Médiation Test']) {
      expect(res.body).toContain(needle);
    }
  });

  it('the venue page says who runs the tricycle and links to public services', async () => {
    const res = await get(portalRig(), '/info');
    expect(res.body).toContain('animés par PIMMS Médiation Test');
    expect(res.body).toContain('Contact : dpo@pimms.test');
    expect(res.body).toContain('Adresse : 1 rue de la Paix, 69000 Lyon');
    expect(res.body).toContain('<a href="https://www.france-services.gouv.fr/" rel="noreferrer">France Services</a>');
    expect(res.body).toContain('<a href="https://www.service-public.fr/" rel="noreferrer">Service-Public.fr</a>');
  });

  it('HTML in config values is shown as text', async () => {
    const rig = portalRig({
      venue: { associationName: '<b>Assoc</b> & "Co"', contact: "<img src=x onerror='alert(1)'>", publicServices: [] },
    });
    for (const path of PAGES) {
      const res = await get(rig, path);
      expect(res.body).not.toContain('<b>Assoc');
      expect(res.body).not.toContain('<img');
      expect(res.body).toMatch(/&lt;b&gt;Assoc&lt;\/b&gt; &amp; &quot;Co&quot;/);
    }
  });
});

describe('"Se connecter": one POST, protected against CSRF without a cookie', () => {
  it('a token from the page accepts the client and shows the post-login page', async () => {
    const rig = portalRig();
    const res = await login(rig, { csrf: await tokenFor(rig), lang: 'fr' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toContain('C’est fait : vous êtes connecté·e');
    // The session's own end (4 h), not the idle window the API reports, and the idle rule spelled out.
    expect(res.body).toContain('Temps restant : 4 h.');
    expect(res.body).toContain('Sans activité pendant 15 min, la connexion se coupe');
    expect(rig.gate.acceptCalls).toEqual([RESIDENT]);
    // The landing page now says so, and offers no second form.
    const landing = await get(rig, '/');
    expect(landing.body).toContain('Vous êtes déjà connecté·e.');
    expect(landing.body).not.toContain('<form');
  });

  it('the post-login page is in the language of the form', async () => {
    const rig = portalRig();
    const res = await login(rig, { csrf: await tokenFor(rig), lang: 'ar' });
    expect(res.body).toContain('<html lang="ar" dir="rtl">');
    expect(res.body).toContain('تم: أنت متصل الآن');
  });

  it('the post-login page tells the truth when the uplink is down', async () => {
    const rig = portalRig();
    rig.gate.uplink = false;
    const res = await login(rig, { csrf: await tokenFor(rig), lang: 'fr' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Internet indisponible');
  });

  it.each([
    ['a forged token', () => `${Date.now().toString(36)}.${'A'.repeat(43)}`],
    ['garbage', () => 'not-a-token'],
  ])('%s is refused (403) with a fresh form, and nobody is accepted', async (_name, forge) => {
    const rig = portalRig();
    const res = await login(rig, { csrf: forge(), lang: 'fr' });
    expect(res.statusCode).toBe(403);
    expect(res.headers[ERROR_CODE_HEADER]).toBe(PortalErrorCode.CSRF);
    expect(res.body).toContain('La page avait expiré');
    expect(csrfFrom(res.body)).toMatch(/\./);
    expect(rig.gate.acceptCalls).toEqual([]);
  });

  it('a token is bound to the address it was given to', async () => {
    const rig = portalRig();
    const neighbours = await tokenFor(rig, NEIGHBOUR);
    const res = await login(rig, { csrf: neighbours, lang: 'fr' });
    expect(res.statusCode).toBe(403);
    expect(rig.gate.acceptCalls).toEqual([]);
  });

  it('a token expires after two hours; the refusal page carries a token that works', async () => {
    const rig = portalRig();
    const old = await tokenFor(rig);
    rig.clock.advance(2 * 3600_000 + 1);
    const refused = await login(rig, { csrf: old, lang: 'fr' });
    expect(refused.statusCode).toBe(403);
    const retried = await login(rig, { csrf: csrfFrom(refused.body), lang: 'fr' });
    expect(retried.statusCode).toBe(200);
    expect(rig.gate.acceptCalls).toEqual([RESIDENT]);
  });

  it('a token from before a restart (another key) is refused', async () => {
    const before = portalRig();
    const token = await tokenFor(before);
    const after = portalRig();
    expect((await login(after, { csrf: token, lang: 'fr' })).statusCode).toBe(403);
  });

  it.each([
    ['another site', 'http://evil.example', 403],
    ['a look-alike', 'http://portail.triporteur.test.evil.example', 403],
    ['not a URL', 'garbage', 403],
    ['a sandboxed WebView', 'null', 200],
    ['the portal itself', `http://${PORTAL_HOST}`, 200],
    ['the portal over TLS', `https://${PORTAL_HOST}:8443`, 200],
  ])('Origin from %s: %i', async (_name, origin, status) => {
    const rig = portalRig();
    const res = await login(rig, { csrf: await tokenFor(rig), lang: 'fr' }, { origin });
    expect(res.statusCode).toBe(status);
  });

  it('a full access point is a coded 503 with a retry hint', async () => {
    const rig = portalRig();
    rig.gate.full = true;
    const res = await login(rig, { csrf: await tokenFor(rig), lang: 'fr' });
    expect(res.statusCode).toBe(503);
    expect(res.headers[ERROR_CODE_HEADER]).toBe(PortalErrorCode.FULL);
    expect(res.headers['retry-after']).toBe('60');
    expect(res.body).toContain('Le Wifi est complet');
  });

  it('an address without a lease is refused by the gate: a coded 403', async () => {
    const rig = portalRig();
    const stranger = '10.42.0.200';
    const res = await login(rig, { csrf: await tokenFor(rig, stranger), lang: 'fr' }, {}, stranger);
    expect(res.statusCode).toBe(403);
    expect(res.headers[ERROR_CODE_HEADER]).toBe(PortalErrorCode.UNKNOWN_CLIENT);
    expect(rig.gate.acceptCalls).toEqual([stranger]);
  });
});

describe('the optional questionnaire: counted in memory, never per resident', () => {
  it('is absent unless switched on, and its fields are then refused', async () => {
    const rig = portalRig();
    expect((await get(rig, '/')).body).not.toContain('<fieldset>');
    const res = await login(rig, { csrf: await tokenFor(rig), lang: 'fr', reason: 'admin' });
    expect(res.statusCode).toBe(400);
    expect(res.headers[ERROR_CODE_HEADER]).toBe(PortalErrorCode.BAD_REQUEST);
    expect(rig.gate.acceptCalls).toEqual([]);
    // Nothing for telemetry either: the hotspot record then has no questionnaireToday.
    expect(rig.portal.questionnaireToday()).toBeUndefined();
  });

  it('shows three labelled questions inside the form, folded so one tap still suffices', async () => {
    const body = (await get(portalRig({ questionnaire: { enabled: true } }), '/')).body;
    expect(body.match(/<fieldset><legend>/g)).toHaveLength(3);
    expect(body).toContain(
      '<label><input type="radio" name="reason" value="admin">Une démarche administrative</label>',
    );
    expect(body.indexOf('<details>')).toBeGreaterThan(body.indexOf('<form'));
    expect(body.indexOf('<details>')).toBeLessThan(body.indexOf('<button'));
  });

  it('answers are added to per-option counts only when the login succeeds; skipping is fine', async () => {
    const rig = portalRig({ questionnaire: { enabled: true } });
    await login(rig, { csrf: await tokenFor(rig), lang: 'fr', reason: 'admin', access: 'mobile' });
    await login(
      rig,
      { csrf: await tokenFor(rig, NEIGHBOUR), lang: 'es', reason: 'admin', autonomy: 'help' },
      {},
      NEIGHBOUR,
    );
    await login(rig, { csrf: 'forged', lang: 'fr', reason: 'job' });
    const third = '10.42.0.25';
    rig.gate.lease(third);
    expect((await login(rig, { csrf: await tokenFor(rig, third), lang: 'fr' }, {}, third)).statusCode).toBe(200);
    // Exactly these counters: no address, language, time or per-resident record anywhere in them.
    expect(rig.portal.questionnaireTotals()).toEqual({
      responses: 2,
      answers: {
        reason: { admin: 2, job: 0, family: 0, school: 0, other: 0 },
        autonomy: { alone: 0, help: 1, hard: 0 },
        access: { home: 0, mobile: 1, none: 0 },
      },
    });
    expect(rig.portal.questionnaireToday()).toEqual(rig.portal.questionnaireTotals());
  });

  it('the counts telemetry reads start again at the venue’s midnight', async () => {
    const rig = portalRig({ questionnaire: { enabled: true } });
    // The rig's clock starts at 01:00 in Paris on 1 January; Paris midnight is then 23:00 UTC.
    await login(rig, { csrf: await tokenFor(rig), lang: 'fr', reason: 'school' });
    rig.clock.advance(Date.UTC(2025, 0, 1, 23) - rig.clock.now() - 1);
    expect(rig.portal.questionnaireToday()?.answers.reason.school).toBe(1);
    rig.clock.advance(1);
    expect(rig.portal.questionnaireToday()).toMatchObject({ responses: 0, answers: { reason: { school: 0 } } });
    await login(rig, { csrf: await tokenFor(rig, NEIGHBOUR), lang: 'fr', access: 'home' }, {}, NEIGHBOUR);
    expect(rig.portal.questionnaireToday()).toMatchObject({ responses: 1, answers: { access: { home: 1 } } });
  });

  it('an answer outside the options is a coded 400 and nothing is counted or accepted', async () => {
    const rig = portalRig({ questionnaire: { enabled: true } });
    const res = await login(rig, { csrf: await tokenFor(rig), lang: 'fr', reason: '<script>alert(1)</script>' });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('<script>');
    expect(rig.portal.questionnaireTotals().responses).toBe(0);
    expect(rig.gate.acceptCalls).toEqual([]);
  });
});
