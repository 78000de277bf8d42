/**
 * The rule model of the constraint check: what AWS accepts for each input field of each resource type, each rule
 * carrying the source that documents it. A type's entry maps Pulumi's camelCase input paths to rules, lists the
 * fields AWS documents no constraint for (with the reason), and may add rules over several fields at once.
 *
 * Paths: `a.b` is a property, `a[]` every element of a list; a JSON-string field (an IAM policy, container
 * definitions, a dashboard body) is parsed by a `json` rule that has its own table of paths into the document.
 */

/** Where a rule comes from. */
export type SourceKind = "botocore" | "api-reference" | "documentation" | "provider";

export interface Source {
  kind: SourceKind;
  /**
   * botocore and api-reference: `service/Shape.member` in the botocore model; documentation: the page's URL;
   * provider: `repository path@commit` (or the package file) of the provider source.
   */
  ref: string;
  /** A page title or a short name of what is cited. */
  title?: string;
  /** The sentence (or code) the rule rests on, verbatim. */
  quote?: string;
  /** A web page for a person to read (the API reference page for botocore members). */
  url?: string;
}

/** One problem a rule found in a value; `path` extends the field's path when the problem is inside it. */
export interface Finding {
  path?: string;
  value: unknown;
  problem: string;
  /** The rule that found it, when a nested rule (inside a document or a map) did, not the field's own. */
  rule?: { text: string; source: Source };
}

/** What a rule sees besides the value. */
export interface RuleContext {
  /** The resource's type token. */
  type: string;
  /** The resource's logical name. */
  name: string;
  /** The resource's inputs (with the auto-name filled in when the provider names the resource). */
  inputs: Record<string, unknown>;
  /** Tags the resource's provider adds to every taggable resource (`defaultTags.tags`). */
  providerTags: Record<string, string>;
}

export interface Rule {
  /** What the rule requires, in words a reader can check against the source. */
  text: string;
  source: Source;
  /** Returns nothing when the value complies. Called only for values that are set. */
  check(value: unknown, ctx: RuleContext): Finding[];
  /** Set for rules that check a whole object or map (tags, options), whose keys are data, not fields. */
  whole?: boolean;
  /** Set for rules that parse a JSON string and check the document against their own table. */
  document?: DocumentConstraints;
  /**
   * Values the rule refuses, derived from its own parameters (one past each bound, a value outside the list),
   * so the tests can prove every rule without a hand-written case. Absent for rules whose refusals need a
   * written example (character sets, formats, relations).
   */
  refuses?: unknown[];
}

/** Constraints on a JSON document inside a string field, with the same shape as a type's field table. */
export interface DocumentConstraints {
  fields: Record<string, Rule[]>;
  unconstrained?: Record<string, string>;
  resource?: CrossFieldRule[];
}

/** A rule over several fields of one resource (or one document), e.g. `period × evaluationPeriods <= 86400`. */
export interface CrossFieldRule {
  /** The fields it relates, for the report and the docs. */
  fields: string[];
  text: string;
  source: Source;
  check(inputs: Record<string, unknown>, ctx: RuleContext): Finding[];
  /** Inputs (or documents) the rule refuses, written with the rule; the tests prove each. */
  refuses?: unknown[];
}

/** How the provider names a resource whose name input is left unset (pulumi-aws auto-naming). */
export interface AutoName {
  /** The input that receives the generated name. */
  property: string;
  /** pulumi-aws refuses a logical name that leaves no room for the random suffix within this length. */
  maxLength: number;
  separator: string;
  /** Random hex characters appended after the separator. */
  randomLength: number;
  /** Applied to the logical name before the suffix (S3 bucket names are lower-cased). */
  transform?: "lowercase";
  /** Appended after the random suffix (`.fifo` for FIFO topics), when the inputs ask for it. */
  suffix?: (inputs: Record<string, unknown>) => string;
  /** Put before the name (KMS aliases get `alias/`), unless the name already starts with it. */
  prefix?: string;
  source: Source;
}

export interface TypeConstraints {
  /** Set when pulumi-aws generates the physical name; the name rules then apply to the generated name. */
  autoName?: AutoName;
  /** Rules per input path. */
  fields: Record<string, Rule[]>;
  /** Input paths AWS documents no constraint for, each with the reason. A path ending in `.*` covers a subtree. */
  unconstrained?: Record<string, string>;
  /** Rules relating several fields. */
  resource?: CrossFieldRule[];
  /**
   * Set for types whose provider default tags land on the resource: the merged tags (provider's and the
   * resource's own) are checked by these rules.
   */
  tags?: Rule[];
}

/** A violation, as the check reports it. */
export interface ConstraintViolation {
  /** The resource's type token. */
  type: string;
  /** The resource's logical name. */
  name: string;
  /** The input path, e.g. `healthCheck.interval` or `containerDefinitions(json)[0].healthCheck.timeout`. */
  field: string;
  value: unknown;
  /** What the rule requires, and what is wrong with the value. */
  rule: string;
  problem: string;
  source: Source;
}
