/**
 * An access point: it sends beacons, answers probe requests, authenticates and associates stations
 * (checking the passphrase of a WPA2-PSK network), and bridges data between its stations and the
 * wired endpoint behind it. It has its own radio (a station on the air) and does not use the host's
 * CPU. It follows each station's power-save state from the PM bit of the frames it sends
 * (802.11-2016 11.2.3.2): while a station dozes, the air holds the AP's frames for it.
 */
import { Effect } from "effect"
import type * as Scope from "effect/Scope"
import type * as Actor from "../actor/Actor.ts"
import * as ModelActor from "../model/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import * as Air from "../air/Air.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { Station } from "../air/Station.ts"
import { initialCw } from "../air/Backoff.ts"
import { timingsFor } from "../air/Timing.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { deliverAt } from "../model/Deliver.ts"
import { BROADCAST, Frame, FrameKind, Payload, Status } from "../model/Frame.ts"
import type { FrameLedger } from "../model/FrameLedger.ts"
import { AP_KICKOUT_NS, AP_QUEUE_FRAMES, MAX_AMPDU_FRAMES } from "../model/ModelConstants.ts"
import type { EndpointMessage } from "./Endpoint.ts"

export type ApMessage =
  | { readonly _tag: "Heard"; readonly frames: ReadonlyArray<Frame> }
  | { readonly _tag: "Sent"; readonly delivered: ReadonlyArray<Frame>; readonly dropped: ReadonlyArray<Frame> }
  | { readonly _tag: "Beacon" }
  | { readonly _tag: "Downlink"; readonly frames: ReadonlyArray<Frame> }
  | { readonly _tag: "SetPower"; readonly on: boolean }
  | { readonly _tag: "Deauthenticate"; readonly station: number }

export interface ApOptions {
  readonly name: string
  readonly ssid: string
  readonly bssid: number
  readonly channel: number
  readonly signalDbm: number
  readonly beaconIntervalNs: number
  /** WPA2-PSK passphrase; undefined for an open network. */
  readonly passphrase: string | undefined
  readonly phy: PhyConfig
  readonly wiredDelayNs: number
  readonly air: Air.AirHandle
  readonly ledger: FrameLedger
  readonly endpoint: () => { readonly tellUnsafe: (m: EndpointMessage) => boolean }
}

export interface ApStats {
  beacons: number
  associations: number
  rejectedAssociations: number
  uplinkFrames: number
  downlinkFrames: number
  /** Stations forgotten because nothing sent to them got through for AP_KICKOUT_NS. */
  kickouts: number
}

export interface ApHandle {
  readonly ref: Actor.ActorRef<ApMessage>
  readonly stats: ApStats
  readonly associated: () => ReadonlySet<number>
}

export const make = Effect.fnUntraced(function*(options: ApOptions): Effect.fn.Return<ApHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const { ledger, air } = options
  const stats: ApStats = { beacons: 0, associations: 0, rejectedAssociations: 0, uplinkFrames: 0, downlinkFrames: 0, kickouts: 0 }
  const authenticated = new Set<number>()
  const associated = new Set<number>()
  let self: Actor.ActorRef<ApMessage> | undefined
  /** Powered on; the radio itself stays on after power-off until the farewell deauthentications are sent. */
  let on = true
  const farewells = new Set<number>()
  /** Stations that said they doze (PM bit set on their last frame). */
  const dozing = new Set<number>()
  const setDozing = (mac: number, doze: boolean): void => {
    if (doze === dozing.has(mac)) return
    if (doze) dozing.add(mac)
    else dozing.delete(mac)
    air.ref.tellUnsafe(new Air.Doze(mac, doze))
  }

  const station = new Station({
    name: options.name, mac: options.bssid, channel: options.channel, phy: options.phy,
    signalDbm: options.signalDbm, receivesBroadcast: true, maxAggregate: options.phy.standard === "802.11n" ? MAX_AMPDU_FRAMES : 1,
    cwMin: initialCw(timingsFor(options.phy)),
    owner: {
      received: (_s, frames) => self!.tellUnsafe({ _tag: "Heard", frames }),
      sent: (_s, delivered, dropped) => self!.tellUnsafe({ _tag: "Sent", delivered, dropped })
    }
  })
  air.ref.tellUnsafe(new Air.Attach(station, true))

  const reply = (kind: FrameKind, to: number, info: Frame["info"]): Frame => {
    const f = new Frame(ledger.nextFrameId(), kind, options.bssid, to, options.bssid)
    f.createdNs = kernel.nowNs
    f.info = info
    ledger.register(f)
    // Management frames do not wait behind queued data (beacons go out at their TBTT).
    air.ref.tellUnsafe(new Air.Enqueue(station, [f], true))
    return f
  }

  /** Per station: since when every frame sent to it has failed (absent: the last one got through). */
  const failingSince = new Map<number, number>()
  const noteSent = (delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>): void => {
    for (const f of delivered) if (f.dst !== BROADCAST) failingSince.delete(f.dst)
    for (const f of dropped) {
      if (f.dst === BROADCAST || !associated.has(f.dst)) continue
      const since = failingSince.get(f.dst)
      if (since === undefined) failingSince.set(f.dst, kernel.nowNs)
      else if (kernel.nowNs - since >= AP_KICKOUT_NS) kick(f.dst)
    }
  }

  /** A station that has not acknowledged anything for a long while is gone: forget it (and tell it). */
  const kick = (mac: number): void => {
    stats.kickouts++
    failingSince.delete(mac)
    associated.delete(mac)
    authenticated.delete(mac)
    stationGone(mac)
    air.ref.tellUnsafe(new Air.FlushTo(station, mac, "ap-station-gone"))
    reply(FrameKind.Deauth, mac, { status: Status.Unspecified })
  }

  const stationGone = (mac: number): void => {
    setDozing(mac, false)
    deliverAt(kernel, kernel.nowNs + options.wiredDelayNs, options.endpoint(), { _tag: "StationGone", station: mac })
  }

  const advert = () => ({ ssid: options.ssid, channel: options.channel, signalDbm: options.signalDbm })

  const heard = (frames: ReadonlyArray<Frame>): void => {
    const uplink: Array<Frame> = []
    for (const f of frames) {
      switch (f.kind) {
        case FrameKind.ProbeRequest: // broadcast: its sender accounted for it
          reply(FrameKind.ProbeResponse, f.src, advert())
          break
        case FrameKind.Auth:
          ledger.deliver(f)
          // A station that authenticates starts over: whatever the endpoint had going with it ends,
          // and so do the frames queued for its previous association (they may be another VM's, if the
          // card gave the address to another VM since).
          associated.delete(f.src)
          stationGone(f.src)
          air.ref.tellUnsafe(new Air.FlushTo(station, f.src, "ap-station-gone"))
          authenticated.add(f.src)
          reply(FrameKind.Auth, f.src, { status: Status.Success })
          break
        case FrameKind.AssocRequest: {
          ledger.deliver(f)
          const ok = authenticated.has(f.src) && f.info?.ssid === options.ssid &&
            (options.passphrase === undefined || f.info?.passphrase === options.passphrase)
          if (ok) {
            associated.add(f.src)
            stats.associations++
          } else {
            stats.rejectedAssociations++
          }
          reply(FrameKind.AssocResponse, f.src, { status: ok ? Status.Success : Status.ChallengeFailure })
          break
        }
        case FrameKind.Deauth:
          ledger.deliver(f)
          associated.delete(f.src)
          authenticated.delete(f.src)
          stationGone(f.src)
          break
        case FrameKind.Data:
          // A null-data frame (a station's connection monitor, or its power-save announcement) ends
          // here: its acknowledgement was the answer.
          if (associated.has(f.src)) {
            setDozing(f.src, f.pm)
            if (f.payload === Payload.None) ledger.deliver(f)
            else uplink.push(f)
          } else {
            ledger.drop(f, "ap-not-associated")
            reply(FrameKind.Deauth, f.src, { status: Status.Unspecified })
          }
          break
        default:
          ledger.drop(f, "ap-unexpected-frame")
      }
    }
    if (uplink.length > 0) {
      stats.uplinkFrames += uplink.length
      deliverAt(kernel, kernel.nowNs + options.wiredDelayNs, options.endpoint(), { _tag: "Uplink", frames: uplink })
    }
  }

  const ref = yield* ModelActor.make<ApMessage>(options.name, 1 << 14, (msg) => {
    switch (msg._tag) {
      case "Heard":
        if (on) heard(msg.frames)
        else for (const f of msg.frames) if (f.dst !== BROADCAST) ledger.drop(f, "ap-off")
        break
      case "Sent": {
        // Powering off: the radio goes quiet once every farewell deauthentication is out (or given up).
        if (farewells.size > 0) {
          for (const f of msg.delivered) farewells.delete(f.id)
          for (const f of msg.dropped) farewells.delete(f.id)
          if (farewells.size === 0 && !on) station.enabled = false
        }
        noteSent(msg.delivered, msg.dropped)
        const credits = msg.delivered.length + msg.dropped.length
        if (credits > 0) options.endpoint().tellUnsafe({ _tag: "Credit", frames: [...msg.delivered, ...msg.dropped] })
        break
      }
      case "Beacon":
        if (on) {
          stats.beacons++
          reply(FrameKind.Beacon, BROADCAST, advert())
        }
        kernel.setTimer(kernel.nowNs + options.beaconIntervalNs, () => self!.tellUnsafe({ _tag: "Beacon" }))
        break
      case "Downlink": {
        for (const f of msg.frames) {
          if (!on) ledger.drop(f, "ap-off")
          else if (!associated.has(f.dst)) ledger.drop(f, "ap-station-gone")
          else if (station.queue.length >= AP_QUEUE_FRAMES) ledger.drop(f, "ap-queue-full")
          else {
            stats.downlinkFrames++
            air.ref.tellUnsafe(new Air.Enqueue(station, [f]))
          }
        }
        break
      }
      case "SetPower":
        if (msg.on === on) break
        on = msg.on
        if (on) {
          station.enabled = true
          break
        }
        // Shutting down, an AP deauthenticates its stations (hostapd does), then goes quiet. Each gets
        // its own frame, acknowledged and retried: a lost broadcast would leave a station that only
        // receives believing it is still associated.
        air.ref.tellUnsafe(new Air.Flush(station, "ap-off"))
        for (const mac of associated) {
          stationGone(mac)
          farewells.add(reply(FrameKind.Deauth, mac, { status: Status.Unspecified }).id)
        }
        associated.clear()
        authenticated.clear()
        if (farewells.size === 0) station.enabled = false
        break
      case "Deauthenticate":
        if (associated.delete(msg.station)) reply(FrameKind.Deauth, msg.station, { status: Status.Unspecified })
        authenticated.delete(msg.station)
        stationGone(msg.station)
        break
    }
  })
  self = ref
  // Beacons start at a random-free but distinct phase per AP.
  kernel.setTimer(kernel.nowNs + (options.bssid % 97) * 1_000_000 / 97, () => ref.tellUnsafe({ _tag: "Beacon" }))
  return { ref, stats, associated: () => associated }
})

