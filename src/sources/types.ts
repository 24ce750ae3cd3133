import type { SourceFile } from './schema.ts';

/** How a source's events are obtained, decided once from SEL's dispatch order (ics → tier). */
export type ExtractionMethod = 'jsonld' | 'css' | 'headless' | 'rest' | 'graphql' | 'ics';

/** A source config after SEL's defaults are applied; field names stay as written in YAML. */
export type SourceConfig = Omit<SourceFile, 'name' | 'enabled' | 'tier' | 'trust_level' | 'max_pages' | 'schedule'> & {
  name: string;
  enabled: boolean;
  tier: 0 | 1 | 2 | 3;
  trust_level: number;
  max_pages: number;
  schedule: 'daily' | 'weekly' | 'manual';
  /** Effective IANA zone for times written without an offset. */
  timezone: string;
  method: ExtractionMethod;
  /** Path of the YAML file it came from, for messages. */
  file: string;
  /** Authorization (Basic) per origin, from user information the config's URLs carried; the URLs no longer do. */
  originAuth?: Record<string, string>;
};

/** Where in a config file something is, 1-based like an editor. */
export interface ConfigPosition {
  file: string;
  line: number;
  col: number;
}

export interface ConfigIssue extends ConfigPosition {
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const hint = issue.hint ? ` (${issue.hint})` : '';
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.severity}: ${issue.message}${hint}`;
}
