import { assert, describe, it } from "@effect/vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { createServer } from "node:net"
import { join } from "node:path"
import { listenFailureText } from "../../src/cli/ListenFailure.ts"
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

  it("says why a runner cannot listen: a port in use, not the socket server's bare \"Open\"", async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve))
    const port = (taken.address() as { port: number }).port
    const dir = mkdtempSync(join(tmpdir(), "vwifi-cli-cluster-"))
    try {
      const r = vwifi("cluster", "runner", "--storage", join(dir, "c.db"), "--host", "127.0.0.1", "--port", String(port))
      assert.strictEqual(r.code, 2, r.stderr)
      assert.include(r.stderr, `cannot listen on 127.0.0.1:${port}: the port is in use`)
      assert.notInclude(r.stderr, "    at ")
    } finally {
      taken.close()
      rmSync(dir, { recursive: true, force: true })
    }
    assert.strictEqual(listenFailureText({ code: "ENOTFOUND" }), "no such host")
    assert.strictEqual(listenFailureText(new Error("something else")), "something else")
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
