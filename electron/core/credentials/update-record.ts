/** Applies a validated `update` patch to a vault record: only the fields given change, and only where they apply. */
import type { UpdatePatch } from '../../../shared/contract.ts';
import type { z } from 'zod';
import type { CredentialRecord } from './credential-record.ts';

export type UpdatePatchParsed = z.output<typeof UpdatePatch>;

export function patchRecord(r: CredentialRecord, p: UpdatePatchParsed): CredentialRecord {
  const next: CredentialRecord = {
    ...r,
    ...(p.hosts ? { hosts: p.hosts } : {}),
    ...(p.authPolicy ? { authPolicy: p.authPolicy } : {}),
    ...(p.allowInsecureLoopback !== undefined ? { allowInsecureLoopback: p.allowInsecureLoopback } : {}),
    // A command or scope for a credential of another kind is ignored, as it always was.
    ...(p.command && r.exec ? { exec: { command: p.command } } : {}),
    ...(p.scope !== undefined && r.oauth ? { oauth: { ...r.oauth, scope: p.scope } } : {}),
    ...(p.upstreamCa ? { upstreamCa: p.upstreamCa } : {}),
  };
  // null removes the key rather than storing it empty: the record then reads exactly like one added without a CA.
  if (p.upstreamCa === null) delete next.upstreamCa;
  return next;
}
