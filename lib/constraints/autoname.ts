/**
 * pulumi-aws auto-naming: a resource whose name input is left unset gets `<logical name><separator><random hex>`
 * (the bridge's `tfbridge.AutoName`/`resource.NewUniqueHex`), and the name rules of the type then apply to that
 * generated name. Each type's setting, read from pulumi-aws's provider/resources.go, is cited per type.
 */
import type { AutoName, Source } from "./model";

/** The pulumi-aws source the settings are read from (the v6 line's resources.go, unchanged in shape since). */
const RESOURCES_GO = "pulumi/pulumi-aws provider/resources.go@00ba5ea";

/** A setting of resources.go, quoted. */
export function providerSource(quote: string, title?: string): Source {
  return {
    kind: "provider",
    ref: RESOURCES_GO,
    title,
    quote,
    url: "https://github.com/pulumi/pulumi-aws/blob/master/provider/resources.go",
  };
}

/**
 * The default for every resource with a `name` input and no explicit setting: `setAutonaming` in resources.go
 * applies `tfbridge.AutoName(nameProperty, 255, "-")`, whatever AWS's own limit for the name is.
 */
export function defaultAutoName(): AutoName {
  return {
    property: "name",
    maxLength: 255,
    separator: "-",
    randomLength: 7,
    source: providerSource(
      'maxLength := 255; separator := "-"; ... res.Fields[nameProperty] = tfbridge.AutoName(nameProperty, maxLength, separator)',
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
): AutoName {
  return { property, maxLength, separator: "-", randomLength: 7, source: providerSource(quote), ...extra };
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
