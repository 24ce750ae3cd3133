import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * SEL's shared reference data (real configs, fixtures): `shared/reference` beside the
 * repository, as CI and every checkout here lay it out, or wherever SEL_REFERENCE_DIR says.
 */
export const REFERENCE_DIR = process.env.SEL_REFERENCE_DIR
  ? path.resolve(process.env.SEL_REFERENCE_DIR)
  : path.resolve(import.meta.dirname, '../../../shared/reference');

export function referencePath(...parts: string[]): string {
  return path.join(REFERENCE_DIR, ...parts);
}

/**
 * Why tests on the reference data cannot run here, or undefined when they can. Never skipped in
 * CI, which has the data: a missing folder there fails the tests instead of hiding them.
 */
export const referenceMissing: string | undefined =
  existsSync(REFERENCE_DIR) || process.env.CI
    ? undefined
    : `no SEL reference data at ${REFERENCE_DIR} (put shared/reference beside the repository, or set SEL_REFERENCE_DIR)`;

/** A test or suite title that says why it is skipped, when it is. */
export function needsReference(title: string): string {
  return referenceMissing ? `${title} (skipped: ${referenceMissing})` : title;
}
