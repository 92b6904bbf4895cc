import { request } from 'node:http';
import { portalConfigOf } from '../../hotspot/edge-config.js';
import type { DoctorCheck } from '../check.js';
import { DoctorCode } from '../codes.js';
import type { ConnectTcp, DoctorContext } from '../context.js';
import { fail, notConfigured, pass } from '../result.js';

const ID = 'portal';
/** Android's probe (REFERENCE §2): what a phone asks first, so the answer a phone would get. */
const PROBE = { host: 'connectivitycheck.gstatic.com', path: '/generate_204' } as const;
const FIX =
  '`journalctl -u triporteur-edge -n 50` : chercher « hotspot not started » et son code ; puis `systemctl restart triporteur-edge`.';

interface HttpAnswer {
  status: number;
  location?: string;
}

/**
 * The captive portal from the Pi itself, as a phone that has not accepted yet sees it: a probe on its
 * plain-HTTP port must be redirected to the portal's landing page (http://<hostname>/). The Pi is not
 * a resident, so this never counts as a client nor changes a session.
 */
export const portalCheck: DoctorCheck<DoctorContext> = {
  id: ID,
  title: 'Portail captif joignable',
  async run(context) {
    const section = context.config.hotspot;
    if (!section) return notConfigured(ID, 'pas de hotspot dans la configuration');
    const portal = portalConfigOf(section);
    const where = `${portal.host}:${portal.httpPort}`;
    const landing = `http://${portal.portalHostname}/`;
    let answer: HttpAnswer;
    try {
      answer = await get(portal.host, portal.httpPort, context.probeTimeoutMs, context.connectTcp);
    } catch (err) {
      return fail(ID, DoctorCode.PORTAL_UNREACHABLE, `pas de réponse sur ${where} : ${(err as Error).message}`, FIX);
    }
    if (answer.status === 302 && answer.location === landing) {
      return pass(ID, `le portail répond sur ${where} et renvoie vers ${landing}`);
    }
    const seen = `HTTP ${answer.status}${answer.location ? ` vers ${answer.location}` : ''}`;
    return fail(
      ID,
      DoctorCode.PORTAL_UNREACHABLE,
      `${where} répond ${seen} au lieu de la redirection vers ${landing}`,
      `Un autre programme occupe le port ${portal.httpPort}, ou un ancien edge tourne : \`ss -ltnp 'sport = :${portal.httpPort}'\`. ${FIX}`,
    );
  },
};

async function get(host: string, port: number, timeoutMs: number, connect?: ConnectTcp): Promise<HttpAnswer> {
  // A socket from the seam (a test's, inside the hotspot's namespace), else the request's own.
  const socket = connect
    ? await connect(host, port).catch((err: NodeJS.ErrnoException) => Promise.reject(refused(err)))
    : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path: PROBE.path,
        method: 'GET',
        headers: { host: PROBE.host },
        timeout: timeoutMs,
        // Node uses createConnection only without an agent (`agent: false` makes a fresh one).
        ...(socket ? { createConnection: () => socket } : { agent: false }),
      },
      (res) => {
        res.resume();
        const location = res.headers.location;
        resolve({ status: res.statusCode ?? 0, ...(location ? { location } : {}) });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`délai de ${Math.round(timeoutMs / 1000)} s dépassé`)));
    req.on('error', (err: NodeJS.ErrnoException) => reject(refused(err)));
    req.end();
  });
}

const refused = (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? new Error('connexion refusée') : err);
