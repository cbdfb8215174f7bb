/**
 * Masking for operator output: the CLI shows enough of a contact to recognise it (first letter and domain,
 * last four digits) and never the whole value, since its output ends up in tickets and chat.
 */
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/** `lakita@example.com` → `l***@example.com`; also inside longer text. */
export function maskEmail(text: string): string {
  return text.replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`);
}

/** `+17859916256` → `***6256`. */
function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 4 ? '***' : `***${digits.slice(-4)}`;
}

/** A bearer token → `wk-…f3a9`: its first three and last four characters, enough to tell tokens apart. */
export function maskToken(token: string): string {
  return token.length <= 10 ? '…' : `${token.slice(0, 3)}…${token.slice(-4)}`;
}

/**
 * Deep copy of a JSON value with every e-mail address masked and every occurrence of the given phone
 * numbers replaced: mapping profiles may copy candidate contacts into details or summaries.
 */
export function maskDeep(value: unknown, phones: readonly string[] = []): unknown {
  if (typeof value === 'string') {
    let s = maskEmail(value);
    for (const p of phones) if (p) s = s.split(p).join(maskPhone(p));
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, phones));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, phones)]));
  }
  return value;
}
