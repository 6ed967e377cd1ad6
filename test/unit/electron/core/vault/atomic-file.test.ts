import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleTemps, writeFileAtomic } from '../../../../../electron/core/vault/atomic-file.ts';
import { staticCredential, tempHome, unlockedVault } from '../../../../fixtures/vault-helpers.ts';

const cleanups: Array<() => void> = [];
afterAll(() => cleanups.splice(0).forEach((c) => c()));
function dir(): string {
  const t = tempHome('tw-atomic-');
  cleanups.push(t.cleanup);
  mkdirSync(t.home, { recursive: true, mode: 0o700 });
  return t.home;
}

describe('writeFileAtomic', () => {
  it('S4 writes a 0600 file and keeps the previous version as the backup', async () => {
    const d = dir();
    const path = join(d, 'f.json');
    await writeFileAtomic(path, 'one', { backupPath: `${path}.bak` });
    expect(existsSync(`${path}.bak`)).toBe(false);
    await writeFileAtomic(path, 'two', { backupPath: `${path}.bak` });
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readFileSync(`${path}.bak`, 'utf8')).toBe('one');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}.bak`).mode & 0o777).toBe(0o600);
    expect(readdirSync(d).sort()).toEqual(['f.json', 'f.json.bak']);
  });

  it('a failed write leaves the old file and no temp file behind', async () => {
    const d = dir();
    const path = join(d, 'f.json');
    await writeFileAtomic(path, 'old');
    mkdirSync(join(d, 'blocker'));
    // Renaming a file over a directory fails: the target must survive untouched.
    await expect(writeFileAtomic(join(d, 'blocker'), 'new')).rejects.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(d).sort()).toEqual(['blocker', 'f.json']);
  });

  it('removeStaleTemps removes only old temp files of that path', async () => {
    const d = dir();
    const path = join(d, 'vault.json');
    writeFileSync(`${path}.tmp-1-old`, 'x');
    writeFileSync(`${path}.tmp-2-new`, 'x');
    writeFileSync(join(d, 'other.tmp-1-old'), 'x');
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(`${path}.tmp-1-old`, old, old);
    utimesSync(join(d, 'other.tmp-1-old'), old, old);
    expect(await removeStaleTemps(path, 60_000)).toBe(1);
    expect(readdirSync(d).sort()).toEqual(['other.tmp-1-old', 'vault.json.tmp-2-new']);
  });
});

describe('R1 crash safety', () => {
  const WORKERS = 4;
  const ITERATIONS_PER_WORKER = 50;
  const writer = fileURLToPath(new URL('../../../../fixtures/vault-crash-writer.ts', import.meta.url));
  const compileCache = join(dir(), 'compile-cache');

  /** Eight successive real versions of one vault; version i holds token tok_v<i>. */
  async function prepareVersions(home: string): Promise<{ files: string[]; texts: Buffer[] }> {
    const vault = await unlockedVault(home);
    await vault.insert(staticCredential('c', 'tok_v0'));
    const files: string[] = [];
    const texts: Buffer[] = [];
    for (let i = 0; i < 8; i++) {
      if (i > 0) await vault.update('c', (r) => ({ ...r, tokens: { ...r.tokens!, accessToken: `tok_v${i}` } }));
      const text = readFileSync(vault.path);
      const file = join(home, `..`, `version-${i}.json`);
      writeFileSync(file, text);
      files.push(file);
      texts.push(text);
    }
    writeFileSync(vault.path, texts[0]!);
    writeFileSync(`${vault.path}.bak`, texts[0]!);
    return { files, texts };
  }

  interface Writer {
    /** Starts writing at `start`; SIGKILLs the writer at a random point after its first completed write; resolves with the last acknowledged sequence. */
    run(start: number): Promise<number>;
  }

  /** Spawns a writer that loads while the previous one runs, so process start-up is not paid serially. */
  function spawnWriter(path: string, files: string[]): Writer {
    // The compile cache lets 200 children skip TypeScript stripping, halving their start-up CPU.
    const child = spawn(process.execPath, [writer, path, ...files], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_COMPILE_CACHE: compileCache } });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const closed = new Promise<string | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (_code, signal) => resolve(signal));
    });
    return {
      run(start) {
        let armed = false;
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (!armed && out.includes('\n')) {
            armed = true;
            const delay = Math.random() < 0.3 ? 0 : Math.random() * 10;
            setTimeout(() => child.kill('SIGKILL'), delay);
          }
        });
        child.stdin.write(`${start}\n`);
        return closed.then((signal) => {
          if (signal !== 'SIGKILL') throw new Error(`writer exited without being killed: ${err}`);
          const acks = out.split('\n').filter(Boolean).map(Number);
          return acks.at(-1) ?? start - 1;
        });
      },
    };
  }

  it('R1 SIGKILL at random points during writes (>= 200 kills): the file always loads as the old or the new version', async () => {
    const results = await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        const home = dir();
        const { files, texts } = await prepareVersions(home);
        const path = join(home, 'vault.json');
        const indexOf = (buf: Buffer) => texts.findIndex((t) => t.equals(buf));
        let last = 0;
        let next = spawnWriter(path, files);
        for (let i = 0; i < ITERATIONS_PER_WORKER; i++) {
          const current = next;
          const run = current.run(last + 1);
          if (i + 1 < ITERATIONS_PER_WORKER) next = spawnWriter(path, files);
          const acked = await run;
          expect(acked).toBeGreaterThanOrEqual(last + 1);
          const onDisk = indexOf(readFileSync(path));
          // Old = the last acknowledged write; new = the one in flight when the kill landed.
          expect([acked % 8, (acked + 1) % 8]).toContain(onDisk);
          const backup = indexOf(readFileSync(`${path}.bak`));
          expect([onDisk, (onDisk + 7) % 8]).toContain(backup);
          last = onDisk === acked % 8 ? acked : acked + 1;
        }
        const vault = await unlockedVault(home);
        expect(vault.list().map((r) => r.tokens?.accessToken)).toEqual([`tok_v${last % 8}`]);
        expect(vault.warnings()).toEqual([]);
        return ITERATIONS_PER_WORKER;
      }),
    );
    expect(results.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(200);
  }, 300_000); // CPU-bound on 200 node start-ups: ~20-30 s on an idle 2-core machine, minutes when it is shared.
});
