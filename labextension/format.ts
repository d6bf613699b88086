/** Small number formatters for the panel. */

export function ms(v?: number | null): string {
  if (v === null || v === undefined || !isFinite(v)) {
    return '–';
  }
  return v >= 1000
    ? `${(v / 1000).toFixed(v >= 10000 ? 0 : 1)} s`
    : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ms`;
}

export function rate(v?: number | null): string {
  if (v === null || v === undefined || !isFinite(v)) {
    return '–';
  }
  return v >= 1000 ? `${(v / 1000).toFixed(1)}k tok/s` : `${v.toFixed(0)} tok/s`;
}

export function gib(v?: number | null): string {
  return v === null || v === undefined ? '–' : `${v.toFixed(1)} GiB`;
}

export function count(v?: number | null): string {
  return v === null || v === undefined ? '?' : v.toLocaleString('en-US');
}

/** A short "mistralai/Foo" → "Foo" label for long ids. */
export function shortName(id: string): string {
  const parts = id.split('/');
  return parts[parts.length - 1] || id;
}
