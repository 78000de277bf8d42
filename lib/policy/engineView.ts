/**
 * The stack as the Pulumi engine shows it to a policy pack, rebuilt from a mock evaluation: URNs with their
 * parent type chain, resource options, the explicit provider with its (JSON-string) inputs, the parent, and
 * dependencies per property.
 *
 * Two things the mock runtime does not record are reconstructed, and both are documented approximations:
 * - `propertyDependencies`: the engine knows which resources each input was computed from. The mocks fabricate
 *   unique ids, ARNs and names, so an input that contains another resource's output (its id, ARN, name, URL...)
 *   was computed from it; that is how they are inferred here.
 * - `tagsAll`: in `pulumi preview` the AWS provider merges its `defaultTags` into each taggable resource's
 *   `tagsAll`. Here it is the explicit provider's `defaultTags` merged with the resource's own `tags`.
 */

import { providerDefaultTags, tagSupport } from "../../policy/tagging";
import type { Evaluation, RecordedResource } from "../harness";

/** Resource properties: untyped JSON, as @pulumi/policy types them. */
// biome-ignore lint/suspicious/noExplicitAny: property bags are untyped JSON, as in @pulumi/policy.
export type Props = Record<string, any>;

/** One resource as the engine would describe it. */
export interface EngineResource {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  /** What a resource policy sees: the inputs (with `tagsAll` where the provider would add it). */
  inputs: Props;
  /** What a stack policy sees: the outputs, with the id and (likewise) `tagsAll`. */
  outputs: Props;
  protect: boolean;
  deleteBeforeReplace?: boolean;
  parentUrn?: string;
  /** The explicit provider: its type, URN, name and inputs. */
  provider?: { type: string; urn: string; name: string; props: Props };
  /** URNs of the resources this one depends on (explicit `dependsOn` and every property dependency). */
  dependencies: string[];
  /** URNs of the resources each input property was computed from. */
  propertyDependencies: Record<string, string[]>;
  /** The recorded resource this view was built from. */
  recorded: RecordedResource;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The project a stack's root resource names (`<project>-<stack>`). */
function projectOf(evaluation: Evaluation): string {
  const root = evaluation.resources.find((r) => r.type === STACK_TYPE);
  const suffix = `-${evaluation.stack}`;
  return root?.name.endsWith(suffix) ? root.name.slice(0, -suffix.length) : "ecs-json-api";
}

/** The id the mock cloud answered for a resource (see MockCloud.newResource). */
export function mockId(r: RecordedResource): string {
  return typeof r.state.id === "string" ? r.state.id : `${r.name}-id`;
}

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value !== null && typeof value === "object")
    for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/**
 * The strings by which other resources can refer to `r`: its id, and every output the mock fabricated (outputs
 * that are not among its inputs). Components' invented `name` and `arn` are left out: nothing refers to them.
 */
function identifiers(r: RecordedResource): string[] {
  const inputs = new Set(stringsIn(r.inputs));
  const outputs = Object.entries(r.state)
    .filter(([k]) => r.custom || (k !== "name" && k !== "arn"))
    .flatMap(([, v]) => stringsIn(v));
  const ids = [...(r.custom ? [mockId(r)] : []), ...outputs].filter((s) => s.length >= 6 && !inputs.has(s));
  return [...new Set(ids)];
}

/** `tagsAll` as the AWS provider would compute it, for taggable types; undefined otherwise. */
function tagsAllOf(
  r: RecordedResource,
  providerProps: Props | undefined,
): Record<string, string> | undefined {
  if (!r.custom || tagSupport(r.type) !== "map" || r.inputs.tagsAll !== undefined) return undefined;
  const defaults = providerDefaultTags(
    providerProps ? { type: "", urn: "", name: "", props: providerProps } : undefined,
  );
  const own = r.inputs.tags && typeof r.inputs.tags === "object" ? r.inputs.tags : {};
  const all = { ...defaults, ...own };
  return Object.keys(all).length > 0 ? all : undefined;
}

/** Every resource of the evaluation as the engine would describe it, in registration order. */
export function engineView(evaluation: Evaluation): EngineResource[] {
  const project = projectOf(evaluation);
  const byKey = new Map(evaluation.resources.map((r) => [`${r.type}::${r.name}`, r]));
  const urns = new Map<RecordedResource, string>();
  const qualifiedType = (r: RecordedResource): string => {
    const parent =
      r.parent && r.parent.type !== STACK_TYPE ? byKey.get(`${r.parent.type}::${r.parent.name}`) : undefined;
    return parent ? `${qualifiedType(parent)}$${r.type}` : r.type;
  };
  for (const r of evaluation.resources) {
    urns.set(r, `urn:pulumi:${evaluation.stack}::${project}::${qualifiedType(r)}::${r.name}`);
  }

  const index = evaluation.resources.map((r) => ({ r, ids: identifiers(r) }));
  const dependenciesOf = (self: RecordedResource, value: unknown): string[] => {
    const strings = stringsIn(value).filter((s) => s.length >= 6);
    if (strings.length === 0) return [];
    return index
      .filter(
        ({ r, ids }) =>
          r !== self && ids.some((id) => strings.some((s) => s === id || (id.length >= 8 && s.includes(id)))),
      )
      .map(({ r }) => urns.get(r) as string);
  };

  return evaluation.resources.map((r) => {
    const providerResource = evaluation.providerOf(r);
    const provider = providerResource
      ? {
          type: providerResource.type,
          urn: urns.get(providerResource) as string,
          name: providerResource.name,
          props: providerResource.inputs,
        }
      : undefined;
    const propertyDependencies: Record<string, string[]> = {};
    for (const [key, value] of Object.entries(r.inputs)) {
      const deps = dependenciesOf(r, value);
      if (deps.length > 0) propertyDependencies[key] = deps;
    }
    const explicit = r.options.dependsOn.flatMap((name) =>
      evaluation.resources.filter((d) => d.name === name).map((d) => urns.get(d) as string),
    );
    const tagsAll = tagsAllOf(r, provider?.props);
    const parent = r.parent ? byKey.get(`${r.parent.type}::${r.parent.name}`) : undefined;
    return {
      type: r.type,
      name: r.name,
      urn: urns.get(r) as string,
      custom: r.custom,
      inputs: tagsAll ? { ...r.inputs, tagsAll } : r.inputs,
      // The engine's outputs carry the id the provider answered; the mock's state mostly leaves it out.
      outputs: {
        ...(r.custom ? { id: mockId(r) } : {}),
        ...r.state,
        ...(tagsAll && r.state.tagsAll === undefined ? { tagsAll } : {}),
      },
      protect: r.options.protect === true,
      deleteBeforeReplace: r.options.deleteBeforeReplace,
      parentUrn: parent ? urns.get(parent) : undefined,
      provider,
      dependencies: [...new Set([...explicit, ...Object.values(propertyDependencies).flat()])],
      propertyDependencies,
      recorded: r,
    };
  });
}
