import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as tlsConnect } from 'node:tls';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from '../../../electron/core/proxy/server.ts';
import { FakeProxyBackend, type FakeCredential } from '../../fixtures/proxy-backend.ts';
import { connectHead, rawExchange } from '../../fixtures/proxy-client.ts';
import { expectP7Outcome, P7_CASES } from '../../fixtures/proxy-expect.ts';
import { leakedTokens, startHarness, type ProxyHarness } from '../../fixtures/proxy-harness.ts';
import { verifyLeaf } from '../../fixtures/proxy-verify.ts';
import { authorizationsOf, makeSelfSigned, makeTlsMaterial, startUpstream, type TestUpstream, type TlsMaterial } from '../../fixtures/proxy-upstream.ts';

const run = promisify(execFile);

let dir: string;
let tls: TlsMaterial;
let h: ProxyHarness;
let unbound: TestUpstream;
let api: FakeCredential;
let caFile: string;
let upstreamCaFile: string;
const outputs: string[] = [];

async function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('curl', ['-sS', '--noproxy', '', '--max-time', '10', ...args]);
    outputs.push(stdout, stderr);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    outputs.push(e.stdout, e.stderr);
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function proxyUrl(name = 'api', key = h.backend.keyString()): string {
  return `http://${name}:${key}@127.0.0.1:${h.proxy.port}`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tw-connect-'));
  tls = await makeTlsMaterial(['localhost', '127.0.0.1']);
  const upstream = await startUpstream({ tls, hostname: 'localhost' });
  unbound = await startUpstream({ tls, hostname: 'localhost' });
  h = await startHarness({ upstream, proxy: { trustedCaPems: [tls.caPem] } });
  api = h.backend.add({ name: 'api', hosts: [upstream.origin] });
  caFile = join(dir, 'ca.pem');
  await writeFile(caFile, await h.proxy.caPem());
  upstreamCaFile = join(dir, 'upstream-ca.pem');
  await writeFile(upstreamCaFile, tls.caPem);
});
afterEach(() => {
  h.upstream.calls.length = 0;
  unbound.calls.length = 0;
  api.authPolicy = 'reject';
});
afterAll(async () => {
  await h.close();
  await unbound.close();
  await rm(dir, { recursive: true, force: true });
  expect(leakedTokens([...h.logs, ...outputs], h.backend.allTokens())).toEqual([]);
});

describe('CONNECT with TLS interception for a bound host', () => {
  it('curl through HTTPS_PROXY reaches the https upstream, which sees exactly one bearer token', async () => {
    const res = await curl(['--proxy', proxyUrl(), '--cacert', caFile, `${h.upstream.origin}/v1/me?x=1`]);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('upstream ok');
    expect(h.upstream.calls).toHaveLength(1);
    expect(h.upstream.calls[0]!.url).toBe('/v1/me?x=1');
    expect(authorizationsOf(h.upstream.calls[0]!)).toEqual([`Bearer ${api.token}`]);
    expect(h.upstream.calls[0]!.headers['proxy-authorization']).toBeUndefined();
    expect(h.backend.usage.at(-1)).toMatchObject({ name: 'api', mode: 'connect', path: '/v1/me', status: 200 });
  });

  it('works with an empty NAME when exactly one credential is bound to the host', async () => {
    const res = await curl(['--proxy', proxyUrl(''), '--cacert', caFile, `${h.upstream.origin}/x`]);
    expect(res.stdout).toBe('upstream ok');
    expect(authorizationsOf(h.upstream.calls[0]!)).toEqual([`Bearer ${api.token}`]);
  });

  it('keeps the tunnel alive for several requests', async () => {
    const res = await curl(['--proxy', proxyUrl(), '--cacert', caFile, `${h.upstream.origin}/a`, `${h.upstream.origin}/b`]);
    expect(res.stdout).toBe('upstream okupstream ok');
    expect(h.upstream.calls.map((c) => c.url)).toEqual(['/a', '/b']);
  });

  it.each(P7_CASES)('P7 %s with client Authorization %s through CONNECT', async (policy, clientAuth, status, expected) => {
    api.authPolicy = policy;
    const res = await curl(['--proxy', proxyUrl(), '--cacert', caFile, '-o', '/dev/null', '-w', '%{http_code}', ...(clientAuth ? ['-H', `Authorization: ${clientAuth}`] : []), `${h.upstream.origin}/p7`]);
    expectP7Outcome({ status: Number(res.stdout) }, status, expected, h.upstream.calls, api.token);
  });
});

describe('tunnel lifetime', () => {
  it('P5 a tunnel stops injecting as soon as its credential is unbound, even on a kept-alive connection', async () => {
    const target = new URL(h.upstream.origin).host;
    const raw = connect(h.proxy.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      raw.once('connect', () => raw.write(connectHead(target, { name: 'api', key: h.backend.keyString() })));
      raw.once('data', (d: Buffer) => (d.toString().startsWith('HTTP/1.1 200') ? resolve() : reject(new Error(d.toString()))));
    });
    const socket = tlsConnect({ socket: raw, servername: 'localhost', ca: [await h.proxy.caPem()] });
    let text = '';
    let onResponse: (() => void) | undefined;
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (/\r\n\r\n[\s\S]*(\r\n0\r\n\r\n|\})$/.test(text)) onResponse?.();
    });
    socket.on('error', () => undefined);
    const ask = (): Promise<string> =>
      new Promise((resolve) => {
        text = '';
        onResponse = () => resolve(text);
        socket.write(`GET /t HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
      });
    expect(await ask()).toMatch(/^HTTP\/1\.1 200 /);
    const saved = h.backend.credentials.get('api')!;
    h.backend.credentials.delete('api');
    const second = await ask();
    h.backend.credentials.set('api', saved);
    socket.destroy();
    expect(second).toMatch(/^HTTP\/1\.1 403 /);
    expect(second).toContain('ERR_HOST_NOT_BOUND');
    expect(h.upstream.calls).toHaveLength(1);
  });
});

describe('P11 CONNECT guards', () => {
  it('P11 an unbound host gets a blind tunnel: no interception and no Authorization', async () => {
    const res = await curl(['--proxy', proxyUrl(), '--cacert', upstreamCaFile, `${unbound.origin}/blind`]);
    expect(res.stdout).toBe('upstream ok');
    expect(unbound.calls).toHaveLength(1);
    expect(authorizationsOf(unbound.calls[0]!)).toEqual([]);
  });

  it('P11 in strict mode an unbound host gets 403 and no connection', async () => {
    const strict = await startProxy({ backend: h.backend, port: 0, strict: true });
    const before = unbound.connections;
    const res = await curl(['--proxy', `http://api:${h.backend.keyString()}@127.0.0.1:${strict.port}`, '--cacert', upstreamCaFile, `${unbound.origin}/strict`]);
    await strict.close();
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/403/);
    expect(unbound.connections).toBe(before);
  });

  it('P11 an upstream with a self-signed certificate gives 502 and no token is sent', async () => {
    const selfSigned = await startUpstream({ tls: await makeSelfSigned(), hostname: 'localhost' });
    h.backend.add({ name: 'selfsigned', hosts: [selfSigned.origin] });
    const res = await curl(['--proxy', proxyUrl('selfsigned'), '--cacert', caFile, '-w', '%{http_code}', '-o', join(dir, 'body.json'), `${selfSigned.origin}/x`]);
    h.backend.credentials.delete('selfsigned');
    await selfSigned.close();
    expect(res.stdout).toBe('502');
    expect(selfSigned.calls).toHaveLength(0);
  });

  it('P3 CONNECT without the key gets 407 with Proxy-Authenticate and no tunnel', async () => {
    const { response } = await rawExchange(h.proxy.port, connectHead(new URL(h.upstream.origin).host));
    expect(response).toMatch(/^HTTP\/1\.1 407 /);
    expect(response.toLowerCase()).toContain('proxy-authenticate: basic');
    expect(response).toContain('ERR_PROXY_AUTH');
  });

  it('P2 CONNECT whose Host differs from the target gets 421', async () => {
    const target = new URL(h.upstream.origin).host;
    const { response } = await rawExchange(h.proxy.port, connectHead(target, { name: 'api', key: h.backend.keyString() }, 'evil.example:443'));
    expect(response).toMatch(/^HTTP\/1\.1 421 /);
  });

  it('P1 CONNECT while locked gets 423 with the right key and 407 with a wrong one', async () => {
    h.backend.locked = true;
    const target = new URL(h.upstream.origin).host;
    const wrong = await rawExchange(h.proxy.port, connectHead(target, { name: 'api', key: 'x' }));
    const { response } = await rawExchange(h.proxy.port, connectHead(target, { name: 'api', key: h.backend.keyString() }));
    h.backend.locked = false;
    expect(wrong.response).toMatch(/^HTTP\/1\.1 407 /);
    expect(wrong.response).not.toContain('ERR_LOCKED');
    expect(response).toMatch(/^HTTP\/1\.1 423 /);
    expect(response).toContain('ERR_LOCKED');
  });

  it('CONNECT with an empty NAME and several bound credentials gets 409 ERR_AMBIGUOUS', async () => {
    h.backend.add({ name: 'api2', hosts: [h.upstream.origin] });
    const target = new URL(h.upstream.origin).host;
    const { response } = await rawExchange(h.proxy.port, connectHead(target, { name: '', key: h.backend.keyString() }));
    h.backend.credentials.delete('api2');
    expect(response).toMatch(/^HTTP\/1\.1 409 /);
    expect(response).toContain('ERR_AMBIGUOUS');
    expect(h.upstream.calls).toHaveLength(0);
  });
});

describe('P11 the per-install CA', () => {
  it('P11 openssl shows a critical nameConstraints listing exactly the bound hosts', async () => {
    const { stdout } = await run('openssl', ['x509', '-noout', '-text', '-in', caFile]);
    expect(stdout).toMatch(/X509v3 Name Constraints: critical\s+Permitted:\s+DNS:localhost\s+Excluded:\s+IP:0\.0\.0\.0\/0\.0\.0\.0\s+IP:[0:]+\/[0:]+\s*\n\s*X509v3/);
    expect(stdout).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
  });

  it('P11 a leaf for evil.example signed by the CA fails Node verification, while a bound host passes', async () => {
    const good = await verifyLeaf(h.backend.savedCa!, 'localhost');
    expect(good).toEqual({ node: 'ok', openssl: expect.stringContaining(': OK'), signedByCa: true });
    const evil = await verifyLeaf(h.backend.savedCa!, 'evil.example');
    // Node has no name for X509_V_ERR_PERMITTED_VIOLATION and reports UNSPECIFIED; openssl names it.
    expect(evil.node).not.toBe('ok');
    expect(evil.signedByCa).toBe(true);
    expect(evil.openssl).toContain('permitted subtree violation');
  });

  it('P11 two installs have different CA fingerprints', async () => {
    const a = await startProxy({ backend: h.backend, port: 0 });
    const other = new FakeProxyBackend();
    other.add({ name: 'api', hosts: [h.upstream.origin] });
    const b = await startProxy({ backend: other, port: 0 });
    const fa = new X509Certificate(await a.caPem()).fingerprint256;
    const fb = new X509Certificate(await b.caPem()).fingerprint256;
    await Promise.all([a.close(), b.close()]);
    expect(fa).toBe(new X509Certificate(h.backend.savedCa!.certPem).fingerprint256);
    expect(fb).not.toBe(fa);
  });

  it('P11 the CA is reused while the bound set is unchanged and regenerated (and saved) when it changes', async () => {
    const first = await h.proxy.caPem();
    const saves = h.backend.saveCaCalls;
    expect(await h.proxy.caPem()).toBe(first);
    expect(h.backend.saveCaCalls).toBe(saves);
    h.backend.add({ name: 'extra', hosts: ['https://api.extra.test'] });
    const second = await h.proxy.caPem();
    h.backend.credentials.delete('extra');
    expect(second).not.toBe(first);
    expect(h.backend.saveCaCalls).toBe(saves + 1);
    expect(h.backend.savedCa!.hostnames).toEqual(['api.extra.test', 'localhost']);
    const file = join(dir, 'second.pem');
    await writeFile(file, second);
    const { stdout } = await run('openssl', ['x509', '-noout', '-ext', 'nameConstraints', '-in', file]);
    expect(stdout).toContain('DNS:api.extra.test');
    // Back to the original set: the CA changes again, so curl needs the fresh PEM.
    await writeFile(caFile, await h.proxy.caPem());
  });

  it('P11 the CA key is stored only through saveCa, as PKCS#8', () => {
    expect(h.backend.savedCa!.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});
