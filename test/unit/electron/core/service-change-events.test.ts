import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppEvent } from '../../../../shared/model.ts';
import { createService } from '../../../../electron/core/create-service.ts';
import type { OwnerApi } from '../../../../electron/core/owner-api.ts';
import { PASSPHRASE, useTempHomes } from '../../../fixtures/vault-helpers.ts';

const home = useTempHomes();
let service: OwnerApi;
let events: AppEvent[];

beforeEach(async () => {
  service = await createService({ home: home(), env: { TOKENWARDEN_PASSPHRASE: PASSPHRASE }, keyring: false, proxy: false });
  events = [];
  service.onEvent((e) => events.push(e));
});

afterEach(async () => {
  vi.useRealTimers();
  await service.close();
});

const EXEC = `${process.execPath} -e "process.stdout.write(JSON.stringify({access_token:'tok_'+Date.now()+'_0123456789',expires_in:3600}))"`;

const changed = () => events.filter((e): e is Extract<AppEvent, { type: 'changed' }> => e.type === 'changed');

describe('changed events come from the store, coalesced', () => {
  it('a refresh written by the TokenManager (not by a service method) still reaches listeners', async () => {
    await service.add({ kind: 'exec', name: 'cmd', hosts: ['https://api.example.com'], command: EXEC });
    await vi.waitFor(() => expect(changed()).toHaveLength(1));
    expect(changed()[0]!.summaries[0]).toMatchObject({ name: 'cmd', tokenTail: null });
    // `token` only reads; the refresh inside it writes through the store.
    const token = await service.token('cmd');
    await vi.waitFor(() => expect(changed()).toHaveLength(2));
    expect(changed()[1]!.summaries[0]).toMatchObject({ name: 'cmd', tokenTail: token.slice(-4) });
  });

  it('a burst of writes becomes one event carrying the final state', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await service.add({ kind: 'static', name: 'api', hosts: ['https://api.example.com'], token: 'tok_0123456789abcdef' });
    await service.update('api', { authPolicy: 'passthrough' });
    await service.update('api', { authPolicy: 'force' });
    expect(changed()).toHaveLength(0);
    vi.runOnlyPendingTimers();
    expect(changed()).toHaveLength(1);
    expect(changed()[0]!.summaries[0]!.authPolicy).toBe('force');
  });
});
