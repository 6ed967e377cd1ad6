import { describe, expect, it } from 'vitest';
import { newKey } from '../../../../../../electron/core/vault/envelope.ts';
import {
  DEFAULT_SCRYPT,
  createPassphraseSlot,
  unwrapPassphraseSlot,
} from '../../../../../../electron/core/vault/keyslots/passphrase-keyslot.ts';
import { FAST_SCRYPT } from '../../../../../fixtures/vault-helpers.ts';

const VAULT = 'vault-id-0123456789';

describe('passphrase keyslot', () => {
  it('stores scrypt parameters and a salt in the slot and unwraps the DEK', async () => {
    const dek = newKey();
    const slot = await createPassphraseSlot(dek, 'pw', VAULT, FAST_SCRYPT);
    expect(slot.kdf).toMatchObject({ name: 'scrypt', ...FAST_SCRYPT });
    expect(Buffer.from(slot.kdf.salt, 'base64')).toHaveLength(16);
    expect((await unwrapPassphraseSlot(slot, 'pw', VAULT)).equals(dek)).toBe(true);
  });

  it('defaults to N=2^15, r=8, p=1', () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 32768, r: 8, p: 1 });
  });

  it('wrong passphrase -> ERR_BAD_PASSPHRASE; the message does not echo it', async () => {
    const slot = await createPassphraseSlot(newKey(), 'right', VAULT, FAST_SCRYPT);
    const err = await unwrapPassphraseSlot(slot, 'wrong-guess', VAULT).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_BAD_PASSPHRASE' });
    expect((err as Error).message).not.toContain('wrong-guess');
  });

  it('a slot copied into another vault does not unwrap there (AAD binds the vault id)', async () => {
    const slot = await createPassphraseSlot(newKey(), 'pw', VAULT, FAST_SCRYPT);
    await expect(unwrapPassphraseSlot(slot, 'pw', 'other-vault-0123456')).rejects.toMatchObject({ code: 'ERR_BAD_PASSPHRASE' });
  });

  it('refuses absurd stored parameters instead of allocating gigabytes', async () => {
    const slot = await createPassphraseSlot(newKey(), 'pw', VAULT, FAST_SCRYPT);
    for (const kdf of [{ N: 2 ** 24 }, { N: 1000 }, { r: 0 }, { p: 64 }]) {
      await expect(unwrapPassphraseSlot({ ...slot, kdf: { ...slot.kdf, ...kdf } }, 'pw', VAULT)).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED_FORMAT',
      });
    }
  });

  it('rejects an empty passphrase', async () => {
    await expect(createPassphraseSlot(newKey(), '', VAULT, FAST_SCRYPT)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
  });
});
