import { describe, expect, it } from 'vitest';
import { TokenwardenError } from '../../../../../electron/core/base/errors.ts';
import { execEnv, parseExecOutput, runExecSource } from '../../../../../electron/core/oauth/exec-source.ts';

const NODE = JSON.stringify(process.execPath);

async function failure(promise: Promise<unknown>): Promise<TokenwardenError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TokenwardenError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('exec source', () => {
  it('reads a raw token from stdout', async () => {
    expect(await runExecSource(`${NODE} -e "process.stdout.write('raw-token-123\\n')"`)).toEqual({ access_token: 'raw-token-123' });
  });

  it('reads JSON with access_token and expires_in', async () => {
    const out = await runExecSource(`${NODE} -e "console.log(JSON.stringify({access_token:'json-token',expires_in:300}))"`);
    expect(out).toEqual({ access_token: 'json-token', expires_in: 300 });
  });

  it('runs without a shell: metacharacters reach the program as plain arguments', async () => {
    const out = await runExecSource(`${NODE} -e "process.stdout.write(process.argv.slice(1).join('_'))" '$HOME' '|' '&&' '$(id)'`);
    expect(out.access_token).toBe('$HOME_|_&&_$(id)');
  });

  it('maps a non-zero exit to ERR_EXEC_FAILED without quoting stdout or stderr', async () => {
    const err = await failure(runExecSource(`${NODE} -e "console.log('secret-leak-canary'); console.error('secret-leak-canary'); process.exit(3)"`));
    expect(err.code).toBe('ERR_EXEC_FAILED');
    expect(err.message).toContain('exited with code 3');
    expect(err.message).not.toContain('secret-leak-canary');
  });

  it('kills a command that outlives its timeout', async () => {
    const err = await failure(runExecSource(`${NODE} -e "setTimeout(() => {}, 60000)"`, { timeoutMs: 300 }));
    expect(err.code).toBe('ERR_EXEC_FAILED');
    expect(err.message).toContain('timed out');
  });

  it('S7 never hands TOKENWARDEN_PASSPHRASE to the command, from the given env or from ours', async () => {
    const printEnv = `${NODE} -e "process.stdout.write((process.env.TOKENWARDEN_PASSPHRASE ?? 'absent') + '_' + (process.env.TW_KEPT ?? 'lost'))"`;
    const given = await runExecSource(printEnv, { env: { ...process.env, TOKENWARDEN_PASSPHRASE: 'vault-passphrase', TW_KEPT: 'kept' } });
    expect(given.access_token).toBe('absent_kept');
    const saved = process.env.TOKENWARDEN_PASSPHRASE;
    process.env.TOKENWARDEN_PASSPHRASE = 'vault-passphrase';
    try {
      expect((await runExecSource(printEnv)).access_token).toBe('absent_lost');
      expect(execEnv().TOKENWARDEN_PASSPHRASE).toBeUndefined();
      expect(process.env.TOKENWARDEN_PASSPHRASE).toBe('vault-passphrase');
    } finally {
      if (saved === undefined) delete process.env.TOKENWARDEN_PASSPHRASE;
      else process.env.TOKENWARDEN_PASSPHRASE = saved;
    }
  });

  it('reports a missing program', async () => {
    const err = await failure(runExecSource('/nonexistent/tokenwarden-helper --flag'));
    expect(err.code).toBe('ERR_EXEC_FAILED');
    expect(err.message).toContain('was not found');
  });

  it.each(['', '   \n', '{"expires_in": 5}', '{not json', 'two words', '{"access_token":"x","expires_in":"soon"}'])('refuses output %j', (stdout) => {
    expect(() => parseExecOutput(stdout)).toThrow(TokenwardenError);
  });
});
