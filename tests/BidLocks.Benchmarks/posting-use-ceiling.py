#!/usr/bin/env python3
"""The auction demo's posting use with a perfect lock (docs/benchmarks.md, issue 23, "The workload's ceiling").

Simulates the demo's workload with no processes, no Redis and no SQLite: W workers, each bidding again and again on a
random posting (or a random bundle of k distinct postings) out of P, a body of the demo's measured length, and a lock
that costs a fixed hand-off time (0 = a perfect lock) between a release and the next body on a posting. It prints
posting use (body time / (postings x run time), the demo's "Posting use"), demand (the share of the run some worker
wanted each posting, the demo's "Posting demand"), use of demand, and the p99 and the longest of a bid's wait (its
call to its body's start) in bodies, per rule for who gets a released posting:

- fifo:     single postings, each posting's waiters in arrival order (what the library does for single postings).
- inline:   sets taken whole, a waiting set queued on its first busy posting in lock order, a posting released to a
            waiting set reserved for it, reservations kept only below the set's first busy posting
            (docs/multi-posting.md, "Taken whole": every backend's rule before sets looked first, in memory's still);
            a set looks again whenever one of its postings is released.
- young:    greedy for a set's first 64 looks (a look: its first try, and one on every release of one of its
            postings), then inline: a set waits in line only once it has waited long (Redis's and SQLite's rule).
- lend:     inline, and a posting reserved for a set that still waits for another serves one body of a waiter that
            can start with it now, then goes back to the set (which keeps its place); once per posting per wait.
- greedy:   any waiting set whose postings are all free starts, earliest first, nothing reserved: the most a lock can
            get out of the workload, with no bound on a set's wait (a set can starve).
- aged:     greedy until a set has waited twenty of its bodies; from then on it keeps every later set off its postings
            (strict for the aged ones only), so its wait is bounded.
- strict:   sets in arrival order across postings: a waiting set keeps every later set off all of its postings.

    python3 tests/BidLocks.Benchmarks/posting-use-ceiling.py [--workers 16] [--postings 8] [--seconds 300]

The body is drawn from a normal distribution around the demo's body p50 (7.1 ms single, 22.8 ms for a bundle of 3:
three bids one after the other), spread 0.8 ms per bid; each row is one seeded run, so the figures are repeatable.
"""
import argparse
import heapq
import random


class Run:
    def __init__(self, workers, postings, bundle, rule, handoff, seconds, seed):
        self.rnd = random.Random(seed)
        self.postings, self.bundle, self.rule, self.handoff, self.seconds = postings, bundle, rule, handoff, seconds
        self.holder = [None] * postings      # the worker whose body (or hand-off) holds the posting
        self.reserved = [None] * postings    # inline: the set a released posting was handed to
        self.queues = [[] for _ in range(postings)]  # inline and fifo: waiters queued on the posting
        self.waiting = []                    # waiters in arrival order: (arrival, worker, postings in lock order)
        self.events = []
        self.sequence = 0
        self.held = 0.0
        self.wanted = [0.0] * postings
        self.wanters = [0] * postings
        self.since = [0.0] * postings
        self.waits = []                      # each started waiter's arrival to start, s
        self.bodies = []                     # each body's length, s
        self.age = 20 * 0.0071 * bundle      # aged: a set waiting longer than twenty bodies keeps later ones off its postings
        self.looks = {}                      # young: how often each set has looked
        self.young_looks = 64                # young: looks a set takes greedily before it waits in line
        self.lent = set()                    # lend: (set, posting) lent once during the set's wait
        for worker in range(workers):
            self.arrive(0.0, worker)

    def body(self):
        per_bid = [max(0.001, self.rnd.gauss(0.0071, 0.0008)) for _ in range(self.bundle)]
        return sum(per_bid)

    def want(self, now, postings, delta):
        for p in postings:
            if self.wanters[p] == 0 and delta > 0:
                self.since[p] = now
            self.wanters[p] += delta
            if self.wanters[p] == 0:
                self.wanted[p] += now - self.since[p]

    def arrive(self, now, worker):
        postings = sorted(self.rnd.sample(range(self.postings), self.bundle))
        self.want(now, postings, +1)
        self.waiting.append((now, worker, postings))

    def start(self, now, waiter, keep_reservations=False):
        _, worker, postings = waiter
        self.waiting.remove(waiter)
        self.lent = {(owner, p) for owner, p in self.lent if owner != waiter[:2]}
        for p in postings:
            self.holder[p] = worker
            if not keep_reservations or self.reserved[p] is waiter:
                self.reserved[p] = None
            if waiter in self.queues[p]:
                self.queues[p].remove(waiter)
        duration = self.body()
        self.waits.append(now + self.handoff - waiter[0])
        self.bodies.append(duration)
        self.sequence += 1
        begins = now + self.handoff
        heapq.heappush(self.events, (begins + duration, self.sequence, worker, postings, begins))

    def dispatch(self, now, released):
        if self.rule in ('greedy', 'strict', 'aged'):
            blocked = set()
            for waiter in list(self.waiting):
                postings = waiter[2]
                if all(self.holder[p] is None and p not in blocked for p in postings):
                    self.start(now, waiter)
                elif self.rule == 'strict' or (self.rule == 'aged' and now - waiter[0] > self.age):
                    blocked.update(postings)
            return
        # fifo and inline: each released posting goes to the head of its own queue, which looks at once; so does a
        # set that wants a released posting (it looks again on a release of any of its postings), and a new waiter.
        lookers = []
        for p in released:
            self.hand(p, lookers)
        lookers += [w for w in self.waiting if set(w[2]) & set(released) and w not in lookers]
        lookers += [w for w in self.waiting if not any(w in q for q in self.queues) and w not in lookers
                    and (self.rule != 'young' or self.looks.get(w[:2], 0) == 0)]
        while lookers:
            waiter = lookers.pop(0)
            if waiter in self.waiting:
                self.look(now, waiter, lookers)
        if self.rule == 'lend':
            self.lend(now)

    def lend(self, now):
        # A posting reserved for a set that still waits for another may serve one body of a waiter that can start
        # with it now; it then goes back to the set, which keeps its place. Once per posting per wait.
        for waiter in list(self.waiting):
            if waiter not in self.waiting:
                continue
            usable = all(self.holder[p] is None and (self.reserved[p] in (None, waiter) or self.lendable(p))
                         for p in waiter[2])
            if usable:
                for p in waiter[2]:
                    if self.reserved[p] not in (None, waiter):
                        self.lent.add((self.reserved[p][:2], p))
                self.start(now, waiter, keep_reservations=True)

    def lendable(self, p):
        owner = self.reserved[p]
        return owner is not None and (owner[:2], p) not in self.lent and self.first_busy(owner) not in (None, p)

    def first_busy(self, waiter):
        for p in waiter[2]:
            if not (self.holder[p] is None and self.reserved[p] in (None, waiter)):
                return p
        return None

    def hand(self, p, lookers):
        self.reserved[p] = self.queues[p][0] if self.queues[p] else None
        if self.reserved[p] is not None and self.reserved[p] not in lookers:
            lookers.append(self.reserved[p])

    def look(self, now, waiter, lookers):
        postings = waiter[2]
        if self.rule == 'young':
            self.looks[waiter[:2]] = self.looks.get(waiter[:2], 0) + 1
            if self.looks[waiter[:2]] <= self.young_looks:
                if all(self.holder[p] is None and self.reserved[p] is None for p in postings):
                    self.start(now, waiter)
                return
        for i, p in enumerate(postings):
            if self.holder[p] is None and self.reserved[p] in (None, waiter):
                continue
            # The first busy posting: queue there, give up every place and reservation above it.
            if waiter not in self.queues[p]:
                self.queues[p].append(waiter)
            for q in postings[i + 1:]:
                if waiter in self.queues[q]:
                    self.queues[q].remove(waiter)
                if self.reserved[q] is waiter:
                    self.hand(q, lookers)
            return
        self.start(now, waiter)

    def run(self):
        self.dispatch(0.0, [])
        while self.events:
            ends, _, worker, postings, begins = heapq.heappop(self.events)
            if ends > self.seconds:
                self.held += max(0.0, self.seconds - begins) * len(postings)
                continue
            self.held += (ends - begins) * len(postings)
            for p in postings:
                self.holder[p] = None
            self.want(ends, postings, -1)
            self.arrive(ends, worker)
            self.dispatch(ends, postings)
        for p in range(self.postings):
            if self.wanters[p] > 0:
                self.wanted[p] += self.seconds - self.since[p]
        use = self.held / (self.postings * self.seconds)
        demand = sum(self.wanted) / (self.postings * self.seconds)
        waits = sorted(self.waits)
        body = sum(self.bodies) / len(self.bodies)
        return use, demand, waits[min(len(waits) - 1, int(0.99 * len(waits)))] / body, waits[-1] / body


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--workers', type=int, default=16)
    parser.add_argument('--postings', type=int, default=8)
    parser.add_argument('--seconds', type=float, default=300)
    args = parser.parse_args()
    print(f'{args.workers} workers, {args.postings} postings, {args.seconds:g} s simulated; per hand-off time: use / demand / use of demand / wait p99 / longest wait, in bodies')
    for bundle, rules in ((1, ('fifo',)), (3, ('inline', 'young', 'lend', 'greedy', 'aged', 'strict'))):
        for rule in rules:
            cells = []
            for handoff_ms in (0, 1, 2, 3):
                use, demand, wait_p99, wait_max = Run(args.workers, args.postings, bundle, rule, handoff_ms / 1000, args.seconds, seed=1).run()
                cells.append(f'{handoff_ms} ms: {use * 100:4.1f} % / {demand * 100:4.1f} % / {use / demand * 100:5.1f} % / {wait_p99:4.1f}x / {wait_max:5.1f}x')
            print(f'bundle {bundle} {rule:8}  ' + '   '.join(cells))


if __name__ == '__main__':
    main()
