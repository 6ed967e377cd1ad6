import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const config = parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const schema = JSON.parse(readFileSync(path.join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as {
  definitions: Record<string, { properties?: Record<string, unknown> }>;
  properties: Record<string, unknown>;
};

describe('electron-builder.yml', () => {
  it('E6 release fuses: no run-as-node, no NODE_OPTIONS, no inspect, asar integrity and asar-only, cookie encryption, no file:// privileges', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
  });

  it('E6 packs into an asar without disabling its integrity check', () => {
    expect(config.asar).toBe(true);
    expect(JSON.stringify(config)).not.toMatch(/disableIntegrity|disableAsarIntegrity/);
  });

  it('builds AppImage + deb, dmg and nsis for Tokenwarden', () => {
    expect(config.productName).toBe('Tokenwarden');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect((config.mac as { target: string[] }).target).toEqual(['dmg']);
    expect((config.win as { target: string[] }).target).toEqual(['nsis']);
    expect(config.files).toEqual(expect.arrayContaining(['dist/main/**/*', 'dist/preload/**/*', 'dist/renderer/**/*']));
  });

  it('uses only keys electron-builder knows (checked against its own JSON schema)', () => {
    const topLevel = Object.keys(schema.definitions.Configuration?.properties ?? schema.properties);
    for (const key of Object.keys(config)) expect(topLevel, key).toContain(key);
    const fuseKeys = Object.keys(schema.definitions.FuseOptionsV1?.properties ?? {});
    for (const key of Object.keys(config.electronFuses as object)) expect(fuseKeys, key).toContain(key);
  });

  it('E7 the release config keeps inspect off; the test build flips only that fuse from the command line', () => {
    const workflow = readFileSync(path.join(root, '.github/workflows/desktop.yml'), 'utf8');
    expect(workflow).toContain('-c.electronFuses.enableNodeCliInspectArguments=true');
    expect((config.electronFuses as Record<string, boolean>).enableNodeCliInspectArguments).toBe(false);
  });
});
