/** Header fields as they travel in `http-head` and are parsed from responses: [name, value] pairs, in order. */
export type HeaderFields = readonly (readonly [string, string])[];

/** Every value of the field `name` (case-insensitive, as field names are). */
export function headerValues(headers: HeaderFields, name: string): string[] {
  const wanted = name.toLowerCase();
  return headers.filter(([field]) => field.toLowerCase() === wanted).map(([, value]) => value);
}
