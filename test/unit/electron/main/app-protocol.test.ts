import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, createAppProtocolHandler, resolveAppPath } from '../../../../electron/main/app-protocol.ts';

let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'tw-proto-'));
  root = path.join(base, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>tw</title>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(base, 'secret.txt'), 'outside the bundle');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => createAppProtocolHandler(root)(new Request(url, { method }));

describe('app:// protocol handler', () => {
  it('E2 E3 serves bundle files with the strict CSP and a correct type', async () => {
    const res = await get('app://bundle/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).toBe('console.log(1)');
    const index = await get('app://bundle/');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>tw</title>');
  });

  it("E3 the CSP forbids inline script, remote connections and framing", () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('E2 blocks ../ traversal, raw and percent-encoded, with 403/404 and never the file', async () => {
    const attempts = [
      'app://bundle/../secret.txt',
      'app://bundle/../../etc/passwd',
      'app://bundle/%2e%2e/secret.txt',
      'app://bundle/%2E%2E/%2e%2e/etc/passwd',
      'app://bundle/assets/..%2f..%2fsecret.txt',
      'app://bundle/assets/%2e%2e%5c%2e%2e%5csecret.txt',
      'app://bundle/..%5csecret.txt',
      'app://bundle/%252e%252e/secret.txt',
      'app://bundle/assets/%00.js',
    ];
    for (const url of attempts) {
      const res = await get(url);
      expect([403, 404], url).toContain(res.status);
      expect(await res.text(), url).not.toContain('outside the bundle');
    }
    expect(resolveAppPath('app://bundle/%2e%2e/secret.txt', root).status).toBe(403);
  });

  it('E2 refuses other hosts, unknown types and non-GET methods', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('app://bundle/missing.js')).status).toBe(404);
    expect((await get('app://bundle/index.exe')).status).toBe(404);
    expect((await get('app://bundle/index.html', 'POST')).status).toBe(403);
  });
});
