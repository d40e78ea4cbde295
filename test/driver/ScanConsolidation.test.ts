import { assert, describe, it } from "@effect/vitest"
import * as Scan from "../../src/driver/ScanConsolidation.ts"

const results = [{ bssid: 1, ssid: "lab", channel: 6, signalDbm: -50, beaconHeard: false }]

describe("driver: scan consolidation", () => {
  it("starts one scan, lets later requests join it, answers all of them once", () => {
    let s = Scan.initial
    const first = Scan.request(s, 0, 0, 1000)
    assert.strictEqual(first.decision._tag, "Start")
    s = first.state
    for (const vm of [1, 2, 1]) {
      const r = Scan.request(s, vm, 10, 1000)
      assert.strictEqual(r.decision._tag, "Join")
      s = r.state
    }
    const done = Scan.complete(s, results, 50)
    assert.deepStrictEqual(done.answer, [0, 1, 2])
  })

  it("serves from the cache until the age, then scans again", () => {
    const s = Scan.complete(Scan.request(Scan.initial, 0, 0, 1000).state, results, 100).state
    const fresh = Scan.request(s, 1, 1099, 1000)
    assert.strictEqual(fresh.decision._tag, "FromCache")
    assert.strictEqual(Scan.request(s, 1, 1100, 1000).decision._tag, "Start")
    assert.strictEqual(Scan.request(s, 1, 100, 0).decision._tag, "Start", "age 0 disables the cache")
  })

  it("forgets a VM that went away", () => {
    const s = Scan.request(Scan.request(Scan.initial, 0, 0, 0).state, 1, 0, 0).state
    assert.deepStrictEqual(Scan.complete(Scan.forget(s, 0), results, 1).answer, [1])
  })
})
