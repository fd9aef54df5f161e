import { hkdfSync } from 'node:crypto';

/**
 * One deployment secret, many keys: each use gets its own key derived with HKDF, so a key that leaks through one
 * use (say, the invite hashes) says nothing about another (the sealed outbox texts).
 */
export type KeyPurpose = 'invite-code-hmac' | 'outbox-seal';

export interface SecretKeys {
  readonly inviteCodeKey: Buffer;
  readonly outboxSealKey: Buffer;
}

export function deriveSecretKeys(secret: string): SecretKeys {
  return { inviteCodeKey: derive(secret, 'invite-code-hmac'), outboxSealKey: derive(secret, 'outbox-seal') };
}

function derive(secret: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'kinbridge', purpose, 32));
}
