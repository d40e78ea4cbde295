/**
 * The results of one scenario run (`vwifi run --json`): an exported Schema, so consumers can decode
 * and check what they read. Every figure comes from the simulation.
 */
import * as Schema from "effect/Schema"

/** A VM's location service (a "locate" flow): its estimates against the host's true position at each. */
export const LocationReport = Schema.Struct({
  estimates: Schema.Number,
  /** Distance between estimate and truth, m: mean, median, 90th percentile, largest; null without estimates. */
  meanErrorM: Schema.NullOr(Schema.Number),
  medianErrorM: Schema.NullOr(Schema.Number),
  p90ErrorM: Schema.NullOr(Schema.Number),
  maxErrorM: Schema.NullOr(Schema.Number),
  /** Mean age of the scan results behind the estimates (a cached answer is older), ms. */
  meanScanAgeMs: Schema.NullOr(Schema.Number),
  /** The estimates over time (at most 200, evenly thinned): estimate, truth, error, APs heard, scan age. */
  track: Schema.Array(Schema.Struct({
    atSeconds: Schema.Number, x: Schema.Number, y: Schema.Number, trueX: Schema.Number, trueY: Schema.Number,
    errorM: Schema.Number, apsHeard: Schema.Number, scanAgeMs: Schema.Number
  }))
})
export type LocationReport = typeof LocationReport.Type
/** What a VM's frames went at, and what its driver's rate control did (`card.rateControl`). */
export const RatesReport = Schema.Struct({
  /** The rate control its driver ran: "fixed", "minstrel", "arf" or "aarf". */
  algorithm: Schema.String,
  /** The retry chain its driver last wrote to the card, first stage first: rate in Mbit/s and attempts; null if it wrote none (a fixed rate). */
  chain: Schema.NullOr(Schema.Array(Schema.Struct({ rateMbps: Schema.Number, tries: Schema.Number }))),
  /** Rate commands its rate control wrote (each a trip through the device model and the driver). */
  commands: Schema.Number,
  /** Its data MPDUs acknowledged at each rate over the whole run, keyed by the rate in Mbit/s (rates with none left out). */
  framesByRateMbps: Schema.Record(Schema.String, Schema.Number),
  /** Its data MPDU attempts at each rate over the whole run, likewise. */
  attemptsByRateMbps: Schema.Record(Schema.String, Schema.Number),
  /** The rate most of its MPDUs were acknowledged at, Mbit/s; null if none was. */
  topRateMbps: Schema.NullOr(Schema.Number)
})
export type RatesReport = typeof RatesReport.Type

/** An AP's rates: what it sent its stations, by rate. */
export const ApRatesReport = Schema.Struct({
  /** The rate control it ran for each station: "fixed", "minstrel", "arf" or "aarf". */
  algorithm: Schema.String,
  /** Its data MPDUs acknowledged at each rate over the whole run, to every station, keyed by the rate in Mbit/s (rates with none left out). */
  framesByRateMbps: Schema.Record(Schema.String, Schema.Number),
  /** Its data MPDU attempts at each rate over the whole run, likewise. */
  attemptsByRateMbps: Schema.Record(Schema.String, Schema.Number),
  /** The rate most of its MPDUs were acknowledged at, Mbit/s; null if none was. */
  topRateMbps: Schema.NullOr(Schema.Number)
})
export type ApRatesReport = typeof ApRatesReport.Type

export const VmReport = Schema.Struct({
  name: Schema.String,
  /** The guest driver's state at the end (`connected`, `scanning`, `failed`, …). */
  state: Schema.String,
  ssid: Schema.String,
  mac: Schema.NullOr(Schema.String),
  /** Data frames the guest handed to its card. */
  txFrames: Schema.Number,
  /** Data frames the guest's applications received. */
  rxFrames: Schema.Number,
  /**
   * Refusals for this VM, all reasons: one per refused command, one per refused TX descriptor (a
   * doorbell over three bad descriptors counts 3; one claiming more descriptors than the ring holds
   * counts 1 and each bad one it reaches), and refusals further down (no free vMAC, an IOMMU DMA fault).
   * Not a count of commands: a storm of N hostile writes may count more or fewer than N.
   */
  rejections: Schema.Number,
  rejectedByReason: Schema.Record(Schema.String, Schema.Number),
  /** Uplink goodput (UDP, and TCP in order) of this VM's data at the endpoints of every AP it used, after the warm-up, Mbit/s. */
  uplinkMbps: Schema.Number,
  /** Downlink goodput (UDP, and TCP in order) received by the guest after the warm-up, Mbit/s. */
  downlinkMbps: Schema.Number,
  ping: Schema.Struct({
    sent: Schema.Number,
    received: Schema.Number,
    meanUs: Schema.NullOr(Schema.Number),
    medianUs: Schema.NullOr(Schema.Number),
    p99Us: Schema.NullOr(Schema.Number)
  }),
  /** When it first reached `connected`, simulated seconds; null if never. */
  connectedAtSeconds: Schema.NullOr(Schema.Number),
  /** Its entry in the driver's per-VM rate table (virtual-wifi), null otherwise. */
  rateIndex: Schema.NullOr(Schema.Number),
  /** Times it joined again after losing its connection. */
  reconnects: Schema.Number,
  /** Answers its driver waited for in vain (probe, init, scan, join). */
  timeouts: Schema.Number,
  /** When data last moved (a frame it sent was delivered, or it received one), simulated seconds; null if never. */
  lastDataAtSeconds: Schema.NullOr(Schema.Number),
  /** Null-data frames its connection monitor sent to an AP it had not heard from for 5 s. */
  linkProbes: Schema.Number,
  /** Requests for a downlink flow sent again because its first packet had not come (TCP's SYN schedule: after 1, 2, 4, … s). */
  resubscribes: Schema.Number,
  /** BSSID of the AP its driver is with (or joining) at the end; null if none. */
  bssid: Schema.NullOr(Schema.String),
  /** Mean signal (no fading) of that AP at the host at the end, dBm, and its SNR over the card's noise floor, dB; null if none. */
  signalDbm: Schema.NullOr(Schema.Number),
  snrDb: Schema.NullOr(Schema.Number),
  /** Its associations (the first 1000): when, with which AP, why ("join", "rejoin" after losing its AP, "roam"), and how long the join took from its decision. */
  associations: Schema.Array(Schema.Struct({ atSeconds: Schema.Number, bssid: Schema.String, via: Schema.Literals(["join", "rejoin", "roam"]), tookMs: Schema.Number })),
  /** How many associations it made in all, and how many were roams. */
  associationCount: Schema.Number,
  roams: Schema.Number,
  /** Background scans its supplicant asked for while connected. */
  backgroundScans: Schema.Number,
  /** Its location service's accuracy, when it runs one; null otherwise. */
  location: Schema.NullOr(LocationReport),
  /** Its rates: the chain, the commands, frames by rate. */
  rates: RatesReport,
  /**
   * The card's energy attributed to this VM over the run, J (its vMAC's own airtime, and its share of
   * the card's listening and sleep: docs/model.md#power-save-and-energy); null without a vMAC.
   */
  energyJoules: Schema.NullOr(Schema.Number)
})
export type VmReport = typeof VmReport.Type

/** One recovery: what recovered, when the trouble began, how long it took. */
export const RecoveryEntry = Schema.Struct({
  what: Schema.String,
  target: Schema.String,
  atSeconds: Schema.Number,
  tookMs: Schema.Number
})

/** Faults injected and recoveries made (`fault/RecoveryLog.ts`). */
export const FaultsReport = Schema.Struct({
  injected: Schema.Number,
  injectedByKind: Schema.Record(Schema.String, Schema.Number),
  /** Schedule entries that found nothing to act on at their time (a VM already off, one with no vMAC yet): not injected. */
  skipped: Schema.Number,
  /** `skipped` by "kind: reason", e.g. "vm-stop: the VM was off". */
  skippedByReason: Schema.Record(Schema.String, Schema.Number),
  recoveries: Schema.Number,
  recoveriesByWhat: Schema.Record(Schema.String, Schema.Struct({ count: Schema.Number, meanMs: Schema.Number, maxMs: Schema.Number })),
  /** The most recent recoveries (at most 200). */
  recent: Schema.Array(RecoveryEntry),
  /** Actor restarts by supervisors, by actor (only actors that restarted). */
  actorRestarts: Schema.Record(Schema.String, Schema.Number),
  /** Messages recorded as dead letters (junk of a flood, refusals retried, crashes). */
  deadLetters: Schema.Number
})
export type FaultsReport = typeof FaultsReport.Type

export const RunReport = Schema.Struct({
  scenarioMode: Schema.Literals(["native", "passthrough", "virtual-wifi"]),
  seed: Schema.Number,
  simulatedSeconds: Schema.Number,
  wallSeconds: Schema.Number,
  outcome: Schema.String,
  traceDigest: Schema.String,
  eventsProcessed: Schema.Number,
  vms: Schema.Array(VmReport),
  driver: Schema.Struct({
    scanRequests: Schema.Number,
    physicalScans: Schema.Number,
    scanCacheHits: Schema.Number,
    /** Register reads a device model answered locally (virtual-wifi), without the card. */
    emulatedRegisterReads: Schema.Number,
    /** vMAC index → VM name (null: free); virtual-wifi only. */
    vmacs: Schema.Array(Schema.NullOr(Schema.String))
  }),
  cpu: Schema.Struct({
    /** Busy time / elapsed time of the one core, 0..1. */
    utilization: Schema.Number,
    /** Percent of elapsed time per category (Table 1's rows, then guest and user space). */
    breakdown: Schema.Record(Schema.String, Schema.Number),
    /** Percent of elapsed time each thread of the core ran its work, interrupt context first (`vm`: the VM it works for). */
    threads: Schema.Array(Schema.Struct({ name: Schema.String, vm: Schema.NullOr(Schema.String), percent: Schema.Number })),
    /** Percent of elapsed time per VM, by name: its threads together (vCPU and device model I/O thread). */
    vms: Schema.Record(Schema.String, Schema.Number),
    /** Switches between threads: how many, and the percent of elapsed time they took (within `host.scheduling`). */
    contextSwitches: Schema.Struct({ count: Schema.Number, percent: Schema.Number })
  }),
  air: Schema.Struct({
    exchanges: Schema.Number,
    collisions: Schema.Number,
    retries: Schema.Number,
    /** Acks and BlockAcks lost: what they answered had arrived, and was sent again (a duplicate the receiver discards). */
    answersLost: Schema.Number,
    /** Busy time of every channel added together, percent of the time after the warm-up. */
    busyPercent: Schema.Number,
    /** Transmitter (a card's radio, an AP) → collisions it took part in. */
    collisionsByStation: Schema.Record(Schema.String, Schema.Number),
    /**
     * Internal collisions (802.11-2016 10.22.2.4): a transmitter's AC_BE and AC_VO counts ran out in one
     * slot, AC_VO sent and AC_BE backed off as after a collision; nothing went on the air for it.
     */
    internalCollisions: Schema.Number
  }),
  /** Each AP's side of its stations over the whole run, in the scenario's order. */
  aps: Schema.Array(Schema.Struct({
    ssid: Schema.String,
    bssid: Schema.String,
    /** Associations it granted, and refused. */
    associations: Schema.Number,
    rejectedAssociations: Schema.Number,
    /** 4-way handshakes completed, and failed (a wrong MIC, or no answer: the station deauthenticated). */
    handshakes: Schema.Number,
    handshakeFailures: Schema.Number,
    /** Stations it forgot because nothing it sent them got through for 5 s. */
    kickouts: Schema.Number,
    /** Stations it polled after 300 s without a frame (`aps[].maxInactivitySeconds`), and those it then disassociated. */
    inactivityPolls: Schema.Number,
    inactivityDisassociations: Schema.Number,
    /** Its clock against the card's, ppm (`aps[].clockDriftPpm`, or the one drawn from the seed): its beacons' drift. */
    clockDriftPpm: Schema.Number,
    /** What it sent its stations, by rate (`aps[].rateControl`). */
    rates: ApRatesReport
  })),
  /**
   * With `txPath` asked for: the mean time per stage of the TX path, µs, over the frames acknowledged
   * after the warm-up (`vocabulary/TxPath.ts`); absent otherwise.
   */
  txPath: Schema.optionalKey(Schema.Struct({
    frames: Schema.Number,
    meanUs: Schema.Record(Schema.String, Schema.Number)
  })),
  /** How the card's one radio spent its time (percent of the time after the warm-up): on each channel, retuning, scanning. */
  radio: Schema.Struct({
    /** Channel number → percent of the time after the warm-up the radio served it. */
    channelPercent: Schema.Record(Schema.String, Schema.Number),
    switchingPercent: Schema.Number,
    scanningPercent: Schema.Number,
    channelSwitches: Schema.Number,
    /** Null-data frames its vMACs sent to announce doze (PM=1) before a switch and wake (PM=0) after. */
    powerSaveNulls: Schema.Number,
    /** Percent of the time after the warm-up asleep (power save: every started vMAC dozing), and waking up. */
    sleepingPercent: Schema.Number,
    wakingPercent: Schema.Number,
    /** Times the radio went to sleep. */
    sleeps: Schema.Number
  }),
  /** The card's energy over the whole run (`RadioEnergy.ts`): the radio's time per state times the card's power in it. */
  energy: Schema.Struct({
    /** Energy, J, and average power, W. */
    cardJoules: Schema.Number,
    averageW: Schema.Number,
    /** Seconds transmitting, receiving, listening (awake otherwise) and asleep; they add up to the run. */
    txSeconds: Schema.Number,
    rxSeconds: Schema.Number,
    listenSeconds: Schema.Number,
    sleepSeconds: Schema.Number,
    /** Energy no started vMAC could take (none was started), J: the VMs' `energyJoules` and it add up to `cardJoules`. */
    unattributedJoules: Schema.Number,
    /** The power per state the figures used, W (`card.power`). */
    power: Schema.Struct({ txW: Schema.Number, rxW: Schema.Number, listenW: Schema.Number, sleepW: Schema.Number })
  }),
  frames: Schema.Struct({
    created: Schema.Number,
    delivered: Schema.Number,
    dropped: Schema.Number,
    inFlight: Schema.Number,
    droppedByReason: Schema.Record(Schema.String, Schema.Number)
  }),
  invariants: Schema.Struct({
    /** Frames, scan results, DMAs or keys that reached a VM they do not belong to (the sum of the four below). */
    isolationViolations: Schema.Number,
    frameIsolation: Schema.Number,
    scanIsolation: Schema.Number,
    dmaIsolation: Schema.Number,
    /** Data frames sent or accepted under a pairwise key that is not their VM's (another VM's, or a previous VM's on a reused vMAC). */
    keyIsolation: Schema.Number,
    /** Rate-table or key writes applied to a vMAC another VM owns. */
    crossVmWrites: Schema.Number,
    /** Frames neither delivered, nor dropped with a reason, nor plausibly in flight. */
    unaccountedFrames: Schema.Number,
    /** Disagreements of the vMAC↔VM table (with itself, the card, the journal) that persisted across audits. */
    mappingInconsistencies: Schema.Number,
    /** How far the CPU's two accountings of its busy time (by category, by thread and switch) disagree, plus any busy time beyond the elapsed time, ns (`cpu/CpuAccounting.ts`). */
    cpuAccountingErrorNs: Schema.Number
  }),
  faults: FaultsReport
})
export type RunReport = typeof RunReport.Type

/** All invariant counters of a report together (a CPU accounting error counts once): 0 is the only good value. */
export const invariantViolations = (inv: RunReport["invariants"]): number =>
  inv.isolationViolations + inv.crossVmWrites + inv.unaccountedFrames + inv.mappingInconsistencies + (inv.cpuAccountingErrorNs > 0 ? 1 : 0)
