"""Shared bits of the peer harnesses: CPU clock, peak memory, JSON output."""
import json
import resource
import time


def cpu():
    """CPU seconds of this process: the machine is shared, so wall time would count the neighbours."""
    return time.process_time()


def peak_mb():
    """Peak resident set of this process in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_json(path, value):
    if path:
        with open(path, "w") as f:
            json.dump(value, f, indent=1, sort_keys=True)
    print(json.dumps(value, sort_keys=True))
