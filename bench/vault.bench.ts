/**
 * Vault bench: open (read + parse), KDF, decrypt + verify, list, and single-record persist at 100 / 1,000 / 10,000
 * credentials, median of several runs. Writes bench/results/vault.json. Run: node bench/vault.bench.ts
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, round, writeResults } from './bench-kit.ts';
import { keyObject, newKey } from '../electron/core/vault/envelope.ts';
import { DEFAULT_SCRYPT, createPassphraseSlot, unwrapPassphraseSlot } from '../electron/core/vault/keyslots/passphrase-keyslot.ts';
import { applyChanges, createVaultFile, decryptVault } from '../electron/core/vault/vault-codec.ts';
import { deriveMacKey, serializeVaultFile, type VaultFile } from '../electron/core/vault/vault-file.ts';
import { Vault } from '../electron/core/vault/vault.ts';
import type { CredentialRecord } from '../electron/core/credentials/credential-record.ts';

const SIZES = process.env.VAULT_BENCH_SIZES ? process.env.VAULT_BENCH_SIZES.split(',').map(Number) : [100, 1_000, 10_000];
const RUNS = 5;
const PASSPHRASE = 'bench passphrase';
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Half static tokens (40 chars), half OAuth records with a ~900-character JWT and a refresh token: a realistic mix. */
function record(i: number): CredentialRecord {
  const now = '2026-01-01T00:00:00.000Z';
  const base = { id: `bench-record-${String(i).padStart(8, '0')}`, name: `cred-${i}`, hosts: [`https://api${i % 50}.example.com`], authPolicy: 'reject' as const, allowInsecureLoopback: false, state: 'active' as const, revision: 0, createdAt: now, updatedAt: now };
  if (i % 2 === 0) {
    return { ...base, kind: 'static', tokens: { accessToken: `ghp_${'x'.repeat(36)}${i}`, tokenType: 'Bearer', receivedAt: now, scopes: [] } };
  }
  const jwt = `${b64url({ alg: 'RS256', kid: 'k1' })}.${b64url({ iss: 'https://idp.example.com', sub: `user-${i}`, aud: 'api', scope: 'read write admin', exp: 1_900_000_000, pad: 'p'.repeat(500) })}.${'s'.repeat(342)}`;
  return {
    ...base,
    kind: 'oauth',
    tokens: { accessToken: jwt, refreshToken: `rt_${'r'.repeat(40)}${i}`, tokenType: 'Bearer', expiresAt: now, receivedAt: now, scopes: ['read', 'write'] },
    oauth: { issuer: 'https://idp.example.com', clientId: 'bench-client', grant: 'auth-code', scope: 'read write' },
  };
}

/** Builds a real vault file in one pass (inserting 10,000 records one by one would write 10,000 files). */
async function buildVault(home: string, count: number): Promise<Buffer> {
  const dek = newKey();
  const vaultId = 'bench-vault-0000000001';
  const slot = await createPassphraseSlot(dek, PASSPHRASE, vaultId, DEFAULT_SCRYPT);
  const macKey = deriveMacKey(dek, vaultId);
  const empty = createVaultFile(vaultId, dek, macKey, [slot]);
  const records = new Map(Array.from({ length: count }, (_, i) => [record(i).id, record(i)] as [string, CredentialRecord]));
  const file = applyChanges(empty, { records }, dek, macKey);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileSync(join(home, 'vault.json'), serializeVaultFile(file), { mode: 0o600 });
  return dek;
}

async function measure(count: number) {
  const base = mkdtempSync(join(tmpdir(), 'tw-bench-vault-'));
  const home = join(base, 'home');
  try {
    const dek = await buildVault(home, count);
    const size = statSync(join(home, 'vault.json')).size;
    const open: number[] = [];
    const unlock: number[] = [];
    const kdf: number[] = [];
    const decrypt: number[] = [];
    const list: number[] = [];
    const persist: number[] = [];
    const firstPersist: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      let t = performance.now();
      const vault = await Vault.open({ home, keyring: false });
      open.push(performance.now() - t);
      t = performance.now();
      await vault.unlock(PASSPHRASE);
      unlock.push(performance.now() - t);
      t = performance.now();
      const all = vault.list();
      list.push(performance.now() - t);
      if (all.length !== count) throw new Error(`expected ${count} records, got ${all.length}`);
      // The KDF alone, on the same slot, to split unlock into "scrypt" and "decrypt + verify".
      const file = JSON.parse(readFileSync(vault.path, 'utf8')) as VaultFile;
      t = performance.now();
      (await unwrapPassphraseSlot(file.keyslots[0] as never, PASSPHRASE, file.vaultId)).fill(0);
      kdf.push(performance.now() - t);
      // Decrypt + verify alone (key check, MAC, every record), as unlock does it after the KDF.
      t = performance.now();
      decryptVault(file, keyObject(dek), deriveMacKey(dek, file.vaultId));
      decrypt.push(performance.now() - t);
      // The first write after open, then steady-state writes (the owner process keeps the vault open).
      for (let write = 0; write < 4; write++) {
        t = performance.now();
        await vault.update(`cred-${run * 4 + write}`, (r) => ({ ...r, lastUsedAt: new Date().toISOString() }));
        (write === 0 ? firstPersist : persist).push(performance.now() - t);
      }
      vault.lock();
    }
    const m = { decrypt: median(decrypt), open: median(open), unlock: median(unlock), kdf: median(kdf), list: median(list), persist: median(persist), firstPersist: median(firstPersist) };
    return {
      count,
      fileBytes: size,
      readParseMs: round(m.open),
      kdfMs: round(m.kdf),
      decryptVerifyMs: round(m.decrypt),
      unlockMs: round(m.unlock),
      listMs: round(m.list),
      openWithoutKdfMs: round(m.open + m.decrypt + m.list),
      openWithKdfMs: round(m.open + m.unlock + m.list),
      persistMs: round(m.persist),
      firstPersistMs: round(m.firstPersist),
      runs: { open, unlock, kdf, decrypt, list, persist, firstPersist },
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const loadBefore = loadavg()[0]!;
const results = [];
for (const count of SIZES) {
  const r = await measure(count);
  results.push(r);
  console.log(`${count}: read+parse ${r.readParseMs} ms, kdf ${r.kdfMs} ms, decrypt+verify ${r.decryptVerifyMs} ms, list ${r.listMs} ms, open w/o KDF ${r.openWithoutKdfMs} ms, persist ${r.persistMs} ms (first after open ${r.firstPersistMs} ms), file ${(r.fileBytes / 1e6).toFixed(2)} MB`);
}

const loadAfter = loadavg()[0]!;
const at10k = results.find((r) => r.count === 10_000) ?? results.at(-1)!;
const notes = [
  `Median of ${RUNS} runs per size. Records are half static tokens, half OAuth records with a ~900-character JWT plus refresh token; scrypt N=2^15, r=8, p=1 (stored in the file).`,
  'Open = Vault.open (read + JSON parse + shape check) + unlock (scrypt KDF, then key check, file MAC and AES-GCM decrypt + JSON parse of every record) + list(). The KDF and decrypt + verify are timed on their own in the same run; "open without KDF" = read + parse + decrypt + verify + list, "open with KDF" = measured open + unlock + list. The KDF is a fixed, deliberate cost independent of vault size (and absent with the os-keyring or safe-storage keyslot).',
  'Persist = update() of one record, median of the 2nd-4th writes after open (steady state of an owner process): only that record is sealed again; every other record is written from cached bytes (primed from the file read at open), with one vectored write to a temp file, fsync, hard-link of the previous file to vault.json.bak, rename and directory fsync.',
  `Machine load average during the run: ${round(loadBefore)} -> ${round(loadAfter)} on ${availableParallelism()} cores. The KDF column is a fixed CPU reference measured in the same run: on an idle machine scrypt N=2^15 takes about 80-120 ms, so a much larger KDF time means the figures are inflated by other processes by about that factor.`,
];
// Issue 14 goals at 10,000 credentials. The KDF is a fixed CPU reference from the same run; dividing by it
// removes most of the machine's load from the figure (scrypt N=2^15 takes about 100 ms on an idle 2-core box).
const OPEN_GOAL_MS = 120;
const PERSIST_GOAL_MS = 20;
const IDLE_KDF_MS = 100;
const normalised = (ms: number) => round((ms * IDLE_KDF_MS) / at10k.kdfMs);
const verdict = (ms: number, goal: number) => (ms <= goal ? 'met' : 'missed');
const goals = {
  openWithoutKdfMs: { value: at10k.openWithoutKdfMs, normalised: normalised(at10k.openWithoutKdfMs), goal: `<= ${OPEN_GOAL_MS} ms`, met: at10k.openWithoutKdfMs <= OPEN_GOAL_MS },
  persistMs: { value: at10k.persistMs, normalised: normalised(at10k.persistMs), goal: `<= ${PERSIST_GOAL_MS} ms`, met: at10k.persistMs <= PERSIST_GOAL_MS },
};
notes.push(
  `Goals at ${at10k.count.toLocaleString('en-US')}: open without the KDF <= ${OPEN_GOAL_MS} ms — ${verdict(at10k.openWithoutKdfMs, OPEN_GOAL_MS)} as measured (${at10k.openWithoutKdfMs} ms), ${verdict(goals.openWithoutKdfMs.normalised, OPEN_GOAL_MS)} normalised to an idle machine (${goals.openWithoutKdfMs.normalised} ms = measured × ${IDLE_KDF_MS} ms ÷ this run's KDF); one persist <= ${PERSIST_GOAL_MS} ms — ${verdict(at10k.persistMs, PERSIST_GOAL_MS)} as measured (${at10k.persistMs} ms), ${verdict(goals.persistMs.normalised, PERSIST_GOAL_MS)} normalised (${goals.persistMs.normalised} ms).`,
);
if (!goals.persistMs.met || !goals.openWithoutKdfMs.met) {
  notes.push(
    `What dominates: open is the JSON parse of the whole ${(at10k.fileBytes / 1e6).toFixed(1)} MB file (${at10k.readParseMs} ms) plus one AES-GCM decrypt, JSON parse and freeze per record (${at10k.decryptVerifyMs} ms); persist rewrites the whole file with fsync, rename and directory fsync (only the changed record is sealed again, the rest is copied from cached bytes). A design that meets both at any size: an append-only log of sealed record blobs (persist = append one blob + fsync) compacted in the background, with open decrypting lazily on first access. It was not built in this round: it changes the file format that the rollback guard, the MAC and the .bak/quarantine recovery are defined over.`,
  );
}
const file = writeResults(
  'vault',
  { sizes: results, goals, loadAverage: { before: loadBefore, after: loadAfter }, openWithoutKdfPerKdfAt10k: round(at10k.openWithoutKdfMs / at10k.kdfMs, 2) },
  {
    title: 'Vault open and persist',
    columns: ['Credentials', 'File size', 'Read + parse', 'scrypt KDF', 'Decrypt + verify', 'list()', 'Open without KDF', 'Open with KDF', 'Persist one record', 'First persist after open', 'Open without KDF ÷ KDF'],
    rows: results.map((r) => [
      r.count.toLocaleString('en-US'),
      `${(r.fileBytes / 1e6).toFixed(2)} MB`,
      `${r.readParseMs} ms`,
      `${r.kdfMs} ms`,
      `${r.decryptVerifyMs} ms`,
      `${r.listMs} ms`,
      `${r.openWithoutKdfMs} ms`,
      `${r.openWithKdfMs} ms`,
      `${r.persistMs} ms`,
      `${r.firstPersistMs} ms`,
      `${round(r.openWithoutKdfMs / r.kdfMs, 2)}×`,
    ]),
    notes,
  },
);
console.log(`wrote ${file}`);
