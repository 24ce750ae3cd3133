/** SEL looks keys up by their first 8 characters; that much identifies a key without revealing it. */
export const KEY_PREFIX_LENGTH = 8;

export function keyPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX_LENGTH);
}

/** How a key is shown anywhere: its prefix and an ellipsis, never more. */
export function describeKey(key: string): string {
  return `${keyPrefix(key)}…`;
}

/** Replaces every occurrence of the given secrets in a text by their described form. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > KEY_PREFIX_LENGTH) out = out.split(secret).join(describeKey(secret));
  }
  return out;
}

/**
 * User input echoed in a message (an id to revoke, a source id) might be a key pasted in the
 * wrong place: it is shown whole only when it cannot be one (short, or UUID characters only).
 */
export function describeUserInput(text: string): string {
  return text.length <= KEY_PREFIX_LENGTH || /^[0-9a-f-]+$/i.test(text) ? text : describeKey(text);
}
