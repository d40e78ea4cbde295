/**
 * What a location service assumes to turn a signal into a distance: the inverse of a path-loss model
 * it believes in. The service inside a VM knows the APs' positions (its database) and assumes their
 * transmit power and the IEEE 802.11 TGn office model; it knows nothing of the shadowing or fading of
 * the actual environment, which is where its error comes from.
 */
import { channelCenterMhz } from "../environment/Frequency.ts"
import type { DualSlope } from "../environment/PathLoss.ts"
import { freeSpaceLossDb, pathLossDb, REFERENCE_DISTANCE_M } from "../environment/PathLoss.ts"

export interface RangeModel {
  readonly txPowerDbm: number
  readonly pathLoss: DualSlope
}

/** The largest range it will believe, in m: beyond it every signal means "far" alike. */
export const MAX_RANGE_M = 1_000

/** The distance at which the model's mean signal on `channel` is `signalDbm`, in m (the inverse of `pathLossDb`). */
export const rangeFromSignalM = (model: RangeModel, signalDbm: number, channel: number): number => {
  const f = channelCenterMhz(channel)
  const lossDb = model.txPowerDbm - signalDbm
  const atBreakpoint = pathLossDb(model.pathLoss.breakpointM, f, model.pathLoss)
  const d = lossDb <= atBreakpoint
    ? REFERENCE_DISTANCE_M * 10 ** ((lossDb - freeSpaceLossDb(REFERENCE_DISTANCE_M, f)) / 20)
    : model.pathLoss.breakpointM * 10 ** ((lossDb - atBreakpoint) / (10 * model.pathLoss.exponentBeyond))
  return Math.min(MAX_RANGE_M, Math.max(REFERENCE_DISTANCE_M, d))
}
