import { SelScraperError } from '../errors.ts';
import type { LoadedSources } from '../sources/load.ts';

/**
 * A folder with nothing to run is a mistake, not a successful run of nothing: a mistyped
 * --sources, SEL's repository root instead of its configs/sources, or every config disabled.
 * Broken configs are something to report, so a folder with one is left to the run.
 */
export function assertSourcesToRun(loaded: LoadedSources, dir: string): void {
  if (loaded.broken.length > 0) return;
  if (loaded.sources.length === 0) {
    throw new SelScraperError('ERR_CONFIG_NOT_FOUND', `no source configs in ${dir}`, {
      hint: 'pass --sources <dir> naming a folder of SEL source files (*.yaml, as in SEL’s configs/sources)',
    });
  }
  if (!loaded.sources.some((source) => source.enabled)) {
    throw new SelScraperError('ERR_CONFIG_NOT_FOUND', `no enabled source in ${dir}: all ${loaded.sources.length} are disabled`, {
      hint: 'set `enabled: true` in the configs to run (or remove `enabled: false`)',
    });
  }
}
