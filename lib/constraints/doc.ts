/**
 * docs/constraints.md, rendered from the catalog: every rule with its type, field, constraint and source, the
 * fields AWS documents no constraint for (with the reason), and the counts. `npm run constraints:docs` writes
 * it; a test fails when the committed file differs from what the catalog renders.
 */
import { ROLE_INLINE_LIMIT, ROLE_INLINE_SOURCE } from "./aggregate";
import { generatedModels } from "./botocore";
import { CATALOG } from "./catalog/index";
import type { AutoName, Rule, Source, SourceKind, TypeConstraints } from "./model";

/** One row of a type's table. */
interface Row {
  field: string;
  constraint: string;
  source: Source;
}

const KINDS: SourceKind[] = ["botocore", "api-reference", "documentation", "provider"];
const KIND_NAMES: Record<SourceKind, string> = {
  botocore: "botocore model (traits of a member: pattern, min, max, enum)",
  "api-reference": "AWS API reference (the member's documentation in the botocore model, quoted)",
  documentation: "AWS documentation page (or an AWS error text, cited where AWS states it)",
  provider: "provider source (pulumi-aws auto-naming, the awsx and docker schemas)",
};

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s: string) => (s.includes("`") ? `\`\` ${s} \`\`` : `\`${s}\``);

/** The sources quoted in the tables, each listed once at the end and cited by number. */
class SourceList {
  private readonly index = new Map<string, number>();
  readonly entries: Source[] = [];

  /** A short citation: botocore members inline, quoted sources by their number in the list. */
  cite(s: Source): string {
    if (s.kind === "botocore") return s.url ? `botocore [${s.ref}](${s.url})` : `botocore ${s.ref}`;
    const key = JSON.stringify([s.kind, s.ref, s.title, s.quote, s.url]);
    let n = this.index.get(key);
    if (n === undefined) {
      this.entries.push(s);
      n = this.entries.length;
      this.index.set(key, n);
    }
    const what = s.kind === "api-reference" ? `API reference ${s.ref}` : (s.title ?? s.ref);
    return `[${n}](#source-${n}) ${what}`;
  }

  render(): string[] {
    return this.entries.map((s, i) => {
      const where = s.url
        ? `[${s.kind === "api-reference" ? `API reference, botocore ${s.ref}` : (s.title ?? s.ref)}](${s.url})`
        : s.ref;
      const ref = s.kind === "provider" && s.url ? ` (${s.ref})` : "";
      return `${i + 1}. <a id="source-${i + 1}"></a>${where}${ref}${s.quote ? `: “${s.quote}”` : ""}`;
    });
  }
}

function autoNameRow(a: AutoName): Row {
  const parts = [
    `unset \`${a.property}\`: logical name + "${a.separator}" + ${a.randomLength} random hex`,
    a.prefix ? `prefixed ${a.prefix}` : "",
    a.transform === "lowercase" ? "lowercased" : "",
    a.suffix ? "with a suffix (e.g. .fifo)" : "",
    `at most ${a.maxLength} in all; the result must pass the name rules`,
  ].filter(Boolean);
  return { field: `${a.property} (auto-named)`, constraint: parts.join(", "), source: a.source };
}

/** Every row of a type: auto-name, fields (and their documents), tags, cross-field rules. */
function rowsOf(entry: TypeConstraints): Row[] {
  const rows: Row[] = [];
  if (entry.autoName) rows.push(autoNameRow(entry.autoName));
  const ruleRows = (field: string, rules: Rule[]) => {
    for (const r of rules) {
      rows.push({ field, constraint: r.text, source: r.source });
      for (const [docField, docRules] of Object.entries(r.document?.fields ?? {})) {
        for (const d of docRules)
          rows.push({ field: `${field}(json) ${docField}`, constraint: d.text, source: d.source });
      }
      for (const c of r.document?.resource ?? []) {
        rows.push({ field: `${field}(json) ${c.fields.join(" + ")}`, constraint: c.text, source: c.source });
      }
    }
  };
  for (const [field, rules] of Object.entries(entry.fields)) ruleRows(field, rules);
  if (entry.tags) ruleRows("tags (with the provider's default tags)", entry.tags);
  for (const c of entry.resource ?? [])
    rows.push({ field: c.fields.join(" + "), constraint: c.text, source: c.source });
  return rows;
}

/** Counts: rules per type and per kind of source. */
export function constraintCounts(): {
  types: number;
  rules: number;
  unconstrained: number;
  byKind: Record<SourceKind, number>;
  byType: Record<string, number>;
} {
  const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<SourceKind, number>;
  const byType: Record<string, number> = {};
  let rules = 0;
  let unconstrained = 0;
  for (const [type, entry] of Object.entries(CATALOG)) {
    const rows = rowsOf(entry);
    byType[type] = rows.length;
    rules += rows.length;
    for (const r of rows) byKind[r.source.kind]++;
    unconstrained += Object.keys(entry.unconstrained ?? {}).length;
  }
  return { types: Object.keys(CATALOG).length, rules, unconstrained, byKind, byType };
}

const HEADER = `# AWS constraints

Mocks accept anything; AWS does not. \`lib/constraints/\` checks every input of every resource the program and
the bootstrap create against what AWS documents for that field: character sets, lengths (auto-name suffixes
included), numeric ranges, allowed values, and combinations the API refuses. A violation names the resource,
the field, the value, the rule and the rule's source.

This file is generated from the catalog (\`lib/constraints/catalog/\`) by \`npm run constraints:docs\`; a test fails
when it is stale.

## Where it runs

- **Every evaluation under mocks**: \`MockCloud.newResource\` (\`lib/harness/mocks.ts\`) refuses a resource that
  violates a rule, failing the evaluation with the check's message, so every test that evaluates a stack or a
  component enforces it. Invokes answer only what AWS would answer (the SSM parameter mock knows exactly the two
  ECS-optimized Amazon Linux 2023 AMI parameters, regions come from botocore's \`endpoints.json\`).
- **\`npm test\`**: \`tests/constraints.test.ts\` checks both committed stacks, prod's two HTTPS variants and the
  bootstrap (no violations, every type has an entry, every input field is ruled or declared unconstrained), the
  generated botocore file, and the mock's refusals; \`tests/constraints.rules.test.ts\` proves every rule with
  the inputs it lists as refused (and the headline cases by hand).
- **\`npm run plan -- <stack>\`** prints an "AWS constraints" section and exits non-zero on a violation.

\`\`\`ts
import { checkConstraints, checkResource, formatViolations } from "./lib/constraints";
const violations = checkConstraints(await evaluateStack("prod")); // [] when AWS would accept every input
console.log(formatViolations(violations));
checkResource({ type, name, inputs }, { providerTags }); // one resource, as the mock cloud calls it
\`\`\`

## Adding a rule

1. Find the field's entry in \`lib/constraints/catalog/<family>.ts\` (keyed by the Pulumi type token; paths are
   Pulumi's camelCase input paths, \`a.b\` for a property and \`a[]\` for every element of a list).
2. Where botocore's model has traits for the member, use \`botocore("<service>", "<Shape>.<member>")\` and run
   \`npm run constraints:generate\` (it records only the members the catalog references; see Regenerating).
   Where the constraint is only in the member's documentation, use \`apiReference("<service>", "<Shape>.<member>", "<the sentence, verbatim>")\`: the generator refuses a quote the
   model's documentation does not contain. Otherwise cite the documentation page with \`doc(url, title, quote)\`
   after reading it.
3. A rule built from a range, a length, a list size or an enum derives the inputs it refuses; a pattern, a
   character set, a custom or a cross-field rule lists them (\`refuses\`), and the tests prove each.
4. A field AWS documents no constraint for goes in \`unconstrained\` with the reason.
5. Run \`npm run constraints:docs\` and commit the regenerated file.

## Regenerating

- \`npm run constraints:generate\` reads botocore's service models (\`botocore/data/<service>/<version>/service-2.json\`;
  \`--data <dir>\` to point at one) and writes \`lib/constraints/botocore.generated.json\`: the traits of each
  referenced member, the verified quotes, and the regions of the \`aws\` partition. Tests never need botocore.
  It takes the botocore \`python3\` imports, else Debian's; the committed file comes from botocore 1.43.11.
  Debian bookworm's python3-botocore (1.29.27) lacks members and sentences the catalog cites (the ECS
  deployment strategies among them): the run stops, naming each, and leaves the committed file as it was.
- \`npm run constraints:docs\` rewrites this file.
`;

const limits = (botocoreVersion: string) => `## What the check cannot see

AWS refuses these too, but no rule over one resource's inputs can tell:

- **Relations between resources.** A service's \`loadBalancers[].containerName\`/\`containerPort\` must name a
  container and a port mapping of its task definition; a listener's target group must use a compatible protocol;
  a capacity provider's Auto Scaling group must exist. The program's own tests check the relations it relies on.
  The one aggregate encoded across resources is a role's inline policies together (10,240 characters).
- **Existence, uniqueness and quotas.** A referenced ARN or id must exist; names must be unique per account and
  region; account quotas (roles, security groups per VPC, rules per group) depend on the account. The mock cloud
  answers with well-formed ids, not real ones.
- **Values AWS derives.** Outputs are the mock's values (for example the AMI id), checked as if AWS had
  returned them; the real values are AWS's own.
- **Children of remote components.** awsx's VPC creates the VPC, subnets, route tables, NAT gateways and
  endpoints inside its own plugin; the mocks see only the component, so its inputs are checked (CIDR sizes,
  strategies, endpoint service names) and the names and tags awsx gives its children are not.
- **Undocumented ranges.** ECS deployment \`maximumPercent\`/\`minimumHealthyPercent\` and container ports have
  no documented range in the API reference; they are listed as unconstrained with that reason.
- **Regions.** Zones and the Elastic Load Balancing log account are known for eu-west-1 only; another region
  fails loudly in the mock until its values are added from AWS's documentation.
- **Provenance.** pulumi-aws's auto-naming settings are read from the v7 line's provider sources
  (\`provider/autonaming.go\`, \`provider/resource_overrides.go\`, \`provider/aliases.go\`, at the commits each
  citation names), the newest the repository store holds; the program pins @pulumi/aws 7.48, whose exact commit
  was not available to read. A Terraform \`name_prefix\` is completed per terraform-plugin-sdk's
  \`id.PrefixedUniqueId\` (26 characters); resources whose provider truncates the result (load balancers,
  target groups) are not modelled that way, and none of the stacks sets a prefix on them. The botocore
  rules come from botocore ${botocoreVersion} (a pip install): Debian's python3-botocore 1.29.27 predates the ECS
  deployment strategies (BLUE_GREEN, CANARY, LINEAR) and lifecycle hooks.
`;

/** The whole document. */
export function renderConstraintsDoc(): string {
  const counts = constraintCounts();
  const models = generatedModels();
  const lines: string[] = [HEADER];
  lines.push("## Counts", "");
  lines.push(
    `${counts.rules} rules over ${counts.types} resource types, and ${counts.unconstrained} fields declared unconstrained ` +
      `with a reason. The botocore rules come from botocore ${models.botocoreVersion} ` +
      `(${Object.keys(models.members).length} members, ${Object.values(models.quotes).flat().length} verified quotes, ` +
      `${models.regions.length} regions). A rule shared by several types or fields counts once per use.`,
    "",
    "| Source | Rules |",
    "| --- | ---: |",
    ...KINDS.map((k) => `| ${KIND_NAMES[k]} | ${counts.byKind[k]} |`),
    "",
    "| Type | Rules |",
    "| --- | ---: |",
    ...Object.entries(counts.byType).map(([t, n]) => `| [\`${t}\`](#${anchor(t)}) | ${n} |`),
    "",
  );
  lines.push("## Rules by type", "");
  const sources = new SourceList();
  for (const [type, entry] of Object.entries(CATALOG)) {
    lines.push(`### ${type}`, "");
    lines.push("| Field | Constraint | Source |", "| --- | --- | --- |");
    for (const r of rowsOf(entry)) {
      lines.push(`| ${cell(code(r.field))} | ${cell(r.constraint)} | ${cell(sources.cite(r.source))} |`);
    }
    const free = Object.entries(entry.unconstrained ?? {});
    if (free.length) {
      lines.push("", "AWS documents no constraint for:", "");
      for (const [field, reason] of free) lines.push(`- ${code(field)}: ${reason}`);
    }
    lines.push("");
  }
  lines.push(
    "## Over several resources",
    "",
    "Checked by `checkConstraints` over a whole evaluation, and by the mock cloud as each resource registers.",
    "",
    "| Resources | Constraint | Source |",
    "| --- | --- | --- |",
    `| \`aws:iam/role:Role\` \`inlinePolicies[].policy\` + \`aws:iam/rolePolicy:RolePolicy\` \`policy\` naming the role | all inline policies of a role together at most ${ROLE_INLINE_LIMIT.toLocaleString("en-US")} characters, white space not counted | ${cell(sources.cite(ROLE_INLINE_SOURCE))} |`,
    "",
  );
  lines.push(
    "## Sources",
    "",
    "Each quoted source once; the tables cite them by number.",
    "",
    ...sources.render(),
    "",
  );
  lines.push(limits(models.botocoreVersion));
  return `${lines.join("\n").replace(/\n+$/, "")}\n`;
}

/** GitHub's heading anchor for a type token heading. */
function anchor(type: string): string {
  return type
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replace(/ /g, "-");
}
