import { readFileSync } from 'node:fs';
import path from 'node:path';
import cityTimezones from 'city-timezones';
import { distance } from 'fastest-levenshtein';
import { parse } from 'yaml';
import { z } from 'zod';
import { projectRoot } from '../../paths.js';

/** A place a person may live in, with the names it answers to. Its zone is for the bot's clock, never shown. */
export interface Place {
  /** Stable within a deployment's data: what a button offering this place carries. */
  readonly id: string;
  /** The English name, kept on the person. */
  readonly name: string;
  readonly chineseName: string | undefined;
  /** Province or prefecture (in Chinese for the programme's areas), said beside the name to tell namesakes apart. */
  readonly region: string;
  readonly country: string;
  readonly timeZone: string;
  readonly population: number;
}

/** What a typed place name matched: one place to take, up to three to offer, or nothing. */
export type CityMatch = { readonly kind: 'one'; readonly place: Place } | { readonly kind: 'several'; readonly places: readonly Place[] } | { readonly kind: 'none' };

/** A name shared by places this much smaller than the largest is taken as the largest (Milan, not Milan in Tennessee). */
const CLEAR_LEAD = 10;
const MAX_OFFERED = 3;
/** Country, provinces and prefectures people write before a county: "广西河池宜州" means 宜州. */
const CHINESE_PREFIXES = ['中国', '广西壮族自治区', '广西', '浙江省', '浙江', '福建省', '福建', '广东省', '广东', '丽水市', '丽水', '温州市', '温州', '河池市', '河池'];
/** Administrative words after a Chinese place name: 河池市, 宜州区, 青田县, 巴马瑶族自治县. */
const CHINESE_SUFFIX = /(?:壮族|瑶族|毛南族|仫佬族|苗族|侗族|彝族|回族|畲族)*(?:自治县|自治区|特别行政区|省|市|县|区|镇)$/u;
/** A Chinese place name is at least two characters: 河池 is not cut to 河. */
const SHORTEST_CHINESE_NAME = 2;

const placeFileSchema = z.array(
  z.strictObject({
    name: z.string().min(1),
    zh: z.string().min(1),
    also: z.array(z.string()).default([]),
    region: z.string(),
    country: z.string(),
    zone: z.string(),
    pop: z.number().positive(),
  }),
);

/** Names as they compare: width, case, accents (București, Rīga), spaces and punctuation folded away. */
export function foldPlaceName(text: string): string {
  const folded = text
    .normalize('NFKC')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
  return withoutChineseSuffix(withoutChinesePrefixes(folded));
}

function withoutChinesePrefixes(text: string): string {
  const prefix = CHINESE_PREFIXES.find((candidate) => text.startsWith(candidate) && text.length - candidate.length >= SHORTEST_CHINESE_NAME);
  return prefix ? withoutChinesePrefixes(text.slice(prefix.length)) : text;
}

function withoutChineseSuffix(text: string): string {
  const stripped = text.replace(CHINESE_SUFFIX, '');
  return stripped.length >= SHORTEST_CHINESE_NAME ? stripped : text;
}

/**
 * Finds where someone lives from what they typed, in Chinese or a Latin script: the `city-timezones` gazetteer
 * (English names) merged with `config/city-names.yaml` (Chinese names down to counties, local spellings). An exact
 * name wins; otherwise a Chinese name inside the text ("我在河池") or a close spelling ("Milnao") is offered.
 */
export class CityGazetteer {
  private readonly byName = new Map<string, Place[]>();
  private readonly byId = new Map<string, Place>();

  constructor(extraPlacesFile = path.join(projectRoot, 'config', 'city-names.yaml')) {
    const extra = placeFileSchema.parse(parse(readFileSync(extraPlacesFile, 'utf8')));
    const extraByKey = new Map(extra.map((entry) => [`${entry.name}|${entry.country}`, entry]));
    for (const city of cityTimezones.cityMapping) {
      if (extraByKey.has(`${city.city}|${city.country}`)) continue;
      this.add({ name: city.city, chineseName: undefined, region: city.province || city.country, country: city.country, timeZone: city.timezone, population: city.pop ?? 0 }, [city.city_ascii]);
    }
    for (const entry of extra) {
      this.add({ name: entry.name, chineseName: entry.zh, region: entry.region, country: entry.country, timeZone: entry.zone, population: entry.pop }, [entry.zh, ...entry.also]);
    }
  }

  /** The place a button carried, if it is still known. */
  byIdOf(id: string): Place | undefined {
    return this.byId.get(id);
  }

  match(typed: string): CityMatch {
    const key = foldPlaceName(typed.split(/[,，]/u)[0] ?? '');
    if (key === '') return { kind: 'none' };
    const exact = byPopulation(this.byName.get(key) ?? []);
    if (exact.length === 1 || (exact.length > 1 && exact[0]!.population >= CLEAR_LEAD * exact[1]!.population)) return { kind: 'one', place: exact[0]! };
    const offered = exact.length > 0 ? exact : this.near(key);
    if (offered.length === 0) return { kind: 'none' };
    return { kind: 'several', places: offered.slice(0, MAX_OFFERED) };
  }

  /** A stored city (its English name) as the reader says it: 河池 for a Chinese reader; as stored when ambiguous. */
  cityAsSaid(city: string, locale: string): string {
    const found = this.match(city);
    return found.kind === 'one' ? placeName(found.place, locale) : city;
  }

  /** Places whose Chinese name stands inside the text, or whose Latin name is a typo or two away. */
  private near(key: string): Place[] {
    const han = /\p{Script=Han}/u.test(key);
    const allowed = Math.max(1, Math.floor(key.length / 3));
    const scored: { place: Place; score: number }[] = [];
    for (const [name, places] of this.byName) {
      const score = han ? (name.length >= 2 && key.includes(name) ? -name.length : undefined) : nearSpelling(key, name, allowed);
      if (score !== undefined) scored.push(...places.map((place) => ({ place, score })));
    }
    scored.sort((a, b) => a.score - b.score || b.place.population - a.place.population);
    return [...new Map(scored.map(({ place }) => [place.id, place])).values()];
  }

  private add(place: Omit<Place, 'id'>, otherNames: readonly string[]): void {
    const full: Place = { ...place, id: `${place.name}|${place.country}`.slice(0, 60) };
    this.byId.set(full.id, full);
    for (const name of new Set([place.name, ...otherNames].map(foldPlaceName))) {
      if (name !== '') this.byName.set(name, [...(this.byName.get(name) ?? []), full]);
    }
  }
}

/** A Latin name within `allowed` edits of the typed one (and not a short word matching anything). */
function nearSpelling(key: string, name: string, allowed: number): number | undefined {
  if (key.length < 4 || Math.abs(key.length - name.length) > allowed || /\p{Script=Han}/u.test(name)) return undefined;
  const edits = distance(key, name);
  return edits <= allowed ? edits : undefined;
}

function byPopulation(places: readonly Place[]): Place[] {
  return [...places].sort((a, b) => b.population - a.population);
}

let shared: CityGazetteer | undefined;

/** The process's one gazetteer: building it reads some 7,300 cities, so it is built once, when first needed. */
export function cityGazetteer(): CityGazetteer {
  shared ??= new CityGazetteer();
  return shared;
}

/** A stored city (its English name) as the reader says it: 河池 for a Chinese reader; as stored when not known. */
export function cityAsSaid(city: string, locale: string, places: CityGazetteer = cityGazetteer()): string {
  return places.cityAsSaid(city, locale);
}

/** The name of a place as its reader says it: the Chinese name for a Chinese reader where there is one. */
export function placeName(place: Pick<Place, 'name' | 'chineseName'>, locale: string): string {
  return locale.startsWith('zh') && place.chineseName ? place.chineseName : place.name;
}

/** A place on a button: its name, with the province or country beside it to tell namesakes apart. */
export function placeLabel(place: Place, locale: string): string {
  const chinese = locale.startsWith('zh');
  const region = chinese || !/\p{Script=Han}/u.test(place.region) ? place.region : place.country;
  const name = placeName(place, locale);
  if (region === '' || region === name) return name;
  return chinese ? `${name}（${region}）` : `${name} (${region})`;
}
