import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCaBundle } from '../../../../../electron/core/proxy/ca-bundle.ts';
import { generateCa } from '../../../../../electron/core/proxy/ca.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tw-bundle-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('writeCaBundle', () => {
  it('writes Node roots, the system bundle when present, then our CA, mode 0600', async () => {
    const ours = (await generateCa(['api.test'])).certPem;
    const system = join(dir, 'system.crt');
    await writeFile(system, '# system bundle marker\n' + rootCertificates[0]);
    const path = join(dir, 'bundle.pem');
    await writeCaBundle(ours, path, system);
    const text = await readFile(path, 'utf8');
    expect(text).toContain(rootCertificates[rootCertificates.length - 1]!);
    expect(text).toContain('# system bundle marker');
    expect(text.trimEnd().endsWith(ours.trim())).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('works without a system bundle file', async () => {
    const ours = (await generateCa(['api.test'])).certPem;
    const path = join(dir, 'bundle2.pem');
    await writeCaBundle(ours, path, join(dir, 'missing.crt'));
    const count = ((await readFile(path, 'utf8')).match(/BEGIN CERTIFICATE/g) ?? []).length;
    expect(count).toBe(rootCertificates.length + 1);
  });
});
