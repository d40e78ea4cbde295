/**
 * The TSF (µs) at which a bit of a PPDU's PSDU goes on the air: the start of the data symbol that
 * carries it, behind the PHY preamble and header and the DATA field's SERVICE bits (802.11-2016
 * 17.3.5.2, 19.3.9.3.5). What radiotap's TSFT and a beacon's Timestamp field need. Pure.
 *
 * - radiotap TSFT: the TSF when the first bit of the MPDU arrived (radiotap.org "TSFT"), the symbol
 *   containing it for an OFDM PHY (radiotap.org "timestamp", sampling position 0): byte 0.
 * - Timestamp (9.4.1.10): the TSF when the data symbol containing the field's first bit is sent
 *   (802.11-2016 11.1.3): byte 24, behind the management frame's MAC header.
 *
 * The capturing radio's TSF is the run's clock; each AP's runs ahead of it by an offset of its own
 * (`ap/BeaconPhase.ts`), which the caller adds for a Timestamp field.
 */
import type { PhyConfig } from "../air/PhyConfig.ts"
import { bitsPerSymbol, symbolDurationNs } from "../air/RateTable.ts"
import { preambleNs, SERVICE_BITS } from "../air/Timing.ts"

/** Nanoseconds per microsecond: the TSF counts µs (802.11-2016 11.1.1). */
const NS_PER_US = 1_000
const BITS_PER_BYTE = 8

/** The TSF, µs, when the data symbol carrying byte `psduByte` of a PPDU sent with `phy` from `ppduStartNs` goes on the air. */
export const tsfOfPsduByteUs = (phy: PhyConfig, ppduStartNs: number, psduByte: number): number => {
  // Byte 0 is always in the first symbol (SERVICE's 16 bits, and N_DBPS ≥ 24: Table 17-4): no division, per record.
  const symbol = psduByte === 0 ? 0 : Math.floor((SERVICE_BITS + BITS_PER_BYTE * psduByte) / bitsPerSymbol(phy))
  return Math.floor((ppduStartNs + preambleNs(phy) + symbol * symbolDurationNs(phy)) / NS_PER_US)
}
