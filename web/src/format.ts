const LOCALE = 'en-US';
const number = new Intl.NumberFormat(LOCALE);
const money = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });

export const formatNumber = (n: number): string => number.format(n);
export const formatMoney = (n: number | string): string => money.format(typeof n === 'string' ? Number(n) : n);
export const formatCompact = (n: number): string => compact.format(n);

/** `computers.notebook` → `computers › notebook`. */
export const formatCategory = (code: string | null): string => (code ? code.split('.').join(' › ') : 'Uncategorised');

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** `2020-04` → `Apr 2020`. */
export const formatMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleString(LOCALE, { month: 'short', year: 'numeric', timeZone: 'UTC' });
};
