// A conversation as a Mermaid sequence diagram, to paste into notes (GitHub renders it in a
// ```mermaid block). The kernel stands between the two processes: each call is an arrow from its
// process to the kernel, labelled with its strace line; each moment where a call completed because
// of the other side is a dashed arrow from the side that caused it. Pure: text in, text out.
import { folded, Side, Step } from './conversation';
import type { Participants } from './lanes';
import { formatSocketState } from './state';
import { DEFAULT_STRING_LIMIT, formatLine, formatUnfinished, StraceOptions } from './strace';

const ACTOR: Readonly<Record<Side, string>> = { server: 'S', client: 'C' };
const KERNEL = 'K';

/**
 * Characters Mermaid reads as syntax in a message (`;` ends a statement, `#` starts an entity, `%%` a
 * comment, `<`, `>` and `&` are HTML once rendered), written as Mermaid's entity codes, which the
 * rendered diagram shows as the characters themselves.
 */
const ENTITIES: ReadonlyMap<string, string> = new Map([
  ['#', '#35;'],
  [';', '#59;'],
  ['"', '#quot;'],
  ['{', '#123;'],
  ['}', '#125;'],
  ['<', '#lt;'],
  ['>', '#gt;'],
  ['&', '#amp;'],
  ['%', '#37;'],
]);

export function escapeMermaid(text: string): string {
  return [...text].map((c) => ENTITIES.get(c) ?? c).join('');
}

function note(side: Side, text: string): string {
  return `    Note ${side === 'server' ? 'left' : 'right'} of ${ACTOR[side]}: ${escapeMermaid(text)}`;
}

/** The diagram; `strace`: how each call is printed (-s, -y), strace's defaults if not given. */
export function renderMermaid(steps: readonly Step[], who: Participants, strace: StraceOptions = { stringLimit: DEFAULT_STRING_LIMIT }): string {
  const lines = [
    'sequenceDiagram',
    `    participant ${ACTOR.server} as ${escapeMermaid(who.server)}`,
    `    participant ${KERNEL} as kernel`,
    `    participant ${ACTOR.client} as ${escapeMermaid(who.client)}`,
  ];
  for (const step of steps) {
    if (step.kind === 'link') {
      lines.push(`    ${ACTOR[step.link.from]}-->>${ACTOR[step.link.to]}: ${escapeMermaid(step.link.text)}`);
    } else if (step.kind === 'note') {
      lines.push(note(step.side, step.text));
    } else if (step.kind === 'blocked') {
      lines.push(note(step.side, formatUnfinished(step.call, strace)));
    } else {
      lines.push(`    ${ACTOR[step.side]}->>${KERNEL}: ${escapeMermaid(folded(formatLine(step.event, strace)))}`);
      for (const state of step.event.states ?? []) lines.push(note(step.side, formatSocketState(state)));
    }
  }
  return lines.join('\n') + '\n';
}
