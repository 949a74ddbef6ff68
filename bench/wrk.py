"""Drive the server with wrk (Debian's /usr/bin/wrk) through a generated Lua script; parse its JSON summary.

A plan is a list of requests (method, path, headers, body) that each wrk thread cycles through;
``unique`` appends a counter to every path so no two requests share a cache entry; ``writes``
(per thread) are interleaved with the reads, ``write_share`` of all requests (one in ten by default), for the
read/write mixes.
"""

import json
import subprocess
import tempfile
from dataclasses import dataclass, field

WRK = "/usr/bin/wrk"
THREADS = 2

LUA_FOOTER = r"""
local counter, reads_sent, writes_sent = 0, 0, 0
local threads = {}
server_errors = 0  -- per thread (each has its own Lua state), read back in done()
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end
local function format(item, suffix)
  return wrk.format(item[1], item[2] .. (suffix or ""), item[3], item[4])
end
function request()
  counter = counter + 1
  local own_writes = (#writes > 0) and writes[(tid or 0) % #writes + 1] or {}
  if #own_writes > 0 and math.floor(counter * write_share) > math.floor((counter - 1) * write_share) then
    writes_sent = writes_sent + 1
    return format(own_writes[(writes_sent - 1) % #own_writes + 1])
  end
  reads_sent = reads_sent + 1
  local item = reads[(reads_sent - 1) % #reads + 1]
  if unique then
    local separator = string.find(item[2], "?", 1, true) and "&" or "?"
    return format(item, separator .. "nocache=" .. tostring(tid) .. "-" .. tostring(counter))
  end
  return format(item)
end
function done(summary, latency, requests)
  local errors, server = summary.errors, 0
  for _, thread in ipairs(threads) do server = server + thread:get("server_errors") end
  io.write("WRK-JSON " .. string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, '
    .. '"errors_status": %d, "errors_server": %d, "errors_socket": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, errors.status, server,
    errors.connect + errors.read + errors.write + errors.timeout))
end
"""


@dataclass
class Plan:
    reads: list[tuple]  # (method, path, headers dict, body or None)
    writes: list[list[tuple]] = field(default_factory=list)  # one list per wrk thread
    unique: bool = False
    write_share: float = 0.1


def _lua_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=True)  # a JSON string is a valid Lua string literal here


def _lua_request(item: tuple) -> str:
    method, path, headers, body = item
    pairs = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
    return (
        "{"
        + ", ".join(
            [
                _lua_string(method),
                _lua_string(path),
                "{" + pairs + "}",
                _lua_string(body) if body is not None else "nil",
            ]
        )
        + "}"
    )


def script(plan: Plan) -> str:
    reads = ",\n  ".join(_lua_request(item) for item in plan.reads)
    writes = ",\n  ".join("{" + ", ".join(_lua_request(item) for item in thread) + "}" for thread in plan.writes)
    return (
        f"reads = {{\n  {reads}\n}}\nwrites = {{\n  {writes}\n}}\n"
        f"unique = {'true' if plan.unique else 'false'}\nwrite_share = {plan.write_share}\n" + LUA_FOOTER
    )


def run(base_url: str, plan: Plan, duration: int, connections: int) -> dict:
    """Run wrk for ``duration`` seconds; returns requests per second, latency percentiles (ms; None when no
    request finished in time), errors (5xx answers and broken connections) and refusals (4xx answers: the
    app saying no, e.g. a withdrawal with nothing left to withdraw, is not an error)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script(plan))
        lua.flush()
        completed = subprocess.run(
            [WRK, f"-t{THREADS}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", lua.name, base_url],
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("WRK-JSON "))
    raw = json.loads(line.removeprefix("WRK-JSON "))
    seconds, finished = raw["duration_us"] / 1e6, raw["requests"] > 0
    latency = {name: raw[f"{name}_us"] / 1000 if finished else None for name in ("p50", "p95", "p99")}
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1),
        **{f"{name}_ms": value for name, value in latency.items()},
        "mean_ms": round(raw["mean_us"] / 1000, 2) if finished else None,
        "errors": raw["errors_server"] + raw["errors_socket"],
        "refused": raw["errors_status"] - raw["errors_server"],
    }
