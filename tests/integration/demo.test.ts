// The demo dataset is only ever loaded into a database that holds no submissions.
import { afterEach, describe, expect, it } from "vitest";
import { loadDemo, loadDemoIfEmpty } from "../../ingest/demo";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { fixtureOptions, TEST_KEY } from "../support/fixture";
import { snapshot } from "../support/direct";

describe.each(TARGETS)("demo loading on %s", (target) => {
  let t: TestDatabase;
  afterEach(async () => {
    await t?.close();
  });

  it("leaves a database holding submissions alone, and says why", async () => {
    t = await openFixture(target);
    const before = await snapshot(t.db);
    await expect(loadDemo(t.db, TEST_KEY, fixtureOptions())).rejects.toThrow("already loaded; nothing changed");
    expect(await loadDemoIfEmpty(t.db, TEST_KEY, fixtureOptions())).toBe(false);
    await t.db.query("update batches set synthetic = false where id = (select min(id) from batches)");
    await expect(loadDemo(t.db, TEST_KEY, fixtureOptions())).rejects.toThrow("holds 1 real submission(s)");
    const after = await snapshot(t.db);
    expect(after).toEqual(before);
  });
});
