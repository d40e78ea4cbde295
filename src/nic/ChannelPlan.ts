/**
 * Where the card's one radio goes: it serves one channel at a time, and when the vMACs that hold or
 * seek an association (or still have frames to send) are on several channels, it visits them in
 * turn, ascending, staying a dwell on each. Pure functions: the NIC actor owns the timing.
 */

/**
 * Adds `channel` to `served`, the channels the radio must serve (ascending, without repeats),
 * unless it is there. A card serves a few channels, so a scan from the end beats a set and a sort:
 * the plan is asked for on every frame a vMAC hands the radio, and a set and a sort each time were
 * about 3% of a soak's allocations.
 */
export const addChannel = (served: Array<number>, channel: number): void => {
  let i = served.length
  while (i > 0 && served[i - 1]! > channel) i--
  if (i > 0 && served[i - 1] === channel) return
  if (i === served.length) served.push(channel)
  else served.splice(i, 0, channel)
}

/**
 * The channel to serve after `current`: the next one up in `served`, wrapping around; `current`
 * itself when it is the only one or nothing needs serving.
 */
export const nextChannel = (served: ReadonlyArray<number>, current: number): number => {
  if (served.length === 0) return current
  for (const c of served) if (c > current) return c
  return served[0]!
}

/** Whether the radio must leave `current`: another channel needs it and this one is not the only one. */
export const mustRotate = (served: ReadonlyArray<number>, current: number): boolean =>
  served.length > 1 || (served.length === 1 && served[0] !== current)
