/**
 * The AWS constraint check: every input of every resource against what AWS documents it accepts (character
 * sets, lengths including auto-name suffixes, numeric ranges, allowed values and combinations), each rule with
 * its source. Mocks accept anything; this is where the program learns what AWS will refuse.
 *
 *   import { checkConstraints, formatViolations } from "../lib/constraints";
 *   const violations = checkConstraints(await evaluateStack("prod"));
 *   if (violations.length) console.log(formatViolations(violations));
 */
export { aggregateViolations, aggregateViolationsWith } from "./aggregate";
export { autoNameProblem, generatedName } from "./autoname";
export { generatedModels, references } from "./botocore";
export { CATALOG } from "./catalog/index";
export {
  type CheckedResource,
  type CheckOptions,
  checkConstraints,
  checkResource,
  constraintsOf,
  formatSource,
  formatViolation,
  formatViolations,
  providerDefaultTags,
  uncheckedTypes,
} from "./check";
export type { ConstraintViolation, CrossFieldRule, Rule, Source, TypeConstraints } from "./model";
export { constraintsSection } from "./report";
