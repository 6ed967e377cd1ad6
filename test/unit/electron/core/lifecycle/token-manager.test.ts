import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { codeOf } from '../../../../fixtures/idp-errors.ts';
import { harness } from '../../../../fixtures/idp-harness.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A command that appends one line per run to a file, then prints a JSON token numbered by run. */
function countingCommand(): { command: string; runs: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'tw-exec-'));
  dirs.push(dir);
  const file = join(dir, 'runs');
  const script = `const fs=require('fs');fs.appendFileSync(process.argv[1],'x');const n=fs.readFileSync(process.argv[1],'utf8').length;console.log(JSON.stringify({access_token:'exec-token-'+n,expires_in:600}))`;
  return {
    command: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(script)} ${JSON.stringify(file)}`,
    runs: () => {
      try {
        return readFileSync(file, 'utf8').length;
      } catch {
        return 0;
      }
    },
  };
}

describe('static credentials', () => {
  it('serve the stored token, refuse once expired, and rotate only with a replacement', async () => {
    const h = harness();
    const now = h.clock.now();
    h.store.insert({ name: 'pat', kind: 'static', tokens: { accessToken: 'static-1', receivedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString() } });
    expect(await h.manager.ensureFresh('pat')).toBe('static-1');
    expect(await h.manager.ensureFresh('pat', { force: true })).toBe('static-1');
    h.clock.advance(60_000);
    expect(await codeOf(h.manager.ensureFresh('pat'))).toBe('ERR_TOKEN_UNAVAILABLE');
    expect(await codeOf(h.manager.rotate('pat'))).toBe('ERR_INVALID_INPUT');
    await h.manager.rotate('pat', { token: 'static-2' });
    expect(await h.manager.ensureFresh('pat')).toBe('static-2');
    expect(h.counter.calls).toHaveLength(0);
  });

  it('unknown names and a locked store are coded errors', async () => {
    const h = harness();
    expect(await codeOf(h.manager.ensureFresh('nope'))).toBe('ERR_NOT_FOUND');
    h.store.locked = true;
    expect(await codeOf(h.manager.ensureFresh('nope'))).toBe('ERR_LOCKED');
  });

  it('login is not available for non-OAuth credentials', async () => {
    const h = harness();
    h.store.insert({ name: 'pat', kind: 'static', tokens: { accessToken: 'static-1', receivedAt: new Date().toISOString() } });
    expect(await codeOf(h.manager.login('pat'))).toBe('ERR_NOT_AVAILABLE');
  });
});

describe('exec credentials', () => {
  it('R3 run their command once for many concurrent callers, then serve the token until it is due', async () => {
    const h = harness({ execTimeoutMs: 20_000 });
    const cmd = countingCommand();
    h.store.insert({ name: 'cli', kind: 'exec', exec: { command: cmd.command } });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => h.manager.ensureFresh('cli')));
    expect(new Set(tokens)).toEqual(new Set(['exec-token-1']));
    expect(cmd.runs()).toBe(1);
    h.clock.advance(540_000);
    expect(await h.manager.ensureFresh('cli')).toBe('exec-token-2');
    await h.manager.rotate('cli');
    expect(await h.manager.ensureFresh('cli')).toBe('exec-token-3');
    expect(cmd.runs()).toBe(3);
  });

  it('F8 an exec token with expires_in 0 is refreshed 8 s later, not in a 0 ms timer loop', async () => {
    const h = harness();
    const cmd = countingCommand();
    h.store.insert({ name: 'cli', kind: 'exec', exec: { command: cmd.command.replace('expires_in:600', 'expires_in:0') } });
    await h.manager.ensureFresh('cli');
    h.manager.schedule('cli');
    // 10 s minimum lifetime, refreshed 20% (2 s) early.
    expect(h.clock.pendingDelays()).toEqual([8_000]);
    h.manager.stop();
    expect(cmd.runs()).toBe(1);
  });

  it('F8 a stored token with no lifetime left arms its timer at the 1 s minimum, never at 0 ms', () => {
    const h = harness();
    const at = new Date(h.clock.now()).toISOString();
    h.store.insert({ name: 'cli', kind: 'exec', exec: { command: 'unused' }, tokens: { accessToken: 'legacy', receivedAt: at, expiresAt: at } });
    h.manager.schedule('cli');
    expect(h.clock.pendingDelays()).toEqual([1_000]);
    h.manager.stop();
  });

  it('a failing command keeps serving a still-valid token and fails with ERR_EXEC_FAILED once expired', async () => {
    const h = harness();
    const now = h.clock.now();
    h.store.insert({
      name: 'cli',
      kind: 'exec',
      exec: { command: `${JSON.stringify(process.execPath)} -e "process.exit(2)"` },
      tokens: { accessToken: 'still-valid', receivedAt: new Date(now).toISOString(), expiresAt: new Date(now + 100_000).toISOString() },
    });
    h.clock.advance(90_000);
    expect(await h.manager.ensureFresh('cli')).toBe('still-valid');
    expect(await codeOf(h.manager.ensureFresh('cli', { force: true }))).toBe('ERR_EXEC_FAILED');
    h.clock.advance(10_000);
    expect(await codeOf(h.manager.ensureFresh('cli'))).toBe('ERR_EXEC_FAILED');
    expect(h.store.get('cli')!.tokens!.accessToken).toBe('still-valid');
  });
});
