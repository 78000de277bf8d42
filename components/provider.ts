/**
 * Which AWS provider a component's children use. A caller's provider wins (`opts.provider`, or `aws` in
 * `opts.providers`, or one an ancestor component was given), so a caller can place a component in another
 * account or region and owns its tags. Only when none is given does the component create one, from the region
 * and tags in its arguments, adding `component: <its class>` to the default tags: every taggable child then
 * carries the stack's tags and the name of the component that owns it, and non-taggable resources (rules,
 * attachments) are not handed tags they would reject.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** Where a component runs, used only when the caller passes no provider. */
export interface CommonArgs {
  /** AWS region of the component's resources. Defaults to the default provider's region (`aws:region`). */
  region?: string;
  /** Default tags of every taggable child; the component adds `component`. Defaults to none. */
  tags?: Record<string, string>;
}

/** The caller's AWS provider from a component's options, if it passed one. */
export function callerProvider(opts: pulumi.ComponentResourceOptions | undefined): aws.Provider | undefined {
  if (!opts) return undefined;
  // A component's `provider` may be another package's (Pulumi files it under that package), so only an AWS
  // one counts; otherwise look in `providers`.
  if (aws.Provider.isInstance(opts.provider)) return opts.provider;
  const providers = opts.providers;
  if (Array.isArray(providers)) {
    return providers.find((p) => (p as unknown as { getPackage(): string }).getPackage?.() === "aws") as
      | aws.Provider
      | undefined;
  }
  return providers?.aws as aws.Provider | undefined;
}

/**
 * The provider for `parent`'s children: the caller's (in `opts`, or inherited from `parent`'s ancestors), or a
 * new one named `<name>-aws` with the region and the tags of `common` plus `component: <componentTag>`.
 */
export function componentProvider(
  parent: pulumi.ComponentResource,
  name: string,
  componentTag: string,
  common: CommonArgs,
  opts?: pulumi.ComponentResourceOptions,
): aws.Provider {
  // Pulumi hands a component's children the providers of its ancestors too: a component inside a caller's
  // component that was given an AWS provider uses it, like any aws resource there would.
  const given = callerProvider(opts) ?? (parent.getProvider("aws::") as aws.Provider | undefined);
  if (given) return given;
  return new aws.Provider(
    `${name}-aws`,
    {
      ...(common.region ? { region: common.region as aws.Region } : {}),
      defaultTags: { tags: { ...common.tags, component: componentTag } },
    },
    { parent },
  );
}

/** The region of a component's provider, as AWS names it (for service endpoints, ARNs and dashboards). */
export function regionOf(parent: pulumi.Resource, provider: aws.Provider): pulumi.Output<string> {
  return aws.getRegionOutput({}, { parent, provider }).region;
}
