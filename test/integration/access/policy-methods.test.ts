import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARG_SCHEMAS } from '../../../shared/contract.ts';
import { newRecord, nextRevision } from '../../../electron/core/vault/record-validation.ts';
import { startAccessHarness, type AccessHarness } from '../../fixtures/access-harness.ts';

let h: AccessHarness;

beforeAll(async () => {
  h = await startAccessHarness();
  await h.addCredential('github', { methods: ['GET'] });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('a policy naming an unknown method is refused by the owner, whichever face sends it', () => {
  it('the IPC and control-socket argument schemas refuse it before the service sees it', () => {
    expect(ARG_SCHEMAS.setPolicy.safeParse(['github', { methods: ['FETCH'] }]).success).toBe(false);
    expect(ARG_SCHEMAS.setPolicy.safeParse(['github', { methods: ['get', 'post'] }])).toMatchObject({ success: true, data: ['github', { methods: ['GET', 'POST'] }] });
    expect(ARG_SCHEMAS.createAccessKey.safeParse([{ for: ['github'], methods: ['FETCH'] }]).success).toBe(false);
  });

  it('setPolicy, add and createAccessKey refuse it with ERR_INVALID_INPUT and store nothing', async () => {
    await expect(h.service.setPolicy('github', { methods: ['FETCH'] })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    expect((await h.service.get('github')).policy).toEqual({ methods: ['GET'] });
    await expect(h.service.add({ kind: 'static', name: 'fetcher', hosts: ['https://api.example.com'], token: 'tw-canary-fetcher-0123456789', policy: { methods: ['FETCH'] } })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    expect((await h.service.list()).map((s) => s.name)).not.toContain('fetcher');
    const keysBefore = (await h.service.listAccessKeys()).length;
    await expect(h.service.createAccessKey({ for: ['github'], methods: ['FETCH'] })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    expect(await h.service.listAccessKeys()).toHaveLength(keysBefore);
  });

  it('a record an older version stored with such a verb still saves its next revision (a refresh must not fail on it)', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const legacy = newRecord({ kind: 'static', name: 'legacy', hosts: ['https://api.example.com'], authPolicy: 'reject', allowInsecureLoopback: false, policy: { methods: ['GET', 'FETCH'] } }, 'legacy_record_00001', at);
    expect(nextRevision(legacy, { ...legacy, lastUsedAt: at.toISOString() }, at).policy).toEqual({ methods: ['GET', 'FETCH'] });
  });
});
