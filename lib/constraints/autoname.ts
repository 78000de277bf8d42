/**
 * pulumi-aws auto-naming: a resource whose name input is left unset gets `<logical name><separator><random hex>`
 * (the bridge's `tfbridge.AutoName`/`resource.NewUniqueHex`), and the name rules of the type then apply to that
 * generated name. Each type's setting is read from pulumi-aws's provider sources (the v7 line: the default in
 * provider/autonaming.go, the explicit settings in provider/resource_overrides.go and provider/aliases.go) and
 * cited per type.
 */
import type { AutoName, Source } from "./model";

/** The pulumi-aws files the settings are read from, at the commits the repository store holds (v7 line). */
export const PULUMI_AWS = {
  autonaming: "provider/autonaming.go@0c5f658",
  overrides: "provider/resource_overrides.go@015d343",
  aliases: "provider/aliases.go@0c5f658",
} as const;

/** A setting of pulumi-aws's provider source, quoted. */
export function providerSource(quote: string, file: string = PULUMI_AWS.overrides, title?: string): Source {
  const [path] = file.split("@");
  return {
    kind: "provider",
    ref: `pulumi/pulumi-aws ${file}`,
    title,
    quote,
    url: `https://github.com/pulumi/pulumi-aws/blob/master/${path}`,
  };
}

/**
 * The default for every resource with a `name` input and no explicit setting: `setAutonaming` applies
 * `tfbridge.AutoName(nameProperty, 255, "-")`, whatever AWS's own limit for the name is.
 */
export function defaultAutoName(): AutoName {
  return {
    property: "name",
    maxLength: 255,
    separator: "-",
    randomLength: 7,
    source: providerSource(
      'maxLength := 255; separator := "-"; ... res.Fields[nameProperty] = tfbridge.AutoName(nameProperty, maxLength, separator)',
      PULUMI_AWS.autonaming,
      "setAutonaming: the default for every resource with a name input",
    ),
  };
}

/** An explicit `tfbridge.AutoName(property, maxLength, "-")` setting of one resource. */
export function autoName(
  property: string,
  maxLength: number,
  quote: string,
  extra: Partial<AutoName> = {},
  file: string = PULUMI_AWS.overrides,
): AutoName {
  return {
    property,
    maxLength,
    separator: "-",
    randomLength: 7,
    source: providerSource(quote, file),
    ...extra,
  };
}

/** The stand-in for the random hex suffix: hex digits, so it passes exactly the character sets real ones do. */
export const RANDOM_STAND_IN = "0123456789abcdef";

/** The name pulumi-aws generates for `logicalName` (with the random part shown as hex digits). */
export function generatedName(spec: AutoName, logicalName: string, inputs: Record<string, unknown>): string {
  const base = spec.transform === "lowercase" ? logicalName.toLowerCase() : logicalName;
  const name = `${base}${spec.separator}${RANDOM_STAND_IN.slice(0, spec.randomLength)}${spec.suffix?.(inputs) ?? ""}`;
  return spec.prefix && !name.startsWith(spec.prefix) ? `${spec.prefix}${name}` : name;
}

/** pulumi-aws's own refusal: the logical name plus separator and suffix must fit `maxLength`. */
export function autoNameProblem(spec: AutoName, logicalName: string): string | undefined {
  const needed = logicalName.length + spec.separator.length + spec.randomLength;
  return needed > spec.maxLength
    ? `logical name "${logicalName}" plus "${spec.separator}" and ${spec.randomLength} random characters is ${needed} characters, longer than pulumi-aws's ${spec.maxLength}`
    : undefined;
}

/**
 * A name the provider completes from a prefix input (`namePrefix`, `bucketPrefix`, `statementIdPrefix`): Pulumi
 * does not auto-name a resource whose prefix is set, and Terraform appends a timestamp and a counter, 26
 * characters in all (terraform-plugin-sdk helper/id).
 */
export const PREFIXED_UNIQUE_ID: Source = {
  kind: "provider",
  ref: "hashicorp/terraform-plugin-sdk helper/id/id.go",
  title: "PrefixedUniqueId: what a name_prefix becomes",
  quote:
    'timestamp := strings.Replace(time.Now().UTC().Format("20060102150405.0000"), ".", "", 1) ... return fmt.Sprintf("%s%s%08x", prefix, timestamp, idCounter)',
  url: "https://github.com/hashicorp/terraform-plugin-sdk/blob/main/helper/id/id.go",
};

/** The stand-in for the 26 characters Terraform appends to a prefix (an 18-digit timestamp and 8 hex digits). */
export const PREFIX_SUFFIX_STAND_IN = "20260101000000000000000001";

/** The input that holds a prefix for `property` (`name` → `namePrefix`). */
export const prefixInput = (property: string) => `${property}Prefix`;
