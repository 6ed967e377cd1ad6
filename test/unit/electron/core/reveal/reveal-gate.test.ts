import { describe, expect, it, vi } from 'vitest';
import { createRevealGate, REVEAL_GRANT_MS, type RevealDecision, type RevealRequest } from '../../../../../electron/core/reveal/reveal-gate.ts';

const curl = { description: 'curl (pid 42)', key: 'control:42:100' };
const req = (name = 'gh', caller = curl): RevealRequest => ({ method: 'token', name, caller });

function gate(answers: RevealDecision[], enabled = true) {
  let t = 1_000_000;
  const approveReveal = vi.fn(async () => answers.shift() ?? 'deny');
  const g = createRevealGate({ approver: { approveReveal }, enabled: () => enabled, now: () => t });
  return { g, approveReveal, advance: (ms: number) => (t += ms) };
}

describe('reveal gate ("Ask before revealing a token")', () => {
  it('asks nobody while the setting is off', async () => {
    const { g, approveReveal } = gate([], false);
    await g.check(req());
    expect(approveReveal).not.toHaveBeenCalled();
  });

  it('a denial rejects with ERR_DENIED and a message without secrets', async () => {
    const { g } = gate(['deny']);
    await expect(g.check(req())).rejects.toMatchObject({ code: 'ERR_DENIED', message: 'Revealing the token of "gh" was denied in the desktop app.' });
  });

  it('"Allow once" covers one call only', async () => {
    const { g, approveReveal } = gate(['once', 'deny']);
    await g.check(req());
    await expect(g.check(req())).rejects.toMatchObject({ code: 'ERR_DENIED' });
    expect(approveReveal).toHaveBeenCalledTimes(2);
  });

  it('"Allow for 10 minutes" covers the same caller and credential until the grant expires', async () => {
    const { g, approveReveal, advance } = gate(['ten-minutes', 'deny', 'deny', 'deny']);
    await g.check(req());
    advance(REVEAL_GRANT_MS - 1);
    await g.check(req());
    expect(approveReveal).toHaveBeenCalledTimes(1);
    // Another credential, and another process, are asked about separately.
    await expect(g.check(req('other'))).rejects.toMatchObject({ code: 'ERR_DENIED' });
    await expect(g.check(req('gh', { description: 'python3 (pid 43)', key: 'control:43:7' }))).rejects.toMatchObject({ code: 'ERR_DENIED' });
    advance(1);
    await expect(g.check(req())).rejects.toMatchObject({ code: 'ERR_DENIED' });
    expect(approveReveal).toHaveBeenCalledTimes(4);
  });

  it('shows one dialog at a time, and a 10-minute grant answers the queued calls from the same caller', async () => {
    let release: (d: RevealDecision) => void = () => undefined;
    const approveReveal = vi.fn(() => new Promise<RevealDecision>((resolve) => (release = resolve)));
    const g = createRevealGate({ approver: { approveReveal }, enabled: () => true });
    const all = Promise.all([g.check(req()), g.check(req()), g.check(req())]);
    await vi.waitFor(() => expect(approveReveal).toHaveBeenCalledTimes(1));
    release('ten-minutes');
    await all;
    expect(approveReveal).toHaveBeenCalledTimes(1);
  });

  it('a dialog that fails counts as a denial', async () => {
    const g = createRevealGate({ approver: { approveReveal: async () => Promise.reject(new Error('no display')) }, enabled: () => true });
    await expect(g.check(req())).rejects.toMatchObject({ code: 'ERR_DENIED' });
  });
});
