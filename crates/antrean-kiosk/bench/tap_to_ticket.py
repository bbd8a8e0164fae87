#!/usr/bin/env python3
"""Tap -> ticket on screen, in the real window: takes N tickets like a visitor (X input
events through xdotool) and reads the kiosk's --status-file (one line per frame) for when
each screen was drawn. Called by window-bench.sh with DISPLAY set.

    tap_to_ticket.py STATUS_FILE N

For each ticket prints the time from the frame that drew the tap on "Lansia / regular"
(the waiting screen, drawn by the tap's own frame) to the frame that drew the ticket, and
to the frame that drew "Tiket tercetak" when a printer is configured.
"""
import re
import subprocess
import sys
import time

STATUS, N = sys.argv[1], int(sys.argv[2])
LINE = re.compile(r"ms=(\d+) frame=(\d+) screen=(\w+) print=(\S+) online=(\w+) ticket=(\S+) window=\S+ buttons=(.*)")


def frames():
    with open(STATUS) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                buttons = {}
                for b in m.group(7).split(";"):
                    if "@" in b:
                        action, at = b.rsplit("@", 1)
                        x, y = at.split(",")
                        buttons[action] = (int(x), int(y))
                yield dict(ms=int(m.group(1)), frame=int(m.group(2)), screen=m.group(3),
                           print=m.group(4), ticket=m.group(6), buttons=buttons)


def wait(pick, what, since=0, limit_s=60):
    deadline = time.time() + limit_s
    while time.time() < deadline:
        for f in list(frames())[since:]:
            if pick(f):
                return f
        time.sleep(0.02)
    sys.exit(f"no frame with {what} within {limit_s} s")


def tap(action):
    # Where the button is in the latest frame (early frames may predate the layout).
    f = wait(lambda f: action in f["buttons"], f"a button {action}", max(len(list(frames())) - 1, 0))
    x, y = f["buttons"][action]
    # Away from every button first, and let that move be drawn (as the tests' quick tap).
    subprocess.run(["xdotool", "mousemove", "2", "2"], check=True)
    time.sleep(0.3)
    subprocess.run(["xdotool", "mousemove", str(x), str(y), "mousedown", "1", "mouseup", "1"], check=True)


steps = [("Start", "Language"), ("ChooseLanguage(Indonesian)", "Agency"),
         ('ChooseAgency("dukcapil")', "Service"), ('ChooseService("ktp-el-baru")', "Detail"),
         ("TakeNumber", "Priority")]
results = []
for n in range(N):
    wait(lambda f: f["screen"] == "Idle", "the attract screen")
    for action, screen in steps:
        since = len(list(frames()))
        tap(action)
        wait(lambda f, s=screen: f["screen"] == s, screen, since)
    since = len(list(frames()))
    tap("ChoosePriority(None)")
    issuing = wait(lambda f: f["screen"] in ("Issuing", "Result"), "the tap's frame", since)
    result = wait(lambda f: f["screen"] in ("Result", "PrinterProblem"), "the ticket", since)
    printed = wait(lambda f: f["print"] in ("Printed", "DigitalOnly") or f["print"].startswith("Failed"),
                   "printing finished", since)
    results.append((result["ticket"], result["ms"] - issuing["ms"], printed["ms"] - issuing["ms"], printed["print"]))
    tap("Home")
for ticket, shown_ms, printed_ms, state in results:
    print(f"{ticket}: tap frame -> ticket on screen {shown_ms} ms, -> {state} {printed_ms} ms")
shown = sorted(r[1] for r in results)
print(f"tap -> ticket on screen: median {shown[len(shown) // 2]} ms, max {shown[-1]} ms over {N}")
