import cityTimezones from 'city-timezones';
import { IANAZone } from 'luxon';

/**
 * Cities our families name in Chinese, which the English gazetteer cannot match.
 * Everything else goes to `city-timezones` (English and pinyin names) or is taken as an IANA zone.
 */
const CHINESE_NAMES: Readonly<Record<string, { city: string; timeZone: string }>> = {
  北京: { city: 'Beijing', timeZone: 'Asia/Shanghai' },
  上海: { city: 'Shanghai', timeZone: 'Asia/Shanghai' },
  广州: { city: 'Guangzhou', timeZone: 'Asia/Shanghai' },
  深圳: { city: 'Shenzhen', timeZone: 'Asia/Shanghai' },
  杭州: { city: 'Hangzhou', timeZone: 'Asia/Shanghai' },
  温州: { city: 'Wenzhou', timeZone: 'Asia/Shanghai' },
  青田: { city: 'Qingtian', timeZone: 'Asia/Shanghai' },
  河池: { city: 'Hechi', timeZone: 'Asia/Shanghai' },
  南宁: { city: 'Nanning', timeZone: 'Asia/Shanghai' },
  桂林: { city: 'Guilin', timeZone: 'Asia/Shanghai' },
  成都: { city: 'Chengdu', timeZone: 'Asia/Shanghai' },
  重庆: { city: 'Chongqing', timeZone: 'Asia/Shanghai' },
  武汉: { city: 'Wuhan', timeZone: 'Asia/Shanghai' },
  东莞: { city: 'Dongguan', timeZone: 'Asia/Shanghai' },
  苏州: { city: 'Suzhou', timeZone: 'Asia/Shanghai' },
  义乌: { city: 'Yiwu', timeZone: 'Asia/Shanghai' },
  香港: { city: 'Hong Kong', timeZone: 'Asia/Hong_Kong' },
  米兰: { city: 'Milan', timeZone: 'Europe/Rome' },
  罗马: { city: 'Rome', timeZone: 'Europe/Rome' },
  普拉托: { city: 'Prato', timeZone: 'Europe/Rome' },
  佛罗伦萨: { city: 'Florence', timeZone: 'Europe/Rome' },
  巴黎: { city: 'Paris', timeZone: 'Europe/Paris' },
  马德里: { city: 'Madrid', timeZone: 'Europe/Madrid' },
  布加勒斯特: { city: 'Bucharest', timeZone: 'Europe/Bucharest' },
  里加: { city: 'Riga', timeZone: 'Europe/Riga' },
  伦敦: { city: 'London', timeZone: 'Europe/London' },
  东京: { city: 'Tokyo', timeZone: 'Asia/Tokyo' },
  首尔: { city: 'Seoul', timeZone: 'Asia/Seoul' },
  迪拜: { city: 'Dubai', timeZone: 'Asia/Dubai' },
  新加坡: { city: 'Singapore', timeZone: 'Asia/Singapore' },
};

export interface CityZone {
  readonly city: string;
  readonly timeZone: string;
}

/** The time zone of a city a person typed ("米兰", "Milan", "milano" is not guessed), or undefined. */
export function lookupCityTimeZone(input: string): CityZone | undefined {
  const text = input.normalize('NFKC').trim().replace(/[市县]$/u, '');
  if (text === '') return undefined;
  const chinese = CHINESE_NAMES[text];
  if (chinese) return chinese;
  if (IANAZone.isValidZone(text) && text.includes('/')) return { city: text.split('/').pop()!.replace(/_/g, ' '), timeZone: text };
  const matches = cityTimezones.lookupViaCity(text);
  // Several places share a name (Milan, Tennessee): the most populous one is the likely home.
  const best = [...matches].sort((a, b) => (b.pop ?? 0) - (a.pop ?? 0))[0];
  return best ? { city: best.city, timeZone: best.timezone } : undefined;
}
