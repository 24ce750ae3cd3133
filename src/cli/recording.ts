import path from 'node:path';
import { SelScraperError } from '../errors.ts';
import { ResponseRecorder, type RecordingSummary } from '../fetch/recording.ts';
import type { CliDeps, Output } from './io.ts';

/** The recorder of a command run with --record, or undefined without it. */
export function recorderFor(flags: { record?: string | undefined; fixtures?: string | null | undefined }, deps: CliDeps): ResponseRecorder | undefined {
  if (flags.record === undefined) return undefined;
  if (flags.fixtures) {
    throw new SelScraperError('ERR_USAGE', '--record saves what a live run fetches; it cannot be combined with --fixtures', {
      hint: 'drop --fixtures to record from the sites, or drop --record to replay',
    });
  }
  const redactor = deps.redactor;
  return new ResponseRecorder({ dir: path.resolve(deps.cwd, flags.record), redact: (text) => redactor?.redact(text) ?? text });
}

/** Writes the recording and says where it is and how to replay it. */
export async function saveRecording(recorder: ResponseRecorder, out: Output, cwd: string): Promise<RecordingSummary> {
  const summary = await recorder.save();
  out.write(describeRecording(summary, cwd));
  return summary;
}

function describeRecording(summary: RecordingSummary, cwd: string): string {
  const dir = path.relative(cwd, summary.dir) || '.';
  const lines = [
    `recorded ${summary.recorded} response(s) in ${path.join(dir, 'recordings.json')}${summary.kept > 0 ? ` (${summary.kept} earlier recording(s) kept)` : ''}; replay with --fixtures ${dir}`,
  ];
  for (const skipped of summary.notRecorded) lines.push(`  not recorded: ${skipped.url}: ${skipped.reason}`);
  return lines.join('\n') + '\n';
}
