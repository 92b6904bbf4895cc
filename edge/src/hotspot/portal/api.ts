import type { ClientView } from '../gate.js';
import type { PortalUrls } from './core.js';

/** RFC 8908 §5: the API's media type; clients ignore a response labelled otherwise. */
export const CAPTIVE_JSON = 'application/captive+json';

export interface CaptiveApiBody {
  captive: boolean;
  'user-portal-url': string;
  'venue-info-url': string;
  'can-extend-session': boolean;
  'seconds-remaining'?: number;
  'bytes-remaining'?: number;
}

/**
 * The state of one client, as RFC 8908 puts it. Remaining time and volume only mean something once the
 * client is out of captivity. `can-extend-session` is false: the seam (SessionGate) does not say that
 * accepting an accepted client renews its session, so the portal does not promise it.
 */
export function captiveApiBody(view: ClientView, urls: PortalUrls): CaptiveApiBody {
  const body: CaptiveApiBody = {
    captive: !view.accepted,
    'user-portal-url': urls.secure('/'),
    'venue-info-url': urls.secure('/info'),
    'can-extend-session': false,
  };
  if (view.accepted && view.secondsRemaining !== undefined) {
    body['seconds-remaining'] = Math.max(0, Math.floor(view.secondsRemaining));
  }
  if (view.accepted && view.bytesRemaining !== undefined) {
    body['bytes-remaining'] = Math.max(0, Math.floor(view.bytesRemaining));
  }
  return body;
}
