/** AAD strings that bind each wrapped DEK to its vault and slot kind, so a slot cannot be moved between vaults. */
import type { KeyslotKind } from '../../../../shared/model.ts';

export const KEYSLOT_AAD_VERSION = 1;

export function keyslotAad(kind: KeyslotKind, vaultId: string): string {
  return `tokenwarden:v${KEYSLOT_AAD_VERSION}:keyslot:${kind}:${vaultId}`;
}
