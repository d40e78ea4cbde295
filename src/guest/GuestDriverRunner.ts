/**
 * The guest's driver side: carries out the steps of its driver (`GuestDriver.ts`, the pure state
 * machine) on the `GuestState` the actor runtime holds. It writes the driver's commands, waits for
 * each answer with a timeout, rescans later when told to, starts the applications when the driver
 * connects (`GuestTraffic`) and notes when it drops, runs the connection monitor, and switches the
 * VM on and off and reloads a crashed driver module.
 */
import { after, at } from "../actor/Port.ts"
import type { Port } from "../actor/Port.ts"
import type { Reply } from "../actor/Reply.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import { SetRate } from "../vocabulary/CardCommand.ts"
import type { CardEvent, ScanResult } from "../vocabulary/CardEvent.ts"
import { CONNECTION_IDLE_NS } from "../vocabulary/ModelConstants.ts"
import * as GuestDriver from "./GuestDriver.ts"
import { forgetDriver } from "./GuestState.ts"
import type { GuestState } from "./GuestState.ts"
import type { GuestTraffic } from "./GuestTraffic.ts"
import { ASSOCIATIONS_KEPT } from "./GuestVm.ts"
import type { GuestMessage, GuestOptions, GuestStats } from "./GuestVm.ts"
import { backgroundScanIntervalNs, bgscanScanned, bgscanStarted, onSignalChange } from "./Roaming.ts"
import type { GuestWork } from "./GuestWork.ts"
import type { GuestRates } from "./GuestRates.ts"

/** What the driver side needs of the guest's options. */
export type DriverRunnerOptions = Pick<GuestOptions, "name" | "memory" | "endpointMacOf" | "log" | "locator">

export class GuestDriverRunner {
  private readonly kernel: Kernel
  private readonly o: DriverRunnerOptions
  private readonly stats: GuestStats
  private readonly work: GuestWork
  private readonly traffic: GuestTraffic
  private readonly self: Port<GuestMessage>
  private readonly rates: GuestRates

  constructor(
    kernel: Kernel,
    o: DriverRunnerOptions,
    stats: GuestStats,
    work: GuestWork,
    traffic: GuestTraffic,
    self: Port<GuestMessage>,
    rates: GuestRates
  ) {
    this.rates = rates
    this.kernel = kernel
    this.o = o
    this.stats = stats
    this.work = work
    this.traffic = traffic
    this.self = self
  }

  /** The VM is switched on: its driver probes the card. */
  boot(s: GuestState): void {
    if (s.poweredOn) return
    s.poweredOn = true
    // Time off does not count as an outage: a reconnection after a boot is timed from the boot.
    if (this.stats.disconnectedAtNs !== undefined) this.stats.disconnectedAtNs = this.kernel.nowNs
    s.joinStartedNs = this.kernel.nowNs
    this.apply(s, GuestDriver.boot(s.driver))
  }

  /** Everything the VM was doing ends (its memory and ring with it); a boot starts afresh. */
  powerOff(s: GuestState): void {
    s.poweredOn = false
    s.epoch++
    if (s.driver.state === "connected") this.stats.disconnectedAtNs = this.kernel.nowNs
    forgetDriver(s)
    this.o.memory.clear()
    for (const w of s.scanWaiters.splice(0)) w.fail(undefined as never)
  }

  /** The guest's driver module crashed (at `crashedAtNs`): the kernel reloads it (probe, init, join); the applications stay. */
  reload(s: GuestState, crashedAtNs: number): void {
    if (!s.poweredOn) return
    if (s.driver.state === "connected") this.stats.disconnectedAtNs = crashedAtNs
    forgetDriver(s)
    this.o.memory.clear()
    this.o.log.recovered("guest-driver-restart", this.o.name, crashedAtNs, this.kernel.nowNs)
    this.apply(s, GuestDriver.boot(s.driver))
  }

  /**
   * A card event for the driver (not TX completions or received frames); a scan's results answer the
   * scans asked. The signal monitor's "low" starts the supplicant's short background-scan interval,
   * with a scan now unless one was made within a second or its short-scan budget is spent; "high"
   * goes back to the long one (`onSignalChange`).
   */
  event(s: GuestState, e: CardEvent): void {
    if (e._tag === "ScanDone") {
      for (const w of s.scanWaiters.splice(0)) w.succeed(e.results)
      this.o.locator?.observe(e.results, e.ageNs ?? 0, this.kernel.nowNs)
    }
    this.apply(s, GuestDriver.onEvent(s.driver, e, s.config))
    const roaming = s.config.roaming
    if (e._tag !== "Signal" || roaming === undefined || s.driver.state !== "connected") return
    const next = onSignalChange(roaming, s.bgscan, e.low, this.kernel.nowNs)
    s.bgscan = next.bgscan
    if (next.scanNow) return this.backgroundScan(s)
    if (next.nextScanNs !== undefined) this.armBackgroundScan(s, next.nextScanNs)
  }

  /** The supplicant's background scan (its results may move the VM to another AP), and the next one armed. */
  backgroundScan(s: GuestState): void {
    const roaming = s.config.roaming
    if (roaming === undefined || s.driver.state !== "connected") return
    this.stats.backgroundScans++
    s.bgscan = bgscanScanned(roaming, s.bgscan, this.kernel.nowNs)
    this.work.writeCommand(s, GuestDriver.scanCommand(s.config))
    this.armBackgroundScan(s, this.kernel.nowNs + backgroundScanIntervalNs(roaming, s.bgscan))
  }

  private armBackgroundScan(s: GuestState, atNs: number): void {
    const e = s.epoch
    const token = ++s.backgroundScanToken
    at(this.kernel, Math.max(atNs, this.kernel.nowNs), this.self, { _tag: "BackgroundScan", epoch: e, token })
  }

  /** The retry timer of a failed join: scan again. */
  retry(s: GuestState): void {
    this.apply(s, GuestDriver.rescan(s.driver, s.config))
  }

  /** The answer the driver waited for did not come in time. */
  timedOut(s: GuestState): void {
    this.stats.timeouts++
    this.apply(s, GuestDriver.timedOut(s.driver, s.config))
  }

  /** Move to another AP: leave the current one and join `ssid`. */
  roam(s: GuestState, ssid: string, passphrase: string | undefined): void {
    // Moved while connected: leaving its AP was the plan, not an outage (from a VM already looking for an AP, the outage goes on).
    if (s.driver.state === "connected") s.moving = true
    s.config = { ...s.config, ssid, passphrase }
    this.apply(s, GuestDriver.roam(s.driver, s.config))
  }

  /** A scan the network manager asks for; `reply`, when given, gets its results. */
  scan(s: GuestState, reply?: Reply<ReadonlyArray<ScanResult>>): void {
    if (reply !== undefined) s.scanWaiters.push(reply)
    this.work.writeCommand(s, GuestDriver.scanCommand(s.config))
  }

  setRate(s: GuestState, rateIndex: number): void {
    this.work.writeCommand(s, new SetRate({ vmac: 0, rateIndex }))
  }

  /** The connection monitor's timer: probe an AP it has not heard from lately, and look again later. */
  checkLink(s: GuestState): void {
    if (s.driver.state !== "connected") return
    const check = GuestDriver.linkCheck(s.lastHeardNs, this.kernel.nowNs)
    if (check.probe) this.traffic.sendLinkProbe(s)
    this.watchLink(s, check.nextNs)
  }

  /**
   * Takes a step of the driver: its commands go to the card, a wait for an answer gets a timeout (a
   * new wait, or the end of one, voids the old timeout), a retry gets its timer; connecting starts
   * the applications, disconnecting starts the outage.
   */
  private apply(s: GuestState, step: GuestDriver.Step): void {
    const was = s.driver.state
    s.driver = step.driver
    const waitNs = GuestDriver.waitFor(was, step)
    if (waitNs !== undefined) {
      const attempt = ++s.waitAttempt
      after(this.kernel, waitNs, this.self, { _tag: "Timeout", attempt })
    } else if (s.driver.state !== was || step.retryAfterNs !== undefined) {
      s.waitAttempt++
    }
    this.work.writeCommands(s, step.commands)
    if (step.retryAfterNs !== undefined) {
      const e = s.epoch
      after(this.kernel, step.retryAfterNs, this.self, { _tag: "Retry", epoch: e })
    }
    if (was !== "connected" && s.driver.state === "connected") this.connected(s)
    else if (was === "connected" && s.driver.state !== "connected") {
      s.joinStartedNs = this.kernel.nowNs
      this.stats.disconnectedAtNs = this.kernel.nowNs
      s.rate = undefined // the association's rate control ends with it
    }
  }

  /** Connected (again): the outage ends, and the flows start afresh (the endpoint forgot this station when it joined again). */
  private connected(s: GuestState): void {
    const { stats, kernel } = this
    const via = s.driver.joinVia === "roam" || s.moving ? "roam" : stats.disconnectedAtNs !== undefined ? "rejoin" : "join"
    if (stats.associations.length < ASSOCIATIONS_KEPT) {
      stats.associations.push({ atNs: kernel.nowNs, bssid: s.driver.target?.bssid ?? 0, via, tookNs: kernel.nowNs - s.joinStartedNs })
    }
    stats.associationCount++
    if (via === "roam") stats.roams++
    // The flows' peer is the wired endpoint behind the AP joined.
    if (s.driver.target !== undefined) s.endpointMac = this.o.endpointMacOf(s.driver.target.bssid)
    if (stats.connectedAtNs === undefined) stats.connectedAtNs = kernel.nowNs
    // A roam is a move the supplicant (or the VM's owner, `vm-roam`) chose, not an outage to recover from.
    s.moving = false
    if (via === "roam") stats.disconnectedAtNs = undefined
    if (stats.disconnectedAtNs !== undefined) {
      stats.reconnects++
      this.o.log.recovered("reconnect", this.o.name, stats.disconnectedAtNs, kernel.nowNs)
      stats.disconnectedAtNs = undefined
    }
    s.epoch++
    this.rates.start(s)
    this.traffic.makeTcpFlows(s)
    this.traffic.startFlows(s)
    s.lastHeardNs = kernel.nowNs
    this.watchLink(s, s.lastHeardNs + CONNECTION_IDLE_NS)
    if (s.config.roaming !== undefined) {
      s.bgscan = bgscanStarted(s.driver.signalLow, kernel.nowNs)
      this.armBackgroundScan(s, kernel.nowNs + backgroundScanIntervalNs(s.config.roaming, s.bgscan))
    }
  }

  private watchLink(s: GuestState, atNs: number): void {
    const e = s.epoch
    at(this.kernel, atNs, this.self, { _tag: "LinkCheck", epoch: e })
  }
}
