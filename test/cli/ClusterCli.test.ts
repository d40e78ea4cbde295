import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { createServer } from "node:net"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { clusterJobRunner } from "../../src/cluster/ClusterJobRunner.ts"
import { listenFailureText } from "../../src/cli/ListenFailure.ts"
import { vwifi } from "./vwifi.ts"
import { freePort } from "../support/freePort.ts"

const bin = fileURLToPath(new URL("../../bin/vwifi.js", import.meta.url))

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

  it("lists no runner in a storage none has registered in", () => {
    const dir = mkdtempSync(join(tmpdir(), "vwifi-cli-cluster-"))
    try {
      // An empty file is an empty SQLite database.
      writeFileSync(join(dir, "c.db"), "")
      const r = vwifi("cluster", "runners", "--storage", join(dir, "c.db"))
      assert.strictEqual(r.code, 0, r.stderr)
      assert.include(r.stdout, "no runner is registered")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("a runner: listed with its heartbeat's age, its own lines on standard error only, SIGTERM says it stops and exits 143", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vwifi-cli-cluster-"))
    const db = join(dir, "c.db")
    const port = await freePort()
    const runner = spawn(process.execPath, [bin, "cluster", "runner", "--storage", db, "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    runner.stdout.on("data", (chunk: Buffer) => void (stdout += chunk.toString()))
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => runner.once("exit", (code, signal) => resolve({ code, signal })))
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the runner did not start:\n${stderr}`)), 40_000)
        runner.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString()
          if (stderr.includes("serving at")) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
      const listed = vwifi("cluster", "runners", "--storage", db)
      assert.strictEqual(listed.code, 0, listed.stderr)
      assert.match(listed.stdout, new RegExp(`^localhost:${port}  healthy  weight 1  last heartbeat (under a second|\\d+ s) ago$`, "m"))
      runner.kill("SIGTERM")
      assert.deepStrictEqual(await exited, { code: 143, signal: null })
      assert.include(stderr, `stopping; localhost:${port} hands its shards to the other runners`)
      // effect/cluster's own log line ("Listening on") goes to standard error with the rest.
      assert.strictEqual(stdout, "")
    } finally {
      if (runner.exitCode === null && runner.signalCode === null) runner.kill("SIGKILL")
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe("cluster: a submitter's wait for a runner", () => {
  it.live("creates no SQLite file (a runner does) and, with none, fails as having no runner; a missing folder fails at once", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "vwifi-cli-cluster-"))
      try {
        const file = join(dir, "c.db")
        let waits = 0
        const layer = clusterJobRunner({ storage: { _tag: "Sqlite", file }, runnerWaitMs: 600, onWaitingForRunners: () => void waits++ })
        const none = yield* Effect.flip(Layer.build(layer).pipe(Effect.scoped))
        assert.strictEqual(none._tag, "NoRunners")
        assert.include(none.message, `none has created ${file}`)
        assert.strictEqual(waits, 1)
        assert.isFalse(existsSync(file), "the submitter left no file behind")
        const missing = join(dir, "no", "such", "c.db")
        const noFolder = yield* Effect.flip(Layer.build(clusterJobRunner({ storage: { _tag: "Sqlite", file: missing }, runnerWaitMs: 60_000 })).pipe(Effect.scoped))
        assert.strictEqual(noFolder._tag, "ClusterStorageError")
        assert.include(noFolder.message, `the folder ${join(dir, "no", "such")} does not exist`)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }))
})
