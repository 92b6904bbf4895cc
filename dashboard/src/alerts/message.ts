import type { Alert } from './alert-store.js';
import { KIND_LABELS, SEVERITY_LABELS } from './french.js';
import { LOCATION_KINDS } from './rules.js';

/** Why a notification goes out: a new alert, or an open one that got worse. */
export type NotificationEvent = 'raised' | 'escalated';

export interface AlertNotification {
  event: NotificationEvent;
  alert: Alert;
  /** The unit's name from the config, when it has one. */
  unitName?: string;
}

export interface MessageOptions {
  includeLocation: boolean;
  timeZone: string;
  dashboardUrl?: string;
}

const HIDDEN_LOCATION = 'Détail de lieu masqué dans les notifications ; voir le tableau de bord.';

/** The detail as notifications may show it: without the place, unless the config allows it. */
export function shareableDetail(alert: Alert, includeLocation: boolean): string {
  return LOCATION_KINDS.has(alert.kind) && !includeLocation ? HIDDEN_LOCATION : alert.detail;
}

function unitLabel(n: AlertNotification): string {
  return n.unitName ? `${n.unitName} (${n.alert.unitId})` : n.alert.unitId;
}

export function subject(n: AlertNotification): string {
  const worse = n.event === 'escalated' ? ' (aggravée)' : '';
  return `[Triporteur] ${SEVERITY_LABELS[n.alert.severity]}${worse} — ${unitLabel(n)} : ${KIND_LABELS[n.alert.kind]}`;
}

export function textBody(n: AlertNotification, options: MessageOptions): string {
  const when = new Intl.DateTimeFormat('fr-FR', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: options.timeZone,
  }).format(n.alert.firstAt);
  const lines = [
    n.event === 'escalated' ? 'Une alerte ouverte s’est aggravée.' : 'Nouvelle alerte sur la flotte.',
    '',
    `Alerte : ${KIND_LABELS[n.alert.kind]}`,
    `Gravité : ${SEVERITY_LABELS[n.alert.severity]}`,
    `Unité : ${unitLabel(n)}`,
    `Détail : ${shareableDetail(n.alert, options.includeLocation)}`,
    `Depuis : ${when}`,
    `Signalements : ${n.alert.count}`,
    ...(options.dashboardUrl ? ['', `Tableau de bord : ${options.dashboardUrl}`] : []),
    '',
    'Message envoyé automatiquement par le tableau de bord de la flotte. Acquittez l’alerte dans le tableau de bord.',
  ];
  return `${lines.join('\n')}\n`;
}

/** The webhook's JSON body, version 1. The alert key is left out: for a zone it names the zone. */
export function webhookPayload(n: AlertNotification, options: MessageOptions, sentAt: number) {
  return {
    v: 1 as const,
    event: n.event,
    sentAt,
    text: subject(n),
    alert: {
      id: n.alert.id,
      unitId: n.alert.unitId,
      ...(n.unitName ? { unitName: n.unitName } : {}),
      kind: n.alert.kind,
      severity: n.alert.severity,
      detail: shareableDetail(n.alert, options.includeLocation),
      firstAt: n.alert.firstAt,
      lastAt: n.alert.lastAt,
      count: n.alert.count,
    },
    ...(options.dashboardUrl ? { dashboardUrl: options.dashboardUrl } : {}),
  };
}
