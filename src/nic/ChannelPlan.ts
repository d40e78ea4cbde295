/**
 * Where the card's one radio goes: it serves one channel at a time, and when the vMACs that hold or
 * seek an association (or still have frames to send) are on several channels, it visits them in
 * turn, ascending, staying a dwell on each. Pure functions: the NIC actor owns the timing.
 */

/** The channels the radio must serve, ascending and without repeats (`undefined` entries: a vMAC with no channel). */
export const channelsToServe = (channels: Iterable<number | undefined>): Array<number> => {
  const set = new Set<number>()
  for (const c of channels) if (c !== undefined) set.add(c)
  return [...set].sort((a, b) => a - b)
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
