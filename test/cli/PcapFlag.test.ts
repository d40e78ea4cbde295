import { assert, describe, it } from "@effect/vitest"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { readPcap } from "../../src/pcap/PcapReader.ts"
import { vwifi } from "./vwifi.ts"


describe("cli: vwifi run --pcap", () => {
  it("writes the air to the file, and the run's trace digest is the one without a capture", () => {
    const file = join(mkdtempSync(join(tmpdir(), "vwifi-")), "air.pcap")
    const a = vwifi("run", "--duration", "1500ms", "--json", "--pcap", file)
    assert.strictEqual(a.code, 0, a.stderr)
    const b = vwifi("run", "--duration", "1500ms", "--json")
    assert.strictEqual(JSON.parse(a.stdout).traceDigest, JSON.parse(b.stdout).traceDigest)
    const pcap = readPcap(new Uint8Array(readFileSync(file)))
    assert.strictEqual(pcap.linkType, 127)
    assert.isAbove(pcap.records.length, 1000)
  })

  it("explains a path it cannot write, with exit code 2 and no stack trace", () => {
    const r = vwifi("run", "--duration", "1500ms", "--pcap", join(tmpdir(), "no-such-folder-vwifi", "air.pcap"))
    assert.strictEqual(r.code, 2)
    assert.include(r.stderr, "cannot write the capture (--pcap) to")
    assert.include(r.stderr, "no-such-folder-vwifi")
    assert.notInclude(r.stdout + r.stderr, "    at ")
  })
})
