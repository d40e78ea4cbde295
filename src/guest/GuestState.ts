/**
 * A guest VM's state, held by its actor's runtime (`GuestVm.ts`): mutable, one object for the
 * actor's life (its TCP flows are bound to it), changed in place by `GuestDriverRunner` (the driver's
 * side) and `GuestTraffic` (the applications and the stack's data path).
 *
 * What a crash of the guest's driver module loses is the driver's part (`forgetDriver`): the driver
 * state machine, the answer it waited for, and the TX ring it filled (the ring is in guest memory,
 * which the reloaded driver sets up afresh). The rest is the applications' and the stack's, and
 * stays. A power-off loses the driver's part too, and voids every timer (the epoch); the flows start
 * afresh on the next connection.
 */
import type { Reply } from "../actor/Reply.ts"
import { shareNumbers } from "../kernel/StableShapes.ts"
import type { Job } from "../cpu/CpuCore.ts"
import type { ScanResult } from "../vocabulary/CardEvent.ts"
import type { TcpReceiverFlow, TcpSenderFlow } from "../workload/TcpFlow.ts"
import type { RateController } from "../ratecontrol/RateControl.ts"
import type { ChainEntry } from "../vocabulary/CardCommand.ts"
import * as GuestDriver from "./GuestDriver.ts"
import type { Bgscan } from "./Roaming.ts"
import { bgscanStarted } from "./Roaming.ts"

/** The VM's TCP receiver (of a tcp-rx flow) and the data of its full segments. */
export interface TcpReceiverApp {
  readonly flow: TcpReceiverFlow
  readonly dataBytes: number
}

export interface GuestState {
  /** Off, the VM hears nothing. */
  poweredOn: boolean

  // The driver's part: lost with the driver module.
  driver: GuestDriver.GuestDriver
  /** Numbers the driver's waits for an answer (at most one at a time): a timeout of an older wait is void. */
  waitAttempt: number
  /** Descriptors in the TX ring not yet completed. */
  outstanding: number
  /** Link probes in the TX ring: their completions are not data. */
  probesOutstanding: number
  /** The rate control of the current association (undefined: none, or a fixed rate; `GuestRates.ts`). */
  rate: RateController | undefined
  /** The chain its last rate command wrote. */
  rateChainSent: ReadonlyArray<ChainEntry> | undefined

  // Kept across a driver crash.
  /** What the driver joins (a roam changes it). */
  config: GuestDriver.Config
  /** MAC of the wired endpoint behind the AP joined (the peer of every flow). */
  endpointMac: number
  /** Bumped whenever flows restart or the VM resets: older timers are void. */
  epoch: number
  /** When a unicast frame last came from the AP or one of ours was acknowledged (the connection monitor's clock). */
  lastHeardNs: number
  /** When the join under way was decided (boot, loss of the AP, a roaming decision). */
  joinStartedNs: number
  /** A lifecycle `vm-roam` took it from its AP: its next association is that move (a roam), not a recovery. */
  moving: boolean
  /** When its raw write under way (`WriteRaw`) was made, undefined when none is: its vCPU is in that write's exit. */
  rawWriteSinceNs: number | undefined
  /** Raw writes its program has yet to make, oldest first (bounded: `GuestVm`'s `RAW_WRITES_WAITING`). */
  readonly rawWritesWaiting: Array<{ readonly command: unknown; readonly descriptors?: ReadonlyArray<unknown> | undefined }>
  /** The supplicant's background scanner (its interval, its short-scan budget, its last scan), and the number of its current timer. */
  bgscan: Bgscan
  backgroundScanToken: number
  /** The VM's own packet numbers (all but TCP's): the last one used. */
  seq: number
  /** The last TX buffer's address in guest memory. */
  nextAddress: number
  /** Packets each paced UDP flow may send (by flow index): the fraction left from its last tick. */
  readonly credit: Array<number>
  /** TCP senders of tcp-tx flows, by flow index; new ones on every connection. */
  readonly tcpSenders: Map<number, TcpSenderFlow>
  /** The receiver of the first tcp-rx flow, if any; a new one on every connection. */
  tcpReceiver: TcpReceiverApp | undefined
  /** Since this connection's flows started: a UDP, a TCP packet of a downlink flow has arrived (its Subscribe need not go again). */
  udpDownlinkHeard: boolean
  tcpDownlinkHeard: boolean
  /** When this connection's flows started (its first Subscribes): a UDP flow's packets echo the Subscribe that started it, and older ones are an earlier flow's. */
  flowsStartedNs: number
  /** Scans asked through `RequestScan`, answered by the next scan's results. */
  readonly scanWaiters: Array<Reply<ReadonlyArray<ScanResult>>>

  /** The guest's work since its last register write (`GuestWork`): taken by the next write, or submitted at the end of the message. */
  work: Job | undefined
}

/** A VM that was never switched on; its TCP flows are made by `GuestTraffic.makeTcpFlows`. */
export const initialGuestState = (config: GuestDriver.Config, endpointMac: number, flowCount: number): GuestState => ({
  poweredOn: false,
  driver: GuestDriver.initial,
  waitAttempt: 0,
  outstanding: 0,
  probesOutstanding: 0,
  rate: undefined,
  rateChainSent: undefined,
  config,
  endpointMac,
  epoch: 0,
  lastHeardNs: 0,
  joinStartedNs: 0,
  moving: false,
  rawWriteSinceNs: undefined,
  rawWritesWaiting: [],
  bgscan: bgscanStarted(false, 0),
  backgroundScanToken: 0,
  seq: 0,
  nextAddress: 0,
  credit: Array.from({ length: flowCount }, () => 0),
  tcpSenders: new Map(),
  tcpReceiver: undefined,
  udpDownlinkHeard: false,
  tcpDownlinkHeard: false,
  flowsStartedNs: 0,
  scanWaiters: [],
  work: undefined
})

// The endpoint's address goes into every descriptor the VM writes: shared, not boxed anew (`shareNumbers`).
shareNumbers(initialGuestState(undefined as unknown as GuestDriver.Config, 0, 0), ["endpointMac"])

/** The driver's part is gone (its module crashed, or the VM was switched off): a driver at `off`, an empty ring, no wait. */
export const forgetDriver = (s: GuestState): void => {
  s.driver = GuestDriver.initial
  s.outstanding = 0
  s.probesOutstanding = 0
  s.rate = undefined
  s.rateChainSent = undefined
  // A move under way ends with the driver: the join after the reload or the boot is a recovery.
  s.moving = false
  s.rawWriteSinceNs = undefined
  s.rawWritesWaiting.length = 0
  s.waitAttempt++
}
