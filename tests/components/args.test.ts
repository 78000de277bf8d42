/**
 * components/args.ts: how a component declares an argument (default, doc, rule), how a value is checked against
 * it, and how problems read. Pure functions, no mocks.
 */
import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
  ArgumentError,
  argName,
  boolean,
  checkArgs,
  describeAllowed,
  integer,
  type Label,
  show,
  string,
  throwIfProblems,
  valueProblems,
} from "../../components/args";

/** The stack config's way of naming an argument, to show that problems are phrased through the label. */
const configKey: Label = (arg) => `ecs-json-api:${arg}`;

const PERCENT = integer("A percentage.", 100, { min: 1, max: 100 });
const RETENTION = integer("Days.", 7, { oneOf: [1, 7, 30] });
const FLAG = boolean("A switch.", false);
const MODE = string("A mode.", "a", { oneOf: ["a", "b"] });
const ZONE = string("A zone; empty means derived.", "", {
  pattern: /^[a-z]+$/,
  patternDoc: "lower-case letters",
});
const PREFIX = string("A prefix.", "x/", { pattern: /^[a-z]+\/$/, patternDoc: "letters then '/'" });
const EVEN = integer("An even count.", 2, {
  min: 0,
  max: 10,
  check: (v) => (v % 2 ? ["is odd; use an even count"] : []),
});

describe("components/args", () => {
  describe("declaring an argument", () => {
    it("holds the default to the argument's own rule, so a default that breaks it is reported", () => {
      const specs = { retries: integer("Retries.", 0, { min: 1, max: 5 }) };
      assert.deepEqual(checkArgs(specs, {}).problems, [
        "retries = 0 is not allowed; expected a whole number from 1 to 5",
      ]);
    });
  });

  describe("describeAllowed says what a value may be, for the problem text", () => {
    const cases: [string, Parameters<typeof describeAllowed>[0], string][] = [
      ["a boolean", FLAG, "true or false"],
      ["an integer range", PERCENT, "a whole number from 1 to 100"],
      ["an integer bounded below only", integer("d", 0, { min: 0 }), "a whole number from 0 to inf"],
      ["an unbounded integer", integer("d", 0), "a whole number from -inf to inf"],
      ["a list of integers", RETENTION, "one of 1, 7, 30"],
      ["a list of strings, quoted as the stack file holds them", MODE, 'one of "a", "b"'],
      ["a pattern, by its documentation", ZONE, "lower-case letters"],
      ["a free string", string("d", "x"), "a string"],
    ];
    for (const [what, spec, words] of cases) {
      it(`describes ${what}`, () => assert.equal(describeAllowed(spec), words));
    }
  });

  describe("show", () => {
    it("quotes strings as JSON (so an empty or spaced value is visible) and prints the rest as is", () => {
      assert.equal(show(""), '""');
      assert.equal(show("a b"), '"a b"');
      assert.equal(show(3), "3");
      assert.equal(show(true), "true");
      assert.equal(show(undefined), "undefined");
    });
  });

  describe("valueProblems", () => {
    const refused: [string, Parameters<typeof valueProblems>[1], unknown, string][] = [
      [
        "a string where an integer belongs",
        PERCENT,
        "50",
        'p = "50" is not allowed; expected a whole number from 1 to 100',
      ],
      ["a fraction", PERCENT, 2.5, "p = 2.5 is not allowed; expected a whole number from 1 to 100"],
      ["NaN", PERCENT, Number.NaN, "p = NaN is not allowed; expected a whole number from 1 to 100"],
      [
        "a value below the minimum",
        PERCENT,
        0,
        "p = 0 is not allowed; expected a whole number from 1 to 100",
      ],
      [
        "a value above the maximum",
        PERCENT,
        101,
        "p = 101 is not allowed; expected a whole number from 1 to 100",
      ],
      ["an integer outside its list", RETENTION, 10, "p = 10 is not allowed; expected one of 1, 7, 30"],
      ["a string where a boolean belongs", FLAG, "true", 'p = "true" is not allowed; expected true or false'],
      ["a number where a string belongs", MODE, 1, 'p = 1 is not allowed; expected one of "a", "b"'],
      ["a string outside its list", MODE, "c", 'p = "c" is not allowed; expected one of "a", "b"'],
      [
        "a string not matching its pattern",
        ZONE,
        "Zone",
        'p = "Zone" is not allowed; expected lower-case letters',
      ],
      ["null", FLAG, null, "p = null is not allowed; expected true or false"],
    ];
    for (const [what, spec, value, problem] of refused) {
      it(`refuses ${what} in one sentence naming the argument, the value and what is allowed`, () => {
        assert.deepEqual(valueProblems("p", spec, value), [problem]);
      });
    }

    it("accepts the empty string for a patterned argument only when empty is its default", () => {
      assert.deepEqual(valueProblems("zone", ZONE, ""), []);
      assert.deepEqual(valueProblems("prefix", PREFIX, ""), [
        `prefix = "" is not allowed; expected letters then '/'`,
      ]);
    });

    it("runs the spec's own check after the basic rule, phrasing its problems after `<name> = <value>`", () => {
      assert.deepEqual(valueProblems("count", EVEN, 3), ["count = 3 is odd; use an even count"]);
      assert.deepEqual(valueProblems("count", EVEN, 4), []);
    });

    it("does not run the spec's own check on a value the basic rule refused", () => {
      let called = false;
      const spec = integer("d", 1, {
        min: 1,
        check: () => {
          called = true;
          return ["never"];
        },
      });
      assert.equal(valueProblems("n", spec, -1).length, 1);
      assert.equal(called, false);
    });

    it("names the argument through the label, in the basic rule's problem and in the check's", () => {
      assert.deepEqual(valueProblems("count", EVEN, 11, configKey), [
        "ecs-json-api:count = 11 is not allowed; expected a whole number from 0 to 10",
      ]);
      assert.deepEqual(valueProblems("count", EVEN, 5, configKey), [
        "ecs-json-api:count = 5 is odd; use an even count",
      ]);
    });

    it("accepts exactly the whole numbers within an integer range (property)", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: -50, max: 50 }),
          fc.integer({ min: 0, max: 50 }),
          fc.oneof(fc.integer({ min: -200, max: 200 }), fc.double({ noNaN: false })),
          (min, span, value) => {
            const spec = integer("d", min, { min, max: min + span });
            const allowed = Number.isInteger(value) && value >= min && value <= min + span;
            assert.equal(valueProblems("n", spec, value).length === 0, allowed);
          },
        ),
      );
    });

    it("accepts exactly the strings of a string list (property)", () => {
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 5 }),
          fc.string(),
          (values, value) => {
            const spec = string("d", values[0], { oneOf: values });
            assert.equal(valueProblems("s", spec, value).length === 0, values.includes(value));
          },
        ),
      );
    });
  });

  describe("checkArgs", () => {
    const SPECS = { percent: PERCENT, flag: FLAG, mode: MODE, zone: ZONE };

    it("gives every argument not passed (or passed as undefined) its default", () => {
      const { values, problems } = checkArgs(SPECS, { percent: undefined, mode: "b" });
      assert.deepEqual(values, { percent: 100, flag: false, mode: "b", zone: "" });
      assert.deepEqual(problems, []);
    });

    it("reports every problem at once, in the specs' order, each naming its argument through the label", () => {
      const { problems } = checkArgs(SPECS, { zone: "Z", percent: 0, mode: "c" }, configKey);
      assert.deepEqual(problems, [
        "ecs-json-api:percent = 0 is not allowed; expected a whole number from 1 to 100",
        'ecs-json-api:mode = "c" is not allowed; expected one of "a", "b"',
        'ecs-json-api:zone = "Z" is not allowed; expected lower-case letters',
      ]);
    });

    it("keeps a refused value in the values (so later rules can still be checked) rather than the default", () => {
      const { values } = checkArgs(SPECS, { percent: 0 });
      assert.equal(values.percent, 0);
    });

    it("names arguments by their own names when no label is given", () => {
      assert.equal(argName("maxTasks"), "maxTasks");
      assert.match(checkArgs(SPECS, { flag: "yes" as unknown as boolean }).problems[0], /^flag = "yes" /);
    });

    it("ignores arguments it has no spec for, so a component can be handed a wider object", () => {
      const wider = { percent: 50, somethingElse: "whatever" } as { percent: number };
      assert.deepEqual(checkArgs(SPECS, wider).problems, []);
    });
  });

  describe("ArgumentError and throwIfProblems", () => {
    it("throws nothing when there are no problems", () => {
      assert.doesNotThrow(() => throwIfProblems("Thing", []));
    });

    it("throws one ArgumentError naming the component and listing every problem", () => {
      assert.throws(
        () => throwIfProblems("Thing", ["a = 1 is bad", "b = 2 is bad"]),
        (err: unknown) =>
          err instanceof ArgumentError &&
          err instanceof Error &&
          err.name === "ArgumentError" &&
          err.component === "Thing" &&
          err.message === "Thing: a = 1 is bad; b = 2 is bad" &&
          err.problems.length === 2,
      );
    });
  });
});
