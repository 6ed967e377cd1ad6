/**
 * The environment a proxied process gets, and its shell renderings. Every common runtime must go through
 * the proxy (it is the only thing that adds the token), so this sets what each of them reads:
 * HTTP(S)_PROXY for curl, Python, git and Go; NODE_USE_ENV_PROXY for Node 22.21+/24 and a preload for older
 * Node; and the CA variables, as HTTP Toolkit's terminal interception does. Which key goes into the URL is
 * the caller's choice (`key`), so a narrower key is a one-line change at the call site.
 */
import { fileURLToPath } from 'node:url';
import { SETTINGS } from '../core/config.ts';

export interface ProxyEnvInput {
  name: string;
  key: string;
  port: number;
  /** Hostnames bound to the credential: a loopback upstream must not be excluded by NO_PROXY. */
  boundHostnames: string[];
  /** Our CA alone (Node adds it to its roots). */
  caPath?: string;
  /** The system roots plus our CA, for tools that replace their roots with the file they are given. */
  bundlePath?: string;
  /** The NODE_OPTIONS already in the environment; the preload is prepended, nothing is dropped. */
  nodeOptions?: string | undefined;
}

const LOOPBACK_NO_PROXY = ['localhost', '127.0.0.1', '::1'];

/** Shipped as plain CommonJS beside this file so it runs under any Node, with no type stripping. */
export const NODE_PRELOAD_PATH = fileURLToPath(new URL('./preload/node-env-proxy.cjs', import.meta.url));

/** Tools that replace their trust roots with the file named here, so they get the full bundle. */
const BUNDLE_VARS = [
  'SSL_CERT_FILE', // OpenSSL, Python ssl/urllib, Ruby
  'CURL_CA_BUNDLE', // curl
  'REQUESTS_CA_BUNDLE', // Python requests
  'GIT_SSL_CAINFO', // git
  'AWS_CA_BUNDLE', // AWS CLI and SDKs
  'PIP_CERT', // pip
  'CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE', // gcloud
  'DENO_CERT', // Deno
] as const;

/** NODE_OPTIONS quotes with double quotes; a path with a space must be quoted to stay one argument. */
function preloadOption(path: string): string {
  return /[\s"\\]/.test(path) ? `--require "${path.replace(/(["\\])/g, '\\$1')}"` : `--require ${path}`;
}

export function proxyEnv(input: ProxyEnvInput): Record<string, string> {
  const url = `http://${encodeURIComponent(input.name)}:${encodeURIComponent(input.key)}@127.0.0.1:${input.port}`;
  // The proxy's own address is never proxied: gateway calls (http://127.0.0.1:PORT/NAME/...) go to it directly.
  const noProxy = [...LOOPBACK_NO_PROXY.filter((h) => !input.boundHostnames.includes(h)), `127.0.0.1:${input.port}`].join(',');
  const preload = preloadOption(NODE_PRELOAD_PATH);
  const inherited = (input.nodeOptions ?? '').trim();
  const env: Record<string, string> = {
    HTTP_PROXY: url,
    HTTPS_PROXY: url,
    http_proxy: url,
    https_proxy: url,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    // Node's fetch and http ignore HTTP(S)_PROXY unless asked (22.21+, 24); older Node gets the preload.
    NODE_USE_ENV_PROXY: '1',
    NODE_OPTIONS: inherited.includes(NODE_PRELOAD_PATH) ? inherited : [preload, inherited].filter(Boolean).join(' '),
  };
  // Node adds NODE_EXTRA_CA_CERTS to its roots; the others replace the roots, hence the full bundle.
  if (input.caPath) env.NODE_EXTRA_CA_CERTS = input.caPath;
  if (input.bundlePath) for (const name of BUNDLE_VARS) env[name] = input.bundlePath;
  return env;
}

/** The one setting of ours the child reads itself: the Node preload's switch (node-env-proxy.cjs). */
const CHILD_SETTINGS = new Set<string>([SETTINGS.envProxyPreload.name]);

/**
 * X1: what an exec child inherits from tkw's environment. No TOKENWARDEN_* setting but the preload's: not the
 * passphrase (it opens the whole vault, S7), and not TOKENWARDEN_HOME, so a child that runs tkw is not led
 * to this data dir. That keeps a well-behaved child out; a hostile one can still find the data dir and the
 * socket by itself, which only `tkw exec --sandbox` prevents (X2).
 */
export function childBaseEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // Windows names are case-insensitive, so `Tokenwarden_Home` is the same variable.
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.toUpperCase().startsWith('TOKENWARDEN_') || CHILD_SETTINGS.has(name)));
}

export type Shell = 'sh' | 'fish' | 'powershell';

const singleQuote = (v: string): string => `'${v.replaceAll("'", `'\\''`)}'`;

export function renderEnv(env: Record<string, string>, shell: Shell): string {
  const entries = Object.entries(env);
  switch (shell) {
    case 'sh':
      return entries.map(([k, v]) => `export ${k}=${singleQuote(v)}`).join('\n');
    case 'fish':
      return entries.map(([k, v]) => `set -gx ${k} ${singleQuote(v)}`).join('\n');
    case 'powershell':
      return entries.map(([k, v]) => `$Env:${k} = '${v.replaceAll("'", "''")}'`).join('\n');
  }
}
