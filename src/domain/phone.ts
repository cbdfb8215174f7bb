import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CountryCode } from 'libphonenumber-js';

/**
 * Workable sends phones as people typed them, e.g. "(785)991-6256"; Hireflix rejects numbers without a
 * country code. Read the number with the account's default country and return E.164, or explain why not.
 */
export function normalisePhone(raw: string | undefined, defaultCountry: string): { phone?: string; note?: string } {
  if (raw === undefined || raw.trim() === '') return {};
  const parsed = parsePhoneNumberFromString(raw, { defaultCountry: defaultCountry as CountryCode, extract: false });
  if (parsed?.isValid()) return { phone: parsed.number };
  return { note: `the phone number is not valid for default country ${defaultCountry}; the invitation was sent without it` };
}
