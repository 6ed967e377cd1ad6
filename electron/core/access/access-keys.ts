/**
 * Access keys (SECURITY A5): `twk_` + 256 random bits. Only a SHA-256 of each key is stored, with its metadata;
 * the key itself exists in the answer to `createAccessKey` and nowhere else.
 */
import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AccessKeySummary } from '../../../shared/model.ts';
import type { AccessKeyInputParsed, Policy } from '../../../shared/policy.ts';
import { keyStatus } from './decide.ts';
import { compilePolicy, type CompiledPolicy } from './policy.ts';

export const ACCESS_KEY_PREFIX = 'twk_';

const isoDate = z.string().datetime({ offset: true });

export const StoredKey = z
  .object({
    id: z.string().regex(/^ak_[A-Za-z0-9_-]{6,40}$/),
    /** base64url SHA-256 of the whole key text. */
    hash: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    label: z.string().nullable(),
    for: z.array(z.string()),
    methods: z.array(z.string()).optional(),
    paths: z.array(z.string()).optional(),
    rate: z.string().optional(),
    maxUses: z.number().int().positive().nullable(),
    used: z.number().int().nonnegative(),
    expiresAt: isoDate.nullable(),
    createdAt: isoDate,
    revokedAt: isoDate.nullable(),
    /** Revoked when its creator's control connection closes; one left over from an earlier owner run is revoked on load. */
    whileConnected: z.literal(true).optional(),
  })
  .strict();
export type StoredKey = z.infer<typeof StoredKey>;

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('base64url');
}

/** A new key and its stored record; the caller shows the key once and stores only the record. */
export function mintKey(input: AccessKeyInputParsed, now: Date, random: (n: number) => Buffer = nodeRandomBytes): { key: string; stored: StoredKey } {
  const key = `${ACCESS_KEY_PREFIX}${random(32).toString('base64url')}`;
  const stored: StoredKey = {
    id: `ak_${random(9).toString('base64url')}`,
    hash: hashKey(key),
    label: input.label ?? null,
    for: [...input.for],
    ...(input.methods ? { methods: input.methods } : {}),
    ...(input.paths ? { paths: input.paths } : {}),
    ...(input.rate ? { rate: input.rate } : {}),
    maxUses: input.uses ?? null,
    used: 0,
    expiresAt: input.ttlSeconds ? new Date(now.getTime() + input.ttlSeconds * 1000).toISOString() : null,
    createdAt: now.toISOString(),
    revokedAt: null,
    ...(input.whileConnected ? { whileConnected: true as const } : {}),
  };
  return { key, stored };
}

export function usesLeft(key: StoredKey): number | null {
  return key.maxUses === null ? null : Math.max(0, key.maxUses - key.used);
}

/** The key's own narrowing rules as a Policy (methods, paths, rate), or undefined when it has none. */
export function keyPolicy(key: StoredKey): Policy | undefined {
  if (!key.methods && !key.paths && !key.rate) return undefined;
  return { ...(key.methods ? { methods: key.methods } : {}), ...(key.paths ? { paths: key.paths } : {}), ...(key.rate ? { rate: key.rate } : {}) };
}

const compiledKeys = new WeakMap<StoredKey, CompiledPolicy | undefined>();

/** Compiled once per stored record. */
export function compiledKeyPolicy(key: StoredKey): CompiledPolicy | undefined {
  if (compiledKeys.has(key)) return compiledKeys.get(key);
  const compiled = compilePolicy(keyPolicy(key));
  compiledKeys.set(key, compiled);
  return compiled;
}

export function toKeySummary(key: StoredKey, now: number): AccessKeySummary {
  const left = usesLeft(key);
  const policy = keyPolicy(key);
  return {
    id: key.id,
    label: key.label,
    for: [...key.for],
    expiresAt: key.expiresAt,
    usesLeft: left,
    createdAt: key.createdAt,
    revokedAt: key.revokedAt,
    status: keyStatus({ revokedAt: key.revokedAt, usesLeft: left, expiresAt: key.expiresAt }, now),
    ...(policy ? { policy } : {}),
    ...(key.whileConnected ? { whileConnected: true as const } : {}),
  };
}
