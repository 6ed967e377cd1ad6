import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectControl, createControlApi, type ControlClient } from '../../../../electron/core/control/index.ts';
import { startOwner, type Owner } from '../../../../electron/core/owner.ts';
import type { ChangeRequest, CurrentCredential } from '../../../../electron/main/change-request.ts';
import { changeDetail, createConfirmDialog, type MessageBoxOptionsLike } from '../../../../electron/main/confirm-dialog.ts';
import { setupIpc } from './ipc-harness.ts';

// As the service's `get` reports them (CredentialDetail carries every field the gate reads).
const EXISTING: Record<string, CurrentCredential> = {
  api: {
    hosts: ['https://api.github.com', 'https://uploads.github.com'],
    exec: null,
    authPolicy: 'reject',
    allowInsecureLoopback: false,
    oauth: { scope: 'read:repo' },
    tokenTail: 'wxyz',
  },
  local: { hosts: ['http://127.0.0.1:8080'], exec: null, authPolicy: 'passthrough', allowInsecureLoopback: false, oauth: null, tokenTail: null },
  open: { hosts: ['http://127.0.0.1:9090'], exec: null, authPolicy: 'force', allowInsecureLoopback: true, oauth: null, tokenTail: null },
};

const WIDER_TOKEN = 'ghp_attacker_chosen_token_9f3c';

/** Each widening, the arguments a compromised window sends, and the part of main's dialog request naming it. */
const WIDENINGS: { what: string; method: string; args: unknown[]; shown: Partial<ChangeRequest>; refusal: string }[] = [
  {
    what: 'added OAuth scope words',
    method: 'update',
    args: ['api', { scope: 'read:repo admin:org delete_repo' }],
    shown: { scope: { added: ['admin:org', 'delete_repo'], before: 'read:repo', after: 'read:repo admin:org delete_repo' } },
    refusal: 'Asking the identity provider for more scope',
  },
  {
    what: 'a cleared scope (the IdP then picks its default)',
    method: 'update',
    args: ['api', { scope: '' }],
    shown: { scope: { added: [], before: 'read:repo', after: null } },
    refusal: 'Asking the identity provider for more scope',
  },
  { what: 'reject -> passthrough', method: 'update', args: ['api', { authPolicy: 'passthrough' }], shown: { authPolicy: { next: 'passthrough', previous: 'reject' } }, refusal: 'Loosening the Authorization policy' },
  { what: 'reject -> force', method: 'update', args: ['api', { authPolicy: 'force' }], shown: { authPolicy: { next: 'force', previous: 'reject' } }, refusal: 'Loosening the Authorization policy' },
  { what: 'passthrough -> force', method: 'update', args: ['local', { authPolicy: 'force' }], shown: { authPolicy: { next: 'force', previous: 'passthrough' } }, refusal: 'Loosening the Authorization policy' },
  { what: 'allowing plain http', method: 'update', args: ['local', { allowInsecureLoopback: true }], shown: { plainHttp: { hosts: ['http://127.0.0.1:8080'] } }, refusal: 'Allowing plain http' },
  {
    what: 'a host reorder that changes the first host (the gateway target)',
    method: 'update',
    args: ['api', { hosts: ['https://uploads.github.com', 'https://api.github.com'] }],
    shown: { hosts: { added: [], removed: [], kept: ['https://uploads.github.com', 'https://api.github.com'], gateway: { next: 'https://uploads.github.com', previous: 'https://api.github.com' } } },
    refusal: 'Sending gateway requests to another host',
  },
  { what: 'a rotate carrying a token the window chose', method: 'rotate', args: ['api', { token: WIDER_TOKEN }], shown: { action: 'rotate', token: { tail: '9f3c', previousTail: 'wxyz' } }, refusal: 'Replacing the token with one from the window' },
];

describe('IPC confirmation gate: widening what a token can do (E9)', () => {
  it.each(WIDENINGS)('E9 $what is refused without a dialog adapter and never reaches the service', async ({ method, args, refusal }) => {
    const { call, mutations } = setupIpc(EXISTING, {});
    expect(await call(method, ...args)).toEqual({ ok: false, error: { code: 'ERR_CONFIRMATION_REQUIRED', message: `${refusal} was not confirmed in the system dialog, so nothing changed.` } });
    expect(mutations()).toEqual([]);
  });

  it.each(WIDENINGS)('E9 $what is refused when the dialog is declined or fails, and names the widening in it', async ({ method, args, shown }) => {
    for (const answer of [async () => false, async () => Promise.reject(new Error('no display'))]) {
      const confirmChange = vi.fn((_request: ChangeRequest) => answer());
      const { call, mutations } = setupIpc(EXISTING, { confirm: { confirmChange } });
      expect(await call(method, ...args)).toMatchObject({ ok: false, error: { code: 'ERR_CONFIRMATION_REQUIRED' } });
      expect(mutations()).toEqual([]);
      expect(confirmChange).toHaveBeenCalledTimes(1);
      expect(confirmChange.mock.calls[0]![0]).toEqual({ action: 'update', name: args[0], ...shown });
    }
  });

  it.each(WIDENINGS)('E9 $what reaches the service unchanged once the dialog is confirmed', async ({ method, args }) => {
    const confirmChange = vi.fn(async () => true);
    const { call, mutations } = setupIpc(EXISTING, { confirm: { confirmChange } });
    expect(await call(method, ...args)).toEqual({ ok: true, value: { method } });
    expect(confirmChange).toHaveBeenCalledTimes(1);
    expect(mutations()).toEqual([{ method, args }]);
  });

  it('E9 tightening never asks: fewer scope words, back to reject, passthrough, withdrawing http, the same first host', async () => {
    const confirmChange = vi.fn(async () => false);
    const { call, mutations } = setupIpc(EXISTING, { confirm: { confirmChange } });
    const tightening: [string, unknown][] = [
      ['api', { scope: 'read:repo' }],
      ['api', { scope: '  read:repo  ' }],
      ['local', { authPolicy: 'reject' }],
      ['open', { authPolicy: 'passthrough' }],
      ['open', { authPolicy: 'reject' }],
      ['open', { allowInsecureLoopback: false }],
      ['open', { allowInsecureLoopback: true }],
      ['api', { authPolicy: 'reject', allowInsecureLoopback: false }],
      ['api', { hosts: ['https://api.github.com', 'https://uploads.github.com'] }],
    ];
    for (const [name, patch] of tightening) expect(await call('update', name, patch)).toMatchObject({ ok: true });
    expect(await call('rotate', 'api')).toMatchObject({ ok: true });
    expect(await call('rotate', 'api', {})).toMatchObject({ ok: true });
    expect(confirmChange).not.toHaveBeenCalled();
    expect(mutations()).toHaveLength(tightening.length + 2);
  });

  it('E9 a scope for a credential that is not OAuth is ignored by the service, so nothing is asked; an unknown one is left to the service', async () => {
    const confirmChange = vi.fn(async () => false);
    const { call } = setupIpc(EXISTING, { confirm: { confirmChange } });
    expect(await call('update', 'local', { scope: 'admin:org' })).toMatchObject({ ok: true });
    expect(await call('rotate', 'missing', { token: WIDER_TOKEN })).toMatchObject({ ok: true });
    expect(confirmChange).not.toHaveBeenCalled();
  });

  it('E9 a caller that reports no auth policy, http consent or scope is asked, never waved through', async () => {
    const confirmChange = vi.fn(async () => false);
    const { call } = setupIpc({ bare: { hosts: ['https://api.example.com'], exec: null } }, { confirm: { confirmChange } });
    expect(await call('update', 'bare', { authPolicy: 'force', allowInsecureLoopback: true, scope: 'read' })).toMatchObject({ ok: false, error: { code: 'ERR_CONFIRMATION_REQUIRED' } });
    expect(confirmChange).toHaveBeenCalledWith({
      action: 'update',
      name: 'bare',
      scope: { added: ['read'], before: null, after: 'read' },
      authPolicy: { next: 'force', previous: 'reject' },
      plainHttp: { hosts: [] },
    });
  });
});

describe('main\'s dialog for a widened token (E9)', () => {
  const shownFor = async (request: ChangeRequest) => {
    const shown: MessageBoxOptionsLike[] = [];
    const dialog = { showMessageBox: async (a: unknown, b?: MessageBoxOptionsLike) => (shown.push(b ?? (a as MessageBoxOptionsLike)), { response: 0 }) };
    expect(await createConfirmDialog({ dialog, window: () => null }).confirmChange(request)).toBe(false);
    return shown[0]!;
  };

  it('E9 lists each added scope word with the scope before and after', async () => {
    const options = await shownFor({ action: 'update', name: 'api', ...WIDENINGS[0]!.shown });
    expect(options.message).toBe('Ask for more OAuth scope for "api"?');
    expect(options.detail).toContain('refresh or login:\n  + admin:org\n  + delete_repo\n  Before: read:repo\n  After:  read:repo admin:org delete_repo');
    expect(changeDetail({ action: 'update', name: 'api', scope: { added: [], before: 'read:repo', after: null } })).toContain(
      "  + whatever the identity provider grants by default\n  Before: read:repo\n  After:  none: the identity provider's default",
    );
  });

  it('E9 names a loosened Authorization policy, plain http and a new gateway target', async () => {
    const policy = await shownFor({ action: 'update', name: 'api', authPolicy: { next: 'force', previous: 'reject' } });
    expect(policy.message).toBe('Loosen the Authorization policy of "api"?');
    expect(policy.detail).toContain('  Before: reject (such a request is refused)\n  After:  force (it goes upstream with this token in place of its header)');
    const http = await shownFor({ action: 'update', name: 'local', plainHttp: { hosts: ['http://127.0.0.1:8080'] } });
    expect(http.message).toBe('Allow plain http for "local"?');
    expect(http.detail).toContain('Plain http (unencrypted) allowed to loopback hosts and a loopback identity provider:\n    http://127.0.0.1:8080');
    const gateway = await shownFor({ action: 'update', name: 'api', ...WIDENINGS[6]!.shown });
    expect(gateway.message).toBe('Change where gateway requests for "api" go?');
    expect(gateway.detail).toContain('Gateway requests (/api/…) then go to https://uploads.github.com (was https://api.github.com).');
  });

  it('E9 a window-supplied token shows only its last 4 characters, with the Replace button', async () => {
    const options = await shownFor({ action: 'rotate', name: 'api', token: { tail: '9f3c', previousTail: 'wxyz' } });
    expect(options.message).toBe('Replace the token of "api" with one the window supplied?');
    expect(options.buttons).toEqual(['Cancel', 'Replace']);
    expect(options).toMatchObject({ defaultId: 0, cancelId: 0 });
    expect(options.detail).toContain('  New:      …9f3c\n  Replaces: …wxyz');
    expect(options.detail).not.toContain(WIDER_TOKEN.slice(0, -4));
  });
});

describe('the CLI is not gated (E9): the control socket is the user\'s own terminal', () => {
  let home: string;
  let owner: Owner;
  let client: ControlClient;

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'twe9-'));
    const env = { TOKENWARDEN_HOME: home, TOKENWARDEN_PASSPHRASE: 'e9 cli passphrase' };
    owner = await startOwner({ role: 'app', home, env, keyring: false, proxy: false });
    await owner.service.add({ kind: 'oauth', name: 'api', hosts: ['https://api.github.com', 'https://uploads.github.com'], issuer: 'https://idp.example.com', clientId: 'cli', grant: 'device', scope: 'read:repo' });
    await owner.service.add({ kind: 'static', name: 'pasted', hosts: ['https://api.example.com'], token: 'tok_before_rotate_1234' });
    client = await connectControl(owner.socketPath);
  });
  afterAll(async () => {
    client?.close();
    await owner?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('E9 every widening the window must confirm goes straight through over the control socket', async () => {
    const api = createControlApi(client);
    await api.update('api', { scope: 'read:repo admin:org delete_repo', authPolicy: 'force', allowInsecureLoopback: true, hosts: ['https://uploads.github.com', 'https://api.github.com'] });
    await api.rotate('pasted', { token: WIDER_TOKEN });
    const after = await owner.service.get('api');
    expect(after).toMatchObject({ authPolicy: 'force', allowInsecureLoopback: true, hosts: ['https://uploads.github.com', 'https://api.github.com'], oauth: { scope: 'read:repo admin:org delete_repo' } });
    expect((await owner.service.get('pasted')).tokenTail).toBe('9f3c');
  });
});
