// Peer comparison: the flag and the pool of other organisations, worked by hand.
import { describe, expect, it } from "vitest";
import { compareWithPool, NOT_ENOUGH_PEERS, peerFlag, peerGroupName } from "../../../../db/analytics/peers";

describe("peerFlag", () => {
  it("is better only when the whole interval is below the peer rate (a lower gap is better)", () => {
    expect(peerFlag({ low: 0.1, high: 0.29 }, 0.3)).toBe("better");
    expect(peerFlag({ low: 0.1, high: 0.3 }, 0.3)).toBe("similar"); // touching is not excluding
    expect(peerFlag({ low: 0.25, high: 0.35 }, 0.3)).toBe("similar");
    expect(peerFlag({ low: 0.31, high: 0.5 }, 0.3)).toBe("worse");
  });
});

describe("compareWithPool", () => {
  const own = { respondents: 20, required: 100, met: 60, ci: { low: 0.3, high: 0.5 } };

  it("compares with the group less the organisation itself", () => {
    // Group of 5 organisations: 200 respondents, 1,000 required, 800 met. Others: 4 organisations,
    // 180 respondents, 900 required, 740 met: gap (900 − 740) ÷ 900 = 0.1778, below 0.3 to 0.5: worse.
    const result = compareWithPool(own, { organisations: 5, respondents: 200, required: 1000, met: 800 }, 10);
    expect(result.rate).toBeCloseTo(160 / 900, 12);
    expect(result.flag).toBe("worse");
  });

  it("is not published with fewer than 3 other organisations", () => {
    // 4 in the group, the organisation among them: 3 others, enough. 3 in the group: 2 others, not enough.
    expect(compareWithPool(own, { organisations: 4, respondents: 200, required: 1000, met: 800 }, 10).flag).toBe("worse");
    expect(compareWithPool(own, { organisations: 3, respondents: 200, required: 1000, met: 800 }, 10)).toEqual({ rate: null, flag: NOT_ENOUGH_PEERS });
  });

  it("is not published when the others hold fewer than k respondents", () => {
    // 29 respondents in the group, 20 of them the organisation's: 9 others, under k = 10.
    expect(compareWithPool(own, { organisations: 6, respondents: 29, required: 200, met: 100 }, 10)).toEqual({ rate: null, flag: NOT_ENOUGH_PEERS });
    expect(compareWithPool(own, { organisations: 6, respondents: 30, required: 200, met: 100 }, 10).rate).toBeCloseTo(0.6, 12); // (100 − 40) ÷ 100
  });

  it("gives a rate but no flag when the organisation has no interval", () => {
    expect(compareWithPool({ ...own, ci: null }, { organisations: 5, respondents: 200, required: 1000, met: 800 }, 10).flag).toBeNull();
  });
});

describe("peerGroupName", () => {
  it("says the type is unverified", () => {
    expect(peerGroupName("acute")).toBe("Acute trusts (type unverified)");
    expect(peerGroupName("other")).toBe("other (type unverified)");
  });
});
