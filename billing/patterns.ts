/**
 * Name patterns in billing rules (`Demo*`, `admin*`, `*.test@*`): `*` is any run of characters,
 * `?` exactly one character, everything else is literal (there is no escape character). Matching
 * ignores case, because MSPs do not name customers and users consistently (`demo-`, `DEMO `, `Demo`).
 */

function assertPattern(pattern: string): void {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new RangeError('name pattern must not be empty: use * to match every name');
  }
}

const compiled = new Map<string, RegExp>();
const COMPILED_LIMIT = 1_000;

function regexFor(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    let source = '';
    // for..of walks code points, so `?` is one character even outside the BMP, as in PostgreSQL.
    for (const character of pattern) {
      if (character === '*') source += '.*';
      else if (character === '?') source += '.';
      else source += character.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    }
    regex = new RegExp(`^${source}$`, 'isu');
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}

export function matchesPattern(pattern: string, value: string): boolean {
  assertPattern(pattern);
  return regexFor(pattern).test(value);
}
