/**
 * What a hostile guest writes into a TX descriptor reaches the endpoint, the air and the ledger only
 * through the boundary's checks (`CommandCheck.checkDescriptorFrame`), each field read once. Found
 * by the red team (2026-12-05): a Subscribe request naming another VM sent that VM a flood no
 * invariant saw; a 0-byte request ran the process out of memory; a backdated send time counted frames
 * as lost; a null descriptor crashed the device model; a field read twice let a bad length through.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { actorSummary } from "../../src/run/RunWorld.ts"
import { report } from "../../src/run/RunScenario.ts"
import { Payload } from "../../src/vocabulary/Frame.ts"
import type { World } from "../../src/world/World.ts"
import { scenarioOf, vmNamed, withWorld } from "./support.ts"

const ENDPOINT = 0x020000100000
const threeVms = {
  durationSeconds: 30,
  card: { vmacs: 4 },
  vms: ["a", "b", "c"].map((name) => ({ name, ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", offeredMbps: 2 }] }))
}

/** Runs the three VMs until connected, has c write `descriptors` behind one doorbell, runs 2 s more; the report. */
const attacked = (descriptors: (cMac: number, nowNs: number, aMac: number, aOwner: number) => ReadonlyArray<unknown>) =>
  Effect.flatMap(scenarioOf(threeVms), (scenario) =>
    withWorld(scenario, (world: World) =>
      Effect.gen(function*() {
        const sim = yield* Simulation.Simulation
        yield* Simulation.sleep(1.5e9)
        const a = vmNamed(world, "a")
        const c = vmNamed(world, "c")
        const written = descriptors(c.guest.driver().mac!, sim.kernel.nowNs, a.guest.driver().mac!, world.vms.indexOf(a))
        c.guest.ref.tellUnsafe({ _tag: "WriteRaw", command: { _tag: "TxDoorbell", vmac: 0, count: written.length }, descriptors: written })
        const aBytes = a.guest.stats.rxBytes
        yield* Simulation.sleep(2e9)
        return { report: report(world, sim.kernel.nowNs, yield* actorSummary), aReceived: a.guest.stats.rxBytes - aBytes }
      })))

const subscribeTo = (cMac: number, nowNs: number, request: unknown) =>
  ({ dmaAddress: 4096, length: 100, src: cMac, dst: ENDPOINT, payload: Payload.Subscribe, seq: 0, createdNs: nowNs, echoNs: -1, subscribe: request })

describe("hostile descriptors", () => {
  it.effect("a Subscribe request that names another VM starts a flow to its sender only", () =>
    Effect.gen(function*() {
      const r = yield* attacked((c, now, aMac, aOwner) => [subscribeTo(c, now, { protocol: "udp", offeredMbps: 20, payloadBytes: 1000, dst: aMac, owner: aOwner })])
      assert.strictEqual(r.aReceived, 0, "a asked for nothing and gets nothing")
      const c = r.report.vms.find((v) => v.name === "c")!
      assert.isAbove(c.downlinkMbps, 5, "the flow goes to c, who asked")
      assert.strictEqual(r.report.invariants.isolationViolations, 0)
    }), { timeout: 60_000 })

  it.effect("a request, a send time, a payload kind or a descriptor the boundary cannot take is refused and counted, and the run goes on", () =>
    Effect.gen(function*() {
      let reads = 0
      const r = yield* attacked((c, now) => [
        subscribeTo(c, now, { protocol: "udp", offeredMbps: 10, payloadBytes: 0 }),
        subscribeTo(c, now, { protocol: "tcp", offeredMbps: "saturate", payloadBytes: -5000 }),
        { dmaAddress: 4096, length: 100, src: c, dst: ENDPOINT, payload: Payload.Udp, seq: 1, createdNs: -1e12, echoNs: -1 },
        { dmaAddress: 4096, length: 100, src: c, dst: ENDPOINT, payload: 42, seq: 1, createdNs: now, echoNs: -1 },
        null,
        // Good on its first read, bad after: one read, so what is checked is what is sent.
        { dmaAddress: 4096, src: c, dst: ENDPOINT, payload: Payload.Udp, seq: 1, createdNs: now, echoNs: -1, get length() {
          return reads++ === 0 ? 100_000 : 100
        } }
      ])
      const c = r.report.vms.find((v) => v.name === "c")!
      assert.deepInclude(c.rejectedByReason, { "bad-subscription": 2, "bad-timestamp": 1, "bad-payload": 1, malformed: 1, "bad-length": 1 })
      assert.strictEqual(r.report.faults.recoveriesByWhat["device-model-restart"], undefined, "no device model crashed")
      assert.strictEqual(r.report.invariants.unaccountedFrames, 0)
      assert.isTrue(r.report.vms.every((v) => v.state === "connected" && v.uplinkMbps > 1.5), "every VM moves its data")
    }), { timeout: 60_000 })
})
