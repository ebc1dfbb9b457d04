// Reads a two-lane timeline back (as `netsys demo` prints it without colour): the texts of one lane.

/** The texts of one lane, each put back together from its rows (a line break stands for one space). */
export function laneItems(lines: readonly string[], side: 'left' | 'right', width: number): string[] {
  const wide = width >= 160;
  const laneWidth = wide ? width - Math.floor(width / 3) : Math.floor((width - 3) / 2);
  const start = wide ? Math.floor(width / 3) : laneWidth + 3;
  const items: string[][] = [];
  for (const line of lines.slice(2)) {
    if (line.startsWith('◀') || line.endsWith('▶')) continue;
    const isRight = wide ? line.startsWith(' '.repeat(start)) : line.length > start;
    const left = wide ? (isRight ? '' : line) : line.slice(0, laneWidth).trimEnd();
    const content = side === 'left' ? left : isRight ? line.slice(start) : '';
    if (!content) continue;
    if (content.startsWith('  ')) items[items.length - 1].push(content.slice(2));
    else items.push([content]);
  }
  return items.map((item) => item.join(' '));
}

/** The completed calls of one lane (notes, which start with #, and unfinished lines left out). */
export function laneTexts(lines: readonly string[], side: 'left' | 'right', width: number): string[] {
  return laneItems(lines, side, width).filter((text) => !text.startsWith('#') && !text.endsWith('<unfinished ...>'));
}
