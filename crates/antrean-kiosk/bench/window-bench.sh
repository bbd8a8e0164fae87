#!/usr/bin/env bash
# The kiosk as deployed: the release binary in a real X window (Xvfb) rendering through
# Mesa lavapipe, connected to a demo coordinator. Prints cold and warm start to the first
# frame, idle CPU over a window of minutes, resident memory, and tap -> ticket on screen
# for 7 tickets taken with X input events (tap_to_ticket.py). BENCHMARKS.md records it.
#
#   cargo build --release -p antrean -p antrean-kiosk
#   bash crates/antrean-kiosk/bench/window-bench.sh [WIDTHxHEIGHT] [IDLE_SECONDS]
#
# Run as root to drop the page cache before the cold start (otherwise "cold" is warm).
set -euo pipefail
cd "$(dirname "$0")/../../.."
target="${CARGO_TARGET_DIR:-target}/release"
size="${1:-1080x1920}"
idle_s="${2:-180}"
width="${size%x*}"
height="${size#*x}"
orientation=portrait
[ "$width" -gt "$height" ] && orientation=landscape
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

"$target/antrean" demo --kiosk off --listen 127.0.0.1:0 --data "$work/data" >"$work/demo.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "kiosk token" "$work/demo.out" && break; sleep 0.1; done
addr=$(sed -n 's/^Coordinator: *http:\/\/\([^ ]*\).*/\1/p' "$work/demo.out")
token=$(awk '/kiosk token/ {print $3}' "$work/demo.out")
cat >"$work/kiosk.toml" <<TOML
[kiosk]
name = "kiosk-bench"
[coordinator]
url = "ws://$addr/ws"
token = "$token"
[screen]
orientation = "$orientation"
width_px = $width
height_px = $height
diagonal_in = 32
fullscreen = false
TOML

Xvfb -displayfd 3 -screen 0 "${width}x${height}x24" -nolisten tcp 3>"$work/display" 2>/dev/null &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$work/display")"
kiosk=("$target/antrean-kiosk" --config "$work/kiosk.toml")

echo "kiosk ${width}×${height} on $(uname -n), load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$(id -u)" -eq 0 ]; then
  sync && echo 3 >/proc/sys/vm/drop_caches
  echo "cold start (page cache dropped): $("${kiosk[@]}" --exit-after-first-frame 2>/dev/null)"
fi
for run in 1 2 3 4 5; do
  echo "warm start $run: $("${kiosk[@]}" --exit-after-first-frame 2>/dev/null)"
done

"${kiosk[@]}" --status-file "$work/status.txt" >"$work/kiosk.out" 2>&1 &
kiosk_pid=$!
pids+=($kiosk_pid)
sleep 20 # connected, catalog received, attract screen drawn
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$kiosk_pid/stat"; }
before=$(cpu_ticks)
started=$(date +%s.%N)
sleep "$idle_s"
after=$(cpu_ticks)
ended=$(date +%s.%N)
python3 -c "print('idle CPU over %.0f s: %.2f %% of one core' % ($ended - $started, 100 * ($after - $before) / $ticks / ($ended - $started)))"
grep -E "VmRSS|VmHWM" "/proc/$kiosk_pid/status"

python3 crates/antrean-kiosk/bench/tap_to_ticket.py "$work/status.txt" 7
