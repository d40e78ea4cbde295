/**
 * The card's firmware core's decisions, on the radio's state the actor runtime holds: the radio's
 * own traffic and timers go to `Radio.ts`, the driver's commands for one vMAC to that vMAC's actor,
 * and the rest (start, stop, reset, a vMAC given up on) is decided here.
 */
import type { Port } from "../actor/Port.ts"
import { after } from "../actor/Port.ts"
import * as ModelActor from "../actor/ModelActor.ts"
import type { Station } from "../air/Station.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import { BEACON_CHECK_PERIOD_NS } from "../vocabulary/ModelConstants.ts"
import type { CardStatus } from "./CardStatus.ts"
import type { NicMessage, NicStats } from "./Nic.ts"
import type { Radio, RadioState } from "./Radio.ts"
import type * as Vmac from "./Vmac.ts"

/** What the firmware core works with: the card's hardware and its vMAC actors. */
export interface NicParts {
  readonly vmacs: ReadonlyArray<Vmac.VmacHandle>
  /** The radio's station on the air. */
  readonly station: Station
  readonly radio: Radio
  readonly status: CardStatus
  readonly stats: NicStats
  readonly ledger: FrameLedger
  readonly self: Port<NicMessage>
}

export class NicLogic {
  private readonly kernel: Kernel
  private readonly vmacs: ReadonlyArray<Vmac.VmacHandle>
  private readonly station: Station
  private readonly radio: Radio
  private readonly status: CardStatus
  private readonly stats: NicStats
  private readonly ledger: FrameLedger
  private readonly self: Port<NicMessage>
  /**
   * vMACs whose actor escalated: dead firmware, never started again (what is sent to them is
   * dropped). The card's own record, like its registers: a restart of the core does not revive them.
   */
  private readonly failed = new Set<number>()

  constructor(kernel: Kernel, parts: NicParts) {
    this.kernel = kernel
    this.vmacs = parts.vmacs
    this.station = parts.station
    this.radio = parts.radio
    this.status = parts.status
    this.stats = parts.stats
    this.ledger = parts.ledger
    this.self = parts.self
  }

  handle(r: RadioState, msg: NicMessage): RadioState {
    const { vmacs, station, stats, radio, status, kernel, self, failed } = this
    switch (msg._tag) {
      case "FromVmac":
        if (msg.event?._tag === "DmaFault") stats.dmaFaults += msg.event.frames
        radio.fromVmac(r, msg)
        break
      case "Sent":
        radio.sent(r, msg.delivered, msg.dropped)
        break
      case "Heard":
        radio.heard(r, msg.frames, msg.signalDbm)
        break
      case "StopVmac":
      case "ResetVmac": {
        const v = vmacs[msg.vmac]
        if (v === undefined || (msg._tag === "ResetVmac" && v.regs.state === "stopped")) break
        if (msg._tag === "StopVmac") station.addresses.delete(v.mac)
        else stats.vmacResets++
        v.ref.tellUnsafe(msg._tag === "StopVmac" ? { _tag: "Stop", reason: msg.reason } : { _tag: "Reset", reason: msg.reason })
        radio.reclaim(r, msg.vmac, msg.reason)
        break
      }
      case "StartVmac": {
        const v = vmacs[msg.vmac]
        if (v === undefined || failed.has(msg.vmac)) break
        station.addresses.add(v.mac)
        v.ref.tellUnsafe({ _tag: "Start", iommuDomainBytes: msg.iommuDomainBytes })
        break
      }
      case "Scan":
        radio.startScan(r, msg.channels, msg.dwellNs)
        break
      case "DwellOver":
        radio.dwellOver(r, msg.token)
        break
      case "SwitchDone":
        radio.switchDone(r, msg.token)
        break
      case "ScanDwellOver":
        radio.scanDwellOver(r, msg.token)
        break
      case "WakeDone":
        radio.wakeDone(r, msg.token)
        break
      case "HoldOver":
        radio.holdOver(r)
        break
      case "DepartEarly":
        radio.departEarly(r)
        break
      case "RaiseIrq":
        status.fire()
        break
      case "RxRestock":
        radio.rxRestock(msg.frames)
        break
      case "IrqFault":
        status.injectFault(msg.action, msg.count, msg.delayNs)
        break
      case "VmacFailed": {
        const v = vmacs[msg.vmac]!
        stats.vmacsFailed++
        failed.add(msg.vmac)
        station.addresses.delete(v.mac)
        radio.reclaim(r, msg.vmac, "vmac-failed")
        v.regs.state = "stopped"
        status.raise({ _tag: "VmacStopped", vmac: msg.vmac })
        break
      }
      case "AssociationEnded":
        // The AP is gone for this vMAC (it deauthenticated or disassociated it, its beacons stopped, or
        // the vMAC leaves it, on the driver's command or to join elsewhere): what the ring still holds for it is dropped, as mac80211 removes
        // the AP's station entry (`sta_info_flush` in `ieee80211_set_disassoc`, net/mac80211/mlme.c)
        // and the driver flushes that station's queues (iwlmvm's `iwl_mvm_rm_sta`). Kept, those frames
        // would go to an AP no longer there, each through its whole retry chain, ahead of the next
        // association's.
        if (!failed.has(msg.vmac)) radio.reclaim(r, msg.vmac, msg.reason)
        break
      case "BeaconCheck":
        radio.checkBeacons(r)
        after(kernel, BEACON_CHECK_PERIOD_NS, self, msg)
        break
      default:
        this.routeToVmac(msg)
    }
    return r
  }

  /** Commands for one vMAC go to its actor (an unknown index: the frames are dropped, the rest ignored). */
  private routeToVmac(msg: Extract<NicMessage, { readonly vmac: number }>): void {
    const { vmacs, failed, ledger } = this
    const v = vmacs[msg.vmac]
    if (v === undefined || failed.has(msg.vmac)) {
      if (msg._tag === "Transmit") for (const f of msg.frames) ledger.drop(f, v === undefined ? "vmac-stopped" : "vmac-failed")
      return
    }
    switch (msg._tag) {
      case "Transmit":
        v.ref.tellUnsafe(msg)
        return
      case "FirmwareFault":
        if (v.regs.state !== "stopped") v.ref.tellUnsafe(msg.silent ? { _tag: "Hang" } : ModelActor.CRASH)
        return
      case "SetVmacRate":
        v.ref.tellUnsafe({ _tag: "SetRate", vm: msg.vm, chain: msg.chain })
        return
      case "SetVmacPowerSave":
        v.ref.tellUnsafe({ _tag: "SetPowerSave", config: msg.config })
        return
      case "AuthRequest":
        v.ref.tellUnsafe({ _tag: "Auth", bssid: msg.bssid, channel: msg.channel })
        return
      case "AssocRequest":
        this.radio.associating(msg.vmac, msg.beaconKnown)
        v.ref.tellUnsafe({ _tag: "Assoc", vm: msg.vm, bssid: msg.bssid, ssid: msg.ssid, passphrase: msg.passphrase, uapsdMaxSpLength: msg.uapsdMaxSpLength,
          listenInterval: msg.listenInterval })
        return
      case "MonitorSignal":
        // A register write: it stays across resets of the association, until the vMAC is started again.
        v.regs.signalMonitor = msg.monitor
        return
      case "Disassoc":
        v.ref.tellUnsafe({ _tag: "Disassoc" })
        return
    }
  }
}
