import cityTimezones from 'city-timezones';

/**
 * The country a time zone belongs to, as an ISO 3166 code: people keep a zone (set from the city they named), not a
 * country. Read from the `city-timezones` gazetteer: a zone shared by several countries (Europe/Rome also runs the
 * Vatican and San Marino) goes to the one with the most people in its cities.
 */
function countryCodeByZone(): ReadonlyMap<string, string> {
  const population = new Map<string, Map<string, number>>();
  for (const city of cityTimezones.cityMapping) {
    if (!city.timezone || !city.iso2) continue;
    const byCountry = population.get(city.timezone) ?? new Map<string, number>();
    byCountry.set(city.iso2, (byCountry.get(city.iso2) ?? 0) + (city.pop ?? 0));
    population.set(city.timezone, byCountry);
  }
  return new Map([...population].map(([zone, byCountry]) => [zone, [...byCountry].sort((a, b) => b[1] - a[1])[0]![0]]));
}

let zones: ReadonlyMap<string, string> | undefined;

/** Every known zone and its country's code, as two parallel arrays for one SQL `unnest`. */
export function zoneCountryColumns(): { readonly zones: string[]; readonly codes: string[] } {
  zones ??= countryCodeByZone();
  return { zones: [...zones.keys()], codes: [...zones.values()] };
}

/** A country code as the reader calls it: 意大利 for a Chinese reader, Italy for an English one. */
export function countryName(code: string, locale: string): string {
  return new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }).of(code) ?? code;
}
