/* eslint-disable no-control-regex -- it reads the escape sequences a terminal obeys */

/** A terminal that keeps what is drawn on it; `screen` replays cursor moves and line erases as a terminal would. */
export class FakeTerminal {
  readonly isTTY = true;
  columns = 72;
  rows = 24;
  raw = '';

  write(text: string): boolean {
    this.raw += text;
    return true;
  }

  /** The lines a person would see now, colours removed. */
  get screen(): string[] {
    const lines: string[] = [''];
    let row = 0;
    const tokens = this.raw.replace(/\u001b\[\?\d+[hl]/g, '').match(/\u001b\[\d*[A-Za-z]|\n|[^\u001b\n]+/g) ?? [];
    for (const token of tokens) {
      const count = Number(/\d+/.exec(token)?.[0] ?? 1);
      if (token === '\n') {
        row++;
        lines[row] ??= '';
      } else if (/^\u001b\[\d*A$/.test(token)) row = Math.max(0, row - count);
      else if (/^\u001b\[\d*B$/.test(token)) row += count;
      else if (token === '\u001b[2K' || token === '\u001b[K') lines[row] = '';
      else if (!/^\u001b\[\d*[Gm]$/.test(token)) lines[row] = (lines[row] ?? '') + token;
    }
    return lines.filter((line) => line !== '');
  }
}
