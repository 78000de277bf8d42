import assert from "node:assert/strict";
import { ifNoneMatchMatches } from "../src/http";

describe("ifNoneMatchMatches", () => {
  const table: [header: string | undefined, matches: boolean][] = [
    [undefined, false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['"x","y"', false],
    ["*", true],
    ['"ab"', false],
    ["", false],
  ];
  for (const [header, matches] of table) {
    it(`${matches ? "matches" : "does not match"} "abc" for If-None-Match ${JSON.stringify(header)}`, () => {
      assert.equal(ifNoneMatchMatches(header, '"abc"'), matches);
    });
  }
});
