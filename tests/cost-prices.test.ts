/**
 * The price table: every price has an AWS pricing page, the file it was read from and a publication date no
 * later than the table's; the regions the config can accept are exactly those priced in full; every instance
 * type the program can size tasks for has a price.
 */
import * as assert from "node:assert/strict";
import { INSTANCE_TYPES } from "../components/instanceTypes";
import {
  allMeters,
  instancePrice,
  type Meter,
  PRICED_REGIONS,
  pricedRegions,
  priceOf,
  TABLE_DATE,
  transferOutTiers,
} from "../lib/cost/prices";

describe("the price table", () => {
  it("prices eu-west-1 (both stacks' region) and us-east-1 in full", () => {
    assert.ok(PRICED_REGIONS.includes("eu-west-1"));
    assert.ok(PRICED_REGIONS.includes("us-east-1"));
  });

  it("gives every price a positive amount, a unit, an AWS pricing page, the file it was read from and a date", () => {
    for (const { name, meter } of allMeters()) {
      assert.ok(meter.unit, `${name} has no unit`);
      for (const [region, value] of Object.entries(meter.values)) {
        const where = `${name} in ${region}`;
        assert.ok(value && value.usd > 0 && Number.isFinite(value.usd), `${where}: ${value?.usd}`);
        assert.match(value.source.page, /^https:\/\/aws\.amazon\.com\/[a-z0-9-]+\/pricing\//, where);
        assert.ok(value.source.readFrom.length > 20, `${where} does not say where it was read`);
        assert.match(value.source.published, /^\d{4}-\d{2}-\d{2}$/, where);
        assert.ok(value.source.published <= TABLE_DATE, `${where} was published after the table's date`);
      }
    }
  });

  it("has a price for every instance type components/instanceTypes.ts knows, in every priced region", () => {
    for (const region of PRICED_REGIONS) {
      for (const type of Object.keys(INSTANCE_TYPES)) {
        assert.ok(instancePrice(type, region), `no price for ${type} in ${region}`);
      }
    }
  });

  it("counts a region as priced only when every meter has a value there", () => {
    const source = {
      page: "https://aws.amazon.com/x/pricing/",
      readFrom: "somewhere",
      published: "2026-01-01",
    };
    const meters: Meter[] = [
      { unit: "h", values: { "eu-west-1": { usd: 1, source }, "us-east-1": { usd: 1, source } } },
      { unit: "GB", values: { "eu-west-1": { usd: 2, source } } },
    ];
    assert.deepEqual(pricedRegions(meters), ["eu-west-1"]);
    assert.deepEqual(pricedRegions([]), ["eu-west-1", "eu-west-2", "us-east-1", "us-east-2"]);
  });

  it("answers undefined, not a guess, for a region or an instance type it does not have", () => {
    assert.equal(priceOf("albHour", "ap-southeast-2"), undefined);
    assert.equal(instancePrice("m7g.large", "ap-southeast-2"), undefined);
    assert.equal(instancePrice("x9.huge", "eu-west-1"), undefined);
    assert.equal(transferOutTiers("ap-southeast-2"), undefined);
    assert.equal(instancePrice("constructor", "eu-west-1"), undefined);
  });

  it("tiers data transfer out by rising volume and falling price", () => {
    for (const region of PRICED_REGIONS) {
      const tiers = transferOutTiers(region);
      assert.ok(tiers, region);
      for (let i = 1; i < tiers.length; i++) {
        assert.ok(tiers[i].upToGb > tiers[i - 1].upToGb);
        assert.ok(tiers[i].price.usd < tiers[i - 1].price.usd);
      }
      assert.equal(tiers.at(-1)?.upToGb, Number.POSITIVE_INFINITY);
    }
  });
});
