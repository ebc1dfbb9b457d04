// How wide to draw: the terminal's width, else $COLUMNS, else 80; always within a range every layout
// handles. A real terminal 8 columns wide, COLUMNS=1, COLUMNS=-5 or COLUMNS=99999999 must neither
// crash a layout nor make it write hundreds of megabytes.

/** Narrower than this, lines are laid out for this width and the terminal wraps them. */
export const MIN_WIDTH = 40;
/** Wider than this gains nothing: every call fits on one line long before. */
export const MAX_WIDTH = 400;
const DEFAULT_WIDTH = 80;

/** Columns to lay standard output out in: a whole number from MIN_WIDTH to MAX_WIDTH. */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  const fromTerminal = stream.isTTY && stream.columns && stream.columns > 0 ? stream.columns : undefined;
  const fromEnv = /^\d{1,9}$/.test(env.COLUMNS ?? '') ? Number(env.COLUMNS) : undefined;
  const width = fromTerminal ?? (fromEnv && fromEnv > 0 ? fromEnv : DEFAULT_WIDTH);
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width));
}
