#!/usr/bin/env bash
# Checks a capture of the air (`vwifi run --pcap FILE`) with Wireshark's dissector:
#
#   scripts/check-pcap.sh FILE [REPORT.json]
#
# Fails on a file that is not a whole pcap file (empty, no pcap header, cut inside a record), when
# tshark finds a malformed packet or reports an expert error (IPv4 and TCP checksums checked), and
# when Wireshark's FCS check and radiotap's bad-FCS flag disagree on a frame. Exit status 1 for a
# failed check, 2 for a usage error. Prints the capture's counts (records, PPDUs, retries, bad FCS,
# answers, frames by rate). With the run's JSON report
# (`vwifi run --json`), also checks them against the air's own counters:
#   PPDUs                       = air.exchanges − air.collisions + Σ air.collisionsByStation, less
#                                 the exchanges still on the air when the run stopped (≤ 1 per channel)
#   Acks/BlockAcks with bad FCS = air.answersLost
#   unicast PPDUs not acknowledged whole (an MPDU with bad FCS, or no good answer next on its
#   channel)                    = air.retries
# Needs tshark (Debian's `tshark` package); `npm test` does not.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 FILE [REPORT.json]" >&2
  exit 2
fi
file=$1
report=${2:-}
if ! command -v tshark >/dev/null 2>&1; then
  echo "check-pcap: tshark is not installed (Debian: apt-get install tshark)" >&2
  exit 2
fi
if [ ! -r "$file" ]; then
  echo "check-pcap: cannot read $file" >&2
  exit 2
fi

fail() { echo "check-pcap: FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# tshark warns when run as root; that line is not the capture's.
quiet() { grep -v 'Running as user "root"' || true; }

# A pcap file starts with a 24-byte header and its magic number (draft-ietf-opsawg-pcap §4); tshark
# reads an empty file as an empty capture, so this is checked here.
size=$(wc -c <"$file")
[ "$size" -ge 24 ] || fail "$file has $size bytes, less than a pcap file header (24): not a capture, or one cut before its first record"
magic=$(od -An -tx1 -N4 "$file" | tr -d ' \n')
case "$magic" in
  d4c3b2a1 | 4d3cb2a1 | a1b2c3d4 | a1b23c4d) ;;
  *) fail "$file does not start with a pcap magic number (its first bytes: $magic)" ;;
esac

# Checksums Wireshark leaves unchecked by default are checked (IPv4, TCP): a wrong one is an expert
# error. radiotap's TSFT is the MPDU's first bit, not the PPDU's end.
prefs=(-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o wlan_radio.tsf_at_end:FALSE)
# The first pass reads the whole file: one tshark cannot read (cut inside a record) fails here, with tshark's words.
if ! tshark -r "$file" "${prefs[@]}" -Y _ws.malformed >"$work/malformed" 2>"$work/stderr"; then
  fail "tshark cannot read $file: $(quiet <"$work/stderr" | tr '\n' ' ')"
fi
malformed=$(wc -l <"$work/malformed")
errors=$(tshark -r "$file" "${prefs[@]}" -Y '_ws.expert.severity == error' 2>/dev/null | wc -l)
echo "malformed packets: $malformed"
echo "packets with expert errors: $errors"
tshark -r "$file" "${prefs[@]}" -q -z expert 2>/dev/null | sed -n '/^Errors/,/^$/p'

# One line per record: channel, type/subtype, RA, bad FCS, retry, A-MPDU reference, rate (Mb/s), MCS,
# and Wireshark's own FCS check (0 bad, 1 good), which must agree with the bad-FCS flag.
tshark -r "$file" "${prefs[@]}" -o wlan.check_checksum:TRUE -T fields -E separator=, \
  -e radiotap.channel.freq -e wlan.fc.type_subtype -e wlan.ra -e radiotap.flags.badfcs -e wlan.fc.retry \
  -e radiotap.ampdu.reference -e radiotap.datarate -e radiotap.mcs.index -e wlan.fcs.status >"$work/fields" 2>/dev/null
counts=$(awk -F, '
  function close_ppdu(ch) {
    if (open[ch] && unicast[ch] && (bad[ch] || !answered[ch])) failed++
    open[ch] = 0
  }
  {
    records++
    ch = $1; ts = $2; ra = $3; badfcs = ($4 == "1" || $4 == "True"); retry = ($5 == "1" || $5 == "True"); ref = $6
    if (($9 == "0") != badfcs) fcsDisagree++
    answer = (ts == "0x001d" || ts == "0x0019") # Ack, BlockAck
    if (answer) {
      answers++
      if (badfcs) answersLost++
      if (open[ch]) { answered[ch] = !badfcs; close_ppdu(ch) }
      next
    }
    mpdus++
    if (retry) retries++
    if (badfcs) badFcs++
    rate = ($8 != "") ? "MCS " $8 : $7 " Mb/s"
    byRate[rate]++
    if (ref != "" && open[ch] && ref == openRef[ch]) { if (badfcs) bad[ch] = 1; next }
    close_ppdu(ch)
    ppdus++
    open[ch] = 1; openRef[ch] = ref; bad[ch] = badfcs; answered[ch] = 0
    unicast[ch] = (ra != "ff:ff:ff:ff:ff:ff")
  }
  END {
    for (ch in open) close_ppdu(ch)
    printf "records=%d ppdus=%d mpdus=%d retries=%d badFcs=%d answers=%d answersLost=%d failed=%d fcsDisagree=%d\n", records, ppdus, mpdus, retries, badFcs, answers, answersLost, failed, fcsDisagree
    for (r in byRate) printf "rate %s: %d MPDUs\n", r, byRate[r]
  }' "$work/fields")
# `sed -n 1p`, not `head -1`: head exits after the first line, and an echo still writing then dies of
# SIGPIPE, which pipefail turns into the script's exit status (141, seen under load).
echo "$counts" | sed -n 1p | tr ' ' '\n' | sed 's/^/  /'
echo "$counts" | tail -n +2 | sort | sed 's/^/  /'
get() { echo "$counts" | sed -n 1p | tr ' ' '\n' | sed -n "s/^$1=//p"; }

status=0
[ "$malformed" -eq 0 ] || { echo "check-pcap: FAIL: $malformed malformed packets" >&2; status=1; }
[ "$errors" -eq 0 ] || { echo "check-pcap: FAIL: $errors packets with expert errors" >&2; status=1; }
[ "$(get fcsDisagree)" -eq 0 ] || { echo "check-pcap: FAIL: $(get fcsDisagree) frames whose FCS check disagrees with radiotap's bad-FCS flag" >&2; status=1; }

if [ -n "$report" ]; then
  expected=$(node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).air
    const inCollisions = Object.values(r.collisionsByStation).reduce((a, b) => a + b, 0)
    console.log(r.exchanges - r.collisions + inCollisions, r.answersLost, r.retries)' "$report")
  read -r wantPpdus wantLost wantRetries <<<"$expected"
  compare() {
    if [ "$2" -eq "$3" ]; then echo "  $1: capture $2 = report $3"
    else echo "check-pcap: FAIL: $1: capture $2, report $3" >&2; status=1; fi
  }
  echo "against $report:"
  # The air counts an exchange when it starts, the capture records it when it ends: at most one
  # exchange per channel may still be on the air when the run stops.
  channels=$(cut -d, -f1 "$work/fields" | sort -u | wc -l)
  inFlight=$((wantPpdus - $(get ppdus)))
  if [ "$inFlight" -ge 0 ] && [ "$inFlight" -le "$channels" ]; then
    echo "  PPDUs: capture $(get ppdus) = report $wantPpdus (exchanges − collisions + Σ collisionsByStation) − $inFlight still on the air at the end"
  else
    echo "check-pcap: FAIL: PPDUs: capture $(get ppdus), report $wantPpdus (exchanges − collisions + Σ collisionsByStation)" >&2; status=1
  fi
  compare "answers lost (air.answersLost)" "$(get answersLost)" "$wantLost"
  compare "unacknowledged unicast PPDUs (air.retries)" "$(get failed)" "$wantRetries"
fi
exit $status
