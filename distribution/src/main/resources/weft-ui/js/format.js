// Values as the page reads and shows them: exact JSON numbers, checked JSON text, URL segments, times, sizes.

/** Significant digits of a JSON number's text: more than 15 may not survive a double. */
function digits(source) {
  return source.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '')
    .length;
}

/**
 * JSON.parse that keeps the numbers a double would round (2^63 - 1, 30-digit decimals) exactly as the node wrote
 * them, where the browser has JSON.rawJSON: the API passes values on exactly, and the page should not change them.
 * Only for showing data: such a number is no longer a number to compute with.
 */
export const parseExact = typeof JSON.rawJSON === 'function'
  ? text => JSON.parse(text, (key, value, context) =>
    typeof value === 'number' && context?.source !== undefined && digits(context.source) > 15
      && String(value) !== context.source ? JSON.rawJSON(context.source) : value)
  : text => JSON.parse(text);

export const show = value => JSON.stringify(value);
export const pretty = value => JSON.stringify(value, null, 2);

/** Checks that the text is one JSON value and returns it trimmed, to be sent as it is (numbers stay exact). */
export function jsonText(text, what) {
  const trimmed = text.trim();
  if (!trimmed) throw new Error(`${what}: enter a JSON value (a string needs quotes: "text")`);
  try {
    JSON.parse(trimmed);
  } catch (e) {
    throw new Error(`${what} is not JSON: ${e.message} (a string needs quotes: "text")`);
  }
  return trimmed;
}

/**
 * One path segment, encoded as the API wants. A browser's URL parser drops "." and ".." segments (and their
 * percent-encoded forms) before the request leaves, so such names cannot be sent from a page.
 */
export function segment(name, what) {
  if (name === '') throw new Error(`the ${what} must not be empty`);
  if (/^(\.|%2e){1,2}$/i.test(name)) {
    throw new Error(`a ${what} of "${name}" cannot be sent from a browser (URLs drop it): use the weft CLI`);
  }
  return encodeURIComponent(name);
}

export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
export const clock = ms => new Date(ms).toLocaleTimeString();

export function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function count(n) {
  if (n >= 1e9) return `${+(n / 1e9).toPrecision(3)}G`;
  if (n >= 1e6) return `${+(n / 1e6).toPrecision(3)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toPrecision(3)}k`;
  return `${+n.toPrecision(3)}`;
}

export function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${+n.toPrecision(3)} ${units[i]}`;
}

export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
