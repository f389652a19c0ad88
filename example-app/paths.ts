/** The console's pages and its own POST routes (the library is told those it redirects to). */
export const PATHS = {
  home: '/',
  /** Sign-in with an email alone (a discovery login): the organization is picked later. */
  login: '/login',
  /** Sign-in to an organization named on the form. */
  loginToOrganization: '/login/organization',
  emailCode: '/login/code',
  /** The organization picker of a discovery login. */
  organizations: '/login/organizations',
  mfa: '/mfa',
  /** The first code of an app set up during sign-in: answers the recovery codes. */
  loginAppConfirm: '/mfa/app/confirm',
  /** The signed-in member's organizations, to switch to another (a second factor not needed). */
  switcher: '/organizations',
  /** POST: switches, then to the switcher, or to the second factor the organization asks. */
  switchOrganization: '/organizations/switch',
  admin: '/admin',
  me: '/admin/api/me',
  members: '/admin/members',
  resetMfa: '/admin/members/reset',
  /** Behind a permission of the demo's RBAC policy. */
  reports: '/admin/reports',
  /** The signed-in member's own second factors. */
  security: '/admin/security',
  /** POST: adds an authenticator app; GET: its QR code, until the first code confirms it. */
  securityApp: '/admin/security/app',
  securityAppConfirm: '/admin/security/app/confirm',
  recoveryCodes: '/admin/security/recovery-codes',
  health: '/healthz',
} as const
