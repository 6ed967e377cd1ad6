/** RFC 7662 introspection, offered only to credentials that can authenticate to it (SECURITY O12). */
import * as client from 'openid-client';
import type { IntrospectionView } from '../../../shared/model.ts';

export async function introspectToken(config: client.Configuration, token: string, now: number): Promise<IntrospectionView> {
  const response = await client.tokenIntrospection(config, token);
  return {
    active: response.active === true,
    scope: typeof response.scope === 'string' ? response.scope : null,
    exp: typeof response.exp === 'number' ? response.exp : null,
    clientId: typeof response.client_id === 'string' ? response.client_id : null,
    checkedAt: new Date(now).toISOString(),
  };
}
