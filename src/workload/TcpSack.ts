/**
 * Selective acknowledgments (RFC 2018) as pure functions on lists of segment ranges, for both ends:
 * the blocks a receiver reports, and the scoreboard a sender keeps of what the receiver said it holds
 * (RFC 6675). A list is flat, `[start0, end0, start1, end1, …]`, each range `[start, end)` in segment
 * numbers, the ranges disjoint and not touching. A receiver's list is in the order RFC 2018 4 reports
 * them (the range changed last first); a sender's scoreboard is in ascending order. Lists are never
 * changed in place: a changed one is a new array, so a frame may carry one as it is.
 */
import { NO_SACK } from "../vocabulary/Frame.ts"
import { MAX_SACK_BLOCKS } from "../vocabulary/PacketHeaders.ts"

/** A list of no range (a frame's `NO_SACK`). */
export const NO_RANGES: ReadonlyArray<number> = NO_SACK

// ── The receiver's blocks ─────────────────────────────────────────────────────────────────────────

/** Whether segment `seg` is inside one of `ranges`. */
export const holds = (ranges: ReadonlyArray<number>, seg: number): boolean => {
  for (let i = 0; i < ranges.length; i += 2) if (seg >= ranges[i]! && seg < ranges[i + 1]!) return true
  return false
}

/**
 * A receiver's blocks once segment `seg` (held by none of them) arrived out of order: joined to the
 * blocks it touches, the block that holds it first (RFC 2018 4: the first block reports the segment
 * that triggered the ACK), the others in the order they were.
 */
export const receiverAdd = (blocks: ReadonlyArray<number>, seg: number): ReadonlyArray<number> => {
  let start = seg
  let end = seg + 1
  const rest: Array<number> = []
  for (let i = 0; i < blocks.length; i += 2) {
    const s = blocks[i]!
    const e = blocks[i + 1]!
    if (e === start) start = s
    else if (s === end) end = e
    else rest.push(s, e)
  }
  return [start, end, ...rest]
}

/**
 * A receiver's blocks once the cumulative point moved to `rcvNxt`: a block that now starts there is
 * joined to the in-order data, and its end is the new point; the blocks above stay.
 */
export const receiverAdvance = (blocks: ReadonlyArray<number>, rcvNxt: number): { readonly rcvNxt: number; readonly blocks: ReadonlyArray<number> } => {
  for (let i = 0; i < blocks.length; i += 2) {
    if (blocks[i] === rcvNxt) {
      const rest = blocks.slice(0, i).concat(blocks.slice(i + 2))
      return { rcvNxt: blocks[i + 1]!, blocks: rest.length === 0 ? NO_RANGES : rest }
    }
  }
  return { rcvNxt, blocks }
}

/** The blocks an ACK reports: the first `MAX_SACK_BLOCKS` (the most recently changed). */
export const reported = (blocks: ReadonlyArray<number>): ReadonlyArray<number> =>
  blocks.length <= 2 * MAX_SACK_BLOCKS ? blocks : blocks.slice(0, 2 * MAX_SACK_BLOCKS)

/** Segments the blocks hold. */
export const count = (ranges: ReadonlyArray<number>): number => {
  let n = 0
  for (let i = 0; i < ranges.length; i += 2) n += ranges[i + 1]! - ranges[i]!
  return n
}

// ── The sender's scoreboard ───────────────────────────────────────────────────────────────────────

/**
 * The scoreboard once the blocks `blocks` of an ACK are added, each cut to `[low, high)` (above the
 * cumulative ACK, below what was ever sent: RFC 2018 leaves a block outside for the sender to ignore,
 * and a guest's blocks are the peer's word, not checked against anything else). A block whose start
 * is not below its end is ignored. Returns the scoreboard itself when nothing was added.
 */
export const scoreboardAdd = (board: ReadonlyArray<number>, blocks: ReadonlyArray<number>, low: number, high: number): ReadonlyArray<number> => {
  let out = board
  for (let i = 0; i + 1 < blocks.length; i += 2) {
    const s = Math.max(blocks[i]!, low)
    const e = Math.min(blocks[i + 1]!, high)
    if (s < e && sackedIn(out, s, e) < e - s) out = insertRange(out, s, e)
  }
  return out
}

/** `board` (ascending) with `[s, e)` added, merged with the ranges it overlaps or touches. */
const insertRange = (board: ReadonlyArray<number>, s: number, e: number): ReadonlyArray<number> => {
  const out: Array<number> = []
  let i = 0
  while (i < board.length && board[i + 1]! < s) out.push(board[i]!, board[i + 1]!), (i += 2)
  let start = s
  let end = e
  while (i < board.length && board[i]! <= end) {
    start = Math.min(start, board[i]!)
    end = Math.max(end, board[i + 1]!)
    i += 2
  }
  out.push(start, end)
  while (i < board.length) out.push(board[i]!, board[i + 1]!), (i += 2)
  return out
}

/** The scoreboard without what lies below `low` (the cumulative ACK moved there). */
export const scoreboardTrim = (board: ReadonlyArray<number>, low: number): ReadonlyArray<number> => {
  if (board.length === 0 || board[0]! >= low) return board
  const out: Array<number> = []
  for (let i = 0; i < board.length; i += 2) {
    const e = board[i + 1]!
    if (e > low) out.push(Math.max(board[i]!, low), e)
  }
  return out.length === 0 ? NO_RANGES : out
}

/** Segments of `[a, b)` the scoreboard holds. */
export const sackedIn = (board: ReadonlyArray<number>, a: number, b: number): number => {
  let n = 0
  for (let i = 0; i < board.length; i += 2) {
    const s = Math.max(board[i]!, a)
    const e = Math.min(board[i + 1]!, b)
    if (e > s) n += e - s
  }
  return n
}

/**
 * The point below which a segment not SACKed counts as lost (RFC 6675 4, IsLost: at least DupThresh
 * segments above it SACKed, DupThresh = 3, counted in whole segments): the third-highest SACKed
 * segment; −Infinity with fewer than three.
 */
export const lostBelow = (board: ReadonlyArray<number>, dupThresh: number): number => {
  let left = dupThresh
  for (let i = board.length - 2; i >= 0; i -= 2) {
    const n = board[i + 1]! - board[i]!
    if (n >= left) return board[i + 1]! - left
    left -= n
  }
  return -Infinity
}

/** The first segment at or above `from` that the scoreboard does not hold. */
export const nextUnsacked = (board: ReadonlyArray<number>, from: number): number => {
  for (let i = 0; i < board.length; i += 2) {
    if (board[i]! > from) return from
    if (board[i + 1]! > from) return board[i + 1]!
  }
  return from
}

/** The first SACKed segment above `from`, or `otherwise` if none: where a run of unSACKed segments from `from` ends. */
export const nextSacked = (board: ReadonlyArray<number>, from: number, otherwise: number): number => {
  for (let i = 0; i < board.length; i += 2) if (board[i]! > from) return Math.min(board[i]!, otherwise)
  return otherwise
}

/** One past the highest SACKed segment, or `otherwise` with none. */
export const sackedEnd = (board: ReadonlyArray<number>, otherwise: number): number =>
  board.length === 0 ? otherwise : board[board.length - 1]!
