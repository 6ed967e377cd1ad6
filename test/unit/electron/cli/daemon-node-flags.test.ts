import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '../../../../electron/cli/daemon-node-flags.ts';

describe('daemon Node flags', () => {
  it('the tkw shebang sets exactly DAEMON_ENV and DAEMON_NODE_FLAGS, so `tkw daemon --foreground` runs like `tkw daemon start`', () => {
    const first = readFileSync(new URL('../../../../bin/tokenwarden.js', import.meta.url), 'utf8').split('\n')[0];
    const env = Object.entries(DAEMON_ENV).map(([k, v]) => `${k}=${v}`);
    expect(first).toBe(`#!/usr/bin/env -S ${[...env, 'node', ...DAEMON_NODE_FLAGS].join(' ')}`);
  });

  it('every flag is one Node option (a typo would stop the daemon from starting)', () => {
    for (const flag of DAEMON_NODE_FLAGS) expect(process.allowedNodeEnvironmentFlags.has(flag.split('=')[0]!)).toBe(true);
  });
});
