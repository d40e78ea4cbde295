/** Test helpers: a guest's two sides (driver, traffic) on a fresh state, with recording stand-ins for the core, the port and its own mailbox. */
import { GuestRates } from "../../src/guest/GuestRates.ts"
import { Prng } from "../../src/kernel/Prng.ts"
import type { Port } from "../../src/actor/Port.ts"
import type { Reply } from "../../src/actor/Reply.ts"
import { TraceSource } from "../../src/actor/TraceSource.ts"
import type { CpuCore, Job } from "../../src/cpu/CpuCore.ts"
import { GuestDriverRunner } from "../../src/guest/GuestDriverRunner.ts"
import { initialGuestState } from "../../src/guest/GuestState.ts"
import type { GuestState } from "../../src/guest/GuestState.ts"
import { GuestTraffic } from "../../src/guest/GuestTraffic.ts"
import { GUEST_SOCKET_COSTS } from "../../src/guest/GuestVm.ts"
import type { Flow, GuestMessage, GuestOptions, GuestStats, RegisterWrite } from "../../src/guest/GuestVm.ts"
import { GuestWork } from "../../src/guest/GuestWork.ts"
import { Kernel } from "../../src/kernel/Kernel.ts"
import type { ScanResult } from "../../src/vocabulary/CardEvent.ts"
import { Frame, FrameKind } from "../../src/vocabulary/Frame.ts"
import type { Payload } from "../../src/vocabulary/Frame.ts"
import { FrameLedger } from "../../src/vocabulary/FrameLedger.ts"
import { GuestMemory } from "../../src/vocabulary/GuestMemory.ts"
import { RecoveryLog } from "../../src/vocabulary/RecoveryLog.ts"

export const ENDPOINT_LAB = 0xe0
export const ENDPOINT_OTHER = 0xe1
export const LAB = { bssid: 5, ssid: "lab", channel: 6, signalDbm: -40, beaconHeard: false }

/** A job the stand-in core handed out: the operations charged to it, and whether it was submitted on its own. */
export interface JobRecord {
  readonly ops: Array<readonly [string, number]>
  /** The messages it delivers once it has run (`Job.then`). */
  readonly then: Array<unknown>
  submitted: boolean
}

/** A core that records jobs instead of running them. */
export const recordingCpu = () => {
  const jobs: Array<JobRecord> = []
  const cpu = {
    job: () => {
      const record: JobRecord = { ops: [], then: [], submitted: false }
      jobs.push(record)
      const job = {
        record,
        op: (name: string, times = 1) => (record.ops.push([name, times]), job),
        then: (_port: unknown, message: unknown) => (record.then.push(message), job),
        submit: () => void (record.submitted = true)
      }
      return job
    }
  }
  return { cpu: cpu as unknown as CpuCore, jobs }
}

/** The record of a job handed to the port with a register write. */
export const recordOf = (job: Job): JobRecord => (job as unknown as { readonly record: JobRecord }).record

export const emptyStats = (): GuestStats => ({
  txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, rxBytesMeasured: 0, txDelivered: 0, txFailed: 0, ringFullDrops: 0,
  pingRttNs: [], pingsSent: 0, connectedAtNs: undefined, reconnects: 0, disconnectedAtNs: undefined, timeouts: 0,
  lastDataNs: undefined, linkProbes: 0, resubscribes: 0, associations: [], associationCount: 0, roams: 0, backgroundScans: 0, attemptsByRate: [], framesByRate: [], rateCommands: 0
})

/** The options of a guest with `flows`, whose register writes go to `port`. */
export const guestOptions = (flows: ReadonlyArray<Flow>, cpu: CpuCore, port: Port<RegisterWrite>, more: Partial<GuestOptions> = {}): GuestOptions => ({
  vm: 0,
  name: "vm0",
  ssid: "lab",
  passphrase: "vwifi-lab-key",
  scanChannels: [1, 6, 11],
  roaming: undefined,
  flows,
  memory: new GuestMemory(64 << 20),
  cpu,
  thread: 1,
  packetCost: "guestPacket",
  rxPacketCost: "guestRxPacket",
  socketCosts: GUEST_SOCKET_COSTS,
  irqCosts: ["guestIrq"],
  commandCost: "guestCommand",
  ledger: new FrameLedger(),
  port,
  endpointMacOf: (bssid) => (bssid === LAB.bssid ? ENDPOINT_LAB : ENDPOINT_OTHER),
  warmupEndNs: 0,
  log: new RecoveryLog(),
  ...more
})

/** A guest's driver and traffic sides on a fresh state (a VM never switched on). */
export const guestRig = (flows: ReadonlyArray<Flow>, more: Partial<GuestOptions> = {}) => {
  const kernel = new Kernel()
  const { cpu, jobs } = recordingCpu()
  const writes: Array<RegisterWrite> = []
  const told: Array<GuestMessage> = []
  const o = guestOptions(flows, cpu, { tellUnsafe: (w) => (writes.push(w), true) }, more)
  const stats = emptyStats()
  const traces = { frameReceived: new TraceSource<number, number>() }
  const self: Port<GuestMessage> = { tellUnsafe: (m) => (told.push(m), true) }
  const work = new GuestWork(o)
  const traffic = new GuestTraffic(kernel, o, stats, traces, work, self)
  const rates = new GuestRates(kernel, o.rates ?? { rateControl: "fixed", phy: { standard: "802.11g", rateMbps: 54 }, rateRandom: () => new Prng(1) }, stats, work)
  const driver = new GuestDriverRunner(kernel, o, stats, work, traffic, self, rates)
  const s: GuestState = initialGuestState({ ssid: o.ssid, passphrase: o.passphrase, scanChannels: o.scanChannels, roaming: o.roaming }, ENDPOINT_LAB, flows.length)
  traffic.makeTcpFlows(s)
  return {
    kernel, jobs, writes, told, o, stats, traces, work, traffic, driver, rates, s,
    /** The tags of the commands written so far (and forgets them). */
    takeCommands: (): Array<string> => writes.splice(0).map((w) => (w.command as { readonly _tag: string })._tag),
    /** The messages it told itself so far (and forgets them). */
    takeTold: (): Array<GuestMessage> => told.splice(0)
  }
}

/** Drives `rig`'s driver from off to connected to `LAB` (its MAC is 77). */
export const connect = (rig: ReturnType<typeof guestRig>): void => {
  const { driver, s } = rig
  driver.boot(s)
  driver.event(s, { _tag: "PciConfig", vendorId: 0x8086, deviceId: 0x4235 })
  driver.event(s, { _tag: "InitDone", vmac: 0, mac: 77 })
  driver.event(s, { _tag: "ScanDone", results: [LAB], fromCache: false })
  driver.event(s, { _tag: "AuthDone", vmac: 0, status: 0 })
  driver.event(s, { _tag: "AssocDone", vmac: 0, status: 0 })
}

/** A data frame for VM 0 from its endpoint. */
export const frameFor = (id: number, payload: Payload, payloadBytes: number, seq = 0): Frame => {
  const f = new Frame(id, FrameKind.Data, ENDPOINT_LAB, 77, LAB.bssid)
  f.payload = payload
  f.payloadBytes = payloadBytes
  f.seq = seq
  f.owner = 0
  return f
}

/** A scan's reply slot that records how it was answered. */
export const recordingReply = () => {
  const answers: Array<ReadonlyArray<ScanResult> | "failed"> = []
  const reply = {
    succeed: (results: ReadonlyArray<ScanResult>) => void answers.push(results),
    fail: () => void answers.push("failed")
  } as unknown as Reply<ReadonlyArray<ScanResult>>
  return { reply, answers }
}
