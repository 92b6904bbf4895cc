import type { Clock } from '@triporteur/firmware-bridge';
import type { Logger } from 'pino';
import type { SessionGate } from '../gate.js';
import { type Catalogs, RTL_LANGUAGES, type Translate, translator } from './catalog.js';
import { PORTAL_LANGUAGES, type PortalConfig, type PortalLanguage } from './config.js';
import { CsrfTokens } from './csrf.js';
import type { PageContext } from './pages/layout.js';
import { QuestionnaireTally } from './questionnaire.js';
import { RateLimiter } from './rate-limit.js';

/**
 * The portal's addresses as clients see them: always the scheme's standard port, because nftables maps
 * port 80 and 443 on the Pi (and captured port 80) to whatever ports the portal listens on.
 */
export class PortalUrls {
  constructor(private readonly config: Readonly<PortalConfig>) {}

  get tls(): boolean {
    return this.config.certFile !== undefined;
  }

  /** Where every captured request is redirected before acceptance. */
  landing(): string {
    return `http://${this.config.portalHostname}/`;
  }

  secure(path: string): string {
    return `https://${this.config.portalHostname}${path}`;
  }

  /** The RFC 8908 API, for DHCP option 114: only when a certificate is configured. */
  captiveApi(): string | undefined {
    return this.tls ? this.secure(this.config.apiPath) : undefined;
  }
}

/** State shared by the plain-HTTP and the HTTPS app: one key, one rate limiter, one tally. */
export class PortalCore {
  readonly csrf: CsrfTokens;
  readonly limiter: RateLimiter;
  readonly tally: QuestionnaireTally;
  readonly urls: PortalUrls;
  private readonly translators: Record<PortalLanguage, Translate>;

  constructor(
    readonly gate: SessionGate,
    readonly config: Readonly<PortalConfig>,
    readonly log: Logger,
    readonly catalogs: Catalogs,
    clock: Clock,
  ) {
    const now = () => clock.now();
    this.csrf = new CsrfTokens(now);
    this.limiter = new RateLimiter(config.rateLimit, now);
    this.urls = new PortalUrls(config);
    this.tally = new QuestionnaireTally({ now });
    const entries = PORTAL_LANGUAGES.map((lang) => [
      lang,
      translator(
        catalogs[lang],
        (key) => log.warn({ key, lang }, 'portal catalog key missing'),
        RTL_LANGUAGES.has(lang),
      ),
    ]);
    this.translators = Object.fromEntries(entries) as Record<PortalLanguage, Translate>;
  }

  page(lang: PortalLanguage): PageContext {
    return { lang, t: this.translators[lang], catalogs: this.catalogs, config: this.config };
  }
}
