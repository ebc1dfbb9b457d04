// Parses a Mermaid diagram from standard input with Mermaid's own parser (the `mermaid` package, in
// Node, no browser) and prints what the parser understood, as JSON: the diagram type, the actors,
// and each message and note with its text as the rendered diagram shows it (entity codes decoded).
// Exits 1 with Mermaid's error message when the diagram does not parse.
import mermaid from 'mermaid';

const NAMED = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: '\u00a0' };

/** Mermaid keeps `#59;` as a placeholder until it renders; the browser then shows the character. */
function decode(text) {
  return text
    .replace(/ﬂ°°(\d+)¶ß/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/ﬂ°(\w+)¶ß/g, (whole, name) => NAMED[name] ?? whole);
}

let source = '';
for await (const chunk of process.stdin) source += chunk;
try {
  const { diagramType } = await mermaid.parse(source);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(source);
  const db = diagram.db;
  const actors = [...db.getActors().values()].map((actor) => ({ name: actor.name, description: decode(actor.description) }));
  const messages = db.getMessages().map((m) => ({ from: m.from, to: m.to, type: m.type, placement: m.placement, text: decode(m.message) }));
  process.stdout.write(JSON.stringify({ diagramType, actors, messages }) + '\n');
} catch (error) {
  process.stderr.write(`${error.message ?? error}\n`);
  process.exit(1);
}
