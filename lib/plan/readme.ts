/**
 * The README shows one stack's diagram inline (GitHub renders Mermaid in any Markdown file), between the markers
 * `<!-- diagram:<stack> -->` and `<!-- /diagram:<stack> -->`. The plan command refreshes that region and a test
 * fails when it is stale, like the files under docs/diagrams/.
 */

/** The fenced ```mermaid block of a diagram file. */
export function mermaidBlock(diagramMarkdown: string): string {
  const match = /```mermaid\n[\s\S]*?\n```/.exec(diagramMarkdown);
  if (!match) throw new Error("diagram has no ```mermaid block");
  return match[0];
}

const markers = (stack: string) => [`<!-- diagram:${stack} -->`, `<!-- /diagram:${stack} -->`] as const;

/** The block between the stack's markers, or undefined when the document has no such region. */
export function embeddedDiagram(document: string, stack: string): string | undefined {
  const [open, close] = markers(stack);
  const start = document.indexOf(open);
  const end = document.indexOf(close);
  if (start < 0 || end < start) return undefined;
  return document.slice(start + open.length, end).trim();
}

/** The document with the stack's region replaced by `block`; unchanged when it has no region. */
export function embedDiagram(document: string, stack: string, block: string): string {
  const [open, close] = markers(stack);
  const start = document.indexOf(open);
  const end = document.indexOf(close);
  if (start < 0 || end < start) return document;
  return `${document.slice(0, start + open.length)}\n${block}\n${document.slice(end)}`;
}
