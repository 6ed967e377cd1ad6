import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShowOutput } from '../../../shared/model.ts';
import { cliEnv, startDaemon, type CliEnv } from '../../fixtures/cli-run.ts';
import { spawnCli } from '../../fixtures/cli-spawn.ts';
import { PUBLIC_CLIENT, startIdp, type IdpFixture } from '../../fixtures/idp-provider.ts';

const BROWSER_SCRIPT = join(import.meta.dirname, '../../fixtures/browser-login.ts');

let idp: IdpFixture;
let cli: CliEnv;
let logFile: string;
/** Only the CLI gets a browser: the daemon never has one, so a login that works proves the CLI opened it. */
let browserEnv: NodeJS.ProcessEnv;

interface BrowserVisit {
  opened: string;
  callback?: string;
  callbackStatus?: number;
  callbackBody?: string;
  wrongStateStatus?: number;
  error?: string;
}

function visits(): BrowserVisit[] {
  return readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as BrowserVisit);
}

beforeAll(async () => {
  idp = await startIdp();
  cli = cliEnv();
  logFile = join(cli.home, 'browser.log');
  writeFileSync(logFile, '');
  browserEnv = { BROWSER: `${process.execPath} ${BROWSER_SCRIPT}`, TKW_BROWSER_LOG: logFile };
  for (const [name, grant] of [['web', 'auth-code'], ['dev', 'device']] as const) {
    const added = await cli.run(['add', name, '--host', 'http://127.0.0.1:9', '--allow-insecure-loopback', '--issuer', idp.issuer, '--client-id', PUBLIC_CLIENT, '--grant', grant, '--scope', 'openid offline_access']);
    expect(added).toMatchObject({ code: 0 });
  }
});

afterAll(async () => {
  await idp?.close();
  cli?.cleanup();
});

async function expectLiveToken(): Promise<void> {
  const token = await cli.run(['token', 'web']);
  expect(token.code).toBe(0);
  expect((await idp.introspect(token.stdout.trim())).active).toBe(true);
}

describe('tkw login with the authorization code flow, from the CLI', () => {
  it('show prints the exact redirect URI to register: the IP literal and a stable path, no port', async () => {
    const detail = ShowOutput.parse(JSON.parse((await cli.run(['show', 'web', '--json'])).stdout));
    const client = await idp.provider.Client.find(PUBLIC_CLIENT);
    expect(client!.redirectUris).toHaveLength(1);
    expect(detail.oauth?.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1\/callback\/[\w-]+$/);
    expect(detail.oauth?.redirectUri).toBe(client!.redirectUris[0]);
    expect((await cli.run(['show', 'web'])).stdout).toContain(`redirect URI  ${detail.oauth?.redirectUri}`);
  });

  it('O1 O2 without a daemon: opens $BROWSER, prints the URL, refuses a forged state with 400 and completes with the real one', async () => {
    const first = await cli.run(['login', 'web'], { env: { ...browserEnv, TKW_BROWSER_PROBE: 'wrong-state' } });
    expect(first.stderr).toContain('Opened it with $BROWSER');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/^Logged in: web is valid/);
    const [visit] = visits();
    expect(visit).toMatchObject({ wrongStateStatus: 400, callbackStatus: 200 });
    expect(visit!.callbackBody).toContain('return to Tokenwarden');
    expect(first.stderr).toContain(visit!.opened);
    await expectLiveToken();

    const second = await cli.run(['login', 'web'], { env: browserEnv });
    expect(second.code).toBe(0);
    const [a, b] = visits().map((v) => new URL(v.opened).searchParams);
    // A fresh state, nonce and PKCE verifier per login; the path stays, only the port moves (RFC 8252 §7.3).
    for (const key of ['state', 'nonce', 'code_challenge']) expect(a!.get(key)).not.toBe(b!.get(key));
    expect(new URL(a!.get('redirect_uri')!).pathname).toBe(new URL(b!.get('redirect_uri')!).pathname);
    expect(a!.get('code_challenge_method')).toBe('S256');
  }, 180_000);

  it('O2 with a daemon: the CLI opens the browser for the URL the owner hands back, and the daemon stores the tokens', async () => {
    const daemon = await startDaemon(cli);
    try {
      const before = visits().length;
      const login = await cli.run(['login', 'web'], { env: browserEnv });
      expect(login.stderr).toContain('Opened it with $BROWSER');
      expect(login).toMatchObject({ code: 0 });
      expect(visits()[before]).toMatchObject({ callbackStatus: 200 });
      await expectLiveToken();
    } finally {
      await daemon.stop();
    }
  }, 180_000);

  it('--no-browser only prints the URL; pasting the address the browser ended on completes the login (SSH)', async () => {
    const live = spawnCli(cli, ['login', 'web', '--no-browser'], browserEnv);
    const [, url] = await live.waitFor(/^ {2}(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m);
    expect(live.stderr()).not.toContain('Opened it');
    // The "browser on the laptop": it logs in but stops where 127.0.0.1 would not load.
    const { spawn } = await import('node:child_process');
    const browser = spawn(process.execPath, [BROWSER_SCRIPT, url!], { env: { ...process.env, TKW_BROWSER_LOG: logFile, TKW_BROWSER_PROBE: 'stop' }, stdio: 'ignore' });
    await new Promise((resolve) => browser.once('exit', resolve));
    const callback = visits().at(-1)!.callback!;
    expect(callback).toContain('code=');
    // stdin is not a terminal here, so no paste prompt runs: deliver as the paste handler would, over loopback.
    expect((await fetch(callback)).status).toBe(200);
    expect(await live.exit()).toMatchObject({ code: 0 });
    expect(live.stdout()).toMatch(/^Logged in: web/);
  }, 180_000);

  it('Ctrl-C cancels a browser login with ERR_CANCELLED and closes the redirect listener, without and with a daemon', async () => {
    for (const withDaemon of [false, true]) {
      const daemon = withDaemon ? await startDaemon(cli) : undefined;
      try {
        const live = spawnCli(cli, ['login', 'web', '--no-browser']);
        const [, url] = await live.waitFor(/^ {2}(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m);
        const redirect = new URL(new URL(url!).searchParams.get('redirect_uri')!);
        live.child.kill('SIGINT');
        const exit = await live.exit();
        expect(exit.code).toBe(24);
        expect(live.stderr()).toMatch(/cancelled.*\(ERR_CANCELLED\)/);
        // The owner (this CLI, or the daemon once the connection closed) stopped listening.
        await expect.poll(async () => fetch(`${redirect.href}?state=x`).then(() => 'open', () => 'closed'), { timeout: 10_000 }).toBe('closed');
      } finally {
        await daemon?.stop();
      }
    }
  }, 180_000);

  it('Ctrl-C cancels a device-code login too', async () => {
    const live = spawnCli(cli, ['login', 'dev']);
    await live.waitFor(/enter the code: {2}\S+/);
    live.child.kill('SIGINT');
    expect((await live.exit()).code).toBe(24);
  }, 180_000);
});
