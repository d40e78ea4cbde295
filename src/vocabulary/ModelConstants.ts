/**
 * The model's own constants (everything that is neither an 802.11 timing, which lives in
 * `air/Timing.ts`, nor a CPU cost, which lives in `cpu/CostTable.ts`), each with its source.
 */

/**
 * TX descriptors in a guest driver's ring: iwlagn's TX queues hold 256 (TFD_QUEUE_SIZE_MAX, Linux
 * 2.6.33 iwl-fh.h). Deep enough that a full A-MPDU waits while one is on the air (with 64 the card
 * got bursts of 32 and 24 in turn at 802.11n rates); the price is the queueing a real ring has, which
 * a ping behind bulk traffic in the same VM pays.
 */
export const TX_RING_DESCRIPTORS = 256
/** Ring slots a saturating flow leaves free so paced flows (ping) are not starved: a qdisc's fairness, simplified. Modelling choice. */
export const TX_RING_RESERVED_DESCRIPTORS = 8
/** Paced traffic generates its packets in batches of this period (1 ms), as Chariot's pacing timer would. Modelling choice. */
export const PACE_PERIOD_NS = 1_000_000
/**
 * Segments a paced TCP application may write ahead of the oldest unacknowledged one before its
 * write blocks (the socket's send buffer). Linux starts at tcp_wmem's 16 KiB and autotunes it up to
 * `tcp_wmem[2]`, 4 MiB in 2.6.33: at about 1.9 KB of memory per 1,448-byte segment (its sk_buff's
 * truesize, an estimate), some 2,200 segments, as many as the largest receive window
 * (`TcpReceiveWindow.MAX_WINDOW_BYTES`: 2,172 full segments), so the buffer does not hold the window back.
 */
export const TCP_SEND_BUFFER_SEGMENTS = 2172
/**
 * Frames an AP queues for its stations at most; more are dropped (`ap-queue-full`). An estimate of
 * the order of a consumer AP's per-AC queues (a few hundred frames); the seed does not give its AP's.
 */
export const AP_QUEUE_FRAMES = 512
/**
 * Downlink UDP frames a saturating endpoint keeps outstanding at the AP (on the wire or in the AP's
 * queue), topped up on every credit: two A-MPDUs of the most MPDUs a compressed BlockAck covers, 64
 * (802.11-2016 9.3.1.9.3; `air/Timing.ts` MAX_AMPDU_MPDUS), so that whatever one exchange took, a
 * whole A-MPDU still waits at the AP while the wire brings the next. Several saturating flows through
 * one AP share half its queue (`AP_QUEUE_FRAMES`) instead (`ap/Endpoint.ts`). Modelling choice. Until 2026-12-03 it was
 * 48, topped up only below half: the AP's queue held 24 to 48 frames, so its A-MPDUs carried 25 MPDUs
 * at most (the window allows 64) and saturated 802.11n downlink stayed 6–23% under the air's ceiling.
 */
export const ENDPOINT_SATURATE_WINDOW_FRAMES = 128
/**
 * Without a beacon of its AP for this long, a station asks whether the AP is still there: Linux
 * 2.6.33's mac80211 waits 2 s (IEEE80211_BEACON_LOSS_TIME, net/mac80211/mlme.c).
 */
export const BEACON_LOSS_NS = 2_000_000_000
/** It then sends the AP a probe request, and another each time this passes without an answer (IEEE80211_PROBE_WAIT, HZ / 2, mlme.c). */
export const AP_PROBE_WAIT_NS = 500_000_000
/** Probe requests sent before an AP that answers none is taken for gone (IEEE80211_MAX_PROBE_TRIES, 5, mlme.c): 4.5 s after the last beacon. */
export const MAX_AP_PROBES = 5
/** How often the card checks for beacon loss: half the probe wait, so that each wait is two checks. Modelling choice. */
export const BEACON_CHECK_PERIOD_NS = 250_000_000
/** How long a guest driver waits for an authentication or association answer: mac80211 waits ~200 ms × 3 tries. */
export const JOIN_TIMEOUT_NS = 600_000_000
/**
 * A connected guest driver that has neither received a unicast frame from its AP nor had one
 * acknowledged for this long sends a null-data frame to the AP: an AP that has forgotten the station
 * answers it with a deauthentication. mac80211's connection monitor waits 30 s
 * (IEEE80211_CONNECTION_IDLE_TIME); 5 s here keeps faulted runs short. Modelling choice.
 */
export const CONNECTION_IDLE_NS = 5_000_000_000
/**
 * A frame still live this long after its creation has been lost without a record. The longest a
 * frame may legitimately wait is in an AP's power-save buffer (`PS_BUFFER_EXPIRE_NS`, 10 s, checked
 * every second); queues, retries and timeouts end far sooner.
 */
export const MAX_FRAME_LIFETIME_NS = 15_000_000_000
/**
 * Frames an AP holds for a dozing station expire after this long: mac80211's STA_TX_BUFFER_EXPIRE
 * (10 s, the floor of listen interval × beacon interval; Linux net/mac80211/sta_info.h).
 */
export const PS_BUFFER_EXPIRE_NS = 10_000_000_000
/**
 * Frames of one access category an AP holds for one dozing station; a frame that comes when as many
 * wait pushes out the oldest (`ps-buffer-full`). mac80211's STA_MAX_TX_BUFFER (64, per station and
 * AC; net/mac80211/sta_info.h), which `ieee80211_tx_h_unicast_ps_buf` (net/mac80211/tx.c) enforces
 * by dropping the oldest buffered frame. Without it a dozing station's backlog could fill the AP's
 * whole queue (`AP_QUEUE_FRAMES`) and refuse every other station's frames at the door.
 */
export const MAX_PS_BUFFERED_FRAMES = 64
/** How often an AP looks for expired power-save frames of a station that has dozed that long. Modelling choice. */
export const PS_BUFFER_CHECK_NS = 1_000_000_000
/** How often the augmented driver polls the card for unsignalled events and runs its TX watchdog. Modelling choice (Linux drivers run such housekeeping every 10–100 ms). */
export const DRIVER_TICK_NS = 50_000_000
/**
 * TX outstanding with no completion for this long means the vMAC is hung: iwlwifi's TX queue watchdog,
 * IWL_DEF_WD_TIMEOUT 2500 ms (drivers/net/wireless/intel/iwlwifi/iwl-config.h; iwlagn's first one,
 * iwl-core.h, had 2000 ms). It must outlast the time a vMAC's channel may go unserved while the radio
 * is held elsewhere (a join's 300 TU protection, then the other channels' dwells): a 500 ms bound,
 * used until 2026-12-04, reset 68 healthy vMACs in a 24-hour soak once joins held the radio.
 */
export const WATCHDOG_STALL_NS = 2_500_000_000
/** How long a guest driver waits for its card to answer a PCI probe or an init. Modelling choice (a second). */
export const INIT_TIMEOUT_NS = 1_000_000_000
/** How long a guest driver waits for a scan's results: mac80211 aborts a software scan after a few seconds; 2 s here. Modelling choice. */
export const SCAN_TIMEOUT_NS = 2_000_000_000
/** How often the vMAC↔VM mapping is audited against the card and the journal (an invariant check, not part of the system). */
export const MAPPING_AUDIT_PERIOD_NS = 1_000_000_000
/** An AP forgets a station to which nothing has got through for this long (hostapd's kick-out of a station that stopped acknowledging; 5 s outlasts a short outage). Modelling choice. */
export const AP_KICKOUT_NS = 5_000_000_000
