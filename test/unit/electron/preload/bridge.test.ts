import { describe, expect, it } from 'vitest';
import { API_METHODS, EVENT_CHANNEL } from '../../../../shared/contract.ts';
import { buildBridge } from '../../../../electron/preload/bridge.ts';

describe('preload bridge', () => {
  it('E5 exposes exactly the API methods plus onEvent, frozen, with no channel choice', async () => {
    const invoked: unknown[][] = [];
    const bridge = buildBridge(
      async (channel, ...args) => {
        invoked.push([channel, ...args]);
        return { ok: true, value: null };
      },
      () => () => undefined,
    );
    expect(Object.keys(bridge).sort()).toEqual([...API_METHODS, 'onEvent'].sort());
    expect(Object.isFrozen(bridge)).toBe(true);
    expect('invoke' in bridge || 'send' in bridge || 'ipcRenderer' in bridge).toBe(false);
    await bridge.get('gh');
    await bridge.add({ kind: 'static' });
    expect(invoked).toEqual([['tw:get', 'gh'], ['tw:add', { kind: 'static' }]]);
  });

  it('E5 onEvent subscribes to the single event channel and passes only the payload', () => {
    const subs: string[] = [];
    let deliver: ((p: unknown) => void) | undefined;
    let unsubscribed = false;
    const bridge = buildBridge(
      async () => null,
      (channel, listener) => {
        subs.push(channel);
        deliver = listener;
        return () => (unsubscribed = true);
      },
    );
    const got: unknown[] = [];
    const off = bridge.onEvent((e) => got.push(e));
    deliver?.({ type: 'locked', locked: true });
    off();
    expect(subs).toEqual([EVENT_CHANNEL]);
    expect(got).toEqual([{ type: 'locked', locked: true }]);
    expect(unsubscribed).toBe(true);
    expect(() => bridge.onEvent('x' as never)).toThrow(TypeError);
  });
});
