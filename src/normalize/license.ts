/** The spellings of CC0 SEL accepts (config.go); events under any other license are refused. */
const CC0_SPELLINGS = new Set(['https://creativecommons.org/publicdomain/zero/1.0/', 'http://creativecommons.org/publicdomain/zero/1.0/', 'cc0', 'cc0-1.0']);

export function isCc0(license: string): boolean {
  return CC0_SPELLINGS.has(license.trim().toLowerCase());
}
