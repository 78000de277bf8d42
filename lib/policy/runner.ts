/**
 * The in-repo policy runner: runs the pack's policies over a mock evaluation the way the Pulumi engine's policy
 * analyzer (@pulumi/policy's server) does, so `npm test` and `npm run plan` see what `pulumi preview
 * --policy-pack policy` would report.
 *
 * Mirrored from the analyzer: resource policies get each resource's inputs, stack policies every resource's
 * outputs; props sit behind @pulumi/policy's unknown-checking proxy; `isType`/`asType` compare type tokens;
 * `notApplicable` throws and is recorded, not reported; a validation function tagged with a type token
 * (`validateResourceOfType`) is skipped for other types; `disabled` policies do not run and `remediate` counts as
 * `mandatory`; `getConfig` returns the policy's config with its schema's defaults; an error inside a policy
 * fails the run, naming the policy.
 */

import type {
  EnforcementLevel,
  Policies,
  PolicyPackConfig,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import * as policySdk from "@pulumi/policy";
import type { Evaluation } from "../harness";
import { type EngineResource, engineView, type Props } from "./engineView";

/** A violation, as the engine would print it. */
export interface Violation {
  policy: string;
  enforcementLevel: EnforcementLevel;
  message: string;
  /** The resource in violation; undefined for a stack policy reporting the stack as a whole. */
  urn?: string;
  /** The resource's type and logical name, when there is one. */
  resource?: { type: string; name: string };
}

/** A policy that did not apply to a resource (or the stack), and why. */
export interface NotApplicable {
  policy: string;
  urn?: string;
  reason: string;
}

/** What a run found. */
export interface PolicyReport {
  violations: Violation[];
  notApplicable: NotApplicable[];
  /** Resource policy evaluations that ran to the end, per policy (how much each policy actually checked). */
  evaluated: Record<string, number>;
}

export interface RunOptions {
  /** Per-policy config, as in `pulumi preview --policy-pack-config`. */
  config?: PolicyPackConfig;
  /** The pack's default enforcement level. Defaults to "advisory", as in @pulumi/policy. */
  enforcementLevel?: EnforcementLevel;
}

class NotApplicableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const unknownCheckingProxy = (policySdk as unknown as { unknownCheckingProxy<T>(value: T): T })
  .unknownCheckingProxy;

/** A fresh, proxied copy of plain data, as the engine deserialises one per validation. */
function engineProps(value: Props): Props {
  return unknownCheckingProxy(JSON.parse(JSON.stringify(value)));
}

const typeOf = (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType;

const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason ?? "");
};

const noStackTags: ReadonlyMap<string, string> = Object.freeze(new Map<string, string>());

function levelOf(
  policy: { name: string; enforcementLevel?: EnforcementLevel },
  options: RunOptions,
): EnforcementLevel {
  const configured = options.config?.[policy.name];
  const fromConfig = typeof configured === "string" ? configured : configured?.enforcementLevel;
  const level = fromConfig ?? policy.enforcementLevel ?? options.enforcementLevel ?? "advisory";
  return level === "remediate" ? "mandatory" : level;
}

function configOf(policy: ResourceValidationPolicy | StackValidationPolicy, options: RunOptions) {
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, schema]) => typeof schema === "object" && schema.default !== undefined)
      .map(([key, schema]) => [key, (schema as { default: unknown }).default]),
  );
  const configured = options.config?.[policy.name];
  const { enforcementLevel: _level, ...values } = typeof configured === "object" ? configured : {};
  return <T extends object>() => ({ ...defaults, ...values }) as T;
}

function providerArg(r: EngineResource) {
  return r.provider ? { ...r.provider, props: engineProps(r.provider.props) } : undefined;
}

function optionsArg(r: EngineResource) {
  return {
    protect: r.protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: r.deleteBeforeReplace } : {}),
    ...(r.parentUrn ? { parent: r.parentUrn } : {}),
  };
}

function failure(policy: string, r: EngineResource | undefined, err: unknown): Error {
  const where = r ? ` on ${r.type} ${r.name}` : "";
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`policy ${policy} failed${where}: ${message}`);
}

/**
 * What the engine passes about one resource to resource and stack policies alike: its identity, its props (inputs
 * for resource policies, outputs for stack policies), options, provider, and the type tests over those props.
 */
function engineFields(r: EngineResource, props: Props) {
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts: optionsArg(r),
    provider: providerArg(r),
    isType: (c: unknown) => typeOf(c) === r.type,
    // Typed by the policy SDK as a generic over resource classes; at run time it is this one check.
    asType: ((c: unknown) => (typeOf(c) === r.type ? props : undefined)) as PolicyResource["asType"] &
      ResourceValidationArgs["asType"],
  };
}

/** The stack policies' view of the resources: outputs, with parents and dependencies as objects. */
function stackResources(view: EngineResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const resources = view.map((r) => {
    const resource: PolicyResource = {
      ...engineFields(r, engineProps(r.outputs)),
      dependencies: [],
      propertyDependencies: {},
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  view.forEach((r, i) => {
    const resource = resources[i];
    if (r.parentUrn) resource.parent = byUrn.get(r.parentUrn);
    resource.dependencies = r.dependencies.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => !!d);
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      resource.propertyDependencies[key] = urns
        .map((u) => byUrn.get(u))
        .filter((d): d is PolicyResource => !!d);
    }
  });
  return resources;
}

/** Runs every policy over the evaluation and reports violations and non-applicable checks. */
export async function runPolicies(
  policies: Policies,
  evaluation: Evaluation,
  options: RunOptions = {},
): Promise<PolicyReport> {
  const view = engineView(evaluation);
  const report: PolicyReport = { violations: [], notApplicable: [], evaluated: {} };

  for (const policy of policies) {
    const level = levelOf(policy, options);
    if (level === "disabled") continue;
    const getConfig = configOf(policy, options);

    if ("validateResource" in policy && policy.validateResource) {
      const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource];
      for (const r of view) {
        for (const validate of validations) {
          const tagged = typeOf(validate);
          if (!Array.isArray(policy.validateResource) && tagged && tagged !== r.type) {
            report.notApplicable.push({
              policy: policy.name,
              urn: r.urn,
              reason: `Policy only applies to resources of type '${tagged}'`,
            });
            continue;
          }
          const args: ResourceValidationArgs = {
            ...engineFields(r, engineProps(r.inputs)),
            stackTags: noStackTags,
            getConfig,
            notApplicable: throwNotApplicable,
          };
          try {
            await validate(args, (message) =>
              report.violations.push({
                policy: policy.name,
                enforcementLevel: level,
                message,
                urn: r.urn,
                resource: { type: r.type, name: r.name },
              }),
            );
            report.evaluated[policy.name] = (report.evaluated[policy.name] ?? 0) + 1;
          } catch (err) {
            if (err instanceof NotApplicableError) {
              report.notApplicable.push({ policy: policy.name, urn: r.urn, reason: err.reason });
            } else throw failure(policy.name, r, err);
          }
        }
      }
    }

    if ("validateStack" in policy && typeof policy.validateStack === "function") {
      const resources = stackResources(view);
      const tagged = typeOf(policy.validateStack);
      if (tagged && !resources.some((r) => r.type === tagged)) {
        report.notApplicable.push({
          policy: policy.name,
          reason: `Policy only applies to resources of type '${tagged}'`,
        });
        continue;
      }
      const byUrn = new Map(view.map((r) => [r.urn, r]));
      const args: StackValidationArgs = {
        resources,
        stackTags: noStackTags,
        getConfig,
        notApplicable: throwNotApplicable,
      };
      try {
        await policy.validateStack(args, (message, urn) => {
          const r = urn ? byUrn.get(urn) : undefined;
          report.violations.push({
            policy: policy.name,
            enforcementLevel: level,
            message,
            ...(urn ? { urn } : {}),
            ...(r ? { resource: { type: r.type, name: r.name } } : {}),
          });
        });
        report.evaluated[policy.name] = (report.evaluated[policy.name] ?? 0) + 1;
      } catch (err) {
        if (err instanceof NotApplicableError)
          report.notApplicable.push({ policy: policy.name, reason: err.reason });
        else throw failure(policy.name, undefined, err);
      }
    }
  }
  return report;
}
