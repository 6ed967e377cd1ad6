import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeService } from '../../../electron/core/create-service.ts';
import type { OwnerApi } from '../../../electron/core/owner-api.ts';
import type { Vault } from '../../../electron/core/vault/vault.ts';
import { send } from '../../fixtures/proxy-client.ts';
import { authorizationsOf, makeTlsMaterial, startUpstream, type TestUpstream, type TlsMaterial } from '../../fixtures/proxy-upstream.ts';

const run = promisify(execFile);
const TOKEN = 'tw-canary-wiring-0123456789abcdef';
const HTTPS_TOKEN = 'tw-canary-wiring-https-fedcba9876543210';
let home: string;
let service: OwnerApi;
let vault: Vault;
let plain: TestUpstream;
let secure: TestUpstream;
let tls: TlsMaterial;
const logs: string[] = [];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tw-wiring-'));
  plain = await startUpstream();
  tls = await makeTlsMaterial(['localhost']);
  secure = await startUpstream({ tls, hostname: 'localhost' });
  ({ api: service, vault } = await composeService({
    home,
    env: { TOKENWARDEN_PASSPHRASE: 'wiring test passphrase' },
    keyring: false,
    proxy: { port: 0, trustedCaPems: [tls.caPem] },
    log: (line) => logs.push(line),
  }));
  await service.add({ kind: 'static', name: 'local', hosts: [plain.origin], token: TOKEN, allowInsecureLoopback: true });
  await service.add({ kind: 'static', name: 'secure', hosts: [secure.origin], token: HTTPS_TOKEN });
}, 60_000);

afterAll(async () => {
  await service?.close();
  await plain?.close();
  await secure?.close();
  await rm(home, { recursive: true, force: true });
  expect(logs.join('\n')).not.toContain(TOKEN.slice(0, -4));
});

describe('the proxy wired to the real service and vault', () => {
  it('gateway: the key from proxyKey() works and the vault token is injected once', async () => {
    const info = await service.proxyInfo();
    const res = await send(info.port!, { path: '/local/hello?x=1', headers: { 'x-tokenwarden-key': await service.proxyKey() } });
    expect(res.status).toBe(200);
    expect(authorizationsOf(plain.calls.at(-1)!)).toEqual([`Bearer ${TOKEN}`]);
  });

  it('CONNECT: curl with the CA from caPem() reaches the https upstream with the token', async () => {
    const info = await service.proxyInfo();
    const caFile = join(home, 'test-ca.pem');
    await writeFile(caFile, await service.caPem());
    const { stdout } = await run('curl', ['-sS', '--noproxy', '', '--max-time', '10', '--proxy', `http://secure:${await service.proxyKey()}@127.0.0.1:${info.port}`, '--cacert', caFile, `${secure.origin}/v1`]);
    expect(stdout).toBe('upstream ok');
    expect(authorizationsOf(secure.calls.at(-1)!)).toEqual([`Bearer ${HTTPS_TOKEN}`]);
  });

  it('R4 the adapter passes the record kind: a static credential meeting a 401 makes exactly 1 upstream call', async () => {
    const info = await service.proxyInfo();
    plain.handler = (_req, res) => {
      res.writeHead(401);
      res.end('no');
    };
    const before = plain.calls.length;
    const res = await send(info.port!, { method: 'POST', path: '/local/items', headers: { 'x-tokenwarden-key': await service.proxyKey(), 'content-type': 'application/json' }, body: '{"a":1}' });
    plain.handler = (_req, r) => r.end('upstream ok');
    expect(res.status).toBe(401);
    expect(plain.calls.length - before).toBe(1);
  });

  it('S6 locking the vault makes the proxy drop its CA: after unlock it reads the CA from the vault again', async () => {
    const pem = await service.caPem();
    const reads = vi.spyOn(vault, 'getSecret');
    await service.caPem();
    const cached = reads.mock.calls.filter(([name]) => name === 'proxy-ca').length;
    await service.lock();
    await service.unlock();
    expect(await service.caPem()).toBe(pem);
    const after = reads.mock.calls.filter(([name]) => name === 'proxy-ca').length;
    reads.mockRestore();
    expect(cached).toBe(0);
    expect(after).toBe(1);
  });

  it('locking the vault makes the proxy answer 423 with 0 upstream calls', async () => {
    const info = await service.proxyInfo();
    const key = await service.proxyKey();
    const before = plain.calls.length;
    await service.lock();
    const res = await send(info.port!, { path: '/local/hello', headers: { 'x-tokenwarden-key': key } });
    await service.unlock();
    expect(res.status).toBe(423);
    expect(plain.calls.length).toBe(before);
  });
});
