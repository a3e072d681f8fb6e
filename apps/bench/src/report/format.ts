/** Number formats shared by the tables. */

/** 1234567 -> "1,234,567"; small values keep up to `digits` decimals. */
export function formatRate(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: value >= 100 ? 0 : digits, minimumFractionDigits: 0 });
}

/** A throughput in MiB/s with a precision that suits its size. */
export function formatMib(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** A ratio "x1.72" (two decimals below 10, one above, none above 100, two significant digits below 0.1). */
export function formatRatio(value: number | null): string {
  if (value === null) return '-';
  if (value < 0.1) return `x${value.toPrecision(2)}`;
  return `x${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)}`;
}

/** A fraction as a percentage. */
export function formatPercent(value: number): string {
  return `${(value * 100).toFixed(0)}%`;
}
