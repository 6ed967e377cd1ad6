import { describe, expect, it } from 'vitest';
import { newKey } from '../../../../../electron/core/vault/envelope.ts';
import { applyChanges, createVaultFile } from '../../../../../electron/core/vault/vault-codec.ts';
import { FragmentCache, deriveMacKey, encodeVaultFile, parseVaultFile, serializeVaultFile, type VaultFile } from '../../../../../electron/core/vault/vault-file.ts';

function sample(): VaultFile {
  const dek = newKey();
  const macKey = deriveMacKey(dek, 'vault-id-0123456789');
  const empty = createVaultFile('vault-id-0123456789', dek, macKey, [{ kind: 'safe-storage', wrapped: 'AAAA' }]);
  return applyChanges(
    empty,
    { secrets: new Map([['proxy-ca', '{"pem":"-----BEGIN\\n"}']]) },
    dek,
    macKey,
  );
}

describe('vault file format', () => {
  it('encodes to JSON that parses back to the same file, with and without a warm fragment cache', () => {
    const file = { ...sample(), records: { 'record-id-0000000001': 'QUJD', 'record-id-0000000002': 'REVG' } };
    const cache = new FragmentCache();
    const cold = encodeVaultFile(file, cache);
    const warm = encodeVaultFile(file, cache);
    expect(warm.equals(cold)).toBe(true);
    expect(JSON.parse(cold.toString('utf8'))).toEqual(file);
    expect(parseVaultFile(serializeVaultFile(file))).toEqual(file);
  });

  it('a cache primed from the file bytes encodes to identical bytes, and a non-compact layout leaves it cold but correct', () => {
    const file = { ...sample(), records: { 'record-id-0000000001': 'QUJD', 'record-id-0000000002': 'REVGRw==' } };
    const bytes = encodeVaultFile(file);
    const primed = new FragmentCache();
    primed.prime(bytes, file.records);
    expect(encodeVaultFile(file, primed).equals(bytes)).toBe(true);
    const pretty = Buffer.from(JSON.stringify(file, null, 2));
    const cold = new FragmentCache();
    cold.prime(pretty, file.records);
    expect(encodeVaultFile(file, cold).equals(bytes)).toBe(true);
    const escaped = Buffer.from(bytes.toString('latin1').replace('"QUJD"', '"\\u0051UJD"'), 'latin1');
    const guarded = new FragmentCache();
    guarded.prime(escaped, file.records);
    expect(encodeVaultFile(file, guarded).equals(bytes)).toBe(true);
  });

  it('refuses to encode a blob that would need JSON escaping', () => {
    const file = { ...sample(), records: { 'record-id-0000000001': 'QU"JD' } };
    expect(() => encodeVaultFile(file)).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
  });

  it('damage is ERR_CORRUPT; a newer version is ERR_UNSUPPORTED_FORMAT', () => {
    const text = serializeVaultFile(sample());
    for (const bad of ['', '{', 'null', '[]', '{"format":"tokenwarden-vault"}', text.replace('"records":{}', '"records":{"bad id":"x"}')]) {
      expect(() => parseVaultFile(bad)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT' }));
    }
    expect(() => parseVaultFile(text.replace('"version":1', '"version":7'))).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_FORMAT' }));
  });
});
