/**
 * Wildcard matching as IAM does it, which differs by element:
 * - Action: `*` and `?`, case-insensitive ("iam:createrole" is "iam:CreateRole").
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * - Resource: `*` and `?` within a colon-separated segment of the ARN; a `*` that ends a segment "can expand to
 *   match beyond the colon boundaries"; case-sensitive.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 * - StringLike: `*` and `?` anywhere in the value, case-sensitive.
 * - ArnLike/ArnEquals: "Each of the six colon-delimited components of the ARN is checked separately and each can
 *   include multi-character match wildcards (*) or single-character match wildcards (?)".
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */

const escapeRegExp = (s: string) => s.replace(/[.+^${}()|[\]\\]/g, "\\$&");

/** `*` is any run of characters, `?` exactly one; everything else literal. */
function globSource(pattern: string): string {
  return escapeRegExp(pattern).replace(/\*/g, ".*").replace(/\?/g, ".");
}

/** StringLike: the whole value against the pattern. */
export function stringLike(pattern: string, value: string): boolean {
  return new RegExp(`^${globSource(pattern)}$`, "s").test(value);
}

/** Action and NotAction: case-insensitive wildcard match of `service:Action`. */
export function actionMatches(pattern: string, action: string): boolean {
  return new RegExp(`^${globSource(pattern)}$`, "is").test(action);
}

/**
 * Resource and NotResource. A `*` that is the last character of a segment (followed by `:` or the end) may run
 * across colons; any other `*` and every `?` stays inside its segment.
 */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === "*") return true;
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") source += i === pattern.length - 1 || pattern[i + 1] === ":" ? ".*" : "[^:]*";
    else if (c === "?") source += "[^:]";
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, "s").test(resource);
}

/** The six components of an ARN: arn, partition, service, region, account, and the rest (which may hold colons). */
function arnComponents(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/** ArnLike and ArnEquals: component by component; a value that is not an ARN never matches. */
export function arnLike(pattern: string, value: string): boolean {
  const p = arnComponents(pattern);
  const v = arnComponents(value);
  if (!p || !v) return false;
  return p.every((component, i) => stringLike(component, v[i]));
}
