/**
 * `tkw add` reports a mistake at add time, in the user's terms, through the real binary: an issuer that does not
 * load, an http issuer, an IdP's refusal in its own words, a wildcard or empty input; and it says the next command
 * as the user typed it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../shared/errors.ts';
import { MESSAGES } from '../../../shared/human-messages.ts';
import { BIN, type CliEnv, type CliResult } from '../../fixtures/cli-run.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET, PUBLIC_CLIENT, startIdp, type IdpFixture } from '../../fixtures/idp-provider.ts';

const { setup, daemon } = useCliHomes();
const BROWSER_SCRIPT = join(import.meta.dirname, '../../fixtures/browser-login.ts');
const WRONG_SECRET = 'not-the-registered-secret-9876543210';
const CHECK = 'check the client id and client secret registered at the identity provider';
const LOOP = ['--host', 'http://127.0.0.1:9', '--allow-insecure-loopback'];

let idp: IdpFixture;
beforeAll(async () => {
  idp = await startIdp();
});
afterAll(async () => {
  await idp?.close();
});

const fails = (result: CliResult, code: Parameters<typeof exitCodeFor>[0]) => {
  expect(result.code, result.stderr).toBe(exitCodeFor(code));
  expect(result.stderr).toMatch(new RegExp(`^tokenwarden: [^\\n]+ \\(${code}\\)\\n$`));
};

async function notStored(cli: CliEnv, name: string): Promise<void> {
  expect((await cli.run(['show', name])).code).toBe(exitCodeFor('ERR_NOT_FOUND'));
}

/** A bare metadata server: an OAuth IdP that offers the auth-code grant and no device endpoint. */
async function startAuthCodeOnlyIdp(): Promise<{ issuer: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url !== '/.well-known/openid-configuration') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('O4 add checks the issuer now', () => {
  it('O4 a typo\'d issuer fails at add with the discovery URL it tried, and nothing is stored', async () => {
    const cli = setup();
    const result = await cli.run(['add', 'corp', ...LOOP, '--issuer', `${idp.issuer}/typo`, '--client-id', PUBLIC_CLIENT, '--grant', 'device']);
    fails(result, 'ERR_IDP');
    expect(result.stderr).toContain(`Discovery failed at ${idp.issuer}/typo/.well-known/openid-configuration: identity provider answered 404; check the issuer URL.`);
    await notStored(cli, 'corp');
  });

  it('O4 a reachable issuer passes, and --no-verify adds a device or auth-code credential offline', async () => {
    const cli = setup();
    const online = await cli.run(['add', 'dev', ...LOOP, '--issuer', idp.issuer, '--client-id', PUBLIC_CLIENT, '--grant', 'device']);
    expect(online.code, online.stderr).toBe(0);
    const offline = ['--issuer', 'https://127.0.0.1:1', '--client-id', 'c'];
    for (const grant of ['device', 'auth-code']) {
      fails(await cli.run(['add', `off-${grant}`, ...LOOP, ...offline, '--grant', grant]), 'ERR_IDP');
      const added = await cli.run(['add', `off-${grant}`, ...LOOP, ...offline, '--grant', grant, '--no-verify']);
      expect(added.code, added.stderr).toBe(0);
    }
  });

  it('O4 --no-verify is refused for client credentials, which get their first token at add', async () => {
    const cli = setup();
    const result = await cli.run(['add', 'bot', ...LOOP, '--issuer', idp.issuer, '--client-id', CONFIDENTIAL_CLIENT, '--client-secret-stdin', '--grant', 'client-credentials', '--no-verify'], { input: `${CONFIDENTIAL_SECRET}\n` });
    fails(result, 'ERR_USAGE');
    expect(result.stderr).toContain('--no-verify is for the device and auth-code grants');
    await notStored(cli, 'bot');
  });

  it('O4 an IdP without a device endpoint is refused for --grant device, with the grant it does offer', async () => {
    const cli = setup();
    const bare = await startAuthCodeOnlyIdp();
    try {
      const result = await cli.run(['add', 'tv', ...LOOP, '--issuer', bare.issuer, '--client-id', 'c', '--grant', 'device']);
      fails(result, 'ERR_INVALID_INPUT');
      expect(result.stderr).toContain(`The identity provider at ${bare.issuer} lists no device_authorization_endpoint, so it does not offer --grant device; try --grant auth-code.`);
      expect((await cli.run(['add', 'web', ...LOOP, '--issuer', bare.issuer, '--client-id', 'c', '--grant', 'auth-code'])).code).toBe(0);
    } finally {
      await bare.close();
    }
  });

  it('O4 P5 an http issuer is refused at add for device and auth-code unless it is loopback with --allow-insecure-loopback', async () => {
    const cli = setup();
    for (const grant of ['device', 'auth-code']) {
      for (const verify of [[], ['--no-verify']]) {
        const loopback = await cli.run(['add', 'x', '--host', 'https://api.example.com', '--issuer', idp.issuer, '--client-id', PUBLIC_CLIENT, '--grant', grant, ...verify]);
        fails(loopback, 'ERR_INVALID_INPUT');
        expect(loopback.stderr).toBe(`tokenwarden: ${MESSAGES.plainHttpIssuerLoopback(idp.issuer)} (ERR_INVALID_INPUT)\n`);
        const remote = await cli.run(['add', 'x', '--host', 'https://api.example.com', '--allow-insecure-loopback', '--issuer', 'http://login.example.com', '--client-id', 'c', '--grant', grant, ...verify]);
        expect(remote.stderr).toBe(`tokenwarden: ${MESSAGES.plainHttpIssuerRemote('http://login.example.com')} (ERR_INVALID_INPUT)\n`);
      }
    }
    await notStored(cli, 'x');
  });
});

describe('OAuth refusals name the IdP\'s error and what to check', () => {
  it('a wrong client secret or an unknown client id fails add with invalid_client, and nothing is stored', async () => {
    const cli = setup();
    for (const clientId of [CONFIDENTIAL_CLIENT, 'no-such-client']) {
      const result = await cli.run(['add', 'bot', ...LOOP, '--issuer', idp.issuer, '--client-id', clientId, '--client-secret-stdin', '--grant', 'client-credentials'], { input: `${WRONG_SECRET}\n` });
      fails(result, 'ERR_IDP');
      expect(result.stderr).toContain('identity provider refused: invalid_client (client authentication failed)');
      expect(result.stderr).toContain(CHECK);
      expect(result.stderr).not.toMatch(/WWW-Authenticate|challenge/);
      expect(result.stderr).not.toContain(WRONG_SECRET);
      await notStored(cli, 'bot');
    }
  });

  it('a refresh-token import with a wrong secret fails add with invalid_client from the refresh request', async () => {
    const cli = setup();
    const input = `${WRONG_SECRET}\n${await idp.mintRefreshToken()}\n`;
    const result = await cli.run(['add', 'rt', ...LOOP, '--issuer', idp.issuer, '--client-id', CONFIDENTIAL_CLIENT, '--client-secret-stdin', '--refresh-token-stdin', '--grant', 'refresh-token'], { input });
    fails(result, 'ERR_IDP');
    expect(result.stderr).toContain(`invalid_client (client authentication failed); ${CHECK}`);
  });

  it('O1 an auth-code login with a wrong secret ends with invalid_client from the code exchange; a device login with an unknown client too', async () => {
    const cli = setup();
    const logFile = join(cli.home, 'browser.log');
    writeFileSync(logFile, '');
    const browserEnv = { BROWSER: `${process.execPath} ${BROWSER_SCRIPT}`, TKW_BROWSER_LOG: logFile };
    const added = await cli.run(['add', 'web', ...LOOP, '--issuer', idp.issuer, '--client-id', CONFIDENTIAL_CLIENT, '--client-secret-stdin', '--grant', 'auth-code', '--scope', 'openid'], { input: `${WRONG_SECRET}\n` });
    expect(added.code, added.stderr).toBe(0);
    const login = await cli.run(['login', 'web'], { env: browserEnv });
    expect(JSON.parse(readFileSync(logFile, 'utf8').trim().split('\n')[0]!)).toMatchObject({ callbackStatus: 200 });
    // Above the error line: the URL it opened and the wait; the error is the last line.
    expect(login.code).toBe(exitCodeFor('ERR_IDP'));
    expect(login.stderr.trimEnd().split('\n').at(-1)).toBe(`tokenwarden: Login failed: identity provider refused: invalid_client (client authentication failed); ${CHECK}. (ERR_IDP)`);

    expect((await cli.run(['add', 'tv', ...LOOP, '--issuer', idp.issuer, '--client-id', 'no-such-device-client', '--grant', 'device'])).code).toBe(0);
    const device = await cli.run(['login', 'tv']);
    fails(device, 'ERR_IDP');
    expect(device.stderr).toContain(`Login failed: identity provider refused: invalid_client`);
    expect(device.stderr).toContain(CHECK);
  }, 120_000);
});

describe('what add says and refuses', () => {
  it('"Next:" names the command as it was typed: tkw when invoked as tkw, tokenwarden otherwise', async () => {
    const cli = setup();
    const bin = join(cli.home, 'bin');
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'tkw'));
    const args = ['add', 'n1', ...LOOP, '--issuer', 'https://127.0.0.1:1', '--client-id', 'c', '--grant', 'device', '--no-verify'];
    const child = spawn(process.execPath, [join(bin, 'tkw'), ...args], { env: cli.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(0);
    expect(stdout).toContain('Next: tkw login n1\n');
    const long = await cli.run(args.map((a) => (a === 'n1' ? 'n2' : a)));
    expect(long.stdout).toContain('Next: tokenwarden login n2\n');
  });

  it('an empty piped token gets one reason, with the hint that the variable may be unset', async () => {
    const cli = setup();
    const result = await cli.run(['add', 'x', '--host', 'https://api.example.com', '--token-stdin'], { input: '\n' });
    expect(result.stderr).toBe(`tokenwarden: ${MESSAGES.tokenEmptyPiped} (ERR_INVALID_INPUT)\n`);
    expect(result.stderr).not.toContain(MESSAGES.tokenNotPrintable);
  });

  it('P5 a wildcard host is refused by add and update with ERR_INVALID_INPUT: the proxy matches exact origins only', async () => {
    const cli = setup();
    const added = await cli.run(['add', 'wild', '--host', 'https://*.example.com', '--token-stdin'], { input: 'tok_abcdef123' });
    expect(added.stderr).toBe(`tokenwarden: ${MESSAGES.hostWildcard('https://*.example.com')} (ERR_INVALID_INPUT)\n`);
    expect(added.stderr).toContain('wildcards are not supported');
    expect((await cli.run(['add', 'exact', '--host', 'https://api.example.com', '--token-stdin'], { input: 'tok_abcdef123' })).code).toBe(0);
    const updated = await cli.run(['update', 'exact', '--host', 'https://api.example.com', 'https://*.example.com']);
    expect(updated.stderr).toBe(`tokenwarden: ${MESSAGES.hostWildcard('https://*.example.com')} (ERR_INVALID_INPUT)\n`);
  });

  it('add --help lists the credential flags first, then OAuth, then policy; describes extra; ends with examples', async () => {
    const cli = setup();
    const help = (await cli.run(['add', '--help'])).stdout;
    const at = (text: string) => help.indexOf(text);
    expect(at('Credential options:')).toBeGreaterThan(0);
    expect(at('--host <origin...>')).toBeGreaterThan(at('Credential options:'));
    expect(at('OAuth options')).toBeGreaterThan(at('--allow-insecure-loopback'));
    expect(at('--issuer <url>')).toBeGreaterThan(at('OAuth options'));
    expect(at('Policy options')).toBeGreaterThan(at('--no-verify'));
    expect(at('--methods <list>')).toBeGreaterThan(at('Policy options'));
    expect(help).toMatch(/^ {2}extra +refused: a token is never taken as an argument/m);
    expect(help).toMatch(/\nExamples:\n[\s\S]*\| tkw add github --host https:\/\/api\.github\.com --token-stdin[\s\S]*--grant auth-code/);
  });
});

describe('with a daemon', () => {
  it('P11 binding only plain-http hosts neither re-issues the CA nor warns; an https host warns, naming only the https host', async () => {
    const cli = setup();
    await daemon(cli);
    expect((await cli.run(['add', 'first', '--host', 'https://one.example', '--token-stdin'], { input: 'tok_first_123456' })).code).toBe(0);
    const path = (await cli.run(['ca', '--path'])).stdout.trim();
    const pem = readFileSync(path, 'utf8');
    const plain = await cli.run(['add', 'local', '--host', 'http://127.0.0.1:8080', '--allow-insecure-loopback', '--token-stdin'], { input: 'tok_local_123456' });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toBe('');
    expect((await cli.run(['ca', '--pem'])).stdout).toBe(pem);
    const moved = await cli.run(['update', 'local', '--host', 'http://127.0.0.1:8081']);
    expect(moved.stderr).toBe('');
    const mixed = await cli.run(['add', 'mixed', '--host', 'http://127.0.0.1:8082', 'https://two.example', '--allow-insecure-loopback', '--token-stdin'], { input: 'tok_mixed_123456' });
    expect(mixed.stderr).toContain(MESSAGES.caReissued('https://two.example'));
  });
});
