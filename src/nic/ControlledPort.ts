/**
 * The 802.1X controlled port of a vMAC's association (802.11-2016 12.7.6): open on a network without
 * RSN, and on an RSN once the 4-way handshake has installed the pairwise key. Data passes only through
 * an open port; an association whose port is still closed is a join under way. Pure: the vMAC's
 * firmware, the card's channel plan and the driver's recovery read it off the same registers.
 */
export const controlledPortOpen = (r: { readonly rsn?: boolean | undefined; readonly keyId?: number | undefined }): boolean =>
  r.rsn !== true || r.keyId !== 0
