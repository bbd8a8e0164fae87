#!/usr/bin/env bash
# Checks the voice clips' pronunciation table, phonemes.tsv (README.md beside this script).
# Runs from any directory:
#
#   bash kiosk-assets/voice/check-phonemes.sh [TABLE]     (TABLE defaults to phonemes.tsv here)
#
# Fails (exit 1), listing every problem, when
#   - a row's espeak input is not phoneme input ([[...]]) but spelling;
#   - espeak-ng does not say what the row expects: "clip: expected X, espeak gives Y", where Y is
#     `espeak-ng -v id -q --ipa` of the exact input generate.sh feeds;
#   - the expected IPA itself breaks a vowel rule below (so a wrong table cannot pass just
#     because espeak agrees with it), or a word spelled with "e" has no rule;
#   - a clip in id/ has no row, or a row has no clip in id/ (chime.wav is sox's, not speech).
# Needs espeak-ng (apt-get install espeak-ng).
set -euo pipefail
export LC_ALL=C.UTF-8

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
table=${1:-$here/phonemes.tsv}
clips=$here/id

# The reviewed vowels of every word spelled with "e", in order, as the expected IPA must have
# them (ɔ counts as o). Indonesian "e" is two vowels: e pepet, a schwa ə; and e taling (KBBI
# é), which is e in an open syllable and ɛ in a closed one.
declare -A vowel_rules=(
  [antrean]="a e a"       # an-tre-an
  [menuju]="ə u u"
  [loket]="o ɛ"           # lo-ket: e taling, closed syllable
  [be]="e" [ce]="e" [de]="e" [e]="e" [ge]="e" [je]="e" [pe]="e" [te]="e" [ve]="e" [we]="e"
  [ye]="e"
  [ef]="ɛ" [el]="ɛ" [em]="ɛ" [en]="ɛ" [er]="ɛ" [es]="ɛ" [eks]="ɛ" [zet]="ɛ"
  [empat]="ə a"
  [enam]="ə a"
  [delapan]="ə a a"
  [sembilan]="ə i a"
  [sepuluh]="ə u u"
  [sebelas]="ə ə a"
  [belas]="ə a"
  [seratus]="ə a u"
)

# The vowels of one IPA word, space-separated.
vowels() {
  printf '%s' "$1" | grep -o -E 'a|e|i|o|u|y|ə|ɛ|ɔ|ɪ|ʊ|ɐ|ɑ|æ|ʌ|ɜ|ɒ|ɨ|ʉ|ɯ|ɤ|ɘ|ɵ|ø|œ' |
    sed 's/ɔ/o/' | paste -sd' ' || true
}

if ! command -v espeak-ng >/dev/null; then
  echo "check-phonemes: espeak-ng is missing (apt-get install espeak-ng)" >&2
  exit 1
fi
if [ ! -f "$table" ]; then
  echo "check-phonemes: no table $table" >&2
  exit 1
fi

errors=()
declare -A seen=()
rows=0
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
  lineno=$((lineno + 1))
  case $line in '#'* | '') continue ;; esac
  IFS=$'\t' read -r clip words input expected extra <<<"$line"
  if [ -z "${expected:-}" ] || [ -n "${extra:-}" ]; then
    errors+=("line $lineno: needs 4 tab-separated columns: $line")
    continue
  fi
  rows=$((rows + 1))
  if [ -n "${seen[$clip]:-}" ]; then
    errors+=("$clip: two rows")
  fi
  seen[$clip]=1
  [ -f "$clips/$clip.wav" ] || errors+=("$clip: row has no clip file id/$clip.wav")

  if [[ ! $input =~ ^\[\[.+\]\]$ ]]; then
    errors+=("$clip: input '$input' is not phoneme input [[...]] (spelling is not trusted)")
  fi
  got=$(espeak-ng -v id -q --ipa "$input" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
  if [ "$got" != "$expected" ]; then
    errors+=("$clip: expected $expected, espeak gives $got")
  fi

  read -r -a ws <<<"$words"
  read -r -a ipas <<<"$expected"
  if [ ${#ws[@]} -ne ${#ipas[@]} ]; then
    errors+=("$clip: ${#ws[@]} words but ${#ipas[@]} IPA words in '$expected'")
    continue
  fi
  for i in "${!ws[@]}"; do
    w=${ws[$i]}
    rule=${vowel_rules[$w]:-}
    if [ -z "$rule" ]; then
      [[ $w == *e* ]] && errors+=("$clip: '$w' is spelled with e but has no vowel rule in check-phonemes.sh")
      continue
    fi
    has=$(vowels "${ipas[$i]}")
    if [ "$has" != "$rule" ]; then
      errors+=("$clip: expected IPA ${ipas[$i]} for '$w' breaks its vowel rule: needs vowels '$rule', has '$has'")
    fi
  done
done <"$table"

for f in "$clips"/*.wav; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .wav)
  [ "$name" = chime ] && continue
  [ -n "${seen[$name]:-}" ] || errors+=("$name: clip id/$name.wav has no row in the table")
done

if [ ${#errors[@]} -ne 0 ]; then
  echo "check-phonemes: ${#errors[@]} problem(s) in $table:" >&2
  printf '  %s\n' "${errors[@]}" >&2
  exit 1
fi
echo "check-phonemes: ok, $rows clips say what $(basename "$table") expects"
