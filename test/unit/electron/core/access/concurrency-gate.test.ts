import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from '../../../../../electron/core/access/concurrency-gate.ts';

function fakeTimers() {
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  return {
    timers,
    setTimer: (fn: () => void, ms: number) => {
      const t = { fn, ms, cancelled: false };
      timers.push(t);
      return { cancel: () => (t.cancelled = true) };
    },
    fire: () => timers.filter((t) => !t.cancelled).forEach((t) => t.fn()),
  };
}

describe('concurrency gate', () => {
  it('grants up to the limit at once, then queues in order and hands the slot over on release', async () => {
    const clock = fakeTimers();
    const gate = new ConcurrencyGate({ limit: 2, setTimer: clock.setTimer });
    const a = gate.acquire('c');
    const b = gate.acquire('c');
    expect(typeof a).toBe('function');
    expect(typeof b).toBe('function');
    const order: string[] = [];
    const c = (gate.acquire('c') as Promise<() => void>).then((r) => (order.push('c'), r));
    const d = (gate.acquire('c') as Promise<() => void>).then((r) => (order.push('d'), r));
    expect(gate.waiting).toBe(2);
    (a as () => void)();
    (a as () => void)(); // a second release is a no-op
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect(gate.active).toBe(2);
    (b as () => void)();
    (await d)();
    releaseC();
    expect(gate.active).toBe(0);
    expect(clock.timers.every((t) => t.cancelled)).toBe(true);
  });

  it('a waiter that is not served within the wait gets ERR_CONCURRENCY naming the rule', async () => {
    const clock = fakeTimers();
    const gate = new ConcurrencyGate({ limit: 1, setTimer: clock.setTimer });
    gate.acquire('Credential "x"');
    const waiting = gate.acquire('Credential "x"') as Promise<() => void>;
    expect(clock.timers[0]!.ms).toBe(5_000);
    clock.fire();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_CONCURRENCY', message: expect.stringContaining('rule: concurrency') });
    expect(gate.waiting).toBe(0);
  });

  it('A1 a waiter whose client left (aborted signal) leaves the queue and never takes the freed slot', async () => {
    const clock = fakeTimers();
    const gate = new ConcurrencyGate({ limit: 1, setTimer: clock.setTimer });
    const release = gate.acquire('c') as () => void;
    const left = new AbortController();
    const waiting = gate.acquire('c', left.signal);
    expect(gate.waiting).toBe(1);
    left.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
    expect(gate.waiting).toBe(0);
    expect(clock.timers.every((t) => t.cancelled)).toBe(true);
    release();
    expect(gate.active).toBe(0);
    expect(typeof gate.acquire('c')).toBe('function');
  });

  it('A1 an already-aborted signal is refused at once without queueing', async () => {
    const gate = new ConcurrencyGate({ limit: 1, setTimer: fakeTimers().setTimer });
    gate.acquire('c');
    await expect(gate.acquire('c', AbortSignal.abort())).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
    expect(gate.waiting).toBe(0);
  });
});
