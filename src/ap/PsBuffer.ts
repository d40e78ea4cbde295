/**
 * An AP's side of power save (802.11-2016 11.2.3): the Association ID it gives each station, how many
 * frames it has queued for each (the air holds those of a dozing station: `Station.holdsFor`), the
 * TIM each beacon carries and the DTIM count. Plain functions on a plain record the AP actor holds.
 */
import { AID_MAX, makeTim } from "../vocabulary/Tim.ts"
import type { Tim } from "../vocabulary/Tim.ts"

export interface PsBuffer {
  /** Station → its Association ID (9.4.1.8), 1..2007, given at association. */
  readonly aids: Map<number, number>
  /** Station → frames the AP has queued for it and not yet seen sent or dropped. */
  readonly queued: Map<number, number>
  /** Beacons until the next DTIM. */
  dtimCount: number
}

export const emptyPsBuffer = (): PsBuffer => ({ aids: new Map(), queued: new Map(), dtimCount: 0 })

/** The smallest AID no associated station holds (hostapd hands them out so); 0 when none is left. */
export const assignAid = (b: PsBuffer, mac: number): number => {
  const existing = b.aids.get(mac)
  if (existing !== undefined) return existing
  const used = new Set(b.aids.values())
  for (let aid = 1; aid <= AID_MAX; aid++) {
    if (!used.has(aid)) {
      b.aids.set(mac, aid)
      return aid
    }
  }
  return 0
}

export const releaseAid = (b: PsBuffer, mac: number): void => {
  b.aids.delete(mac)
}

/** Frames to `dst` were queued (`delta` > 0) or are done (sent or dropped, `delta` < 0). */
export const noteQueued = (b: PsBuffer, dst: number, delta: number): void => {
  const n = (b.queued.get(dst) ?? 0) + delta
  if (n > 0) b.queued.set(dst, n)
  else b.queued.delete(dst)
}

export const queuedFor = (b: PsBuffer, mac: number): number => b.queued.get(mac) ?? 0

/**
 * The TIM of the next beacon: the AIDs of the dozing stations it holds frames for. Advances the DTIM
 * count. (The model's APs send no group-addressed data, so nothing is buffered for after a DTIM.)
 */
export const nextTim = (b: PsBuffer, dozing: ReadonlyMap<number, number>, dtimPeriod: number): Tim => {
  const aids: Array<number> = []
  for (const mac of dozing.keys()) {
    const aid = b.aids.get(mac)
    if (aid !== undefined && queuedFor(b, mac) > 0) aids.push(aid)
  }
  const tim = makeTim(aids, b.dtimCount, dtimPeriod)
  b.dtimCount = b.dtimCount === 0 ? dtimPeriod - 1 : b.dtimCount - 1
  return tim
}
