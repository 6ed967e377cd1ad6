/** Turns a validated `add` input into the fields of a new vault record. */
import type { AddInputParsed } from '../../../shared/contract.ts';
import { isEmptyPolicy } from '../../../shared/policy.ts';
import type { CredentialRecord } from './credential-record.ts';
import { staticTokenSet } from './static-token-set.ts';

export type NewRecord = Omit<CredentialRecord, 'id' | 'revision' | 'createdAt' | 'updatedAt'>;

export function newRecordFromInput(input: AddInputParsed, now: Date): NewRecord {
  const base = {
    name: input.name,
    kind: input.kind,
    hosts: input.hosts,
    authPolicy: input.authPolicy,
    allowInsecureLoopback: input.allowInsecureLoopback,
    ...(input.upstreamCa ? { upstreamCa: input.upstreamCa } : {}),
    state: 'active' as const,
    ...(input.policy && !isEmptyPolicy(input.policy) ? { policy: input.policy } : {}),
  };
  switch (input.kind) {
    case 'static':
      return { ...base, tokens: staticTokenSet(input.token, now, input.expiresIn) };
    case 'exec':
      return { ...base, exec: { command: input.command } };
    case 'oauth': {
      const { issuer, clientId, clientSecret, grant, scope, audience, resource, refreshToken } = input;
      return {
        ...base,
        oauth: {
          issuer,
          clientId,
          grant,
          ...(clientSecret ? { clientSecret } : {}),
          ...(scope ? { scope } : {}),
          ...(audience ? { audience } : {}),
          ...(resource ? { resource } : {}),
        },
        // An imported refresh token has no access token yet; the first ensureFresh mints one.
        ...(refreshToken
          ? { tokens: { accessToken: '-', refreshToken, tokenType: 'Bearer', receivedAt: new Date(0).toISOString(), expiresAt: new Date(0).toISOString(), scopes: [] } }
          : {}),
      };
    }
  }
}
