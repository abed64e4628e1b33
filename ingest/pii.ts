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

/** The kinds of personal data a column's values can show, as phrases for a message. */
export type PersonalDataKind =
  | "email addresses"
  | "NHS numbers"
  | "postcodes"
  | "phone numbers"
  | "dates (such as dates of birth)"
  | "free text";

// Full UK postcode shapes (A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA); the space is optional.
const POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i;
// UK numbers: 0 or +44/0044 then 9–10 digits, with the usual spaces, dashes, dots and brackets.
const PHONE = /^(?:\+44|0044|0)\d{9,10}$/;
// ISO dates, day/month/year with / - or ., and "12 March 1985"; a time may follow.
const DATE = /^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2} [a-z]{3,9} \d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

export function looksLikePostcode(value: string): boolean {
  return POSTCODE.test(value.trim());
}

export function looksLikePhoneNumber(value: string): boolean {
  const compact = value.replace(/[\s().-]/g, "");
  return PHONE.test(compact);
}

export function looksLikeDate(value: string): boolean {
  return DATE.test(value.trim());
}

/** A value a person typed in their own words: several words and some length. */
export function looksLikeFreeText(value: string): boolean {
  const text = value.trim();
  return text.length >= 40 && text.split(/\s+/).length >= 6;
}

/**
 * The kind of personal data one value looks like, or null. Used so that a message about a bad
 * value never quotes something that may identify a person.
 */
export function personalDataKind(value: string): PersonalDataKind | null {
  if (looksLikeEmail(value)) return "email addresses";
  const digits = tenDigits(value);
  if (digits && passesNhsNumberCheck(digits)) return "NHS numbers";
  if (looksLikePhoneNumber(value)) return "phone numbers";
  if (looksLikePostcode(value)) return "postcodes";
  if (looksLikeDate(value)) return "dates (such as dates of birth)";
  if (looksLikeFreeText(value)) return "free text";
  return null;
}

/**
 * Watches the values of one column and says which kinds of personal data it holds. Rules:
 * - one email address is enough: nothing else looks like one;
 * - NHS numbers: one random 10-digit number in 11 passes the modulus-11 check, so a single pass
 *   is no evidence; half or more of the 10-digit values passing is;
 * - postcodes, phone numbers, dates: half or more of the non-empty values (a code column may
 *   hold the odd value of that shape by chance; a column of them is personal data);
 * - free text: at least 3 different long multi-word values, and at least 10 or half of the
 *   distinct values (coded columns repeat a handful of labels, however long).
 * `dates: false` for the one column that may hold dates (assessed_on).
 */
export class ColumnScreen {
  private values = 0;
  private emails = 0;
  private tenDigit = 0;
  private passing = 0;
  private postcodes = 0;
  private phones = 0;
  private dates = 0;
  private readonly texts = new Set<string>();
  private readonly distinct = new Set<string>();

  constructor(private readonly options: { dates: boolean } = { dates: true }) {}

  observe(raw: string): void {
    const value = raw.trim();
    if (!value) return;
    this.values++;
    if (this.distinct.size < 1000) this.distinct.add(value);
    if (value.includes("@") && looksLikeEmail(value)) this.emails++;
    const digits = tenDigits(value);
    if (digits) {
      this.tenDigit++;
      if (passesNhsNumberCheck(digits)) this.passing++;
    }
    if (looksLikePostcode(value)) this.postcodes++;
    if (looksLikePhoneNumber(value)) this.phones++;
    if (this.options.dates && looksLikeDate(value)) this.dates++;
    if (this.texts.size < 10 && looksLikeFreeText(value)) this.texts.add(value);
  }

  findings(): PersonalDataKind[] {
    const found: PersonalDataKind[] = [];
    const most = (n: number) => n > 0 && n * 2 >= this.values;
    if (this.emails > 0) found.push("email addresses");
    if (this.tenDigit > 0 && this.passing * 2 >= this.tenDigit) found.push("NHS numbers");
    if (most(this.postcodes)) found.push("postcodes");
    if (most(this.phones)) found.push("phone numbers");
    if (most(this.dates)) found.push("dates (such as dates of birth)");
    const texts = this.texts.size;
    if (texts >= 3 && (texts >= 10 || texts * 2 >= this.distinct.size)) found.push("free text");
    return found;
  }
}
