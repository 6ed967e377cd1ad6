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

  it('keeps loopback out of the proxy unless the credential is bound to it', () => {
    expect(proxyEnv(input).NO_PROXY).toBe('localhost,127.0.0.1,::1');
    expect(proxyEnv({ ...input, boundHostnames: ['127.0.0.1'] }).NO_PROXY).toBe('localhost,::1');
  });

  it('P11 points Node at our CA and the others at the system-plus-ours bundle', () => {
    const env = proxyEnv(input);
    expect(env.NODE_EXTRA_CA_CERTS).toBe('/h/ca.pem');
    expect([env.SSL_CERT_FILE, env.CURL_CA_BUNDLE, env.REQUESTS_CA_BUNDLE]).toEqual(['/h/ca-bundle.pem', '/h/ca-bundle.pem', '/h/ca-bundle.pem']);
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
