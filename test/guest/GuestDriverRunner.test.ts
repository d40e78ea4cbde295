import { assert, describe, it } from "@effect/vitest"
import * as GuestDriver from "../../src/guest/GuestDriver.ts"
import { forgetDriver } from "../../src/guest/GuestState.ts"
import type { GuestMessage } from "../../src/guest/GuestVm.ts"
import { Payload } from "../../src/vocabulary/Frame.ts"
import { CONNECTION_IDLE_NS, INIT_TIMEOUT_NS } from "../../src/vocabulary/ModelConstants.ts"
import { connect, ENDPOINT_OTHER, guestRig, LAB, recordingReply, recordOf } from "./support.ts"

const timeouts = (told: ReadonlyArray<GuestMessage>) => told.flatMap((m) => (m._tag === "Timeout" ? [m.attempt] : []))

describe("guest driver runner: joining", () => {
  it("boots: probes the card and waits for the answer with a timeout; a second boot does nothing", () => {
    const rig = guestRig([])
    rig.driver.boot(rig.s)
    assert.isTrue(rig.s.poweredOn)
    assert.strictEqual(rig.s.driver.state, "initializing")
    assert.deepStrictEqual(rig.takeCommands(), ["ReadPciConfig"])
    rig.kernel.runUntil(INIT_TIMEOUT_NS - 1)
    assert.deepStrictEqual(rig.takeTold(), [])
    rig.kernel.runUntil(INIT_TIMEOUT_NS)
    assert.deepStrictEqual(rig.takeTold(), [{ _tag: "Timeout", attempt: rig.s.waitAttempt }])
    rig.driver.boot(rig.s)
    assert.deepStrictEqual(rig.takeCommands(), [])
  })

  it("each answer ends the wait before it; connecting starts the flows and the connection monitor", () => {
    const rig = guestRig([{ kind: "udp-rx", offeredMbps: 10, payloadBytes: 1470 }])
    rig.kernel.nowNs = 3e9
    connect(rig)
    assert.strictEqual(rig.s.driver.state, "connected")
    assert.deepStrictEqual(rig.takeCommands(), ["ReadPciConfig", "InitCard", "StartScan", "Authenticate", "Associate", "TxDoorbell"])
    assert.strictEqual(rig.o.memory.read(1)[0]!.payload, Payload.Subscribe)
    assert.deepStrictEqual([rig.stats.connectedAtNs, rig.s.epoch, rig.s.lastHeardNs], [3e9, 1, 3e9])
    rig.kernel.runUntil(3e9 + CONNECTION_IDLE_NS - 1)
    const told = rig.takeTold()
    assert.deepStrictEqual(timeouts(told).sort(), [1, 2, 3, 4, 5], "probe, init, scan, auth and assoc each waited")
    assert.isTrue(timeouts(told).every((attempt) => attempt < rig.s.waitAttempt), "and every wait is over")
    rig.kernel.runUntil(3e9 + CONNECTION_IDLE_NS)
    assert.deepStrictEqual(rig.takeTold(), [{ _tag: "LinkCheck", epoch: 1 }])
  })

  it("a timed-out answer is counted and asked again", () => {
    const rig = guestRig([])
    rig.driver.boot(rig.s)
    rig.driver.timedOut(rig.s)
    assert.strictEqual(rig.stats.timeouts, 1)
    assert.deepStrictEqual(rig.takeCommands(), ["ReadPciConfig", "ReadPciConfig"])
  })

  it("a failed join rescans after its backoff, with the epoch it failed in", () => {
    const rig = guestRig([])
    rig.driver.boot(rig.s)
    rig.driver.event(rig.s, { _tag: "PciConfig", vendorId: 0x8086, deviceId: 0x4235 })
    rig.driver.event(rig.s, { _tag: "InitDone", vmac: 0, mac: 77 })
    rig.driver.event(rig.s, { _tag: "ScanDone", results: [], fromCache: false })
    rig.takeCommands()
    rig.kernel.runUntil(GuestDriver.retryDelayNs(1))
    assert.deepStrictEqual(rig.takeTold().filter((m) => m._tag === "Retry"), [{ _tag: "Retry", epoch: 0 }])
    rig.driver.retry(rig.s)
    assert.deepStrictEqual(rig.takeCommands(), ["StartScan"])
  })

  it("a lost connection starts an outage, which the next connection ends (counted and logged)", () => {
    const rig = guestRig([{ kind: "tcp-tx", offeredMbps: "saturate", mssBytes: 1460 }])
    rig.kernel.nowNs = 1e9
    connect(rig)
    const sender = rig.s.tcpSenders.get(0)
    rig.kernel.nowNs = 2e9
    rig.driver.event(rig.s, { _tag: "Disconnected", vmac: 0, reason: "beacon-loss" })
    assert.strictEqual(rig.stats.disconnectedAtNs, 2e9)
    rig.kernel.nowNs = 2.5e9
    rig.driver.event(rig.s, { _tag: "ScanDone", results: [LAB], fromCache: false })
    rig.driver.event(rig.s, { _tag: "AuthDone", vmac: 0, status: 0 })
    rig.driver.event(rig.s, { _tag: "AssocDone", vmac: 0, status: 0 })
    assert.deepStrictEqual([rig.stats.reconnects, rig.stats.disconnectedAtNs, rig.stats.connectedAtNs], [1, undefined, 1e9])
    assert.deepStrictEqual(rig.o.log.recoveriesByWhat.get("reconnect"), { count: 1, totalNs: 0.5e9, maxNs: 0.5e9 })
    assert.strictEqual(rig.s.epoch, 2)
    assert.notStrictEqual(rig.s.tcpSenders.get(0), sender, "the flows start afresh")
  })

  it("roams: leaves its AP, scans for the new SSID, and its flows go to the new AP's endpoint", () => {
    const rig = guestRig([])
    connect(rig)
    rig.takeCommands()
    rig.driver.roam(rig.s, "other", undefined)
    assert.deepStrictEqual(rig.takeCommands(), ["Disassociate", "StartScan"])
    assert.deepStrictEqual([rig.s.config.ssid, rig.s.config.passphrase], ["other", undefined])
    assert.strictEqual(rig.s.driver.state, "scanning")
    // Joined to the other network's AP, its flows go to the endpoint behind that AP.
    rig.driver.event(rig.s, { _tag: "ScanDone", results: [{ bssid: 6, ssid: "other", channel: 1, signalDbm: -50, beaconHeard: false }], fromCache: false })
    rig.driver.event(rig.s, { _tag: "AuthDone", vmac: 0, status: 0 })
    rig.driver.event(rig.s, { _tag: "AssocDone", vmac: 0, status: 0 })
    assert.strictEqual(rig.s.endpointMac, ENDPOINT_OTHER)
    // A move its owner asked for: a roam, not a reconnection after an outage.
    assert.deepStrictEqual(rig.stats.associations.map((a) => [a.bssid, a.via]), [[5, "join"], [6, "roam"]])
    assert.deepStrictEqual([rig.stats.roams, rig.stats.reconnects], [1, 0])
  })

  it("a scan's results answer the scans asked for", () => {
    const rig = guestRig([])
    connect(rig)
    rig.takeCommands()
    const { reply, answers } = recordingReply()
    rig.driver.scan(rig.s, reply)
    assert.deepStrictEqual(rig.takeCommands(), ["StartScan"])
    rig.driver.event(rig.s, { _tag: "ScanDone", results: [LAB], fromCache: false })
    assert.deepStrictEqual(answers, [[LAB]])
    assert.strictEqual(rig.s.driver.state, "connected")
  })
})

describe("guest driver runner: the connection monitor", () => {
  it("probes an AP it has not heard from for the idle time, and looks again an idle time later", () => {
    const rig = guestRig([])
    connect(rig)
    rig.takeTold()
    rig.kernel.nowNs = CONNECTION_IDLE_NS
    rig.driver.checkLink(rig.s)
    const probe = rig.o.memory.read(1)[0]!
    assert.deepStrictEqual([probe.payload, probe.length], [Payload.None, 0])
    assert.deepStrictEqual([rig.s.probesOutstanding, rig.stats.linkProbes], [1, 1])
    rig.kernel.runUntil(2 * CONNECTION_IDLE_NS)
    assert.deepStrictEqual(rig.takeTold().filter((m) => m._tag === "LinkCheck"), [{ _tag: "LinkCheck", epoch: 1 }, { _tag: "LinkCheck", epoch: 1 }])
  })

  it("does not probe an AP heard from lately, nor when not connected", () => {
    const rig = guestRig([])
    connect(rig)
    rig.kernel.nowNs = CONNECTION_IDLE_NS
    rig.s.lastHeardNs = CONNECTION_IDLE_NS - 1e9
    rig.driver.checkLink(rig.s)
    assert.strictEqual(rig.stats.linkProbes, 0)
    rig.s.driver = { ...rig.s.driver, state: "scanning" }
    rig.s.lastHeardNs = 0
    rig.driver.checkLink(rig.s)
    assert.strictEqual(rig.stats.linkProbes, 0)
  })
})

describe("guest driver runner: power and driver crashes", () => {
  it("switched off: the driver, its ring and its wait are gone, scans asked fail, the epoch voids older timers", () => {
    const rig = guestRig([])
    connect(rig)
    const { reply, answers } = recordingReply()
    rig.driver.scan(rig.s, reply)
    rig.s.outstanding = 5
    rig.s.probesOutstanding = 1
    const { epoch, waitAttempt } = rig.s
    rig.kernel.nowNs = 4e9
    rig.driver.powerOff(rig.s)
    assert.isFalse(rig.s.poweredOn)
    assert.strictEqual(rig.s.driver, GuestDriver.initial)
    assert.deepStrictEqual([rig.s.outstanding, rig.s.probesOutstanding, rig.s.epoch, rig.s.waitAttempt], [0, 0, epoch + 1, waitAttempt + 1])
    assert.deepStrictEqual(rig.o.memory.read(100), [], "the ring in its memory is gone")
    assert.deepStrictEqual(answers, ["failed"])
    assert.strictEqual(rig.stats.disconnectedAtNs, 4e9)
    // Time off is not an outage: a reconnection after the boot is timed from the boot.
    rig.kernel.nowNs = 9e9
    rig.driver.boot(rig.s)
    assert.strictEqual(rig.stats.disconnectedAtNs, 9e9)
  })

  it("a crashed driver reloads (probe again) on the same state: the applications, their flows and packet numbers stay", () => {
    const rig = guestRig([{ kind: "tcp-tx", offeredMbps: "saturate", mssBytes: 1460 }, { kind: "ping", intervalNs: 1e9, payloadBytes: 64 }])
    rig.kernel.nowNs = 1e9
    connect(rig)
    rig.traffic.pace(rig.s, 1)
    const { epoch, seq, waitAttempt } = rig.s
    const sender = rig.s.tcpSenders.get(0)
    assert.isAbove(rig.s.outstanding, 0)
    rig.takeCommands()
    rig.kernel.nowNs = 3e9
    rig.driver.reload(rig.s, 2.9e9)
    assert.strictEqual(rig.s.driver.state, "initializing")
    assert.deepStrictEqual(rig.takeCommands(), ["ReadPciConfig"])
    assert.strictEqual(rig.stats.disconnectedAtNs, 2.9e9, "the outage starts at the crash")
    assert.deepStrictEqual(rig.o.log.recoveriesByWhat.get("guest-driver-restart"), { count: 1, totalNs: 0.1e9, maxNs: 0.1e9 })
    assert.strictEqual(rig.s.tcpSenders.get(0), sender)
    assert.deepStrictEqual([rig.s.epoch, rig.s.seq, rig.s.outstanding], [epoch, seq, 0])
    assert.strictEqual(rig.s.waitAttempt, waitAttempt + 2, "the old wait is void, and the probe waits anew")
    assert.deepStrictEqual(rig.o.memory.read(100), [])
  })

  it("a VM that is off has no driver to reload", () => {
    const rig = guestRig([])
    rig.driver.reload(rig.s, 0)
    assert.deepStrictEqual(rig.takeCommands(), [])
    assert.strictEqual(rig.o.log.recoveries, 0)
  })

  it("forgetting the driver keeps what is not the driver's", () => {
    const rig = guestRig([])
    connect(rig)
    Object.assign(rig.s, { outstanding: 7, probesOutstanding: 2, seq: 40, nextAddress: 4096, lastHeardNs: 5 })
    const before = { ...rig.s }
    forgetDriver(rig.s)
    assert.deepStrictEqual(
      { ...rig.s },
      { ...before, driver: GuestDriver.initial, outstanding: 0, probesOutstanding: 0, waitAttempt: before.waitAttempt + 1 }
    )
  })
})

describe("guest work", () => {
  it("a register write carries the work before it; what is left at the end of a message is submitted on its own", () => {
    const rig = guestRig([])
    rig.work.charge(rig.s, "guestIrq", 1)
    rig.work.writeCommand(rig.s, { _tag: "StartScan" })
    assert.deepStrictEqual(recordOf(rig.writes[0]!.work).ops, [["guestIrq", 1], ["guestCommand", 1]])
    assert.isUndefined(rig.s.work)
    rig.work.flush(rig.s)
    assert.strictEqual(rig.jobs.length, 1, "no work, no job")
    rig.work.charge(rig.s, "guestPacket", 2)
    const left = rig.s.work!
    rig.work.flush(rig.s)
    assert.isTrue(recordOf(left).submitted)
    assert.isFalse(recordOf(rig.writes[0]!.work).submitted, "the port submits what a write carries")
    assert.isUndefined(rig.s.work)
  })
})
