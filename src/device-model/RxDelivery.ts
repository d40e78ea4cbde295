/**
 * What the host does for the frames a VM receives, by the Virtual WiFi switches (docs/model.md,
 * "Receive path and the switches"). Pure: the device model charges what it says.
 *
 * - Slow path: the card has one receive queue whose buffers the host's driver posts, and learns
 *   which VM a frame is for only once it arrived (the seed: the augmented driver receives, identifies
 *   the VM, signals the device model). The device model copies each frame into a buffer its guest
 *   posted, through QEMU's own mapping of guest memory: no GPA→HPA translation, so IOMMU or software
 *   makes no difference (as vhost-net copies every received packet; its zero-copy is TX only).
 * - Fast data path: the VM's data frames go to its own queue, whose buffers its guest posted; the
 *   card writes them there (as an assigned card does), so nothing is copied. The card needs their
 *   host-physical addresses: the IOMMU gives them from the guest's; with software translation the
 *   host translates each buffer's pages when the guest posts it.
 */
import { PAGE_BYTES } from "../vocabulary/GuestMemory.ts"

/**
 * Bytes of one receive buffer the 5300's driver posts: 8 KiB (Linux 2.6.33: iwl-5000.c's
 * iwl50_mod_params sets amsdu_size_8K = 1, and iwl_set_hw_params, iwl-core.c, then allocates
 * buffers of get_order(IWL_RX_BUF_SIZE_8K), two pages). The guest runs the same driver.
 */
export const RX_BUFFER_BYTES = 8192

/** Guest pages one posted receive buffer spans, each translated apart (contiguous in the guest, not on the host). */
export const RX_BUFFER_PAGES = RX_BUFFER_BYTES / PAGE_BYTES

/** The switches that shape the receive path. */
export interface RxSwitches {
  readonly fastDataPath: boolean
  readonly softwareTranslation: boolean
}

/** Whether the device model copies received frames into the guest's buffers (the slow path), or the card wrote them. */
export const copiesReceivedFrames = (s: RxSwitches): boolean => !s.fastDataPath

/**
 * Guest pages the host translates (GPA→HPA, and tracks for KVM's shadow memory) when the guest posts
 * `buffers` receive buffers: only for the card's own writes into them without an IOMMU.
 */
export const pagesTranslatedOnRepost = (s: RxSwitches, buffers: number): number =>
  s.fastDataPath && s.softwareTranslation ? buffers * RX_BUFFER_PAGES : 0
