/** The environment a proxied process gets (HTTP(S)_PROXY with NAME:KEY, NO_PROXY, CA bundle vars) and its shell renderings. */

export interface ProxyEnvInput {
  name: string;
  key: string;
  port: number;
  /** Hostnames bound to the credential: a loopback upstream must not be excluded by NO_PROXY. */
  boundHostnames: string[];
  caPath?: string;
  bundlePath?: string;
}

const LOOPBACK_NO_PROXY = ['localhost', '127.0.0.1', '::1'];

export function proxyEnv(input: ProxyEnvInput): Record<string, string> {
  const url = `http://${encodeURIComponent(input.name)}:${encodeURIComponent(input.key)}@127.0.0.1:${input.port}`;
  const noProxy = LOOPBACK_NO_PROXY.filter((h) => !input.boundHostnames.includes(h)).join(',');
  const env: Record<string, string> = {
    HTTP_PROXY: url,
    HTTPS_PROXY: url,
    http_proxy: url,
    https_proxy: url,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
  };
  // Node adds NODE_EXTRA_CA_CERTS to its roots; the others replace the roots, hence the full bundle.
  if (input.caPath) env.NODE_EXTRA_CA_CERTS = input.caPath;
  if (input.bundlePath) {
    env.SSL_CERT_FILE = input.bundlePath;
    env.CURL_CA_BUNDLE = input.bundlePath;
    env.REQUESTS_CA_BUNDLE = input.bundlePath;
  }
  return env;
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
