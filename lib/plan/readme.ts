/**
 * The README shows what the plan computes in regions between markers `<!-- <name> -->` and `<!-- /<name> -->`:
 * one stack's diagram inline (`diagram:<stack>`; GitHub renders Mermaid in any Markdown file) and the stacks'
 * monthly cost (`cost:summary`). The plan command refreshes them and a test fails when one is stale, like the
 * files under docs/diagrams/.
 */

/** The fenced ```mermaid block of a diagram file. */
export function mermaidBlock(diagramMarkdown: string): string {
  const match = /```mermaid\n[\s\S]*?\n```/.exec(diagramMarkdown);
  if (!match) throw new Error("diagram has no ```mermaid block");
  return match[0];
}

const markers = (name: string) => [`<!-- ${name} -->`, `<!-- /${name} -->`] as const;

/** The text between a region's markers, or undefined when the document has no such region. */
export function embeddedRegion(document: string, name: string): string | undefined {
  const [open, close] = markers(name);
  const start = document.indexOf(open);
  const end = document.indexOf(close);
  if (start < 0 || end < start) return undefined;
  return document.slice(start + open.length, end).trim();
}

/** The document with the region's text replaced by `block`; unchanged when it has no such region. */
export function embedRegion(document: string, name: string, block: string): string {
  const [open, close] = markers(name);
  const start = document.indexOf(open);
  const end = document.indexOf(close);
  if (start < 0 || end < start) return document;
  return `${document.slice(0, start + open.length)}\n${block}\n${document.slice(end)}`;
}

/** The block between the stack's diagram markers, or undefined when the document has none. */
export const embeddedDiagram = (document: string, stack: string) =>
  embeddedRegion(document, `diagram:${stack}`);

/** The document with the stack's diagram replaced by `block`; unchanged when it has no diagram region. */
export const embedDiagram = (document: string, stack: string, block: string) =>
  embedRegion(document, `diagram:${stack}`, block);

/** The region of the README that holds the stacks' cost summary. */
export const COST_SUMMARY_REGION = "cost:summary";
