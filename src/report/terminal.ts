import type { LiveTerminal } from './progress-live.ts';

/**
 * The process's terminal (stderr, when it is one), shared by whoever prints on it. While a live
 * view is drawn there, a line printed by anyone else (the "interrupted" notice of a Ctrl-C) goes
 * through the view, so it lands above the view instead of through it.
 */
export class SharedTerminal implements LiveTerminal {
  readonly isTTY = true;
  private printer: ((line: string) => void) | undefined;

  constructor(private readonly stream: { write(text: string): unknown; columns?: number; rows?: number }) {}

  get columns(): number | undefined {
    return this.stream.columns;
  }

  get rows(): number | undefined {
    return this.stream.rows;
  }

  write(text: string): unknown {
    return this.stream.write(text);
  }

  /** One line for the person at the terminal, on a line of its own (after the ^C the terminal echoed). */
  print(line: string): void {
    if (this.printer) this.printer(line);
    else this.stream.write(`\n${line}\n`);
  }

  /** Lines printed go to `printer` until the returned function is called. */
  claim(printer: (line: string) => void): () => void {
    this.printer = printer;
    return () => {
      if (this.printer === printer) this.printer = undefined;
    };
  }
}
