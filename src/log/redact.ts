/** Keys whose values never reach a log line. */
const SecretKey = /pass(word)?|secret|api[_-]?key|authorization|token|credential/i;

export function isSecretKey(key: string): boolean {
  return SecretKey.test(key);
}

/** api_key=user:pass in URLs, user:pass@ in URLs (user may be empty: redis://:pass@), Basic/Bearer headers. */
const SecretInText: Array<[RegExp, string]> = [
  [/(api_key=)[^&\s"']+/gi, '$1[redacted]'],
  [/(\/\/)[^/\s:@"']*:[^/\s@"']+@/g, '$1[redacted]@'],
  [/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._-]+/g, '$1 [redacted]'],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SecretInText) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Masks the middle of a phone number so logs can still tell calls apart without holding the number:
 * +84901234567 → +8490*****67.
 */
export function maskNumber(number: string | undefined | null): string | undefined {
  if (!number) return number ?? undefined;
  if (number.length <= 6) return '*'.repeat(number.length);
  return number.slice(0, 5) + '*'.repeat(number.length - 7) + number.slice(-2);
}

/** Deep copy with secret keys replaced and secrets in strings scrubbed. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = SecretKey.test(k) ? '[redacted]' : redactValue(v, depth + 1);
    return out;
  }
  return value;
}
