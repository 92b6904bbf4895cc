/**
 * Who may do what. Routes ask for a permission, never for a role, so the matrix lives here only.
 *
 * The viewer (a funder) sees aggregated reports and nothing else: no live position, no unit detail.
 * A route holding `reports:view` must therefore serve aggregates only.
 */
export const ROLES = ['admin', 'technician', 'coordinator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const Permission = {
  /** The live fleet: units, their state and live positions, alerts. */
  FLEET_VIEW: 'fleet:view',
  /** Aggregated reports, with no per-unit detail and no position. */
  REPORTS_VIEW: 'reports:view',
  /** Acknowledge alerts. */
  ALERTS_ACK: 'alerts:ack',
  /** Add, rename, retire units. */
  UNITS_MANAGE: 'units:manage',
  /** Per-unit diagnostics: raw records, BMS detail, logs. */
  DIAGNOSTICS_VIEW: 'diagnostics:view',
  /** Send commands to units (MQTT request/response). */
  COMMANDS_SEND: 'commands:send',
  /** Pause or resume a unit's location reporting (the location-pause command), for the mediators' privacy. */
  LOCATION_PAUSE: 'location:pause',
  /** Create, disable users and change their role. */
  USERS_MANAGE: 'users:manage',
  /** Unit broker credentials: provision, rotate. */
  CREDENTIALS_MANAGE: 'credentials:manage',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

export const PERMISSIONS: readonly Permission[] = Object.values(Permission);

const GRANTS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set(PERMISSIONS),
  technician: new Set<Permission>([
    Permission.FLEET_VIEW,
    Permission.REPORTS_VIEW,
    Permission.ALERTS_ACK,
    Permission.UNITS_MANAGE,
    Permission.DIAGNOSTICS_VIEW,
    Permission.COMMANDS_SEND,
    Permission.LOCATION_PAUSE,
  ]),
  coordinator: new Set<Permission>([
    Permission.FLEET_VIEW,
    Permission.REPORTS_VIEW,
    Permission.ALERTS_ACK,
    Permission.LOCATION_PAUSE,
  ]),
  viewer: new Set<Permission>([Permission.REPORTS_VIEW]),
};

/** French names for the UI and the CLI. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: 'Administrateur',
  technician: 'Technicien',
  coordinator: 'Coordinateur',
  viewer: 'Financeur (lecture des rapports)',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** False for anything unknown, so a role read from an older or tampered row grants nothing. */
export function can(role: string, permission: Permission): boolean {
  return isRole(role) && GRANTS[role].has(permission);
}

export function permissionsOf(role: string): Permission[] {
  return isRole(role) ? PERMISSIONS.filter((p) => GRANTS[role].has(p)) : [];
}
