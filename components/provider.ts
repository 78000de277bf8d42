/**
 * Tagging through provider default tags: each component registers its AWS children with its own provider, so
 * every taggable resource carries the stack's tags plus the component's name, and non-taggable resources
 * (rules, attachments) are not handed tags they would reject.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** What every component needs to know about where it runs. */
export interface CommonArgs {
  /** AWS region for the component's resources. */
  region: string;
  /** Default tags for every taggable resource (project and stack); the component adds `component`. */
  tags: Record<string, string>;
}

/** A provider for one component's children: the region and default tags plus `component: <componentTag>`. */
export function componentProvider(
  parent: pulumi.ComponentResource,
  name: string,
  componentTag: string,
  common: CommonArgs,
): aws.Provider {
  return new aws.Provider(
    `${name}-aws`,
    {
      region: common.region as aws.Region,
      defaultTags: { tags: { ...common.tags, component: componentTag } },
    },
    { parent },
  );
}
