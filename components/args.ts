/**
 * How a component declares its arguments: each one's default, its documentation and its rule, in one place.
 * The component applies them (`checkArgs`, then its own rules between arguments); the stack config takes its
 * defaults, documentation and allowed values from the same specs (stacks/schema.ts), so a default or a range is
 * written once, and a problem reads the same wherever it is found, only named differently: `maxTasks` to a
 * component's caller, `ecs-json-api:maxTasks` to a stack's.
 */

/** Names an argument in a problem: the identity for a component's caller, a config key for the stack config. */
export type Label = (arg: string) => string;

/** The identity label: problems name the argument itself. */
export const argName: Label = (arg) => arg;

interface BaseSpec<T> {
  /** One line saying what the argument controls. */
  doc: string;
  /** The value when the argument is not given. */
  default: T;
  /** Further problems with a value that passed the checks above, phrased to follow `<name> = <value> `. */
  check?: (value: T) => string[];
}
/** A whole number, within a range or one of some values. */
export interface IntegerSpec extends BaseSpec<number> {
  type: "integer";
  min?: number;
  max?: number;
  oneOf?: readonly number[];
}
/** A boolean. */
export interface BooleanSpec extends BaseSpec<boolean> {
  type: "boolean";
}
/** A string, one of some values or matching a pattern; the empty string is allowed when it is the default. */
export interface StringSpec extends BaseSpec<string> {
  type: "string";
  oneOf?: readonly string[];
  pattern?: RegExp;
  /** What the pattern means, for problems. */
  patternDoc?: string;
}
export type ArgSpec = IntegerSpec | BooleanSpec | StringSpec;

/** The TypeScript type of a spec's value. */
export type ValueOf<S> = S extends IntegerSpec ? number : S extends BooleanSpec ? boolean : string;

/** Declares a whole-number argument. */
export const integer = (
  doc: string,
  def: number,
  rule: Omit<IntegerSpec, "type" | "default" | "doc"> = {},
): IntegerSpec => ({ type: "integer", default: def, doc, ...rule });
/** Declares a boolean argument. */
export const boolean = (doc: string, def: boolean): BooleanSpec => ({ type: "boolean", default: def, doc });
/** Declares a string argument. */
export const string = (
  doc: string,
  def: string,
  rule: Omit<StringSpec, "type" | "default" | "doc"> = {},
): StringSpec => ({ type: "string", default: def, doc, ...rule });

/** What a value of the spec may be, in words. */
export function describeAllowed(spec: ArgSpec): string {
  if (spec.type === "boolean") return "true or false";
  if (spec.type === "integer") {
    if (spec.oneOf) return `one of ${spec.oneOf.join(", ")}`;
    return `a whole number from ${spec.min ?? "-inf"} to ${spec.max ?? "inf"}`;
  }
  if (spec.oneOf) return `one of ${spec.oneOf.map((v) => `"${v}"`).join(", ")}`;
  return spec.patternDoc ?? "a string";
}

/** Shows a value the way the stack file would hold it. */
export function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** The problems with one value against its spec, each a full sentence naming the argument through `label`. */
export function valueProblems(arg: string, spec: ArgSpec, value: unknown, label: Label = argName): string[] {
  const bad = [`${label(arg)} = ${show(value)} is not allowed; expected ${describeAllowed(spec)}`];
  switch (spec.type) {
    case "boolean":
      if (typeof value !== "boolean") return bad;
      break;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return bad;
      if (spec.oneOf && !spec.oneOf.includes(value)) return bad;
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max))
        return bad;
      break;
    case "string":
      if (typeof value !== "string") return bad;
      if (spec.oneOf && !spec.oneOf.includes(value)) return bad;
      if (spec.pattern && !(value === "" && spec.default === "") && !spec.pattern.test(value)) return bad;
      break;
  }
  return (
    (spec.check as ((v: unknown) => string[]) | undefined)?.(value).map(
      (p) => `${label(arg)} = ${show(value)} ${p}`,
    ) ?? []
  );
}

/** A component's argument specs, keyed by argument name. */
export type ArgSpecs = Record<string, ArgSpec>;

/** The values of a set of specs, every one present. */
export type ArgValues<S extends ArgSpecs> = { -readonly [K in keyof S]: ValueOf<S[K]> };

/**
 * Applies the specs' defaults to `args` (an argument that is `undefined` takes its default) and checks every
 * value. Returns the values and every problem, each naming its argument through `label`.
 */
export function checkArgs<S extends ArgSpecs>(
  specs: S,
  args: { [K in keyof S]?: ValueOf<S[K]> },
  label: Label = argName,
): { values: ArgValues<S>; problems: string[] } {
  const values = {} as Record<string, unknown>;
  const problems: string[] = [];
  for (const [arg, spec] of Object.entries(specs)) {
    const given = (args as Record<string, unknown>)[arg];
    const value = given === undefined ? spec.default : given;
    values[arg] = value;
    problems.push(...valueProblems(arg, spec, value, label));
  }
  return { values: values as ArgValues<S>, problems };
}

/** Thrown by a component whose arguments are invalid; the message lists every problem. */
export class ArgumentError extends Error {
  constructor(
    readonly component: string,
    readonly problems: string[],
  ) {
    super(`${component}: ${problems.join("; ")}`);
    this.name = "ArgumentError";
  }
}

/** Throws an ArgumentError for `component` when there are problems. */
export function throwIfProblems(component: string, problems: string[]): void {
  if (problems.length > 0) throw new ArgumentError(component, problems);
}
