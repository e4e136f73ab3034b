#!/usr/bin/python3
"""Timing history for Tempest's scheduler (stestr).

Without history, stestr deals test classes to workers round-robin in the
order of a Python set, so a run is as slow as the unluckiest worker: several
network classes (Tempest's subnet client sleeps 10 s before every delete)
landing on one worker made the must-pass run 15 min where the work is ~6.
With known durations it packs the longest classes first (stestr's
partition_tests). This file keeps those durations with the repository.

  tempest-times.py record RUN_LOG RESULTS_CSV OUT   # from a finished run
  tempest-times.py seed TIMES WORKSPACE             # before a run

`record` charges each class the wall time its worker spent from the class's
first test to the next class's first test (its tests, its teardown, the next
class's setup), spread over its tests. `seed` writes them into the
workspace's .stestr/times.dbm (creating the repository as `stestr init`
would) and changes nothing else.
"""
import csv
import dbm.dumb
import os
import re
import sys
from collections import defaultdict
from datetime import datetime


def strip_tags(test_id):
    start, end = test_id.find('['), test_id.find(']')
    return test_id[:start] + test_id[end + 1:] if 0 < start < end else test_id


def record(run_log, results_csv, out):
    worker = {}
    line = re.compile(r'^\{(\d+)\} (\S+) \[')
    with open(run_log, encoding='utf-8', errors='replace') as f:
        for raw in f:
            m = line.match(raw)
            if m:
                worker[strip_tags(m.group(2))] = m.group(1)
    parse = lambda s: datetime.fromisoformat(s.replace('+00:00', ''))
    runs = defaultdict(list)  # worker -> [(start, stop, test)]
    with open(results_csv, newline='') as f:
        for row in csv.DictReader(f):
            test = strip_tags(row['test'])
            if test in worker and row['start_time'] and row['stop_time']:
                runs[worker[test]].append((parse(row['start_time']), parse(row['stop_time']), test))
    times = {}
    for tests in runs.values():
        tests.sort()
        segments = []  # [class, first start, last stop, [tests]]
        for start, stop, test in tests:
            cls = test.rsplit('.', 1)[0]
            if segments and segments[-1][0] == cls:
                segments[-1][2] = stop
                segments[-1][3].append(test)
            else:
                segments.append([cls, start, stop, [test]])
        for i, (cls, start, stop, members) in enumerate(segments):
            end = segments[i + 1][1] if i + 1 < len(segments) else stop
            share = max((end - start).total_seconds(), 0.001) / len(members)
            for t in members:
                times[t] = share
    with open(out, 'w') as f:
        f.write('# test id, seconds: stestr timing history (scripts/tempest-times.py record)\n')
        for t in sorted(times):
            f.write(f'{t} {times[t]:.3f}\n')
    print(f'tempest-times: {len(times)} tests, {sum(times.values()):.0f} s of worker time')


def seed(times_file, workspace):
    repo = os.path.join(workspace, '.stestr')
    if not os.path.isdir(repo):
        os.mkdir(repo)
        with open(os.path.join(repo, 'format'), 'w') as f:
            f.write('1\n')
        with open(os.path.join(repo, 'next-stream'), 'w') as f:
            f.write('0\n')
    db = dbm.dumb.open(os.path.join(repo, 'times.dbm'), 'c')
    n = 0
    try:
        with open(times_file) as f:
            for raw in f:
                if raw.startswith('#') or not raw.strip():
                    continue
                test, seconds = raw.split()
                db[test] = seconds
                n += 1
    finally:
        db.close()
    print(f'tempest-times: seeded {n} test durations into {repo}')


if __name__ == '__main__':
    cmd, *args = sys.argv[1:] or ['']
    if cmd == 'record' and len(args) == 3:
        record(*args)
    elif cmd == 'seed' and len(args) == 2:
        seed(*args)
    else:
        sys.exit(__doc__)
