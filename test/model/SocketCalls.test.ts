/**
 * The application's socket calls: one system call and one copy of the payload per packet it sends or
 * reads, none for what the kernel's TCP sends and takes in itself (its ACKs). Natively the host's
 * (`syscall`, `copyPacket`, `copyByte`); in a VM the guest's, in guest mode (`guestSocketCall`,
 * `guestCopyByte`), so that a guest never sends for less than the host would.
 * Expected counts come from the guest's own tallies and the TCP/IP header sizes written out here,
 * not from the model's accounting they check.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { scenarioOf, withWorld } from "./support.ts"

const MSS_BYTES = 1_000
/** IPv4 (20), TCP (20) and its timestamps option (12, RFC 7323 3.2): what the kernel adds to a segment's payload. */
const TCP_IP_HEADERS_BYTES = 52
/** A full segment's payload: the MSS less the option, which the MSS does not count (RFC 9293 3.7.1). */
const SEGMENT_DATA_BYTES = MSS_BYTES - 12
/** A packet the core may not have finished accounting when the run stops (the TX ring's depth). */
const IN_FLIGHT_PACKETS = 64

const run = (kind: "tcp-tx" | "tcp-rx" | "ping", mode: "native" | "passthrough" | "virtual-wifi" = "native") =>
  Effect.gen(function*() {
    const scenario = yield* scenarioOf({
      mode,
      vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [kind === "ping" ? { kind, intervalMs: 10 } : { kind, payloadBytes: MSS_BYTES }] }]
    })
    return yield* withWorld(scenario, (world) =>
      Effect.map(Simulation.sleep(3e9), () => ({ counts: world.cpu.snapshot().operationCounts, stats: { ...world.vms[0]!.guest.stats } })))
  })

const mean = (xs: ReadonlyArray<number>): number => xs.reduce((a, x) => a + x, 0) / xs.length

describe("model: the native application's socket calls", () => {
  it.effect("sending TCP: a send() per segment copying its payload; the ACKs that come back are read by no recv()", () =>
    Effect.gen(function*() {
      const { counts, stats } = yield* run("tcp-tx")
      const segments = stats.txFrames
      assert.isAbove(segments, 1_000)
      assert.isAbove(stats.rxFrames, 0, "ACKs came back")
      assert.isAtMost(segments - counts.syscall, IN_FLIGHT_PACKETS)
      assert.isAtLeast(segments - counts.syscall, 0, "no system call for an ACK")
      assert.strictEqual(counts.copyPacket, counts.syscall)
      assert.closeTo(counts.copyByte, counts.syscall * SEGMENT_DATA_BYTES, SEGMENT_DATA_BYTES, "the payload, not the headers")
    }))

  it.effect("receiving TCP: a recv() per segment copying its payload; the ACKs it sends go out with no send()", () =>
    Effect.gen(function*() {
      const { counts, stats } = yield* run("tcp-rx")
      const segments = stats.rxFrames
      const acks = stats.txFrames - 1 // the one request that starts the flow is the application's
      assert.isAbove(segments, 1_000)
      assert.isAbove(acks, 500)
      assert.isAtMost(Math.abs(counts.syscall - (segments + 1)), IN_FLIGHT_PACKETS)
      const payloadBytes = stats.rxBytes - segments * TCP_IP_HEADERS_BYTES
      assert.isAtMost(Math.abs(counts.copyByte - payloadBytes), IN_FLIGHT_PACKETS * SEGMENT_DATA_BYTES)
    }))
})

describe("model: a guest application's socket calls", () => {
  for (const mode of ["passthrough", "virtual-wifi"] as const) {
    it.effect(`${mode}: a send() per segment and a recv() per segment received, in guest mode; none for the kernel's ACKs`, () =>
      Effect.gen(function*() {
        const tx = yield* run("tcp-tx", mode)
        assert.isAbove(tx.stats.txFrames, 1_000)
        assert.isAtMost(tx.stats.txFrames - tx.counts.guestSocketCall, IN_FLIGHT_PACKETS)
        assert.isAtLeast(tx.stats.txFrames - tx.counts.guestSocketCall, 0, "no system call for an ACK")
        assert.closeTo(tx.counts.guestCopyByte, tx.counts.guestSocketCall * SEGMENT_DATA_BYTES, SEGMENT_DATA_BYTES)
        const rx = yield* run("tcp-rx", mode)
        const segments = rx.stats.rxFrames
        assert.isAbove(segments, 1_000)
        assert.isAtMost(Math.abs(rx.counts.guestSocketCall - (segments + 1)), IN_FLIGHT_PACKETS, "a recv() per segment, a send() for the request")
        assert.isAtMost(Math.abs(rx.counts.guestCopyByte - (rx.stats.rxBytes - segments * TCP_IP_HEADERS_BYTES)), IN_FLIGHT_PACKETS * SEGMENT_DATA_BYTES)
      }))
  }

  it.effect("an assigned card's ping round trip is no shorter than the host's own (the guest runs the host's code, and KVM's too)", () =>
    Effect.gen(function*() {
      const native = yield* run("ping", "native")
      const passthrough = yield* run("ping", "passthrough")
      assert.isAbove(native.stats.pingRttNs.length, 200)
      assert.isAbove(mean(passthrough.stats.pingRttNs), mean(native.stats.pingRttNs))
    }))
})
