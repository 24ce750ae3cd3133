// Loader hooks for trace-imports.mjs: runs on the loader thread, appends each ES module loaded.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:')) appendFileSync(file, `esm ${url}\n`);
  return nextLoad(url, context);
}
