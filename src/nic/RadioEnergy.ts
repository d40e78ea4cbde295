/**
 * The card's energy: the radio's time transmitting, receiving, listening (awake otherwise) and
 * asleep, times the card's power in each state (`vocabulary/CardPower.ts`, the Intel 5300's).
 *
 * Per vMAC (so per VM), attributed as follows:
 * - the airtime of its own frames: what it sent (and the Acks it received for them) at TX and RX
 *   power; what was sent to it (and the Acks it sent back) at RX and TX power;
 * - the rest of the awake time (listening, beacons, probes, the card's own frames) is shared: each
 *   moment of it goes in equal parts to the vMACs that needed the radio awake then (not dozing, or
 *   woken for a beacon, a poll or a U-APSD service period), or, when none did, to every started vMAC;
 * - each moment asleep goes in equal parts to the started vMACs (all of them were dozing).
 * What no started vMAC can take (a card with none started) is `unattributed`, so the vMACs' energy
 * plus it is the card's.
 */
import { doubleArray, DOUBLE_FIELD_SEED } from "../kernel/StableShapes.ts"
import type { AirtimeMeter } from "../air/Station.ts"
import type { CardPower } from "../vocabulary/CardPower.ts"
import { dozingAtAp, needsRadioWhileDozing } from "./PowerSave.ts"
import type { PsState } from "./PowerSave.ts"


/** What the meter reads of a vMAC: started or not, and its power-save state. */
export interface MeteredVmac {
  readonly regs: { readonly state: string; readonly ps: PsState }
}

/** The radio's time by state, whole and per vMAC (the last index of each array: the card's own and broadcast frames). */
export interface EnergyTimes {
  readonly elapsedNs: number
  readonly sleepNs: number
  readonly awakeNs: number
  readonly txNs: ReadonlyArray<number>
  readonly rxNs: ReadonlyArray<number>
  /** Per vMAC: its share of the awake time that is not its own airtime, and of the sleep time. */
  readonly awakeShareNs: ReadonlyArray<number>
  readonly sleepShareNs: ReadonlyArray<number>
}

export class CardEnergyMeter implements AirtimeMeter {
  private readonly baseMac: number
  private readonly vmacs: number
  private readonly txNs: Array<number>
  private readonly rxNs: Array<number>
  private readonly awakeShareNs: Array<number>
  private readonly sleepShareNs: Array<number>
  private readonly startNs: number
  // Sums of times: doubles from the declaration (`DOUBLE_FIELD_SEED`), zero from the constructor.
  private sleepNs = DOUBLE_FIELD_SEED
  private awakeNs = DOUBLE_FIELD_SEED
  private sinceNs = DOUBLE_FIELD_SEED // a double from the declaration, as the sums above
  private asleep = false
  /** Who takes the current slice: the vMACs it is split among. */
  private takers: Array<number> = []

  constructor(baseMac: number, vmacs: number, nowNs: number) {
    this.baseMac = baseMac
    this.vmacs = vmacs
    // Sums of fractional times: doubles from the start (`doubleArray`).
    this.txNs = doubleArray(vmacs + 1, 0)
    this.rxNs = doubleArray(vmacs + 1, 0)
    this.awakeShareNs = doubleArray(vmacs, 0)
    this.sleepShareNs = doubleArray(vmacs, 0)
    this.startNs = nowNs
    this.sinceNs = nowNs
    this.sleepNs = 0
    this.awakeNs = 0
  }

  private slot(address: number): number {
    const v = address - this.baseMac
    return v >= 0 && v < this.vmacs ? v : this.vmacs
  }

  // Methods, not arrow fields: the air calls them, and a function per meter (per world) would give
  // its call site a new target in every world.
  tx(address: number, ns: number): void {
    this.txNs[this.slot(address)]! += ns
  }

  rx(address: number, ns: number): void {
    this.rxNs[this.slot(address)]! += ns
  }

  /** The radio's state changed (or a vMAC's need of it) at `nowNs`: the slice so far is booked, the next one starts. */
  note(nowNs: number, asleep: boolean, vmacs: ReadonlyArray<MeteredVmac>): void {
    this.close(nowNs)
    this.asleep = asleep
    const started: Array<number> = []
    const needing: Array<number> = []
    vmacs.forEach((v, i) => {
      if (v.regs.state === "stopped") return
      started.push(i)
      if (!dozingAtAp(v.regs.ps) || needsRadioWhileDozing(v.regs.ps)) needing.push(i)
    })
    this.takers = asleep || needing.length === 0 ? started : needing
  }

  private close(nowNs: number): void {
    const dt = nowNs - this.sinceNs
    this.sinceNs = nowNs
    if (dt <= 0) return
    if (this.asleep) this.sleepNs += dt
    else this.awakeNs += dt
    const shares = this.asleep ? this.sleepShareNs : this.awakeShareNs
    for (const v of this.takers) shares[v]! += dt / this.takers.length
  }

  times(nowNs: number): EnergyTimes {
    this.close(nowNs)
    return {
      elapsedNs: nowNs - this.startNs,
      sleepNs: this.sleepNs,
      awakeNs: this.awakeNs,
      txNs: [...this.txNs],
      rxNs: [...this.rxNs],
      awakeShareNs: [...this.awakeShareNs],
      sleepShareNs: [...this.sleepShareNs]
    }
  }
}

/** The card's energy and each vMAC's, in joules, from the radio's times and the card's power. */
export interface EnergyFigures {
  readonly cardJoules: number
  readonly averageW: number
  readonly txSeconds: number
  readonly rxSeconds: number
  readonly listenSeconds: number
  readonly sleepSeconds: number
  readonly vmacJoules: ReadonlyArray<number>
  readonly unattributedJoules: number
}

const sum = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0)

export const energyOf = (t: EnergyTimes, p: CardPower): EnergyFigures => {
  const own = t.txNs.length - 1
  const txNs = sum(t.txNs)
  const rxNs = sum(t.rxNs)
  const listenNs = Math.max(0, t.awakeNs - txNs - rxNs)
  const cardJoules = (p.txW * txNs + p.rxW * rxNs + p.listenW * listenNs + p.sleepW * t.sleepNs) / 1e9
  // What is shared while awake: listening, and the card's own and broadcast airtime.
  const sharedAwakeJ = (p.listenW * listenNs + p.txW * t.txNs[own]! + p.rxW * t.rxNs[own]!) / 1e9
  const sleepJ = (p.sleepW * t.sleepNs) / 1e9
  const awakeShares = sum(t.awakeShareNs)
  const sleepShares = sum(t.sleepShareNs)
  const vmacJoules = t.awakeShareNs.map((a, v) =>
    (p.txW * t.txNs[v]! + p.rxW * t.rxNs[v]!) / 1e9 +
    (awakeShares > 0 ? (sharedAwakeJ * a) / awakeShares : 0) +
    (sleepShares > 0 ? (sleepJ * t.sleepShareNs[v]!) / sleepShares : 0))
  return {
    cardJoules,
    averageW: t.elapsedNs > 0 ? cardJoules / (t.elapsedNs / 1e9) : 0,
    txSeconds: txNs / 1e9,
    rxSeconds: rxNs / 1e9,
    listenSeconds: listenNs / 1e9,
    sleepSeconds: t.sleepNs / 1e9,
    vmacJoules,
    unattributedJoules: cardJoules - sum(vmacJoules)
  }
}
