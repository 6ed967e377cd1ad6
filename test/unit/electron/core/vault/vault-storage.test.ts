import { existsSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { PASSPHRASE, fakeSafeStorage, openVault, staticCredential, tempHome, unlockedVault } from '../../../../fixtures/vault-helpers.ts';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** A vault whose .bak holds only "a" and whose main file holds "a" and "b". */
async function twoVersions() {
  const t = tempHome();
  cleanups.push(t.cleanup);
  const vault = await unlockedVault(t.home);
  await vault.insert(staticCredential('a'));
  await vault.insert(staticCredential('b'));
  const main = readFileSync(vault.path);
  const backup = readFileSync(`${vault.path}.bak`);
  return { home: t.home, path: vault.path, main, backup };
}

const quarantined = (path: string) => readdirSync(dirname(path)).filter((f) => f.startsWith('vault.json.corrupt-'));

async function expectRecoveredFromBackup(home: string, path: string, damaged: Buffer, at: 'open' | 'unlock') {
  const vault = await openVault(home);
  if (at === 'open') expect(vault.warnings().join(' ')).toContain('.bak');
  await vault.unlock(PASSPHRASE);
  expect(vault.list().map((r) => r.name)).toEqual(['a']);
  const warning = vault.warnings().join(' ');
  expect(warning).toMatch(/moved to .*vault\.json\.corrupt-/);
  const [copy] = quarantined(path);
  expect(copy).toBeDefined();
  expect(readFileSync(`${dirname(path)}/${copy}`).equals(damaged)).toBe(true);
  // The restored file is a normal, writable vault again.
  await vault.insert(staticCredential('c'));
  expect((await unlockedVault(home)).list().map((r) => r.name)).toEqual(['a', 'c']);
}

describe('R2 damaged vault files are quarantined and the last good .bak is loaded', () => {
  const damage: Array<[string, (b: Buffer) => Buffer, 'open' | 'unlock']> = [
    ['zero-length file', () => Buffer.alloc(0), 'open'],
    ['non-JSON file', () => Buffer.from('this is not json'), 'open'],
    ['truncated file', (b) => b.subarray(0, Math.floor(b.length / 2)), 'open'],
    ['flipped byte inside a record', (b) => flipInside(b, 'records'), 'unlock'],
    ['flipped byte in the MAC', (b) => flipInside(b, 'mac'), 'unlock'],
    ['two records swapped between ids', (b) => swapRecords(b), 'unlock'],
    ['a record deleted', (b) => dropRecord(b), 'unlock'],
  ];
  it.each(damage)('R2 %s', async (_label, corrupt, at) => {
    const { home, path, main } = await twoVersions();
    const damaged = corrupt(main);
    writeFileSync(path, damaged);
    await expectRecoveredFromBackup(home, path, damaged, at);
  });

  it('R2 without a usable backup the damaged file is left in place and open fails with ERR_CORRUPT', async () => {
    const { home, path } = await twoVersions();
    unlinkSync(`${path}.bak`);
    writeFileSync(path, '');
    await expect(openVault(home)).rejects.toMatchObject({ code: 'ERR_CORRUPT' });
    expect(readFileSync(path).length).toBe(0);
    expect(quarantined(path)).toEqual([]);
  });

  it('R2 a record that fails authentication with no backup: ERR_CORRUPT, nothing renamed or rewritten', async () => {
    const { home, path, main } = await twoVersions();
    unlinkSync(`${path}.bak`);
    const damaged = flipInside(main, 'records');
    writeFileSync(path, damaged);
    const vault = await openVault(home);
    await expect(vault.unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'ERR_CORRUPT' });
    expect(vault.isLocked()).toBe(true);
    expect(readFileSync(path).equals(damaged)).toBe(true);
    expect(quarantined(path)).toEqual([]);
  });

  it('R2 a missing main file with a .bak present is restored, not replaced by an empty vault', async () => {
    const { home, path } = await twoVersions();
    unlinkSync(path);
    const vault = await openVault(home);
    expect(vault.isInitialized()).toBe(true);
    await vault.unlock(PASSPHRASE);
    expect(vault.list().map((r) => r.name)).toEqual(['a']);
    expect(vault.warnings().join(' ')).toContain('missing');
  });

  it('R2 property: a flipped bit anywhere never yields wrong data; the result is the current data, the backup, or a coded error with bytes kept', async () => {
    const { home, path, main, backup } = await twoVersions();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: main.length - 1 }), fc.integer({ min: 0, max: 7 }), async (position, bit) => {
        for (const f of quarantined(path)) unlinkSync(`${dirname(path)}/${f}`);
        writeFileSync(`${path}.bak`, backup);
        const damaged = Buffer.from(main);
        damaged[position]! ^= 1 << bit;
        writeFileSync(path, damaged);
        let names: string[] | undefined;
        let code: string | undefined;
        try {
          const vault = await openVault(home);
          await vault.unlock(PASSPHRASE);
          names = vault.list().map((r) => r.name);
        } catch (err) {
          code = (err as { code?: string }).code;
        }
        if (names) {
          expect([['a'], ['a', 'b']]).toContainEqual(names);
          if (names.length === 1) expect(quarantined(path)).toHaveLength(1);
        } else {
          expect(['ERR_CORRUPT', 'ERR_BAD_PASSPHRASE', 'ERR_UNSUPPORTED_FORMAT', 'ERR_LOCKED']).toContain(code);
          const kept = existsSync(path) && readFileSync(path).equals(damaged);
          const moved = quarantined(path).some((f) => readFileSync(`${dirname(path)}/${f}`).equals(damaged));
          expect(kept || moved).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('format and keyslot failures never rewrite the file', () => {
  it('unknown format version -> ERR_UNSUPPORTED_FORMAT, file untouched, nothing quarantined', async () => {
    const { home, path, main } = await twoVersions();
    const newer = Buffer.from(main.toString('utf8').replace('"version":1', '"version":2'));
    writeFileSync(path, newer);
    const err = await openVault(home).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT' });
    expect((err as Error).message).toContain('version 2');
    expect(readFileSync(path).equals(newer)).toBe(true);
    expect(quarantined(path)).toEqual([]);
  });

  it('R7 a safe-storage keyslot whose decrypt throws leaves the vault bytes unchanged', async () => {
    const t = tempHome();
    cleanups.push(t.cleanup);
    const port = fakeSafeStorage();
    const vault = await openVault(t.home, { safeStorage: port });
    await vault.unlock();
    expect(vault.keyslotKinds()).toEqual(['safe-storage']);
    await vault.insert(staticCredential('a'));
    const before = readFileSync(vault.path);
    const backupBefore = readFileSync(`${vault.path}.bak`);
    port.failDecrypt = true;
    const again = await openVault(t.home, { safeStorage: port, passphrase: () => PASSPHRASE });
    await expect(again.unlock()).rejects.toMatchObject({ code: 'ERR_KEYRING_UNAVAILABLE' });
    expect(again.isLocked()).toBe(true);
    expect(port.calls.decrypt).toBe(1);
    expect(readFileSync(vault.path).equals(before)).toBe(true);
    expect(readFileSync(`${vault.path}.bak`).equals(backupBefore)).toBe(true);
    expect(quarantined(vault.path)).toEqual([]);
  });
});

function flipInside(file: Buffer, field: 'records' | 'mac'): Buffer {
  const text = file.toString('utf8');
  const json = JSON.parse(text) as { records: Record<string, string>; mac: string };
  const blob = field === 'mac' ? json.mac : Object.values(json.records)[0]!;
  const at = text.indexOf(blob) + Math.floor(blob.length / 2);
  const copy = Buffer.from(file);
  // Swap to another base64 letter so the JSON stays valid and only authentication can notice.
  copy[at] = copy[at] === 0x41 ? 0x42 : 0x41;
  return copy;
}

function swapRecords(file: Buffer): Buffer {
  const json = JSON.parse(file.toString('utf8')) as { records: Record<string, string> };
  const [[idA, blobA], [idB, blobB]] = Object.entries(json.records) as [[string, string], [string, string]];
  json.records[idA] = blobB;
  json.records[idB] = blobA;
  return Buffer.from(JSON.stringify(json));
}

function dropRecord(file: Buffer): Buffer {
  const json = JSON.parse(file.toString('utf8')) as { records: Record<string, string> };
  delete json.records[Object.keys(json.records)[1]!];
  return Buffer.from(JSON.stringify(json));
}
