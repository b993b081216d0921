import { STORE_CURRENCY } from '../../contract';

const LOCALE = 'en-US';
const number = new Intl.NumberFormat(LOCALE);
const money = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: STORE_CURRENCY, minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compactMoney = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: STORE_CURRENCY, notation: 'compact', maximumSignificantDigits: 3 });
const compact = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });

const amount = (n: number | string): number => (typeof n === 'string' ? Number(n) : n);

export const formatNumber = (n: number): string => number.format(n);
/** `1 open session`, `1,204 open sessions`. */
export const formatCount = (n: number, noun: string): string => `${number.format(n)} ${noun}${n === 1 ? '' : 's'}`;
/** `1234.5` → `$1,234.50`: exact, for prices, tables and tooltips. */
export const formatMoney = (n: number | string): string => money.format(amount(n));
/** `154021323.45` → `$154M`: for figures that must fit a card or an axis; pair it with {@link formatMoney} in a title. */
export const formatMoneyCompact = (n: number): string => compactMoney.format(n);
export const formatCompact = (n: number): string => compact.format(n);

export const CATEGORY_SEPARATOR = ' › ';
/** `appliances.kitchen.washer` → `appliances › kitchen › washer`: the whole path, never just the last level. */
export const formatCategory = (code: string | null): string => (code ? code.split('.').join(CATEGORY_SEPARATOR) : 'Uncategorised');

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** `2020-04` → `Apr 2020`. */
export const formatMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleString(LOCALE, { month: 'short', year: 'numeric', timeZone: 'UTC' });
};
