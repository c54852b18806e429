#!/usr/bin/env python3
"""Server work of one acquire+release, raw Redis beside fence designs (docs/benchmarks.md, "The fence for almost free").

Starts a private redis-server, sends N acquire+release cycles of each design through `redis-cli --pipe` (pipelined,
so the figure is the server's own work, not a client's round trips) and reads the main-thread CPU of INFO cpu before
and after. Designs run interleaved, several rounds; the median and the range are printed, per cycle and x raw.

Two key patterns: "distinct" (every cycle a posting never locked before: the server starts empty) and "again" (the
same postings once more: every fence key exists already).

    python3 tests/BidLocks.Benchmarks/fence-server-work.py [--cycles 100000] [--rounds 3]

Needs redis-server and redis-cli on the PATH. The Lua of each design is a copy of the step it models (RedisScripts.cs
for the library's), kept minimal so the designs differ only in what the fence does.
"""
import argparse
import os
import socket
import statistics
import subprocess
import tempfile
import time

CLOCK = ('local clock local function nowUs() if not clock then local t = redis.call("TIME") '
         'clock = t[1] * 1000000 + t[2] end return clock end ')
SET_NX = 'if not redis.call("SET", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return -1 end '
FENCE = ('local function fence(key, retentionMs) local f = nowUs() local last = tonumber(redis.call("GET", key)) '
         'if last and last >= f then f = last + 1 end '
         'redis.call("SET", key, string.format("%.0f", f), "PX", retentionMs or 604800000) return f end ')
SCRIPTS = {
    # The compare-and-delete every hand-written Redis lock sends.
    'raw_release': 'if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end',
    # RedisScripts.ReleaseFast.
    'release': ('local v = redis.call("GET", KEYS[1]) if v == ARGV[1] then redis.call("DEL", KEYS[1]) return 1 end '
                'if v and string.sub(v, 1, 1) == "+" then return -1 end return 0'),
    # RedisScripts.AcquireFast: SET NX, then the fence (TIME, GET and SET of the fence key).
    'fenced': CLOCK + FENCE + SET_NX + 'return fence(KEYS[2], ARGV[3])',
    # The floor of any scripted acquire: the SET NX alone, inside EVALSHA.
    'script_only': SET_NX + 'return 0',
    # A fence that reads the stored one and the clock but never writes: what skipping the write would leave.
    'fence_read_only': CLOCK + SET_NX + ('local f = nowUs() local last = tonumber(redis.call("GET", KEYS[2])) '
                                         'if last and last >= f then f = last + 1 end return f'),
    # The fence kept in the lock key: released, the key stays as "=fence" for the retention, so one key per posting.
    'tomb_acquire': CLOCK + ('local v = redis.call("GET", KEYS[1]) local last = 0 if v then '
                             'if string.byte(v, 1) ~= 61 then return -1 end last = tonumber(string.sub(v, 2)) end '
                             'local f = nowUs() if last >= f then f = last + 1 end '
                             'redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2]) return f'),
    'tomb_release': ('if redis.call("GET", KEYS[1]) == ARGV[1] then '
                     'redis.call("SET", KEYS[1], "=" .. ARGV[2], "PX", 604800000) return 1 end return 0'),
}
HOLDER = 'bidder-7f3a:0000000000000001'
TTL = '30000'
RETENTION = '604800000'


def designs(sha):
    # Each design: (acquire, release) command templates; {k} is the lock key.
    return {
        'raw (SET NX PX + compare-and-delete)': (
            f'SET {{k}} {HOLDER} NX PX {TTL}', f'EVALSHA {sha["raw_release"]} 1 {{k}} {HOLDER}'),
        'BidLocks unfenced (SET NX PX + ReleaseFast)': (
            f'SET {{k}} {HOLDER} NX PX {TTL}', f'EVALSHA {sha["release"]} 1 {{k}} {HOLDER}'),
        'BidLocks fenced (AcquireFast + ReleaseFast)': (
            f'EVALSHA {sha["fenced"]} 2 {{k}} {{k}}:fence {HOLDER} {TTL} {RETENTION}', f'EVALSHA {sha["release"]} 1 {{k}} {HOLDER}'),
        'model: SET NX in a script, no fence': (
            f'EVALSHA {sha["script_only"]} 1 {{k}} {HOLDER} {TTL}', f'EVALSHA {sha["release"]} 1 {{k}} {HOLDER}'),
        'model: fence read, never written': (
            f'EVALSHA {sha["fence_read_only"]} 2 {{k}} {{k}}:fence {HOLDER} {TTL}', f'EVALSHA {sha["release"]} 1 {{k}} {HOLDER}'),
        'model: fence kept in the lock key': (
            f'EVALSHA {sha["tomb_acquire"]} 1 {{k}} {HOLDER} {TTL}', f'EVALSHA {sha["tomb_release"]} 1 {{k}} {HOLDER} 1764928000123456'),
    }


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def cli(port, *args, stdin=None):
    return subprocess.run(['redis-cli', '-p', str(port), *args], input=stdin, capture_output=True, text=True, check=True).stdout


def main_thread_cpu(port):
    info = dict(line.split(':', 1) for line in cli(port, 'INFO', 'cpu').splitlines() if ':' in line)
    return float(info['used_cpu_sys_main_thread']) + float(info['used_cpu_user_main_thread'])


def run(port, path, cycles):
    before = main_thread_cpu(port)
    with open(path) as commands:
        subprocess.run(['redis-cli', '-p', str(port), '--pipe'], stdin=commands, capture_output=True, check=True)
    return (main_thread_cpu(port) - before) * 1e6 / cycles


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--cycles', type=int, default=100_000)
    parser.add_argument('--rounds', type=int, default=3)
    options = parser.parse_args()
    port = free_port()
    work = tempfile.mkdtemp(prefix='fence-server-work-')
    server = subprocess.Popen(['redis-server', '--port', str(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
                              stdout=subprocess.DEVNULL, cwd=work)
    try:
        for _ in range(100):
            try:
                cli(port, 'PING')
                break
            except subprocess.CalledProcessError:
                time.sleep(0.05)
        sha = {name: cli(port, 'SCRIPT', 'LOAD', text).strip() for name, text in SCRIPTS.items()}
        files = {}
        for name, (acquire, release) in designs(sha).items():
            path = os.path.join(work, f'{len(files)}.txt')
            with open(path, 'w') as out:
                for i in range(options.cycles):
                    key = f'bidlock:{{ebay:posting-{i}}}'
                    out.write(acquire.format(k=key) + '\n' + release.format(k=key) + '\n')
            files[name] = path
        figures = {(name, pattern): [] for name in files for pattern in ('distinct', 'again')}
        for _ in range(options.rounds):
            for name, path in files.items():
                cli(port, 'FLUSHALL')
                figures[(name, 'distinct')].append(run(port, path, options.cycles))
                figures[(name, 'again')].append(run(port, path, options.cycles))
        load = os.getloadavg()
        print(f'redis-server {cli(port, "INFO", "server").split("redis_version:")[1].split()[0]}, {options.cycles} cycles '
              f'per run, {options.rounds} interleaved rounds, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}')
        print('main-thread CPU per acquire+release, µs, median (range); x raw of the medians')
        print('| design | distinct postings | x raw | the same postings again | x raw |')
        print('|---|---|---|---|---|')
        raw = {pattern: statistics.median(figures[(next(iter(files)), pattern)]) for pattern in ('distinct', 'again')}
        for name in files:
            cells = []
            for pattern in ('distinct', 'again'):
                values = figures[(name, pattern)]
                median = statistics.median(values)
                cells.append(f'{median:.2f} ({min(values):.2f}–{max(values):.2f}) | {median / raw[pattern]:.2f}')
            print(f'| {name} | ' + ' | '.join(cells) + ' |')
    finally:
        server.terminate()
        server.wait()


if __name__ == '__main__':
    main()
