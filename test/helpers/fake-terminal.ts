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

  /** The lines a person would see now, colours removed: cursor moves, column moves and erases replayed. */
  get screen(): string[] {
    const lines: string[] = [''];
    let row = 0;
    let column = 0;
    const tokens = this.raw.replace(/\u001b\[\?\d+[hl]/g, '').match(/\u001b\[\d*[A-Za-z]|\n|[^\u001b\n]+/g) ?? [];
    for (const token of tokens) {
      const count = Number(/\d+/.exec(token)?.[0] ?? 1);
      const line = lines[row] ?? '';
      if (token === '\n') {
        row++;
        column = 0;
        lines[row] ??= '';
      } else if (/^\u001b\[\d*A$/.test(token)) row = Math.max(0, row - count);
      else if (/^\u001b\[\d*B$/.test(token)) row += count;
      else if (/^\u001b\[\d*G$/.test(token)) column = count - 1;
      else if (token === '\u001b[2K') lines[row] = '';
      // Erases from the cursor to the end of the line.
      else if (token === '\u001b[K' || token === '\u001b[0K') lines[row] = line.slice(0, column);
      else if (!/^\u001b\[\d*m$/.test(token)) {
        lines[row] = line.padEnd(column).slice(0, column) + token + line.slice(column + token.length);
        column += token.length;
      }
    }
    return lines.filter((line) => line !== '');
  }
}
