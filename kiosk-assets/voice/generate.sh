#!/usr/bin/env bash
# Generates the offline Indonesian call clips in kiosk-assets/voice/id/ (README.md beside
# this script). Needs Debian's espeak-ng and sox:  apt-get install espeak-ng sox
#
# The clip names are the ones antrean_core::voice::ALL_CLIPS lists; the board plays them in
# the order the coordinator's `announce` field gives. Each clip is spoken from the phoneme
# input in phonemes.tsv ([[...]], column 3), never from spelling: espeak-ng's Indonesian voice
# misreads e pepet and e taling (it says ˈɛmpat for əmpˈat, lˈokət for lˈokɛt). The run ends
# with check-phonemes.sh. Output: 16 kHz mono 16-bit WAV, the smallest format every browser
# decodes without a codec, with the leading and trailing silence trimmed so joined words do
# not drag.
set -euo pipefail
cd "$(dirname "$0")"
out=id
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Slower than espeak's default (175 wpm) so a waiting room hears each word clearly.
speed=140
# sox dithers with a random seed each run; -R (repeatable) makes a rerun byte-identical, so
# regenerating changes only the clips whose input changed.
sox() { command sox -R "$@"; }

# clip name → phoneme input, from the table (columns: clip, words, espeak input, expected
# IPA). Letters are the PUEBI names (docs/domain.md §8), because espeak reads a lone letter
# inconsistently.
n=0
while IFS=$'\t' read -r name words input expected; do
  case $name in '#'* | '') continue ;; esac
  if [[ ! $input =~ ^\[\[.+\]\]$ ]]; then
    echo "phonemes.tsv: $name: input '$input' is not phoneme input [[...]]" >&2
    exit 1
  fi
  espeak-ng -v id -s "$speed" -w "$tmp/$name.wav" "$input"
  # Trim silence at both ends, then resample to 16 kHz mono 16-bit.
  sox "$tmp/$name.wav" -r 16000 -c 1 -b 16 "$out/$name.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0 0.08
  n=$((n + 1))
done <phonemes.tsv
[ "$n" -gt 0 ] || { echo "phonemes.tsv: no rows" >&2; exit 1; }

# The chime: two soft bell tones (E5 then C5), the classic "ding-dong" of a waiting room.
sox -n -r 16000 -c 1 -b 16 "$tmp/ding.wav" synth 0.55 sine 659.25 fade q 0.01 0.55 0.45 vol 0.5
sox -n -r 16000 -c 1 -b 16 "$tmp/dong.wav" synth 0.8 sine 523.25 fade q 0.01 0.8 0.7 vol 0.5
sox "$tmp/ding.wav" "$tmp/dong.wav" "$out/chime.wav" pad 0 0.25

echo "generated $(ls "$out" | wc -l) clips in $(pwd)/$out ($(du -sh "$out" | cut -f1))"

# Every clip must say what the table expects, and every clip in id/ must have a row.
bash check-phonemes.sh
