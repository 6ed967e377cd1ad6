import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { proxyEnv, renderEnv } from '../../../../electron/cli/proxy-env.ts';

const input = { name: 'github', key: 'k3y/with+odd=chars', port: 8787, boundHostnames: ['api.github.com'], caPath: '/h/ca.pem', bundlePath: '/h/ca-bundle.pem' };

describe('proxy-env', () => {
  it('sets both cases of HTTP(S)_PROXY with NAME:KEY, URL-encoded', () => {
    const env = proxyEnv(input);
    const expected = 'http://github:k3y%2Fwith%2Bodd%3Dchars@127.0.0.1:8787';
    for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) expect(env[k]).toBe(expected);
    expect(new URL(expected).password).toBe('k3y%2Fwith%2Bodd%3Dchars');
  });

  it('keeps loopback out of the proxy unless the credential is bound to it, and never proxies the proxy itself', () => {
    expect(proxyEnv(input).NO_PROXY).toBe('localhost,127.0.0.1,::1,127.0.0.1:8787');
    expect(proxyEnv({ ...input, boundHostnames: ['127.0.0.1'] }).NO_PROXY).toBe('localhost,::1,127.0.0.1:8787');
  });

  it('P6 makes Node use the proxy: NODE_USE_ENV_PROXY, and a preload in NODE_OPTIONS that keeps the caller\'s options', () => {
    const env = proxyEnv({ ...input, nodeOptions: '--max-old-space-size=512' });
    expect(env.NODE_USE_ENV_PROXY).toBe('1');
    expect(env.NODE_OPTIONS).toMatch(/^--require \S*node-env-proxy\.cjs --max-old-space-size=512$/);
    expect(proxyEnv({ ...input, nodeOptions: env.NODE_OPTIONS }).NODE_OPTIONS).toBe(env.NODE_OPTIONS);
  });

  it('P11 points Node at our CA and the others at the system-plus-ours bundle', () => {
    const env = proxyEnv(input);
    expect(env.NODE_EXTRA_CA_CERTS).toBe('/h/ca.pem');
    const bundleVars = ['SSL_CERT_FILE', 'CURL_CA_BUNDLE', 'REQUESTS_CA_BUNDLE', 'GIT_SSL_CAINFO', 'AWS_CA_BUNDLE', 'PIP_CERT', 'CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE', 'DENO_CERT'];
    for (const name of bundleVars) expect(env[name], name).toBe('/h/ca-bundle.pem');
  });

  it('renders sh exports that a real shell evaluates back to the same values', () => {
    const env = { A: "it's $HOME `x`", B: 'plain' };
    const out = execFileSync('sh', ['-c', `${renderEnv(env, 'sh')}\nprintf '%s|%s' "$A" "$B"`], { encoding: 'utf8' });
    expect(out).toBe("it's $HOME `x`|plain");
  });

  it('renders fish and PowerShell syntax', () => {
    expect(renderEnv({ A: "a'b" }, 'fish')).toBe("set -gx A 'a'\\''b'");
    expect(renderEnv({ A: "a'b" }, 'powershell')).toBe("$Env:A = 'a''b'");
  });
});
