/** Display-only JWT decoding (no signature check): claims, header, expiry, scopes, audience; null for opaque tokens, never throws. */
import { decodeJwt, decodeProtectedHeader } from 'jose';

export interface JwtInspection {
  claims: Record<string, unknown>;
  header: Record<string, unknown>;
  /** ISO time from `exp`, when present and sane. */
  expiresAt?: string;
  scopes: string[];
  audience: string[];
  subject?: string;
  issuer?: string;
}

export function inspectJwt(token: string): JwtInspection | null {
  if (typeof token !== 'string' || token.length > 65536 || token.split('.').length !== 3) return null;
  let claims: Record<string, unknown>;
  let header: Record<string, unknown>;
  try {
    header = { ...decodeProtectedHeader(token) };
    claims = { ...decodeJwt(token) };
  } catch {
    return null;
  }
  const result: JwtInspection = { claims, header, scopes: scopesOf(claims), audience: stringList(claims.aud) };
  const exp = claims.exp;
  if (typeof exp === 'number' && Number.isFinite(exp) && exp > 0 && exp < 253402300800) {
    result.expiresAt = new Date(exp * 1000).toISOString();
  }
  if (typeof claims.sub === 'string') result.subject = claims.sub;
  if (typeof claims.iss === 'string') result.issuer = claims.iss;
  return result;
}

/** `scope` is space-separated (RFC 8693 §4.2); `scp` is an array (Azure AD, Okta) or a string. */
function scopesOf(claims: Record<string, unknown>): string[] {
  const fromScope = typeof claims.scope === 'string' ? claims.scope.split(' ') : stringList(claims.scope);
  const fromScp = typeof claims.scp === 'string' ? claims.scp.split(' ') : stringList(claims.scp);
  return [...new Set([...fromScope, ...fromScp].filter((s) => s.length > 0))];
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}
