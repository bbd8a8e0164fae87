#!/usr/bin/env bash
# Generates the offline Indonesian call clips in kiosk-assets/voice/id/ (README.md beside
# this script). Needs Debian's espeak-ng and sox:  apt-get install espeak-ng sox
#
# The clip names are the ones antrean_core::voice::ALL_CLIPS lists; the board plays them in
# the order the coordinator's `announce` field gives. Output: 16 kHz mono 16-bit WAV, the
# smallest format every browser decodes without a codec, with the leading and trailing
# silence trimmed so joined words do not drag.
set -euo pipefail
cd "$(dirname "$0")"
out=id
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Slower than espeak's default (175 wpm) so a waiting room hears each word clearly.
speed=140

# clip name → spoken text. Letters are spelled out by their PUEBI names (docs/domain.md §8),
# because espeak reads a lone letter inconsistently.
clips=(
  "nomor-antrean|nomor antrean"
  "silakan-menuju-loket|silakan menuju loket"
  "a|a" "b|be" "c|ce" "d|de" "e|e" "f|ef" "g|ge" "h|ha" "i|i" "j|je" "k|ka" "l|el" "m|em"
  "n|en" "o|o" "p|pe" "q|ki" "r|er" "s|es" "t|te" "u|u" "v|ve" "w|we" "x|eks" "y|ye" "z|zet"
  "nol|nol" "satu|satu" "dua|dua" "tiga|tiga" "empat|empat" "lima|lima" "enam|enam"
  "tujuh|tujuh" "delapan|delapan" "sembilan|sembilan" "sepuluh|sepuluh" "sebelas|sebelas"
  "belas|belas" "puluh|puluh" "ratus|ratus" "seratus|seratus"
)

for entry in "${clips[@]}"; do
  name=${entry%%|*}
  text=${entry#*|}
  espeak-ng -v id -s "$speed" -w "$tmp/$name.wav" "$text"
  # Trim silence at both ends, then resample to 16 kHz mono 16-bit.
  sox "$tmp/$name.wav" -r 16000 -c 1 -b 16 "$out/$name.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0 0.08
done

# The chime: two soft bell tones (E5 then C5), the classic "ding-dong" of a waiting room.
sox -n -r 16000 -c 1 -b 16 "$tmp/ding.wav" synth 0.55 sine 659.25 fade q 0.01 0.55 0.45 vol 0.5
sox -n -r 16000 -c 1 -b 16 "$tmp/dong.wav" synth 0.8 sine 523.25 fade q 0.01 0.8 0.7 vol 0.5
sox "$tmp/ding.wav" "$tmp/dong.wav" "$out/chime.wav" pad 0 0.25

echo "generated $(ls "$out" | wc -l) clips in $(pwd)/$out ($(du -sh "$out" | cut -f1))"
