import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SourcePlan {
  name: string;
  /** Start pages; one means `url:`, several mean `urls:`. */
  urls: string[];
  method: 'jsonld' | 'css';
  maxPages?: number;
}

/** Selectors that find the card bench/lib/pages.ts puts on every page. */
const CSS_SELECTORS = `selectors:
  event_list: "article.event-card"
  name: "h2.event-name"
  start_date: "time.event-start"
  location: ".event-venue"
  description_selectors: [".event-summary"]
  url: "a.event-link"
  image: "img.event-image"
`;

function yamlFor(plan: SourcePlan): string {
  const where = plan.urls.length === 1 ? `url: "${plan.urls[0]}"\n` : `urls:\n${plan.urls.map((u) => `  - "${u}"`).join('\n')}\n`;
  const tier = plan.method === 'css' ? `tier: 1\n${CSS_SELECTORS}` : 'tier: 0\n';
  const pages = plan.maxPages ? `max_pages: ${plan.maxPages}\n` : '';
  return `name: "${plan.name}"\n${where}${tier}${pages}license: "CC0-1.0"\ntimezone: "America/Toronto"\nenabled: true\n`;
}

/** A fresh directory of SEL source configs, one YAML file per plan. */
export async function writeSources(plans: readonly SourcePlan[], label: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `sel-bench-${label}-`));
  await mkdir(dir, { recursive: true });
  await Promise.all(plans.map((plan) => writeFile(path.join(dir, `${plan.name}.yaml`), yamlFor(plan))));
  return dir;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function sourceName(index: number): string {
  return `bench-${String(index).padStart(4, '0')}`;
}
