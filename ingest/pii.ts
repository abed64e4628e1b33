// Personal-data screening. Pure functions; messages name the column and the kind of data, never a value.

/** Header names that mean a column holds personal data, compared as whole normalised names. */
export const PERSONAL_DATA_HEADERS = [
  "name",
  "full_name",
  "first_name",
  "forename",
  "surname",
  "email",
  "nhs_number",
  "nhs_no",
  "dob",
  "date_of_birth",
  "postcode",
  "address",
  "phone",
  "mobile",
  "telephone",
  // Common spellings of the same, so the message says "personal data" rather than "unexpected column".
  "last_name",
  "given_name",
  "family_name",
  "e_mail",
  "email_address",
  "nhsnumber",
  "nhs_num",
  "d_o_b",
  "birth_date",
  "post_code",
  "phone_number",
  "mobile_number",
  "telephone_number",
  "home_address",
];

/** "First Name", "first-name" and "FIRST_NAME" are all first_name. */
export function normaliseHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

export function isPersonalDataHeader(header: string): boolean {
  return PERSONAL_DATA_HEADERS.includes(normaliseHeader(header));
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function looksLikeEmail(value: string): boolean {
  return EMAIL.test(value.trim());
}

/** The ten digits of a candidate NHS number (spaces and dashes ignored), or null. */
export function tenDigits(value: string): string | null {
  const digits = value.replace(/[\s-]/g, "");
  return /^\d{10}$/.test(digits) ? digits : null;
}

/** NHS number modulus-11 check digit test. */
export function passesNhsNumberCheck(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/**
 * Watches a column of respondent ids. One random 10-digit number in 11 passes the modulus-11
 * check, so a single pass is no evidence; half or more of the 10-digit ids passing is.
 */
export class RespondentIdScreen {
  private emails = 0;
  private tenDigit = 0;
  private passing = 0;

  observe(value: string): void {
    if (looksLikeEmail(value)) this.emails++;
    const digits = tenDigits(value);
    if (digits) {
      this.tenDigit++;
      if (passesNhsNumberCheck(digits)) this.passing++;
    }
  }

  /** The kinds of personal data found, as phrases for a message. */
  findings(): string[] {
    const found: string[] = [];
    if (this.emails > 0) found.push("email addresses");
    if (this.tenDigit > 0 && this.passing * 2 >= this.tenDigit) found.push("NHS numbers");
    return found;
  }
}
