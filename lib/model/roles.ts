// Roles, their permissions and the signed-in user's shape: shared by the server, which checks
// them on every request, and the browser, which only uses them to decide what to draw.
export const ROLES = ["viewer", "screen", "trader", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface CurrentUser {
  username: string;
  role: Role;
}

// Permissions as data (README, "Configuration for real accounts": users and roles). Every handler
// and page checks these on the server; the browser only uses them to decide what to draw.
export const PERMISSIONS = {
  "mmp.view": ["viewer", "screen", "trader", "admin"],
  "mmp.reset": ["trader", "admin"],
  "audit.read": ["viewer", "trader", "admin"],
  "mmp.configure": ["admin"],
  /** Ask for an MMP limit change (issue 15); another user with approve must approve it. */
  "mmp.limits.request": ["trader", "admin"],
  "mmp.limits.approve": ["admin"],
  /** End every session of any user ("sign out everywhere"). */
  "sessions.revoke": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
