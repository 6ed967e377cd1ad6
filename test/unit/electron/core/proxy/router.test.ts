import { describe, expect, it } from 'vitest';
import type { ProxyRejection } from '../../../../../electron/core/proxy/proxy-error.ts';
import { assertTransport, credentialFor, routeForward, routeGateway } from '../../../../../electron/core/proxy/router.ts';
import { FakeProxyBackend } from '../../../../fixtures/proxy-backend.ts';

const backend = new FakeProxyBackend();
const gh = backend.add({ name: 'gh', hosts: ['https://api.github.com', 'https://uploads.github.com'] });
backend.add({ name: 'local', hosts: ['http://127.0.0.1:8080'], allowInsecureLoopback: true });
backend.add({ name: 'lan', hosts: ['http://10.0.0.5:8080'], allowInsecureLoopback: true });
backend.add({ name: 'dup1', hosts: ['https://shared.test'] });
backend.add({ name: 'dup2', hosts: ['https://shared.test'] });

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as ProxyRejection).code;
  }
  return 'none';
}

describe('routeGateway', () => {
  it.each([
    ['/gh/repos/x?per_page=2', '/repos/x?per_page=2'],
    ['/gh', '/'],
    ['/gh/', '/'],
    ['/gh?x=1', '/?x=1'],
    ['/gh//double', '//double'],
  ])('%s -> first bound origin + %s', (url, path) => {
    const route = routeGateway(url, backend);
    expect(route).toEqual({ mode: 'gateway', credential: gh, origin: 'https://api.github.com', path });
  });
  it.each(['/', '//x', '/nope/x', '/%2e%2e/x', '/../gh'])('%s has no credential', (url) => {
    expect(code(() => routeGateway(url, backend))).toBe('ERR_NOT_FOUND');
  });
  it('P5 allows loopback http only for a credential that opted in', () => {
    expect(routeGateway('/local/x', backend).origin).toBe('http://127.0.0.1:8080');
    expect(code(() => routeGateway('/lan/x', backend))).toBe('ERR_HOST_NOT_BOUND');
  });
});

describe('routeForward', () => {
  it('routes an exact origin and keeps the raw path and query', () => {
    const route = routeForward('http://127.0.0.1:8080/a%20b?c=d', '127.0.0.1:8080', 'local', backend);
    expect(route).toMatchObject({ mode: 'forward', origin: 'http://127.0.0.1:8080', path: '/a%20b?c=d' });
  });
  it('P2 refuses a Host that is not the target authority', () => {
    expect(code(() => routeForward('http://127.0.0.1:8080/', 'localhost:8080', 'local', backend))).toBe('ERR_BAD_HOST');
  });
  it.each(['http://api.github.com/x', 'http://api.github.com.evil.example/x', 'http://api.github.com:443/x'])('P5 refuses %s for a credential bound to https://api.github.com', (url) => {
    expect(code(() => routeForward(url, new URL(url).host, 'gh', backend))).toBe('ERR_HOST_NOT_BOUND');
  });
  it('refuses https absolute-form and userinfo', () => {
    expect(code(() => routeForward('https://api.github.com/', 'api.github.com', 'gh', backend))).toBe('ERR_BAD_REQUEST');
    expect(code(() => routeForward('http://u:p@127.0.0.1:8080/', '127.0.0.1:8080', 'local', backend))).toBe('ERR_BAD_REQUEST');
  });
});

describe('credentialFor', () => {
  it('finds the named credential only where it is bound', () => {
    expect(credentialFor(backend, 'gh', 'https://uploads.github.com')).toBe(gh);
    expect(credentialFor(backend, 'gh', 'https://shared.test')).toBeUndefined();
    expect(credentialFor(backend, 'missing', 'https://api.github.com')).toBeUndefined();
  });
  it('uses the only credential bound to the origin when no name is given, and refuses to guess between several', () => {
    expect(credentialFor(backend, '', 'https://api.github.com')).toBe(gh);
    expect(credentialFor(backend, '', 'https://unbound.test')).toBeUndefined();
    expect(code(() => credentialFor(backend, '', 'https://shared.test'))).toBe('ERR_AMBIGUOUS');
  });
});

describe('P5 assertTransport', () => {
  it.each([
    ['https://x.test', false, true],
    ['http://127.0.0.1:1', true, true],
    ['http://localhost:1', true, true],
    ['http://[::1]:1', true, true],
    ['http://127.0.0.1:1', false, false],
    ['http://example.test', true, false],
  ])('P5 %s with allowInsecureLoopback=%s -> allowed %s', (origin, allow, ok) => {
    const outcome = code(() => assertTransport({ id: 'n-id', name: 'n', kind: 'static' as const, hosts: [origin], authPolicy: 'reject', allowInsecureLoopback: allow }, origin));
    expect(outcome === 'none').toBe(ok);
  });

  it('P5 turning allowInsecureLoopback off on the same object takes effect at once', () => {
    const cred = { id: 'n-id', name: 'n', kind: 'static' as const, hosts: ['http://127.0.0.1:9'], authPolicy: 'reject' as const, allowInsecureLoopback: true };
    expect(code(() => assertTransport(cred, 'http://127.0.0.1:9'))).toBe('none');
    cred.allowInsecureLoopback = false;
    expect(code(() => assertTransport(cred, 'http://127.0.0.1:9'))).toBe('ERR_HOST_NOT_BOUND');
  });
});
