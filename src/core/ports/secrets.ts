/**
 * Encryption of secrets at rest (implemented by `secrets/SecretBox`, AES-256-GCM).
 *
 * @remarks `associatedData` binds a ciphertext to its owner (e.g. `account:<id>`); decrypting with
 * other associated data fails. Implementations never put plaintext in an error message.
 */
export interface Secrets {
  readonly currentVersion: number;
  encrypt(plaintext: string, associatedData: string): string;
  decrypt(envelope: string, associatedData: string): string;
}
