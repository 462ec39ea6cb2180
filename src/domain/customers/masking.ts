/**
 * Masking of personal data for roles that may see a customer but not their contact details.
 * The shape stays the same (strings stay strings) so the UI renders masked values where the real ones would be.
 */
export const MASK = '＊＊＊';

export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const at = email.indexOf('@');
  if (at < 1) return MASK;
  return `${email[0]}***@***`;
}

/** Keeps the last two digits so a caller can tell numbers apart without learning them. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const digits = phone.replace(/\D/g, '');
  return `***-****-**${digits.slice(-2)}`;
}

export function maskText(value: string | null): string | null {
  return value ? MASK : value;
}
