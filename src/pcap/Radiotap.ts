/**
 * The radiotap header in front of each captured 802.11 frame (radiotap.org, "Radiotap" and its
 * defined fields): how the PPDU went on the air. Each field sits at its natural alignment from the
 * header's start, in the order of its bit in the present word. Pure, allocation-free.
 *
 * | bit | field | bytes (alignment) | what vwifi puts in it |
 * | --- | --- | --- | --- |
 * | 0 | TSFT | 8 (8) | the first bit of the MPDU: the PPDU's first data symbol, µs of simulated time |
 * | 1 | Flags | 1 | FCS at end; bad FCS for an MPDU its receiver did not get; short GI (HT) |
 * | 2 | Rate | 1 | non-HT rate, 500 kb/s units (absent for HT) |
 * | 3 | Channel | 2 + 2 (2) | centre frequency, MHz, and band/modulation flags |
 * | 5 | dBm Antenna Signal | 1 | level at the receiver (absent when no one heard it) |
 * | 19 | MCS | 3 (1) | HT MCS index, bandwidth, guard interval (HT only) |
 * | 20 | A-MPDU status | 8 (4) | the A-MPDU's reference number, last subframe (A-MPDU only) |
 */
import type { PhyConfig } from "../air/PhyConfig.ts"
import { in24Ghz } from "./Channels.ts"

/** Header: it_version 1, it_pad 1, it_len 2, it_present 4 (radiotap.org, "Radiotap header"). */
export const RADIOTAP_HEADER_BYTES = 8
/** Bits of it_present (radiotap.org, defined fields). */
export const RadiotapField = {
  Tsft: 0,
  Flags: 1,
  Rate: 2,
  Channel: 3,
  AntennaSignalDbm: 5,
  Mcs: 19,
  AmpduStatus: 20
} as const
/** Flags field bits (radiotap.org "Flags"). */
export const RadiotapFlag = {
  /** The frame includes its 4-byte FCS at the end. */
  FcsAtEnd: 0x10,
  /** The frame failed its FCS check. */
  BadFcs: 0x40,
  /** The frame used the short guard interval (HT); the MCS field says so too. */
  ShortGi: 0x80
} as const
/** Channel field flags (radiotap.org "Channel"): OFDM channel, 2 GHz spectrum, 5 GHz spectrum. */
export const CHANNEL_FLAG_OFDM = 0x0040
export const CHANNEL_FLAG_2GHZ = 0x0080
export const CHANNEL_FLAG_5GHZ = 0x0100
/**
 * MCS field "known" (radiotap.org "MCS"): bandwidth, MCS index, guard interval, HT format, FEC type,
 * STBC, and bit 0 of Ness (the model sends no STBC and no extension spatial streams: their flags are 0).
 */
export const MCS_KNOWN = 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x40
/** MCS field "flags": bandwidth 40 MHz (value 1 in bits 0–1), short guard interval (bit 2); format mixed, FEC BCC, no STBC, Ness 0 (all 0). */
export const MCS_FLAG_BANDWIDTH_40 = 0x01
export const MCS_FLAG_SHORT_GI = 0x04
/** A-MPDU status flags (radiotap.org "A-MPDU status"): the last subframe is known, this is the last subframe. */
export const AMPDU_FLAG_LAST_KNOWN = 0x0004
export const AMPDU_FLAG_IS_LAST = 0x0008
/** Rate field unit: 500 kb/s (radiotap.org "Rate"). */
export const RATE_UNITS_PER_MBPS = 2

/** 2.4 GHz channel n's centre, 2407 + 5n MHz; channel 14 is 2484 MHz (802.11-2016 Table 19-9 and 17.4.6.3). */
export const channelFrequencyMhz = (channel: number): number =>
  channel === 14 ? 2484 : channel < 14 ? 2407 + 5 * channel : 5000 + 5 * channel // 5 GHz: 5000 + 5n MHz (802.11-2016 17.3.8.4.2)

const align = (at: number, to: number): number => Math.ceil(at / to) * to

/** The radiotap header's length for a PPDU at `phy`, with a signal or not, in an A-MPDU or not. */
export const radiotapBytes = (phy: PhyConfig, withSignal: boolean, inAmpdu: boolean): number => {
  let at = RADIOTAP_HEADER_BYTES + 8 + 1 // TSFT, Flags
  if (phy.standard === "802.11g") at += 1 // Rate
  at = align(at, 2) + 4 // Channel
  if (withSignal) at += 1
  if (phy.standard === "802.11n") at += 3 // MCS
  if (inAmpdu) at = align(at, 4) + 8
  return at
}

/**
 * Writes the radiotap header at `at` and returns its length. Its fields are aligned from the header's
 * own start (radiotap.org, "Alignment in Radiotap"), so `at` may be any offset. `signalDbm` NaN leaves the signal out; `ampduReference`
 * below 0 leaves the A-MPDU status out.
 */
export const writeRadiotap = (
  view: DataView,
  at: number,
  tsftUs: number,
  flags: number,
  phy: PhyConfig,
  channel: number,
  signalDbm: number,
  ampduReference: number,
  lastSubframe: boolean
): number => {
  const withSignal = !Number.isNaN(signalDbm)
  const inAmpdu = ampduReference >= 0
  const length = radiotapBytes(phy, withSignal, inAmpdu)
  const ht = phy.standard === "802.11n"
  const present = (1 << RadiotapField.Tsft) | (1 << RadiotapField.Flags) | (1 << RadiotapField.Channel) |
    (ht ? 1 << RadiotapField.Mcs : 1 << RadiotapField.Rate) |
    (withSignal ? 1 << RadiotapField.AntennaSignalDbm : 0) | (inAmpdu ? 1 << RadiotapField.AmpduStatus : 0)
  view.setUint8(at, 0)
  view.setUint8(at + 1, 0)
  view.setUint16(at + 2, length, true)
  view.setUint32(at + 4, present >>> 0, true)
  let p = at + RADIOTAP_HEADER_BYTES
  view.setUint32(p, tsftUs % 0x1_0000_0000, true)
  view.setUint32(p + 4, Math.floor(tsftUs / 0x1_0000_0000), true)
  p += 8
  view.setUint8(p++, flags | (ht && phy.guardInterval === "short" ? RadiotapFlag.ShortGi : 0))
  if (!ht) view.setUint8(p++, phy.rateMbps * RATE_UNITS_PER_MBPS)
  if ((p - at) % 2 !== 0) view.setUint8(p++, 0)
  view.setUint16(p, channelFrequencyMhz(channel), true)
  view.setUint16(p + 2, CHANNEL_FLAG_OFDM | (in24Ghz(channel) ? CHANNEL_FLAG_2GHZ : CHANNEL_FLAG_5GHZ), true)
  p += 4
  if (withSignal) view.setInt8(p++, Math.max(-128, Math.min(127, Math.round(signalDbm))))
  if (ht) {
    view.setUint8(p, MCS_KNOWN)
    view.setUint8(p + 1, (phy.channelWidthMhz === 40 ? MCS_FLAG_BANDWIDTH_40 : 0) | (phy.guardInterval === "short" ? MCS_FLAG_SHORT_GI : 0))
    view.setUint8(p + 2, phy.mcs)
    p += 3
  }
  if (inAmpdu) {
    while ((p - at) % 4 !== 0) view.setUint8(p++, 0)
    view.setUint32(p, ampduReference >>> 0, true)
    view.setUint16(p + 4, AMPDU_FLAG_LAST_KNOWN | (lastSubframe ? AMPDU_FLAG_IS_LAST : 0), true)
    view.setUint8(p + 6, 0)
    view.setUint8(p + 7, 0)
    p += 8
  }
  return p - at
}
