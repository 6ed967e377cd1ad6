/**
 * The sentences a user reads when input is refused or needs a warning. The CLI, the control socket,
 * IPC and the renderer all word the same problem the same way, so every one of them comes from here.
 * None of them echoes a secret: only names, origins and counts are ever interpolated.
 */

/** Human labels for input fields; a zod path is shown as one of these, never as `1.token`. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  kind: 'Kind',
  name: 'Name',
  hosts: 'Hosts',
  token: 'Token',
  expiresIn: 'Expiry',
  command: 'Command',
  issuer: 'Issuer',
  clientId: 'Client ID',
  clientSecret: 'Client secret',
  grant: 'Grant',
  scope: 'Scope',
  audience: 'Audience',
  resource: 'Resource',
  refreshToken: 'Refresh token',
  authPolicy: 'Authorization policy',
  allowInsecureLoopback: 'Allow insecure loopback',
  upstreamCa: 'Upstream CA',
  policy: 'Policy',
};

const clip = (value: string, max = 80): string => (value.length > max ? `${value.slice(0, max)}…` : value);

export const MESSAGES = {
  notAnOrigin: (value: string) => `"${clip(value)}" is not an origin like https://api.example.com`,
  plainHttpRemote: (origin: string) => `${origin} is plain http; a token is only ever sent over https (plain http is allowed for loopback hosts only).`,
  plainHttpLoopback: (origin: string) =>
    `${origin} is plain http; allow it for local development with --allow-insecure-loopback (in the app: "Allow plain http to loopback hosts").`,
  hostWildcard: (value: string) =>
    `"${clip(value)}" has a wildcard; wildcards are not supported, since a token is sent only to exact origins: list each host (e.g. https://api.example.com) on its own.`,
  plainHttpIssuerRemote: (issuer: string) =>
    `The issuer ${clip(issuer)} is plain http; Tokenwarden talks to identity providers over https only (plain http is allowed for loopback issuers only).`,
  plainHttpIssuerLoopback: (issuer: string) =>
    `The issuer ${clip(issuer)} is plain http; allow it for local development with --allow-insecure-loopback (in the app: "Allow plain http to loopback hosts").`,
  bearerStripped: 'The pasted token began with "Bearer "; Tokenwarden stored only the token after it.',
  jwtExpired: (ago: string) => `This JWT already expired ${ago}; requests will be refused until you rotate it.`,
  execProgramMissing: (program: string) => `The --exec program "${clip(program)}" was not found on PATH.`,
  execEmpty: 'The command is empty.',
  nameRule: 'Names are 1-64 lowercase letters, digits, ".", "_" or "-", with no spaces or slashes.',
  tokenEmpty: 'The token is empty.',
  tokenEmptyPiped: 'The token is empty: nothing came on standard input (if you piped a variable such as "$TOKEN", it may be unset or empty).',
  tokenEmptyTyped: 'The token is empty: nothing was typed at the prompt.',
  tokenTooLong: 'The token is longer than 16 KiB.',
  tokenLineBreak: 'The token contains a line break.',
  tokenNotPrintable: 'The token contains spaces or non-printable characters.',
  issuerNotUrl: 'The issuer must be a URL like https://login.example.com.',
  hostsMissing: 'Bind at least one host, e.g. https://api.example.com.',
  caNotPem: 'The upstream CA file does not hold a PEM certificate (-----BEGIN CERTIFICATE-----).',
  caNotParsed: (index: number, count: number) =>
    `${count === 1 ? 'The certificate' : `Certificate ${index} of ${count}`} in the upstream CA file is not a readable X.509 certificate.`,
  caOtherBlock: (label: string) =>
    `The upstream CA file also holds a "${clip(label, 40)}" block; give only the CA certificate(s), which are public (never a private key).`,
  caReissued: (host: string) =>
    `Binding ${host} re-issued the Tokenwarden CA: re-import it where you trusted it before (Postman, the OS or browser trust store); \`tkw ca --path\` prints the file.`,
} as const;
