import { assert, describe, it } from "@effect/vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { vwifi } from "./vwifi.ts"

describe("cli: vwifi cluster and --cluster", () => {
  it("explains a bad storage or lock expiry in one line, exit code 2", () => {
    for (const [args, expected] of [
      [["cluster", "runner", "--storage", "mysql://db/x"], "postgres://"],
      [["cluster", "runner", "--storage", "c.db", "--lock-expiry", "1s"], "at least 3s"],
      [["compare", "--cluster", "http://runner:34431", "--seeds", "1"], "--cluster"]
    ] as const) {
      const r = vwifi(...args)
      assert.strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`)
      assert.include(r.stderr, expected)
      assert.notInclude(r.stderr, "    at ")
    }
  })

  it("lists no runner in a fresh storage", () => {
    const dir = mkdtempSync(join(tmpdir(), "vwifi-cli-cluster-"))
    try {
      const r = vwifi("cluster", "runners", "--storage", join(dir, "c.db"))
      assert.strictEqual(r.code, 0, r.stderr)
      assert.include(r.stdout, "no runner is registered")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
