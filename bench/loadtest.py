"""Load test: wrk (Debian's package) on loopback across the public pages, bounded in time.

    python bench/loadtest.py --duration 60 --connections 64     (make loadtest)
    python bench/loadtest.py --duration 10 --connections 64     (make loadtest-short; CI)

Prints requests/s, latency percentiles including p99, and errors; exits 1 if any request failed.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import manage, production_environment, public_paths, start_gunicorn  # noqa: E402

LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    environment = production_environment()
    manage(environment, "migrate", "--noinput")
    manage(environment, "load_bundled_data")
    paths = public_paths(environment)
    process, url = start_gunicorn(environment)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA % ", ".join(f'"{path}"' for path in paths))
        result = subprocess.run(
            # wrk's default 2 s timeout would count slow answers as socket errors; the latency
            # figures report slowness, and a request still unanswered after 10 s is an error.
            ["wrk", "--latency", "--timeout", "10s", "-t", str(options.threads), "-c", str(options.connections),
             "-d", f"{options.duration}s", "-s", script.name, url],
            capture_output=True, text=True, timeout=options.duration + 60,
        )  # fmt: skip
    finally:
        process.terminate()
        process.wait(timeout=30)
    output = result.stdout
    print(output)
    non_2xx = int(re.search(r"Non-2xx or 3xx responses: (\d+)", output).group(1)) if "Non-2xx" in output else 0
    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    p99 = re.search(r"99%\s+(\S+)", output).group(1)
    rate = re.search(r"Requests/sec:\s+(\S+)", output).group(1)
    print(f"SUMMARY pages={len(paths)} connections={options.connections} duration={options.duration}s "
          f"requests/s={rate} p99={p99} non_2xx={non_2xx} socket_errors={socket_errors}")  # fmt: skip
    sys.exit(1 if non_2xx or socket_errors else 0)


if __name__ == "__main__":
    main()
